"""Cutting square, pixel-aligned face crops."""

from __future__ import annotations

from typing import TYPE_CHECKING

import cv2
import numpy as np

if TYPE_CHECKING:  # faces are only read here: the detectors' code is not this module's
    pass


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
