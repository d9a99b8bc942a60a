"""``quality``: 19 hand-made no-reference features of a face crop: traces a classifier can use
without the original.

Each feature is a plain function ``f(crop, face) -> float`` of a (S, S, 3)
uint8 BGR crop and the face's :class:`~dfscope.geometry.Box` inside it, in
whole crop pixels (the crop has a margin around the detector's box, so the
ring between the two is the face's surround). Features are registered by
name in :data:`FEATURES`; the family's parameter ``names`` (the config's
``features.quality.names``) chooses which are computed, all by default.

The reasoning follows the DeepfakeTIMIT baseline (image-quality measures,
Galbally et al. 2014): a swapped face was generated at low resolution and
upsampled, so it is smoother than the real skin, hair and background around
it, and that mismatch shows without any reference.

The families, each computed on real and fake crops alike: sharpness and
blur, noise, compression blocking and spectral energy of the face (what
generating at 64x64 or 128x128, upsampling and re-encoding change); colour
moments in YCrCb and HSV (what colour matching changes); and mismatches
between the face box and its surround (sharpness, noise, contrast, colour)
or along the face's outline (the seam of the soft blending mask). Ratios are
log10(surround / face), so > 0 always means "the face has less", the
fake-like direction.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import lru_cache

import cv2
import numpy as np

from ..geometry import Box, ellipse_mask
from ._face import core

FEATURES: dict[str, Callable[[np.ndarray, Box], float]] = {}


def feature(fn):
    """Register ``fn`` under its name."""
    FEATURES[fn.__name__] = fn
    return fn


def _gray(image: np.ndarray) -> np.ndarray:
    return cv2.cvtColor(image, cv2.COLOR_BGR2GRAY).astype(np.float64)


def laplacian_variance(gray: np.ndarray, mask: np.ndarray | None = None) -> float:
    """Variance of the 3x3 Laplacian of a grey image (in a boolean ``mask``): a sharpness score.

    Larger means more fine detail. A flat image gives 0.
    """
    lap = cv2.Laplacian(np.asarray(gray, np.float64), cv2.CV_64F, ksize=1)
    values = lap[1:-1, 1:-1] if mask is None else lap[1:-1, 1:-1][mask[1:-1, 1:-1]]
    return float(values.var()) if values.size else float("nan")


def _face_and_ring(shape: tuple[int, ...], face: Box) -> tuple[np.ndarray, np.ndarray]:
    inside = np.zeros(shape[:2], bool)
    inside[max(face.y, 0) : face.y1, max(face.x, 0) : face.x1] = True
    return inside, ~inside


@feature
def face_sharpness(crop: np.ndarray, face: Box) -> float:
    """log10 of the Laplacian variance inside the face box (absolute sharpness of the face)."""
    inside, _ = _face_and_ring(crop.shape, face)
    return float(np.log10(laplacian_variance(_gray(crop), inside) + 1e-6))


@feature
def face_blur_ratio(crop: np.ndarray, face: Box) -> float:
    """log10 of (surround sharpness / face sharpness): > 0 when the face is the blurrier.

    The score of choice for a fake made at low resolution: the same camera
    and the same compression give a real face and its surround similar
    detail, an upsampled swapped face much less. Higher = more fake-like.
    """
    gray = _gray(crop)
    inside, ring = _face_and_ring(crop.shape, face)
    return float(
        np.log10(
            (laplacian_variance(gray, ring) + 1e-6) / (laplacian_variance(gray, inside) + 1e-6)
        )
    )


def _box(face: Box) -> tuple[slice, slice]:
    return slice(max(face.y, 0), max(face.y1, 0)), slice(max(face.x, 0), max(face.x1, 0))


def _mean(values: np.ndarray) -> float:
    return float(values.mean()) if values.size else float("nan")


def _std(values: np.ndarray) -> float:
    return float(values.std()) if values.size else float("nan")


def _log_ratio(surround: float, face: float) -> float:
    """log10 of (surround + 1e-6) / (face + 1e-6): 0 when equal, > 0 when the face has less."""
    return float(np.log10((surround + 1e-6) / (face + 1e-6)))


def _face_colour(crop: np.ndarray, face: Box, code: int) -> np.ndarray:
    """The face box's pixels, float32 in [0, 1], converted by ``cv2.cvtColor`` ``code``: (N, 3)."""
    rows, cols = _box(face)
    pixels = crop[rows, cols].astype(np.float32) * np.float32(1 / 255)
    return (
        cv2.cvtColor(pixels, code).reshape(-1, 3) if pixels.size else np.empty((0, 3), np.float32)
    )


