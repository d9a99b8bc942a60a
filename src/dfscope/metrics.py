"""Full-reference comparison of a fake face crop with its original: MSE, PSNR, SSIM.

Plain functions on (H, W, 3) uint8 BGR arrays of equal shape. SSIM uses the
settings of Wang et al. (2004) by default (Gaussian window, sigma 1.5,
population covariances), on grayscale (luma) or on each colour channel.
"""

from __future__ import annotations

import cv2
import numpy as np
from skimage.metrics import peak_signal_noise_ratio, structural_similarity

DATA_RANGE = 255.0


def mse(a: np.ndarray, b: np.ndarray) -> float:
    """Mean squared error over all pixels and channels, in (grey level)^2."""
    return float(np.mean((a.astype(np.float64) - b.astype(np.float64)) ** 2))


def psnr(a: np.ndarray, b: np.ndarray) -> float:
    """Peak signal-to-noise ratio in dB for 8-bit images (``inf`` for identical images)."""
    if np.array_equal(a, b):
        return float("inf")
    return float(peak_signal_noise_ratio(a, b, data_range=DATA_RANGE))


def ssim(a: np.ndarray, b: np.ndarray, *, colour: bool = False, win_size: int = 7,
         gaussian_weights: bool = True, full: bool = False):
    """Structural similarity of two BGR images, in [-1, 1] (1 for identical images).

    colour=False compares luma (the usual choice in forensics papers);
    colour=True averages SSIM over the three channels. With ``full`` the
    (H, W) SSIM map is returned too (averaged over channels for colour):
    where it is low the fake differs in structure from its original.
    ``win_size`` is the side of the sliding window when ``gaussian_weights``
    is False; with Gaussian weights (sigma 1.5) the window is 11 pixels and
    ``win_size`` is ignored, as in Wang et al.
    """
    if not colour:
        a, b = cv2.cvtColor(a, cv2.COLOR_BGR2GRAY), cv2.cvtColor(b, cv2.COLOR_BGR2GRAY)
    options = {"data_range": DATA_RANGE, "full": full, "channel_axis": -1 if colour else None}
    if gaussian_weights:
        options |= {"gaussian_weights": True, "sigma": 1.5, "use_sample_covariance": False}
    else:
        options |= {"win_size": win_size}
    result = structural_similarity(a, b, **options)
    if not full:
        return float(result)
    score, smap = result
    return float(score), (smap.mean(axis=-1) if colour else smap).astype(np.float32)
