"""Noise-residual statistics of the face and its surround under fixed high-pass filters.

The steganalysis idea (rich models, SRM) that face-forensics detectors took
over: a high-pass filter that cancels smooth image content leaves the
residual, mostly the camera's noise and the codec's traces. A camera frame
has one noise field across face and background; a generated face, decoded
smooth, upsampled and pasted, carries less noise, and differently
distributed, than the real surround it is blended into.

Four filters, from the one that keeps most content to those that keep
almost only noise (each cancels constants; the higher orders cancel ramps
and curvature too), so that together they separate "less detail" from
"less noise":

- ``d1``: first-order differences, [-1, 1] along x and along y (pooled);
- ``d2``: second-order differences, [1, -2, 1] along x and along y (pooled);
- ``kv3``: the 3 x 3 "KV" kernel [[-1, 2, -1], [2, -4, 2], [-1, 2, -1]] / 4;
- ``kv5``: the 5 x 5 "KV" kernel of steganalysis (Ker & Vogel), / 12.

Per filter, three statistics (12 columns), each chosen for one question:

- ``log_sigma``: log10 of the face's noise level in grey levels, Immerkaer's
  estimate sqrt(pi / 2) mean |r| / |k| (|k| the kernel's L2 norm, its gain
  on white noise): exact for Gaussian noise on a flat face, and less at the
  mercy of the face's few strong edges than the standard deviation. How
  clean is the face?
- ``kurtosis``: excess kurtosis of the face's residual (0 for Gaussian
  noise): sensor noise is near Gaussian, while a smooth generated face
  leaves a residual of rare large values at its edges on a near-zero
  background, heavy-tailed. How is what is left distributed?
- ``surround_ratio``: log10 of the surround's noise level over the face's
  (as ``log_sigma``): > 0 when the face is cleaner than the background
  around it, the fake-like direction; ~0 for a real face, whatever the
  camera's noise. Does the face match its frame?

Regions, in the crop's own pixels (not resized: resampling would change
the noise): the face is the ellipse inscribed in the face box (the part a
swap replaces; the box's corners are background), the surround everything
outside the box. Each keeps only the pixels whose filter window lies wholly
inside it, so residuals never straddle the face's border or the crop's.
Values depend on the crop's scale: compare them only between crops of the
same ``crops.size`` and margin.

Parameters: none.

NaN where undefined: ``log_sigma`` and ``kurtosis`` when the face's residual
is 0 everywhere (a flat face) or the face has no pixel; ``surround_ratio``
also when the surround has no pixel or no residual.
"""

from __future__ import annotations

import cv2
import numpy as np

from ..geometry import Box, ellipse_mask
from ._face import core, grey

_KV5 = np.array(
    [
        [-1, 2, -2, 2, -1],
        [2, -6, 8, -6, 2],
        [-2, 8, -12, 8, -2],
        [2, -6, 8, -6, 2],
        [-1, 2, -2, 2, -1],
    ]
)

FILTERS: dict[str, tuple[np.ndarray, ...]] = {
    "d1": (np.array([[0.0, -1, 1]]), np.array([[0.0], [-1], [1]])),
    "d2": (np.array([[1.0, -2, 1]]), np.array([[1.0], [-2], [1]])),
    "kv3": (np.array([[-1.0, 2, -1], [2, -4, 2], [-1, 2, -1]]) / 4,),
    "kv5": (_KV5 / 12.0,),
}
"""The high-pass filters by name, each one or more kernels (anchored at their centre) whose
residuals are pooled; the kernels of one filter have the same gain."""

STATISTICS = ("log_sigma", "kurtosis", "surround_ratio")


def regions(shape: tuple[int, ...], face: Box) -> tuple[np.ndarray, np.ndarray]:
    """Boolean (H, W) masks of the face (the ellipse inscribed in the box) and the surround
    (outside the box)."""
    inside = np.zeros(shape[:2], bool)
    x0, y0 = max(int(round(face.x)), 0), max(int(round(face.y)), 0)
    inside[y0 : max(int(round(face.y1)), 0), x0 : max(int(round(face.x1)), 0)] = True
    return ellipse_mask(shape, face) & inside, ~inside