@feature
def face_gradient_energy(crop: np.ndarray, face: Box) -> float:
    """log10 of the Tenengrad inside the face box: mean squared Sobel gradient, (grey levels/px)^2.

    A second sharpness score, less sensitive to noise than the Laplacian:
    the 3x3 Sobel derivatives are scaled by 1/8 so that a ramp rising by
    ``a`` grey levels per pixel scores log10(a^2). An upsampled face has weak
    gradients everywhere but at its few large edges.
    """
    gray = _gray(crop)[_box(face)]
    gx = cv2.Sobel(gray, cv2.CV_64F, 1, 0, ksize=3, scale=1 / 8)[1:-1, 1:-1]
    gy = cv2.Sobel(gray, cv2.CV_64F, 0, 1, ksize=3, scale=1 / 8)[1:-1, 1:-1]
    return float(np.log10(_mean(gx**2 + gy**2) + 1e-6))


def _blur_effect(image: np.ndarray) -> float:
    # Crete-Roffet along x, over the differences whose 9-pixel blur reads no pixel outside.
    sharp = np.abs(np.diff(image, axis=1))[:, 4:-4]
    lost = np.maximum(0, sharp - np.abs(np.diff(cv2.blur(image, (9, 1)), axis=1))[:, 4:-4])
    total = sharp.sum()
    return float(1 - lost.sum() / total) if total > 0 else float("nan")


@feature
def face_blur_effect(crop: np.ndarray, face: Box) -> float:
    """Perceptual blur of the face box (Crete-Roffet et al. 2007) in [0, 1]: 0 sharp, 1 all blurred.

    Re-blur the face with a 9-pixel box filter along x, and along y: a sharp
    image loses most of its neighbour differences, a blurry one little. Per
    axis, blur = 1 - sum(max(0, |dF| - |dB|)) / sum(|dF|), F the face and B
    its re-blurred copy, dF and dB their differences between neighbours
    along that axis; the score is the larger of the two axes. A single step
    edge scores 1/9. NaN when the face is flat (no variation to lose).
    """
    rows, cols = _box(face)
    gray = _gray(crop)[rows, cols]
    defined = [
        b
        for b in (_blur_effect(gray), _blur_effect(np.ascontiguousarray(gray.T)))
        if not np.isnan(b)
    ]
    return float(max(defined)) if defined else float("nan")


_NOISE_KERNEL = np.outer([1.0, -2.0, 1.0], [1.0, -2.0, 1.0])


def _noise(residual: np.ndarray) -> float:
    """Immerkaer's sigma from the |residuals| of :data:`_NOISE_KERNEL` over one region."""
    return float(np.sqrt(np.pi / 2) / 6 * _mean(np.abs(residual)))


@feature
def face_noise(crop: np.ndarray, face: Box) -> float:
    """Standard deviation of the noise inside the face box, in grey levels (Immerkaer 1996).

    A camera face carries sensor noise; a generated face is the decoder's
    smooth output, upsampled, so only the re-encoding's noise is left. The
    residual of the 3x3 filter [1 -2 1]^T [1 -2 1] (the second difference
    along x of the second difference along y) is 0 on any f(x) + g(y):
    flat areas, ramps and edges along the axes. Under white Gaussian noise
    of std sigma it has std 6 sigma, so sigma = sqrt(pi / 2) / 6 * mean
    |residual| over the pixels whose 3x3 neighbourhood lies in the face.
    """
    return _noise(cv2.filter2D(_gray(crop)[_box(face)], cv2.CV_64F, _NOISE_KERNEL)[1:-1, 1:-1])


