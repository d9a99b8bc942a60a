"""Choosing the face of a frame and cutting square, pixel-aligned face crops."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import cv2
import numpy as np

from .geometry import Box, iou

if TYPE_CHECKING:  # faces are only read here: the detectors' code is not this module's
    from .detectors import Detection

#: How the face of a frame is chosen when the detector finds several.
CHOICES = ("largest", "tracked")


def choose_face(
    faces: Sequence[Detection], previous: Box | None = None, how: str = "largest"
) -> int:
    """Index of the face to keep, or -1 if there is none.

    ``largest``: the biggest box (a DeepfakeTIMIT frame shows one speaker,
    close to the camera; a second, smaller face is a poster or a false
    detection). ``tracked``: the box that overlaps the ``previous`` frame's
    chosen box most, which keeps one person through a clip with several;
    the largest where there is no previous box or no overlap.
    Ties go to the higher confidence, then to the lower index.
    """
    if not faces:
        return -1
    if how not in CHOICES:
        raise ValueError(f"faces.choose: {how!r} is not one of {CHOICES}")

    def largest(i: int) -> tuple:
        return faces[i].box[2] * faces[i].box[3], faces[i].confidence, -i

    if how == "tracked" and previous is not None:
        overlaps = [iou(face.box, previous) for face in faces]
        if max(overlaps) > 0:
            return max(range(len(faces)), key=lambda i: (overlaps[i], *largest(i)))
    return max(range(len(faces)), key=largest)


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
