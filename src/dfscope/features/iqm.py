"""Galbally's 18 full-reference image-quality measures of a face against its own blurred copy.

Galbally, Marcel & Fierrez (IEEE TIP 2014) detect fakes with no reference
image by degrading the sample itself: the grey face I is smoothed by a 3x3
Gaussian (sigma 0.5) into Î, and full-reference measures compare the two. A
sharp, detailed image loses much to the blur, an already smooth one (a
recaptured photo, a face generated at low resolution and upsampled) little.
These are the 18 that Idiap's face PAD (``bob.pad.face`` image-quality
measures, ``bob.ip.qualitymeasure``) keeps, the IQM+SVM baseline of the
DeepfakeTIMIT paper: MSE, PSNR, AD, SC, NK, MD, LMSE, NAE, SNRv, RAMDv, MAS,
MAMS, SME, GME, GPE, SSIM, VIF and HLFI (the last a no-reference measure of
I alone). Each is a small function of two (H, W) float arrays of grey levels
in [0, 255]; :func:`measure` applies them to a crop.

Region: the face box, stretched to ``size`` x ``size``. The measures
describe the face, so the crop's margin (hair, neck, background, which a
swap leaves untouched) is left out; a fixed size makes the measures
comparable between faces near and far (they all depend on scale).

Parameters (the config schema holds the defaults):

- ``size``: side of the resized face box, in pixels, >= 41 (VIF's four
  scales need it). Recommended 64: Idiap's face crops were 64 x 64, and a
  face box of a 128-pixel crop cut with a 0.2 margin is about 91 pixels, so
  64 shrinks it (no made-up detail), as Idiap shrank faces from the frame.

Definitions as in Galbally et al.'s Table, with these choices where the
paper, Idiap's code or the grey-level case leave one open (each function
says which it made): the 8-bit peak 255 for PSNR; R = 10 for RAMD; image
rows as the vectors of MAS and MAMS; an orthonormal DFT for SME; central
differences for the gradient of GME and GPE and phase differences wrapped to
(-pi, pi]; Wang et al.'s SSIM (11 x 11 Gaussian, sigma 1.5, valid region);
Sheikh & Bovik's pixel-domain multi-scale VIF (VIFp, 4 scales); and for HLFI
a centred low-frequency square of 15 % of the spectrum's width.

Every value is finite or NaN: NaN where a measure is undefined, as each
function says. A flat face is left unchanged by the blur, so its PSNR, SNR,
LMSE, GPE and VIF are NaN (no difference, no curvature, no gradient, no
information to keep), while MSE, AD, MD, RAMD, MAMS, SME and GME are truly
0, SC, NK, MAS, SSIM and HLFI 1. An all-black face also has NaN SC, NK,
NAE, MAS, MAMS and HLFI (nothing to divide by).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache

import cv2
import numpy as np

from ..comparison import ssim_of_levels
from ..geometry import Box
from ._face import face_patch, grey

PEAK = 255.0  # the largest 8-bit grey level
MIN_SIZE = 41  # the smallest image on which VIF's fourth scale keeps a window


def _ratio(num: float, den: float) -> float:
    """num / den, NaN when den is 0."""
    return float(num / den) if den != 0 else float("nan")


def _log10(value: float) -> float:
    """log10 of value, NaN unless value is positive and finite."""
    return float(np.log10(value)) if 0 < value < np.inf else float("nan")


@lru_cache(maxsize=16)
def _gaussian(side: int, sigma: float) -> np.ndarray:
    """The normalised 1-D Gaussian of ``side`` taps; its outer product is MATLAB's fspecial one."""
    return cv2.getGaussianKernel(side, sigma, cv2.CV_64F)


def _filter(image: np.ndarray, kernel: np.ndarray) -> np.ndarray:
    """``image`` filtered by the separable ``kernel`` (outer product of a 1-D one), border mirrored
    (scipy's 'symm')."""
    return cv2.sepFilter2D(image, cv2.CV_64F, kernel, kernel, borderType=cv2.BORDER_REFLECT)


def _filter_valid(image: np.ndarray, kernel: np.ndarray) -> np.ndarray:
    """``image`` filtered by ``kernel`` where the window lies inside: (H - n + 1, W - n + 1)."""
    r = len(kernel) // 2
    return _filter(image, kernel)[r : image.shape[0] - r, r : image.shape[1] - r]


def smooth(image: np.ndarray) -> np.ndarray:
    """Î: ``image`` blurred by a 3 x 3 Gaussian of sigma 0.5, border mirrored (Galbally's blur).

    The mean is taken out before filtering and put back after, which changes
    nothing mathematically but leaves a flat image exactly flat (the kernel's
    rounding would otherwise leave 1e-14 differences and a finite PSNR).
    """
    mean = image.mean()
    return _filter(image - mean, _gaussian(3, 0.5)) + mean


