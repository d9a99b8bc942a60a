"""The ``mtcnn`` detector: MTCNN from the ``mtcnn`` package, on TensorFlow."""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

import numpy as np

from ..runtime import TENSORFLOW_CHATTER, quiet_stderr
from . import Detection, Resizing, from_corners

#: What this detector imports beyond the core packages (import name -> pip name).
REQUIRES = {"tensorflow": "tensorflow-cpu", "mtcnn": "mtcnn", "lz4": "lz4"}


class MTCNNDetector:
    """MTCNN (Zhang et al. 2016) from the ``mtcnn`` package, on TensorFlow.

    ``scale`` < 1 detects on a downscaled copy of the frame and maps boxes and
    landmarks back: MTCNN's image pyramid then has fewer, smaller levels
    (half size is ~2.5x faster), while the crop is still cut from the full
    frame. ``min_face_size`` is in pixels of the *downscaled* frame; keep the
    package default of 20 (larger values silently found no face in tests
    with mtcnn 1.0.0) and lower ``scale`` instead.
    """

    name: ClassVar[str] = "mtcnn"

    def __init__(
        self,
        *,
        threads: int,
        scale: float,
        max_side: int,
        min_face_size: int,
        min_confidence: float,
    ) -> None:
        with quiet_stderr(TENSORFLOW_CHATTER):  # oneDNN and CPU notices, in every faces log
            import tensorflow as tf
            from mtcnn import MTCNN

        # Must happen before the first TensorFlow op; later calls raise.
        tf.config.threading.set_intra_op_parallelism_threads(threads)
        tf.config.threading.set_inter_op_parallelism_threads(1)
        self.min_confidence = min_confidence
        self._resizing = Resizing(self.name, scale, max_side, min_face_size)
        self._model = MTCNN(device="CPU:0")
        self._min_face_size = min_face_size

    def detect(self, frames: Sequence[np.ndarray]) -> list[list[Detection]]:
        small, factors = self._resizing.apply(frames, rgb=True)
        found = self._detect_batch(small)
        # mtcnn 1.0 answers an internal error in *one* image (a frame with no face candidate)
        # with no faces for the *whole* batch: look at each empty frame again on its own.
        if len(small) > 1:
            found = [
                faces if len(faces) else self._detect_batch([image])[0]
                for faces, image in zip(found, small, strict=True)
            ]
        return [
            [
                from_corners(row[1:5], row[5], np.stack([row[6:11], row[11:16]], 1), factor)
                for row in rows
                if row[5] >= self.min_confidence
            ]
            for rows, factor in zip(found, factors, strict=True)
        ]

    def _detect_batch(self, images: list[np.ndarray]) -> list[np.ndarray]:
        """Rows (image, x1, y1, x2, y2, confidence, 5 landmark x, 5 landmark y) per image.

        The package's NumPy output, not its JSON, which rounds boxes and landmarks to whole
        pixels (2 px steps at ``scale`` 0.5, enough to swamp landmark jitter).
        """
        rows = self._model.detect_faces(
            images, min_face_size=self._min_face_size, output_type="numpy", box_format="xyxy"
        )
        return [rows[rows[:, 0] == i] for i in range(len(images))]


#: What :func:`dfscope.detectors.build` makes of this module.
build = MTCNNDetector
