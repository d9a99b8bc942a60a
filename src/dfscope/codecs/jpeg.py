"""The ``jpeg`` codec: each frame coded as a baseline JPEG at ``quality`` and decoded back, as
OpenCV (libjpeg) codes it: VidTIMIT's originals are JPEG frames (quality 90)."""

from __future__ import annotations

from collections.abc import Iterator

import cv2
import numpy as np

from . import Frames


def recode(frames: Frames, *, quality: int) -> Iterator[tuple[int, np.ndarray]]:
    for number, frame in frames:
        ok, data = cv2.imencode(".jpg", frame, [cv2.IMWRITE_JPEG_QUALITY, quality])
        if not ok:
            raise RuntimeError(f"frame {number}: JPEG coding failed")
        yield number, cv2.imdecode(data, cv2.IMREAD_COLOR)