def mse(ref: np.ndarray, test: np.ndarray) -> float:
    """Mean squared error, mean of (I - Î)^2, in grey levels squared."""
    return float(np.mean((ref - test) ** 2))


def psnr(ref: np.ndarray, test: np.ndarray) -> float:
    """Peak signal-to-noise ratio 10 log10(255^2 / MSE), in dB.

    The peak is the 8-bit range, as Idiap's code has it (the paper writes
    max(I^2), the image's own brightest pixel). NaN when MSE is 0.
    """
    error = mse(ref, test)
    return 10 * _log10(PEAK**2 / error) if error > 0 else float("nan")


def average_difference(ref: np.ndarray, test: np.ndarray) -> float:
    """AD: the mean of I - Î, signed, in grey levels.

    A blur with a mirrored border keeps the image's mean, so against
    :func:`smooth` AD is 0 up to rounding (1e-15): kept for the set's sake.
    """
    return float(np.mean(ref - test))


def structural_content(ref: np.ndarray, test: np.ndarray) -> float:
    """SC: sum I^2 / sum Î^2. NaN when Î is all black."""
    return _ratio(np.sum(ref**2), np.sum(test**2))


def normalized_cross_correlation(ref: np.ndarray, test: np.ndarray) -> float:
    """NK: sum I Î / sum I^2. NaN when I is all black."""
    return _ratio(np.sum(ref * test), np.sum(ref**2))


def maximum_difference(ref: np.ndarray, test: np.ndarray) -> float:
    """MD: max |I - Î|, in grey levels."""
    return float(np.max(np.abs(ref - test)))


def laplacian_mse(ref: np.ndarray, test: np.ndarray) -> float:
    """LMSE: sum (h(I) - h(Î))^2 / sum h(I)^2, h the 4-neighbour Laplacian, border mirrored.

    How much of the image's curvature (fine detail) the blur removed. NaN when
    h(I) is 0 everywhere (a flat image).
    """
    lap_ref = cv2.Laplacian(ref, cv2.CV_64F, ksize=1, borderType=cv2.BORDER_REFLECT)
    lap_test = cv2.Laplacian(test, cv2.CV_64F, ksize=1, borderType=cv2.BORDER_REFLECT)
    return _ratio(np.sum((lap_ref - lap_test) ** 2), np.sum(lap_ref**2))


def normalized_absolute_error(ref: np.ndarray, test: np.ndarray) -> float:
    """NAE: sum |I - Î| / sum |I|. NaN when I is all black."""
    return _ratio(np.sum(np.abs(ref - test)), np.sum(np.abs(ref)))


def snr(ref: np.ndarray, test: np.ndarray) -> float:
    """SNRv: signal-to-noise ratio 10 log10(sum I^2 / sum (I - Î)^2), in dB.

    NaN when the images are identical (no noise) or I is all black.
    """
    noise = np.sum((ref - test) ** 2)
    return 10 * _log10(np.sum(ref**2) / noise) if noise > 0 else float("nan")


R_AVERAGED = 10  # RAMD's R, Galbally's value


def r_averaged_maximum_difference(ref: np.ndarray, test: np.ndarray) -> float:
    """RAMDv: the mean of the R = 10 largest |I - Î|, in grey levels.

    A maximum difference less at the mercy of one pixel. (Idiap's code takes
    the square root of the mean of the 10 largest signed differences; this is
    the paper's definition.)
    """
    diff = np.abs(ref - test).ravel()
    r = min(R_AVERAGED, diff.size)
    return float(np.mean(np.partition(diff, diff.size - r)[-r:]))