@feature
def face_noise_ratio(crop: np.ndarray, face: Box) -> float:
    """log10 of (surround noise / face noise), as :func:`face_noise`: > 0 when the face is cleaner.

    The camera's noise is the same on a real face and around it; a pasted
    generated face is cleaner than the untouched background. Higher = more
    fake-like. NaN when the crop has no surround.
    """
    residual = cv2.filter2D(_gray(crop), cv2.CV_64F, _NOISE_KERNEL)
    inside, ring = _face_and_ring(crop.shape, face)
    return _log_ratio(_noise(residual[core(ring, 1)]), _noise(residual[core(inside, 1)]))


def _grid_strength(diffs: np.ndarray, start: int) -> tuple[float, float]:
    # Mean |difference| at the strongest 8-pixel phase, and at the other 7; columns of ``diffs``.
    phase = (start + np.arange(diffs.shape[1])) % 8
    sums = np.bincount(phase, weights=diffs.sum(0), minlength=8)
    counts = np.bincount(phase, minlength=8) * diffs.shape[0]
    means = np.divide(sums, counts, out=np.full(8, -np.inf), where=counts > 0)
    best = int(np.argmax(means))
    others = counts.sum() - counts[best]
    return float(means[best]), float((sums.sum() - sums[best]) / others) if others else 0.0


@feature
def face_blockiness(crop: np.ndarray, face: Box) -> float:
    """8x8 blockiness of the face box: mean |step| across the codec's block edges / inside blocks.

    Re-encoding leaves steps at the borders of the 8x8 DCT blocks. The grid's
    position is unknown, so along x the strongest of the 8 column phases of
    |horizontal neighbour differences| is taken as the block edges and the
    other 7 phases as the inside, and likewise along y; the score is
    (edges_x + edges_y + 1e-6) / (inside_x + inside_y + 1e-6). 1: no grid (a
    flat face too); above 1: a grid. The grid is the frame's, in crop pixels
    only when the crop is cut at full size; resizing the crop blurs it.
    """
    rows, cols = _box(face)
    gray = _gray(crop)[rows, cols]
    if min(gray.shape) < 2:
        return float("nan")
    edge_x, inside_x = _grid_strength(np.abs(np.diff(gray, axis=1)), cols.start + 1)
    edge_y, inside_y = _grid_strength(np.abs(np.diff(gray, axis=0)).T, rows.start + 1)
    return float((edge_x + edge_y + 1e-6) / (inside_x + inside_y + 1e-6))


@lru_cache(maxsize=16)
def _spectral_grid(rows: int, cols: int) -> tuple[np.ndarray, np.ndarray]:
    """The 2-D Hann window of a face, and the squared frequency radius of its padded DFT."""
    h, w = cv2.getOptimalDFTSize(rows), cv2.getOptimalDFTSize(cols)
    return (
        np.outer(np.hanning(rows), np.hanning(cols)),
        np.add.outer(np.fft.fftfreq(h) ** 2, np.fft.fftfreq(w) ** 2),
    )


def _band_energy(crop: np.ndarray, face: Box, low: float, high: float) -> float:
    rows, cols = _box(face)
    gray = _gray(crop)[rows, cols]
    if gray.size == 0 or gray.min() == gray.max():
        return float("nan")
    window, radius2 = _spectral_grid(*gray.shape)
    windowed = (gray - (gray * window).sum() / window.sum()) * window
    h, w = radius2.shape
    spectrum = cv2.dft(
        cv2.copyMakeBorder(
            windowed, 0, h - gray.shape[0], 0, w - gray.shape[1], cv2.BORDER_CONSTANT, value=0
        ),
        flags=cv2.DFT_COMPLEX_OUTPUT,
    )
    power = spectrum[..., 0] ** 2 + spectrum[..., 1] ** 2
    return float(power[(radius2 > low**2) & (radius2 <= high**2)].sum() / power.sum())


