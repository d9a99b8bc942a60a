"""Plane geometry of faces: boxes, crop squares, the face ellipse, similarity transforms.

One box convention throughout: :class:`Box`, the top-left corner and the
size ``(x, y, w, h)``, in frame pixels for a detection and in crop pixels
for the face inside a crop.
"""

from __future__ import annotations

from typing import NamedTuple

import cv2
import numpy as np


class Box(NamedTuple):
    """An axis-aligned box: top-left corner ``(x, y)``, width ``w`` and height ``h``, in pixels."""

    x: float
    y: float
    w: float
    h: float

    @property
    def x1(self) -> float:
        """The right edge, ``x + w`` (one past the last column, for a box of whole pixels)."""
        return self.x + self.w

    @property
    def y1(self) -> float:
        """The bottom edge, ``y + h``."""
        return self.y + self.h

    @classmethod
    def of(cls, row) -> Box:
        """The box of anything with ``x``, ``y``, ``w`` and ``h`` (a detection-table row)."""
        return cls(row.x, row.y, row.w, row.h)


def similarity_transform(src: np.ndarray, dst: np.ndarray) -> np.ndarray:
    """Least-squares similarity (rotation, uniform scale, translation) mapping ``src`` onto ``dst``.

    Umeyama's closed form (``skimage.transform.SimilarityTransform.from_estimate``), so the
    result is exact for noise-free points and deterministic (no RANSAC). ``src``, ``dst``:
    (N, 2) points, N >= 2. Returns the (2, 3) matrix that ``cv2.warpAffine`` takes; all NaN
    where the points determine none (the points of one set all in one place).
    """
    # Imported here, not with the module: the Snakefile imports this module at parse time and
    # every job imports it, while scikit-image's transforms (scipy.spatial with them) take
    # 0.35-0.5 s to import, which only the jobs that fit a similarity should pay.
    from skimage.transform import SimilarityTransform

    transform = SimilarityTransform.from_estimate(np.asarray(src, float), np.asarray(dst, float))
    return transform.params[:2].copy() if transform else np.full((2, 3), np.nan)


def apply_affine(matrix: np.ndarray, points: np.ndarray) -> np.ndarray:
    """Apply a (2, 3) affine matrix to (N, 2) points."""
    points = np.asarray(points, float)
    return points @ matrix[:, :2].T + matrix[:, 2]


def crop_square(box: Box, margin: float) -> tuple[int, int, int]:
    """Integer square ``(x0, y0, side)`` centred on ``box``, grown by ``margin``.

    The side is the box's longer side times ``1 + 2 * margin``: a margin of
    0.2 adds a fifth of the face on every side, enough to keep the face
    boundary (where blending traces live) inside the crop. Integer corners
    make crops of a fake and its original cut with the same square exactly
    pixel-aligned.
    """
    x, y, w, h = box
    side = max(1, int(round(max(w, h) * (1 + 2 * margin))))
    cx, cy = x + w / 2, y + h / 2
    return int(round(cx - side / 2)), int(round(cy - side / 2)), side


def box_in_crop(box: Box, square: tuple[int, int, int], size: int) -> Box:
    """``box`` (frame pixels) in whole pixels of the crop cut from ``square`` and resized to
    ``size`` x ``size`` (:func:`dfscope.crops.cut`): where the face lies in its crop.

    The corners are rounded, not the size, so that a box and its neighbour
    share their edge pixel for pixel.
    """
    x0, y0, side = square
    scale = size / side
    left, top = (box.x - x0) * scale, (box.y - y0) * scale
    x, y = int(round(left)), int(round(top))
    return Box(x, y, int(round(left + box.w * scale)) - x, int(round(top + box.h * scale)) - y)


def ellipse_mask(shape: tuple[int, ...], box: Box, grow: int = 0) -> np.ndarray:
    """Boolean (H, W) mask of the ellipse inscribed in ``box`` (whole pixels), its semi-axes
    lengthened by ``grow`` pixels (shortened when negative): the face, roughly, whose
    outline is where a swapped face was blended in."""
    mask = np.zeros(shape[:2], np.uint8)
    centre = (round((box.x + box.x1) / 2), round((box.y + box.y1) / 2))
    axes = (max(round(box.w / 2) + grow, 0), max(round(box.h / 2) + grow, 0))
    cv2.ellipse(mask, centre, axes, 0, 0, 360, 1, thickness=-1)
    return mask.astype(bool)


def hull_mask(shape: tuple[int, ...], points: np.ndarray) -> np.ndarray:
    """Boolean (H, W) mask of the convex hull of ``points`` ((N, 2), pixels, N >= 3): the face
    as its landmarks outline it (jaw and brows for dlib's 68), closer to a swap's blended
    region than the ellipse of its box."""
    points = np.asarray(points, float)
    if points.ndim != 2 or points.shape[1] != 2 or len(points) < 3:
        raise ValueError(f"a hull needs (N, 2) points with N >= 3, got shape {points.shape}")
    mask = np.zeros(shape[:2], np.uint8)
    hull = cv2.convexHull(np.rint(points).astype(np.int32))
    cv2.fillConvexPoly(mask, hull, 1)
    return mask.astype(bool)


def iou(a: Box, b: Box) -> float:
    """Intersection over union of two boxes."""
    ix = max(0.0, min(a[0] + a[2], b[0] + b[2]) - max(a[0], b[0]))
    iy = max(0.0, min(a[1] + a[3], b[1] + b[3]) - max(a[1], b[1]))
    inter = ix * iy
    union = a[2] * a[3] + b[2] * b[3] - inter
    return inter / union if union > 0 else 0.0