def _row_angles(ref: np.ndarray, test: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per row with two non-zero vectors: the angle between I's and Î's row over pi / 2, and the
    length of their difference over its largest possible value 255 sqrt(W)."""
    norms = np.linalg.norm(ref, axis=1) * np.linalg.norm(test, axis=1)
    keep = norms > 0
    cosine = np.clip(np.sum(ref * test, axis=1)[keep] / norms[keep], -1.0, 1.0)
    magnitude = np.linalg.norm(ref - test, axis=1)[keep] / (PEAK * np.sqrt(ref.shape[1]))
    return np.arccos(cosine) * (2 / np.pi), magnitude


def mean_angle_similarity(ref: np.ndarray, test: np.ndarray) -> float:
    """MAS: 1 - mean alpha, alpha = 2 / pi arccos(<i, î> / (|i| |î|)) over the image rows i, î.

    Avcibas et al. defined the angle between the colour vectors of a pixel;
    a grey pixel is a scalar, so, as in Idiap's code, each row of the image is
    a vector (the mean is over rows here, where Idiap's divides the sum by
    the number of pixels). In [0, 1], 1 when every row keeps its direction.
    NaN when every row of I or Î is zero.
    """
    alpha, _ = _row_angles(ref, test)
    return float(1 - alpha.mean()) if alpha.size else float("nan")


def mean_angle_magnitude_similarity(ref: np.ndarray, test: np.ndarray) -> float:
    """MAMS: mean of 1 - (1 - alpha)(1 - |i - î| / (255 sqrt(W))) over the rows (see MAS).

    Angle and length of the difference together. The length is scaled by
    the largest a row difference can be, 255 sqrt(W), so that the term stays
    in [0, 1] (the paper's 255 is the bound for one pixel). In [0, 1], 0 for
    identical images. NaN when every row of I or Î is zero.
    """
    alpha, magnitude = _row_angles(ref, test)
    return float(np.mean(1 - (1 - alpha) * (1 - magnitude))) if alpha.size else float("nan")


def spectral_magnitude_error(ref: np.ndarray, test: np.ndarray) -> float:
    """SME: the mean over DFT coefficients of (|F| - |F̂|)^2, orthonormal DFT, grey levels squared.

    The orthonormal DFT (scaled by 1 / sqrt(H W)) keeps Parseval's sum, so
    SME <= MSE and it does not grow with the image's size.
    """
    return float(
        np.mean(
            (np.abs(np.fft.fft2(ref, norm="ortho")) - np.abs(np.fft.fft2(test, norm="ortho"))) ** 2
        )
    )


def _gradient(image: np.ndarray) -> np.ndarray:
    """The gradient as the complex field d/dx + i d/dy (central differences; one-sided at edges)."""
    dy, dx = np.gradient(image)
    return dx + 1j * dy


def gradient_magnitude_error(ref: np.ndarray, test: np.ndarray) -> float:
    """GME: the mean of (|G| - |Ĝ|)^2, G the gradient, in (grey levels per pixel) squared."""
    return float(np.mean((np.abs(_gradient(ref)) - np.abs(_gradient(test))) ** 2))


def gradient_phase_error(ref: np.ndarray, test: np.ndarray) -> float:
    """GPE: the mean of (arg G - arg Ĝ)^2, radians squared, the difference wrapped to (-pi, pi].

    Over the pixels where both gradients are non-zero: elsewhere the
    direction is undefined. NaN when there is none (a flat image).
    """
    g_ref, g_test = _gradient(ref), _gradient(test)
    both = (g_ref != 0) & (g_test != 0)
    return (
        float(np.mean(np.angle(g_ref[both] * np.conj(g_test[both])) ** 2))
        if both.any()
        else float("nan")
    )


def ssim(ref: np.ndarray, test: np.ndarray) -> float:
    """SSIM (Wang et al. 2004): mean over the valid region of the local structural similarity.

    Local means, variances and covariance under an 11 x 11 Gaussian window
    (sigma 1.5), C1 = (0.01 * 255)^2, C2 = (0.03 * 255)^2; windows wholly
    inside the image only. In [-1, 1], 1 for identical images (flat ones too).
    The paired and temporal steps' SSIM with its Gaussian weights
    (:func:`dfscope.comparison.ssim_of_levels`), of grey levels here.
    """
    return ssim_of_levels(ref, test, gaussian_weights=True)


VIF_NOISE = 2.0  # sigma_n^2 of the visual noise, in grey levels squared (Sheikh & Bovik)


def vif(ref: np.ndarray, test: np.ndarray) -> float:
    """VIF, pixel domain, four scales (Sheikh & Bovik's VIFp, as Galbally and Idiap used it).

    Information about I that survives in Î, over the information in I, both
    through a visual channel with noise variance 2. At scale s = 1..4 a
    Gaussian window of side n = 2^(5 - s) + 1 and sigma n / 5 gives local
    variances s1, s2 and covariance c (windows inside the image); from scale 2
    on the images are first filtered by that window and halved. With
    g = c / s1 and sv = s2 - g c (the gain and the noise of the distortion
    channel, clipped as in the published code), VIF = sum log10(1 + g^2 s1 /
    (sv + 2)) / sum log10(1 + s1 / 2). 1 for identical images, 0 when Î holds
    no information, above 1 when Î has more contrast. NaN when I is flat.
    """
    # Variances ignore the mean: taking it out keeps a flat image's exactly 0 (not 1e-9).
    mean = ref.mean()
    ref, test = ref - mean, test - mean
    num = den = 0.0
    for scale in range(1, 5):
        side = 2 ** (5 - scale) + 1
        window = _gaussian(side, side / 5)
        if scale > 1:
            ref = _filter_valid(ref, window)[::2, ::2]
            test = _filter_valid(test, window)[::2, ::2]
        mu_r, mu_t = _filter_valid(ref, window), _filter_valid(test, window)
        var_r = np.maximum(_filter_valid(ref * ref, window) - mu_r**2, 0)
        var_t = np.maximum(_filter_valid(test * test, window) - mu_t**2, 0)
        cov = _filter_valid(ref * test, window) - mu_r * mu_t
        gain = cov / (var_r + 1e-10)
        noise = var_t - gain * cov
        flat_r, flat_t = var_r < 1e-10, var_t < 1e-10
        gain[flat_r], noise[flat_r], var_r[flat_r] = 0, var_t[flat_r], 0
        gain[flat_t], noise[flat_t] = 0, 0
        negative = gain < 0
        noise[negative], gain[negative] = var_t[negative], 0
        noise = np.maximum(noise, 1e-10)
        num += np.sum(np.log10(1 + gain**2 * var_r / (noise + VIF_NOISE)))
        den += np.sum(np.log10(1 + var_r / VIF_NOISE))
    return _ratio(num, den)


LOW_BAND = 0.15  # HLFI's low band: a centred square this fraction of the spectrum's width


@lru_cache(maxsize=16)
def _low_frequencies(rows: int, cols: int) -> np.ndarray:
    """Boolean (rows, cols) mask, unshifted DFT order: |k_y| < 0.075 rows and |k_x| < 0.075 cols."""
    ky, kx = np.fft.fftfreq(rows), np.fft.fftfreq(cols)
    return np.outer(np.abs(ky) < LOW_BAND / 2, np.abs(kx) < LOW_BAND / 2)


def high_low_frequency_index(image: np.ndarray) -> float:
    """HLFI: (L - H) / (L + H), L and H the sums of DFT amplitudes |F| in the low and high band.

    A no-reference measure of I alone (Avcibas et al. 2003): the low band is
    the centred square of frequencies below 7.5 % of the sampling rate along
    both axes (15 % of the spectrum's width, the fraction Galbally and Idiap
    use), the high band the rest; DC counts as low, as in the paper's sum.
    In [-1, 1]: higher for smoother images. The band's shape is our reading
    (Idiap's code takes a band of columns in the middle of the unshifted
    spectrum, which holds the highest horizontal frequencies). NaN for an
    all-black image.
    """
    amplitude = np.abs(np.fft.fft2(image))
    low = amplitude[_low_frequencies(*image.shape)].sum()
    return _ratio(low - (amplitude.sum() - low), amplitude.sum())


MEASURES: dict[str, Callable[[np.ndarray, np.ndarray], float]] = {
    "mse": mse,
    "psnr": psnr,
    "ad": average_difference,
    "sc": structural_content,
    "nk": normalized_cross_correlation,
    "md": maximum_difference,
    "lmse": laplacian_mse,
    "nae": normalized_absolute_error,
    "snrv": snr,
    "ramdv": r_averaged_maximum_difference,
    "mas": mean_angle_similarity,
    "mams": mean_angle_magnitude_similarity,
    "sme": spectral_magnitude_error,
    "gme": gradient_magnitude_error,
    "gpe": gradient_phase_error,
    "ssim": ssim,
    "vif": vif,
}
"""The full-reference measures, ``f(I, Î)``, in Idiap's order; HLFI (of I alone) comes last."""


def _check(size: int) -> None:
    if size < MIN_SIZE:
        raise ValueError(f"iqm: size must be at least {MIN_SIZE} (VIF's four scales), got {size}")


def columns(*, size: int) -> list[str]:
    """The 18 measures' names, ``iqm_<measure>``, in Idiap's order."""
    _check(size)
    return [f"iqm_{name}" for name in MEASURES] + ["iqm_hlfi"]


def measure(crop: np.ndarray, face: Box, *, size: int) -> np.ndarray:
    """The 18 measures of the face box of ``crop`` (uint8 BGR) resized to ``size``: float64 (18,).

    All NaN when the face box lies outside the crop.
    """
    _check(size)
    patch = face_patch(crop, face, size)
    if patch is None:
        return np.full(len(MEASURES) + 1, np.nan)
    image = grey(patch)
    blurred = smooth(image)
    values = [fn(image, blurred) for fn in MEASURES.values()]
    return np.array([*values, high_low_frequency_index(image)], np.float64)
