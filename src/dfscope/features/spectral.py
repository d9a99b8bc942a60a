"""The azimuthally averaged power spectrum of the face (Durall et al. 2020).

Durall, Keuper, Pfreundt & Keuper ("Unmasking DeepFakes with simple
Features") reduce the 2-D power spectrum of a face to a 1-D profile, its
average over rings of equal frequency, and feed it to a linear classifier:
a generator's upsampling cannot make the power it never had at high
frequencies, so a fake's profile falls off (or shows bumps) where a camera
image's keeps its slow 1/f^2 decline.

The face box is stretched to ``size`` x ``size`` (grey, BT.601 luma, 8-bit
levels), its Hann-weighted mean subtracted and the 2-D Hann window applied
(so that the jump between opposite borders, which the DFT sees as periodic,
does not smear power along the axes), and its DFT taken. Power |F|^2 is
averaged over ``n_bins`` rings of equal width from frequency 0 to the
Nyquist radius (size / 2 cycles per image): ring k holds the frequencies of
radius in (k w, (k + 1) w], w = size / (2 n_bins) cycles per image, so DC
(radius 0) is left out, and so are the corners beyond the Nyquist radius,
which only some directions reach.

Each column is log10(ring mean power / mean power of all rings' coefficients):
the log of the power, not of the amplitude, so that a ring's mean is an
estimate of the power spectral density (Parseval: the image's variance per
band), and the log turns the 1/f^2 decline into a line; dividing by the mean
makes the profile the spectrum's shape alone. With the mean and DC removed
brightness plays no part, and with the division neither does contrast (a
gain shifts every log bin by the same amount, which cancels). The window
spreads each frequency over its neighbours, so the lowest ring, next to the
removed mean, reads a little low (by 0.13 for white noise at 64 / 8 rings). NaN for all
bins of a flat face (no power to share out), and for a ring that holds no
power at all (only on synthetic images).

Bins are comparable only between profiles of the same ``size`` and
``n_bins``: a bin is a band of frequencies in cycles per resized face.

Parameters (the config schema holds the defaults):

- ``size``: side of the resized face box, in pixels, >= 8. Recommended 96:
  the face box of a 128-pixel crop with a 0.2 margin is about 91 pixels, so
  96 keeps its whole spectrum (shrinking it, to 64 say, would cut away the
  highest frequencies, where the upsampling of a generated face shows).
- ``n_bins``: number of rings, from 1 to size / 2 (narrower rings than one
  frequency sample would leave some empty). Recommended 48 at size 96 (one
  frequency sample per ring, the finest profile, as Durall et al. keep one
  value per integer radius); 24 halves the noise of each bin.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from ..geometry import Box
from ._face import face_patch, grey

MIN_SIZE = 8


@lru_cache(maxsize=16)
def _rings(size: int, n_bins: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """For a size x size DFT: the 2-D Hann window, every coefficient's ring, flattened (-1: DC or
    beyond Nyquist), and the number of coefficients per ring."""
    ky, kx = np.meshgrid(np.fft.fftfreq(size) * size, np.fft.fftfreq(size) * size, indexing="ij")
    radius = np.hypot(ky, kx)
    ring = (np.ceil(radius * (2 * n_bins / size)) - 1).astype(int).ravel()
    ring[ring >= n_bins] = -1
    counts = np.bincount(ring[ring >= 0], minlength=n_bins)
    window = np.outer(np.hanning(size), np.hanning(size))
    return window, ring, counts


def profile(image: np.ndarray, n_bins: int) -> np.ndarray:
    """The normalised log power profile of a square grey image: float64 (n_bins,), see the module.

    image: (N, N) float grey levels.
    """
    size = image.shape[0]
    window, ring, counts = _rings(size, n_bins)
    if image.max() == image.min():
        return np.full(n_bins, np.nan)  # tested here: round-off would leave 1e-26 of power
    centred = (image - np.sum(image * window) / np.sum(window)) * window
    power = np.abs(np.fft.fft2(centred)).ravel() ** 2
    inside = ring >= 0
    sums = np.bincount(ring[inside], weights=power[inside], minlength=n_bins)
    total = sums.sum() / counts.sum()
    if not total > 0:
        return np.full(n_bins, np.nan)
    relative = sums / counts / total
    return np.log10(relative, out=np.full(n_bins, np.nan), where=relative > 0)


def _check(size: int, n_bins: int) -> None:
    if size < MIN_SIZE:
        raise ValueError(f"spectral: size must be at least {MIN_SIZE}, got {size}")
    if not 1 <= n_bins <= size // 2:
        raise ValueError(f"spectral: n_bins must be in 1..size // 2 = {size // 2}, got {n_bins}")


def columns(*, size: int, n_bins: int) -> list[str]:
    """``spectrum_00`` ... from the lowest ring to the highest (zero-padded to >= 2 digits)."""
    _check(size, n_bins)
    width = max(2, len(str(n_bins - 1)))
    return [f"spectrum_{k:0{width}d}" for k in range(n_bins)]


def measure(crop: np.ndarray, face: Box, *, size: int, n_bins: int) -> np.ndarray:
    """The profile of the face box of ``crop`` (uint8 BGR) resized to ``size``: float64 (n_bins,).

    All NaN when the face box lies outside the crop.
    """
    _check(size, n_bins)
    patch = face_patch(crop, face, size)
    if patch is None:
        return np.full(n_bins, np.nan)
    return profile(grey(patch), n_bins)
