"""The face box of a crop, cut and resized to a fixed square: what several families measure.

Not a family (no ``columns``/``measure``): a helper the families share.
"""

from __future__ import annotations

import cv2
import numpy as np

from ..geometry import Box


def face_patch(crop: np.ndarray, face: Box, size: int) -> np.ndarray | None:
    """The face box of ``crop``, clipped to the crop and resized to ``size`` x ``size``.

    crop: (S, S, 3) uint8 BGR; face: the box in crop pixels (rounded to whole
    pixels; the part outside the crop is dropped, so a face at the frame's edge
    is stretched a little). Returns (size, size, 3) uint8 BGR, or None when no
    pixel of the box lies in the crop. A non-square box is stretched to the
    square, as the fixed-size face crops of the quality-measure literature are.
    Shrinking uses pixel-area averaging (no aliasing), enlarging bilinear
    interpolation (area averaging would replicate pixels). The result stays
    8-bit, as the crops the measures were designed on.
    """
    height, width = crop.shape[:2]
    x0, y0 = max(int(round(face.x)), 0), max(int(round(face.y)), 0)
    x1, y1 = min(int(round(face.x1)), width), min(int(round(face.y1)), height)
    if x1 <= x0 or y1 <= y0:
        return None
    box = crop[y0:y1, x0:x1]
    shrink = (y1 - y0) * (x1 - x0) >= size * size
    return cv2.resize(
        box, (size, size), interpolation=cv2.INTER_AREA if shrink else cv2.INTER_LINEAR
    )


def grey(image: np.ndarray) -> np.ndarray:
    """(H, W) float64 grey levels in [0, 255] (ITU-R BT.601 luma) of a (H, W, 3) uint8 BGR image.

    Converted in floating point, so no rounding to whole grey levels is added.
    """
    return cv2.cvtColor(image.astype(np.float32), cv2.COLOR_BGR2GRAY).astype(np.float64)


def core(mask: np.ndarray, radius: int) -> np.ndarray:
    """``mask`` less the pixels within ``radius`` of its edge or of the image border.

    A (2 radius + 1)-wide filter centred on what is left reads pixels of the
    region only, so a face and its surround never leak into each other.
    """
    side = 2 * radius + 1
    return cv2.erode(
        mask.astype(np.uint8),
        np.ones((side, side), np.uint8),
        borderType=cv2.BORDER_CONSTANT,
        borderValue=0,
    ).astype(bool)