@feature
def face_high_freq_energy(crop: np.ndarray, face: Box) -> float:
    """Fraction of the face box's spectral energy above 0.25 cycles/pixel (half the Nyquist rate).

    A face generated at 64x64 and upsampled has almost nothing above the
    Nyquist frequency of its generator; a real face, filmed at full
    resolution, has texture up to the crop's. Power spectrum of the face
    less its mean, weighted by a 2-D Hann window (no leakage from its
    borders) and zero-padded to an FFT-friendly size; frequency radius
    sqrt(fx^2 + fy^2) in cycles/pixel. In [0, 1]; NaN when the face is flat.
    """
    return _band_energy(crop, face, 0.25, np.inf)


@feature
def face_mid_freq_energy(crop: np.ndarray, face: Box) -> float:
    """Fraction of the face box's spectral energy between 0.125 and 0.25 cycles/pixel.

    The band an upsampled face keeps only partly: a generator of half the
    face's resolution reaches 0.25 cycles/pixel at most, its interpolation
    filter weakens the top of that range. Same spectrum as
    :func:`face_high_freq_energy`; in [0, 1]; NaN when the face is flat.
    """
    return _band_energy(crop, face, 0.125, 0.25)


@feature
def face_cr_mean(crop: np.ndarray, face: Box) -> float:
    """Mean Cr of the face box, 8-bit scale, 0 neutral: 0.713 (R - Y), Y = 0.299 R + 0.587 G +
    0.114 B.

    Colour moment (YCrCb, BT.601): Cr is the redness that blood gives skin.
    A swapped face is colour-matched to its target only on average, so its
    chroma moments drift from the person's; alone a weak score (it varies
    between people), against the surround's it is a mismatch.
    """
    return _mean((_face_colour(crop, face, cv2.COLOR_BGR2YCrCb)[:, 1] - 0.5) * 255)


@feature
def face_cr_std(crop: np.ndarray, face: Box) -> float:
    """Standard deviation of Cr over the face box, 8-bit scale (see :func:`face_cr_mean`).

    The spread of redness: lips, cheeks and shading on a real face, flattened
    on a face decoded from a small latent and smoothed by upsampling.
    """
    return _std((_face_colour(crop, face, cv2.COLOR_BGR2YCrCb)[:, 1] - 0.5) * 255)


@feature
def face_cb_mean(crop: np.ndarray, face: Box) -> float:
    """Mean Cb of the face box (YCrCb, 8-bit scale, 0 = neutral): 0.564 (B - Y).

    Colour moment along the blue-yellow axis, the other chroma axis the
    colour matching of the swap has to fit (see :func:`face_cr_mean`).
    """
    return _mean((_face_colour(crop, face, cv2.COLOR_BGR2YCrCb)[:, 2] - 0.5) * 255)


@feature
def face_cb_std(crop: np.ndarray, face: Box) -> float:
    """Standard deviation of Cb over the face box, 8-bit scale (see :func:`face_cb_mean`).

    Chroma detail is what video coding and upsampling remove first, so a
    generated, re-encoded face has a narrower Cb spread.
    """
    return _std((_face_colour(crop, face, cv2.COLOR_BGR2YCrCb)[:, 2] - 0.5) * 255)


@feature
def face_saturation_mean(crop: np.ndarray, face: Box) -> float:
    """Mean HSV saturation of the face box, (max - min) / max of (R, G, B), in [0, 1] (0 for black).

    Colour moment in a third space: saturation is chroma relative to
    brightness, so it sees a colour match that got the average hue right
    but left the face paler or more vivid than the person's skin.
    """
    return _mean(_face_colour(crop, face, cv2.COLOR_BGR2HSV)[:, 1])


