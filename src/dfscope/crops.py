"""Cutting face crops: squares around the detector's box, or the face aligned to a template, and
cutting them again, pixel for pixel, wherever a later step needs the same crop.

A crop's *geometry* is what the detection table records of it (:func:`geometry_of`): the
square ``(x0, y0, side)`` a square crop was cut from, or the (2, 3) matrix an aligned crop was
warped with. Every step that compares crops (a fake with its original, a frame with the one
before) cuts both with one geometry, so the same pixels are compared.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from .align import alignment, warp
from .columns import MATRIX_COLUMNS, SHAPE_COLUMN, square_of
from .geometry import Box, apply_affine, box_in_crop, crop_square, ellipse_mask, hull_mask

#: A crop's geometry: a square ``(x0, y0, side)`` in frame pixels, or a (2, 3) affine matrix
#: from frame pixels to crop pixels.
Geometry = tuple[int, int, int] | np.ndarray


def cut(frame: np.ndarray, square: tuple[int, int, int], size: int) -> np.ndarray:
    """Cut the square ``(x0, y0, side)`` out of ``frame`` and resize it to ``size`` x ``size``.

    Where the square leaves the frame the crop is padded with black, so that
    the face stays centred and crops of a fake and of its original cut with
    the same square stay aligned pixel for pixel. Downsizing uses area
    averaging (no aliasing), upsizing bicubic interpolation.
    """
    x0, y0, side = square
    height, width = frame.shape[:2]
    crop = np.zeros((side, side) + frame.shape[2:], frame.dtype)
    fx0, fy0 = max(x0, 0), max(y0, 0)
    fx1, fy1 = min(x0 + side, width), min(y0 + side, height)
    if fx1 > fx0 and fy1 > fy0:
        crop[fy0 - y0 : fy1 - y0, fx0 - x0 : fx1 - x0] = frame[fy0:fy1, fx0:fx1]
    if side == size:
        return crop
    method = cv2.INTER_AREA if side > size else cv2.INTER_CUBIC
    return cv2.resize(crop, (size, size), interpolation=method)


def geometry_of(row) -> Geometry | None:
    """The geometry a detection-table row's crop was cut with, or None for a frame without a
    face."""
    matrix = np.array([getattr(row, column) for column in MATRIX_COLUMNS], float)
    if np.isfinite(matrix).all():
        return matrix.reshape(2, 3)
    return square_of(row)


@dataclass(frozen=True)
class Cropping:
    """How a face is cropped (the config's ``crops``): a ``size`` x ``size`` crop of the square
    around the detector's box grown by ``margin`` on each side (``align`` ``none``: the faces of
    a fake and of its original cut with one square stay aligned pixel for pixel), or of the
    face aligned by the similarity that puts its five landmarks on the ArcFace template, the
    crop showing ``scale`` times the template's field of view (``similarity``:
    :func:`dfscope.align.alignment`; DeepfakeBench's preprocessing is 256 px at scale 1.3)."""

    size: int
    margin: float = 0.2
    align: str = "none"
    scale: float = 1.3

    def geometry(self, box: Box, landmarks: np.ndarray | None) -> Geometry:
        """The geometry of a new crop of the face ``box`` (frame pixels) with ``landmarks``."""
        if self.align == "similarity":
            return alignment(landmarks, size=self.size, scale=self.scale)
        return crop_square(box, self.margin)


def cut_face(frame: np.ndarray, geometry: Geometry, size: int) -> np.ndarray:
    """The ``size`` x ``size`` crop of ``frame`` with ``geometry`` (:func:`cut` for a square,
    :func:`dfscope.align.warp` for a matrix); black where it leaves the frame."""
    if isinstance(geometry, np.ndarray):
        return warp(frame, geometry, size)
    return cut(frame, geometry, size)


def face_in_crop(box: Box, geometry: Geometry, size: int) -> Box:
    """``box`` (frame pixels) in whole pixels of the crop cut with ``geometry``: where the face
    lies in its crop (for an aligned crop, the box around its mapped corners)."""
    if not isinstance(geometry, np.ndarray):
        return box_in_crop(box, geometry, size)
    corners = np.array([[box.x, box.y], [box.x1, box.y], [box.x, box.y1], [box.x1, box.y1]])
    mapped = apply_affine(geometry, corners)
    x0, y0 = (int(v) for v in np.rint(mapped.min(0)))
    x1, y1 = (int(v) for v in np.rint(mapped.max(0)))
    return Box(x0, y0, x1 - x0, y1 - y0)


def footprint(geometry: Geometry, size: int) -> Box:
    """The box, in frame pixels, around what a ``size`` x ``size`` crop cut with ``geometry``
    shows: its square, or the box around an aligned crop's corners mapped back to the frame."""
    if not isinstance(geometry, np.ndarray):
        x0, y0, side = geometry
        return Box(x0, y0, side, side)
    corners = np.array([[0, 0], [size, 0], [0, size], [size, size]], float)
    mapped = apply_affine(cv2.invertAffineTransform(geometry), corners)
    (x0, y0), (x1, y1) = mapped.min(0), mapped.max(0)
    return Box(float(x0), float(y0), float(x1 - x0), float(y1 - y0))


def points_in_crop(points: np.ndarray, geometry: Geometry, size: int) -> np.ndarray:
    """``points`` ((N, 2), frame pixels) in pixels of the ``size`` x ``size`` crop cut with
    ``geometry``."""
    points = np.asarray(points, float)
    if isinstance(geometry, np.ndarray):
        return apply_affine(geometry, points)
    x0, y0, side = geometry
    return (points - (x0, y0)) * (size / side)


#: The face masks the paired step can measure inside and around (``metrics.mask``).
MASKS = ("ellipse", "hull")


def face_mask(row, geometry: Geometry, size: int, kind: str) -> np.ndarray | None:
    """The face's boolean (size, size) mask in the crop of a detection-table ``row`` cut with
    ``geometry``: the ellipse inscribed in its box, or (``hull``) the convex hull of its shape
    (:data:`dfscope.columns.SHAPE_COLUMN`), None where the row has no shape (an interpolated
    face, or a detector without one): such a frame gets no face measure rather than
    another mask's."""
    if kind == "ellipse":
        return ellipse_mask((size, size), face_in_crop(Box.of(row), geometry, size))
    if kind != "hull":
        raise ValueError(f"unknown face mask {kind!r}; known: {', '.join(MASKS)}")
    shape = getattr(row, SHAPE_COLUMN, None)
    if shape is None or len(shape) < 6:
        return None
    return hull_mask((size, size), points_in_crop(np.reshape(shape, (-1, 2)), geometry, size))