def noise_sigma(residual: np.ndarray, gain: float) -> float:
    """Immerkaer's noise level sqrt(pi / 2) mean |r| / gain, in grey levels; NaN for no values.

    For white Gaussian noise of std sigma, a kernel of L2 norm ``gain``
    gives residuals of std gain sigma and mean |r| = gain sigma sqrt(2 / pi).
    """
    return float(np.sqrt(np.pi / 2) * np.abs(residual).mean() / gain) if residual.size else np.nan


def excess_kurtosis(values: np.ndarray) -> float:
    """E[(x - mean)^4] / var^2 - 3: 0 for a Gaussian; NaN for no values or no spread.

    The value of ``scipy.stats.kurtosis(values)`` (Fisher, biased; bit for bit on random
    arrays of 2 to 13,000 values, and a test holds them equal), which is not called, for speed:
    on the 6,000-13,000 residuals of a 128 px crop it took 300 us a call against 23 here, so
    the family's four calls made a crop's residual statistics take 2.17 ms instead of 0.53
    (the whole features step is about 5 ms a frame), and importing ``scipy.stats`` adds
    0.7-0.95 s to every features job, which loads no SciPy otherwise (2 shared cores, SciPy
    1.17). Both are NaN on a constant, except one whose mean has round-off (seven 0.1s):
    SciPy detects the cancellation and says NaN, this gives -2.
    """
    if not values.size:
        return float("nan")
    squares = (values - values.mean()) ** 2
    var = squares.mean()
    return float(np.mean(squares * squares) / var**2 - 3) if var > 0 else float("nan")


def _log10(value: float) -> float:
    return float(np.log10(value)) if value > 0 else float("nan")


def filter_statistics(
    gray: np.ndarray, face: np.ndarray, surround: np.ndarray, kernels: tuple[np.ndarray, ...]
) -> tuple[float, float, float]:
    """``(log_sigma, kurtosis, surround_ratio)`` of one filter's pooled residuals (see the module).

    gray: (H, W) float64 grey levels; face, surround: boolean (H, W) masks.
    """
    radius = max(max(k.shape) for k in kernels) // 2
    inner_face, inner_surround = core(face, radius), core(surround, radius)
    residuals = [cv2.filter2D(gray, cv2.CV_64F, k) for k in kernels]
    for r in residuals:
        # The round-off of the kernels' fractions on a flat area, not noise: 8-bit pixels make no
        # genuine residual this small.
        r[np.abs(r) < 1e-9] = 0.0
    in_face = np.concatenate([r[inner_face] for r in residuals])
    in_surround = np.concatenate([r[inner_surround] for r in residuals])
    gain = float(np.linalg.norm(kernels[0]))
    sigma_face = noise_sigma(in_face, gain)
    sigma_surround = noise_sigma(in_surround, gain)
    ratio = _log10(sigma_surround / sigma_face) if sigma_face > 0 and sigma_surround > 0 else np.nan
    return _log10(sigma_face), excess_kurtosis(in_face), float(ratio)


def columns() -> list[str]:
    """``residual_<filter>_<statistic>``: 4 filters x 3 statistics, filter by filter."""
    return [f"residual_{name}_{stat}" for name in FILTERS for stat in STATISTICS]


def measure(crop: np.ndarray, face: Box) -> np.ndarray:
    """The 12 statistics of ``crop`` ((S, S, 3) uint8 BGR) and its face box: float64 (12,)."""
    gray = grey(crop)
    inside, outside = regions(crop.shape, face)
    return np.array(
        [
            value
            for kernels in FILTERS.values()
            for value in filter_statistics(gray, inside, outside, kernels)
        ],
        np.float64,
    )