@feature
def face_saturation_std(crop: np.ndarray, face: Box) -> float:
    """Standard deviation of HSV saturation over the face box, in [0, 1].

    The spread of saturation between skin, lips, eyes and highlights, narrower
    on a smoothed generated face.
    """
    return _std(_face_colour(crop, face, cv2.COLOR_BGR2HSV)[:, 1])


@feature
def face_colour_mismatch(crop: np.ndarray, face: Box) -> float:
    """Distance between the mean CIELAB colours of the face box and of its surround (Delta E 1976).

    The swap was colour-matched and blended, which leaves the face's colour
    slightly off its neck, ears and light. Euclidean distance of the mean
    (L*, a*, b*) (D65, sRGB) inside the box and in the ring around it; one
    Delta E is a just-noticeable difference. NaN when there is no surround.
    """
    inside, ring = _face_and_ring(crop.shape, face)
    if not inside.any() or not ring.any():
        return float("nan")
    lab = cv2.cvtColor(crop.astype(np.float32) * np.float32(1 / 255), cv2.COLOR_BGR2Lab)
    means = [cv2.mean(lab, mask.astype(np.uint8))[:3] for mask in (inside, ring)]
    return float(np.linalg.norm(np.subtract(*means)))


@feature
def face_specular_ratio(crop: np.ndarray, face: Box) -> float:
    """Fraction of face-box pixels that are specular highlights: HSV value >= 0.9, saturation <= 0.2

    Light reflected off skin is bright and takes the light's (white) colour.
    A generator smooths highlights away or bakes in the ones of its training
    faces, which the colour matching then tints: fewer or misplaced
    highlights than the real scene's light gives. In [0, 1].
    """
    hsv = _face_colour(crop, face, cv2.COLOR_BGR2HSV)
    return _mean((hsv[:, 2] >= 0.9) & (hsv[:, 1] <= 0.2))


@feature
def face_boundary_edges(crop: np.ndarray, face: Box) -> float:
    """Edge density on the face's outline less that inside it: Canny (50, 150) edges per pixel.

    The swapped face was pasted with a soft mask close to the ellipse
    inscribed in the face box; an imperfect colour match or blur leaves a
    seam along it. Band: between the ellipses with semi-axes 2 pixels
    shorter and 2 longer than the inscribed one (4 pixels wide); inside: the
    shorter one. Score = band density - inside density, in [-1, 1]; 0 when
    edges are as common on the outline as inside (a flat crop too).
    """
    edges = cv2.Canny(cv2.cvtColor(crop, cv2.COLOR_BGR2GRAY), 50, 150) > 0
    interior = ellipse_mask(crop.shape, face, -2)
    band = ellipse_mask(crop.shape, face, 2) & ~interior
    return _mean(edges[band]) - _mean(edges[interior])


@feature
def face_contrast_ratio(crop: np.ndarray, face: Box) -> float:
    """log10 of (surround RMS contrast / face RMS contrast): > 0 when the face is the flatter.

    RMS contrast = standard deviation of the grey levels. A face rebuilt by
    an autoencoder loses fine shading and is blended into the frame, so its
    contrast drops relative to hair and background, which stay real. NaN
    when the crop has no surround.
    """
    gray = _gray(crop)
    inside, ring = _face_and_ring(crop.shape, face)
    if not ring.any():
        return float("nan")
    return _log_ratio(float(gray[ring].std()), float(gray[inside].std()))


def columns(*, names: Sequence[str]) -> list[str]:
    """The features of this family that ``names`` chooses, in its order."""
    return list(names)


def measure(crop: np.ndarray, face: Box, *, names: Sequence[str]) -> np.ndarray:
    """The features ``names`` of one crop: float64, NaN where a feature is undefined."""
    return np.array([FEATURES[name](crop, face) for name in names], dtype=np.float64)
