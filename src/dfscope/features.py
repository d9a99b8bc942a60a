"""No-reference features of one face crop: traces a detector can use without the original.

Each feature is a plain function ``f(crop, face) -> float`` of a (S, S, 3)
uint8 BGR crop and the face box inside it, ``face = (x0, y0, x1, y1)`` in
crop pixels (the crop has a margin around the detector's box, so the ring
between the two is the face's surround). Features are registered by name in
:data:`FEATURES` and chosen in the config.

The reasoning follows the DeepfakeTIMIT baseline (image-quality measures,
Galbally et al. 2014): a swapped face was generated at low resolution and
upsampled, so it is smoother than the real skin, hair and background around
it, and that mismatch shows without any reference.
"""

from __future__ import annotations

from collections.abc import Callable

import cv2
import numpy as np

Box = tuple[int, int, int, int]
FEATURES: dict[str, Callable[[np.ndarray, Box], float]] = {}


def feature(fn):
    """Register ``fn`` under its name."""
    FEATURES[fn.__name__] = fn
    return fn


def _gray(image: np.ndarray) -> np.ndarray:
    return cv2.cvtColor(image, cv2.COLOR_BGR2GRAY).astype(np.float64)


def laplacian_variance(gray: np.ndarray, mask: np.ndarray | None = None) -> float:
    """Variance of the 3x3 Laplacian of a grayscale image (in a boolean ``mask``): a sharpness score.

    Larger means more fine detail. A flat image gives 0.
    """
    lap = cv2.Laplacian(np.asarray(gray, np.float64), cv2.CV_64F, ksize=1)
    values = lap[1:-1, 1:-1] if mask is None else lap[1:-1, 1:-1][mask[1:-1, 1:-1]]
    return float(values.var()) if values.size else float("nan")


def _face_and_ring(shape: tuple[int, ...], face: Box) -> tuple[np.ndarray, np.ndarray]:
    inside = np.zeros(shape[:2], bool)
    x0, y0, x1, y1 = face
    inside[max(y0, 0):y1, max(x0, 0):x1] = True
    return inside, ~inside


@feature
def face_sharpness(crop: np.ndarray, face: Box) -> float:
    """log10 of the Laplacian variance inside the face box (absolute sharpness of the face)."""
    inside, _ = _face_and_ring(crop.shape, face)
    return float(np.log10(laplacian_variance(_gray(crop), inside) + 1e-6))


@feature
def face_blur_ratio(crop: np.ndarray, face: Box) -> float:
    """log10 of (surround sharpness / face sharpness): > 0 when the face is blurrier than its surround.

    The score of choice for a fake made at low resolution: the same camera
    and the same compression give a real face and its surround similar
    detail, an upsampled swapped face much less. Higher = more fake-like.
    """
    gray = _gray(crop)
    inside, ring = _face_and_ring(crop.shape, face)
    return float(np.log10((laplacian_variance(gray, ring) + 1e-6)
                          / (laplacian_variance(gray, inside) + 1e-6)))
