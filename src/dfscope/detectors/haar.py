"""The ``haar`` detector: OpenCV's frontal-face Haar cascade."""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

import cv2
import numpy as np

from ..geometry import Box
from . import Detection, Resizing, rescale


class HaarDetector:
    """OpenCV's frontal-face Haar cascade (Viola-Jones): fast, no landmarks, no deep model.

    Confidence is the cascade's level weight squashed to [0, 1] with a
    logistic, so that it orders detections like MTCNN's probability does.
    """

    name: ClassVar[str] = "haar"

    def __init__(
        self, *, threads: int, scale: float, max_side: int, min_face_size: int, min_neighbors: int
    ) -> None:
        cv2.setNumThreads(threads)
        path = cv2.data.haarcascades + "haarcascade_frontalface_default.xml"
        self._cascade = cv2.CascadeClassifier(path)
        if self._cascade.empty():
            raise RuntimeError(f"{path}: Haar cascade could not be loaded")
        self._resizing = Resizing(self.name, scale, max_side, min_face_size)
        self._min_size, self._neighbors = min_face_size, min_neighbors

    def detect(self, frames: Sequence[np.ndarray]) -> list[list[Detection]]:
        small, factors = self._resizing.apply(frames)
        return [self._detect_one(f, factor) for f, factor in zip(small, factors, strict=True)]

    def _detect_one(self, frame: np.ndarray, factor: float) -> list[Detection]:
        gray = cv2.equalizeHist(cv2.cvtColor(frame, cv2.COLOR_BGR2GRAY))
        boxes, _, weights = self._cascade.detectMultiScale3(
            gray,
            scaleFactor=1.1,
            minNeighbors=self._neighbors,
            minSize=(self._min_size, self._min_size),
            outputRejectLevels=True,
        )
        return [
            rescale(Detection(Box(*(float(v) for v in box)), float(1 / (1 + np.exp(-w)))), factor)
            for box, w in zip(boxes, np.ravel(weights), strict=True)
        ]


#: What :func:`dfscope.detectors.build` makes of this module.
build = HaarDetector
