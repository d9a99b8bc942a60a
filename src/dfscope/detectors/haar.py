"""The ``haar`` detector: OpenCV's frontal-face Haar cascade."""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

import cv2
import numpy as np

from ..geometry import Box
from . import Detection, rescale, resize_all


class HaarDetector:
    """OpenCV's frontal-face Haar cascade (Viola-Jones): fast, no landmarks, no deep model.

    Confidence is the cascade's level weight squashed to [0, 1] with a
    logistic, so that it orders detections like MTCNN's probability does.
    """

    name: ClassVar[str] = "haar"

    def __init__(
        self, *, threads: int, scale: float, min_face_size: int, min_neighbors: int
    ) -> None:
        cv2.setNumThreads(threads)
        path = cv2.data.haarcascades + "haarcascade_frontalface_default.xml"
        self._cascade = cv2.CascadeClassifier(path)
        if self._cascade.empty():
            raise RuntimeError(f"{path}: Haar cascade could not be loaded")
        self.scale, self._min_size, self._neighbors = scale, min_face_size, min_neighbors

    def detect(self, frames: Sequence[np.ndarray]) -> list[list[Detection]]:
        return [
            self._detect_one(f)
            for f in resize_all(
                frames, self.scale, detector=self.name, min_face_size=self._min_size
            )
        ]

    def _detect_one(self, frame: np.ndarray) -> list[Detection]:
        gray = cv2.equalizeHist(cv2.cvtColor(frame, cv2.COLOR_BGR2GRAY))
        boxes, _, weights = self._cascade.detectMultiScale3(
            gray,
            scaleFactor=1.1,
            minNeighbors=self._neighbors,
            minSize=(self._min_size, self._min_size),
            outputRejectLevels=True,
        )
        return [
            rescale(
                Detection(Box(*(float(v) for v in box)), float(1 / (1 + np.exp(-w)))), self.scale
            )
            for box, w in zip(boxes, np.ravel(weights), strict=True)
        ]
