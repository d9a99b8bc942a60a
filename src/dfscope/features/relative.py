"""Face-relative features: each statistic measured on the face and on its surround in the same
crop, kept as their log ratio, and the seam around the face where a swap is blended in.

Why: a coding applied to the whole frame (H.264 against JPEG, a quality, a rescaling) moves a
statistic of the face and of the background around it alike, so their ratio cancels it; a swapped
face, generated, decoded smooth, resized and pasted, is changed where the background is not, so
the ratio keeps that. On DeepfakeTIMIT the classes were coded apart and the background alone
tells them apart (docs/detection.md): absolute statistics of the face measure that coding as
much as the swap, these measure the face against its own frame.

Regions, in the crop's own pixels (no resampling, which would change noise and blocks): the face
is the ellipse inscribed in the face box, the surround everything outside the box, each kept
only where a filter's window lies wholly inside it. The seam is the band along the ellipse's
outline, a tenth of the box's half-side on either side, against the bands just inside and just
outside it.

- ``relative_sharpness``: log10 of the variance of the Laplacian, face over surround;
- ``relative_detail``: log10 of the energy of the fine detail (the grey image less its Gaussian
  blur, sigma 1), face over surround;
- ``relative_blockiness``: log10 of the 8 x 8 block-grid strength (mean |step| across the
  strongest phase of block edges over the other phases), face over surround: a face resized
  and pasted after the frame's coding loses the frame's grid;
- ``relative_chroma_noise``: log10 of the noise of the Cr channel (Immerkaer), face over
  surround: codecs subsample colour, and a pasted face's colour went another way;
- ``seam_gradient``: log10 of the squared gradient in the seam over that of the bands on either
  side: a blending boundary is an edge, or a smoothed band, where a real face has neither;
- ``seam_detail``: the same of the fine detail's energy;
- ``seam_colour``: the same of the colour's gradient (Cr and Cb): a colour step at the blend,
  where a face's colour was matched to its new frame only on average.

Each is 0 for a crop of one texture throughout, whatever it is coded with. NaN where a region
has no pixel or a statistic is 0 (a flat region). Parameters: none.
"""

from __future__ import annotations

import cv2
import numpy as np

from ..geometry import Box, ellipse_mask
from ._face import core, grey
from .residual import noise_sigma, regions

NAMES = (
    "relative_sharpness",
    "relative_detail",
    "relative_blockiness",
    "relative_chroma_noise",
    "seam_gradient",
    "seam_detail",
    "seam_colour",
)
#: The 3 x 3 kernel of Immerkaer's noise estimate, and its gain on white noise.
_NOISE = np.array([[1.0, -2, 1], [-2, 4, -2], [1, -2, 1]])
_NOISE_GAIN = 6.0
#: Half the seam band's width, and the side bands', as a fraction of the box's half-side.
SEAM = 0.1


def columns() -> list[str]:
    return list(NAMES)


def measure(crop: np.ndarray, face: Box) -> np.ndarray:
    """The 7 features of ``crop`` ((S, S, 3) uint8 BGR) and its face box: float64 (7,)."""
    gray = grey(crop)
    inside, outside = regions(crop.shape, face)
    ycrcb = cv2.cvtColor(crop, cv2.COLOR_BGR2YCrCb).astype(np.float64)
    laplacian = _exact(cv2.Laplacian(gray, cv2.CV_64F, ksize=1))
    detail = _exact(gray - cv2.GaussianBlur(gray, (0, 0), 1.0))
    chroma = _exact(cv2.filter2D(ycrcb[..., 1], cv2.CV_64F, _NOISE))
    gradient = _gradient(gray)
    colour = np.hypot(_gradient(ycrcb[..., 1]), _gradient(ycrcb[..., 2]))
    band, inner, outer = seam_bands(crop.shape, face)
    sides = inner | outer
    return np.array(
        [
            _log_ratio(
                _variance(laplacian, core(inside, 1)), _variance(laplacian, core(outside, 1))
            ),
            _log_ratio(
                _mean_square(detail, core(inside, 3)), _mean_square(detail, core(outside, 3))
            ),
            _log_ratio(grid_strength(gray, inside), grid_strength(gray, outside)),
            _log_ratio(
                noise_sigma(chroma[core(inside, 1)], _NOISE_GAIN),
                noise_sigma(chroma[core(outside, 1)], _NOISE_GAIN),
            ),
            _log_ratio(_mean_square(gradient, band), _mean_square(gradient, sides)),
            _log_ratio(_mean_square(detail, band), _mean_square(detail, sides)),
            _log_ratio(_mean_square(colour, band), _mean_square(colour, sides)),
        ],
        np.float64,
    )


def seam_bands(shape: tuple[int, ...], face: Box) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Boolean (H, W) masks of the seam (the band along the outline of the ellipse inscribed in
    ``face``, :data:`SEAM` of its half-side on either side) and of the bands of that width just
    inside and just outside it."""
    width = max(1, round(SEAM * min(face.w, face.h) / 2))
    rings = [ellipse_mask(shape, face, grow) for grow in (-3 * width, -width, width, 3 * width)]
    return rings[2] & ~rings[1], rings[1] & ~rings[0], rings[3] & ~rings[2]


def grid_strength(gray: np.ndarray, region: np.ndarray) -> float:
    """The 8 x 8 block grid's strength in ``region`` (a boolean mask): along each axis, the mean
    |difference| between neighbours across the strongest of the 8 phases of block edges and
    across the other 7 (both neighbours in the region); the two axes' edge means summed over
    their inside means summed. 1 with no grid; NaN where a phase has no pair or there is no
    step. The phase is found where it is strongest: the frame's grid, in crop pixels at full
    size."""
    edges, insides = 0.0, 0.0
    for axis in (0, 1):
        steps = np.abs(np.diff(gray, axis=axis))
        pairs = region[1:] & region[:-1] if axis == 0 else region[:, 1:] & region[:, :-1]
        phase = np.indices(steps.shape)[axis][pairs] % 8
        sums = np.bincount(phase, weights=steps[pairs], minlength=8)
        counts = np.bincount(phase, minlength=8)
        if counts.min() == 0:
            return float("nan")
        means = sums / counts
        edge = int(np.argmax(means))
        edges += means[edge]
        insides += (sums.sum() - sums[edge]) / (counts.sum() - counts[edge])
    return float(edges / insides) if insides > 0 else float("nan")


def _exact(values: np.ndarray) -> np.ndarray:
    """``values`` with the round-off of a filter on flat 8-bit pixels (below 1e-9) made 0: no
    genuine residual of 8-bit pixels is that small, and a flat region must have none."""
    values[np.abs(values) < 1e-9] = 0.0
    return values


def _gradient(channel: np.ndarray) -> np.ndarray:
    """The Sobel gradient's magnitude of a (H, W) float64 channel."""
    return np.hypot(cv2.Sobel(channel, cv2.CV_64F, 1, 0), cv2.Sobel(channel, cv2.CV_64F, 0, 1))


def _variance(values: np.ndarray, region: np.ndarray) -> float:
    return float(values[region].var()) if region.any() else float("nan")


def _mean_square(values: np.ndarray, region: np.ndarray) -> float:
    return float(np.mean(values[region] ** 2)) if region.any() else float("nan")


def _log_ratio(face: float, surround: float) -> float:
    """log10(face / surround); NaN where either is NaN or not positive."""
    if not (face > 0 and surround > 0):
        return float("nan")
    return float(np.log10(face / surround))
