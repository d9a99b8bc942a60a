"""Face detectors behind one small interface, registered by name.

A detector takes a batch of frames and returns, for each frame, every face
it found. The workflow builds one detector per job and feeds it batches, so
that model construction (about 0.2 s for MTCNN) and TensorFlow's start-up
are paid once per video, not once per frame. A new detector is one class
with a ``name`` and a ``detect`` method, decorated with :func:`register`.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import ClassVar, Protocol

import cv2
import numpy as np

log = logging.getLogger(__name__)

#: Order of the five landmarks in :attr:`Detection.landmarks` (the subject's left eye first).
LANDMARKS = ("left_eye", "right_eye", "nose", "mouth_left", "mouth_right")


@dataclass(frozen=True)
class Detection:
    """One face: box (x, y, w, h) in frame pixels, confidence in [0, 1], (5, 2) landmarks or None."""

    box: tuple[float, float, float, float]
    confidence: float
    landmarks: np.ndarray | None = None


class Detector(Protocol):
    """What the faces step needs of a detector."""

    name: ClassVar[str]

    def detect(self, frames: Sequence[np.ndarray]) -> list[list[Detection]]:
        """Faces in each of ``frames`` ((H, W, 3) uint8 BGR), in frame pixels."""
        ...


DETECTORS: dict[str, Callable[..., Detector]] = {}


def register(cls):
    """Class decorator: make ``cls`` selectable as ``detector.name: <cls.name>`` in the config."""
    DETECTORS[cls.name] = cls
    return cls


def build(name: str, *, threads: int = 1, **params) -> Detector:
    """Build the registered detector ``name`` with its config ``params``."""
    try:
        factory = DETECTORS[name]
    except KeyError:
        raise ValueError(
            f"detector.name: unknown detector {name!r}; known: {sorted(DETECTORS)}"
        ) from None
    return factory(threads=threads, **params)


def _rescale(detection: Detection, factor: float) -> Detection:
    """A detection made on a frame resized by ``factor``, mapped back to the full frame."""
    landmarks = None if detection.landmarks is None else detection.landmarks / factor
    return Detection(tuple(v / factor for v in detection.box), detection.confidence, landmarks)


def _resize_all(
    frames: Sequence[np.ndarray], scale: float, *, detector: str, min_face_size: int
) -> list[np.ndarray]:
    """Frames resized by ``scale`` (the config's ``detector.params.<detector>.scale``).

    Raises ValueError naming the key, the frame size and the bound when the
    factor leaves a frame whose shorter side is below ``min_face_size``: no
    face the detector looks for fits in it, so every frame would silently
    have none (or, at a tinier factor, OpenCV's resize fails on a 0-px frame
    with a message that names neither). A frame already that small at full
    size is no fault of the factor and is left to find no face.
    """
    if scale == 1.0:
        return list(frames)
    for height, width in {frame.shape[:2] for frame in frames}:
        shorter = min(height, width)
        if shorter >= min_face_size > shorter * scale:
            raise ValueError(
                f"detector.params.{detector}.scale: {scale} resizes a {width}x{height} frame to "
                f"{width * scale:.1f}x{height * scale:.1f} px, below the detector's min_face_size "
                f"({min_face_size} px) on the shorter side; use a scale of at least "
                f"{min_face_size / shorter:.3g}"
            )
    return [cv2.resize(f, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA) for f in frames]


def _rgb_resized(
    frames: Sequence[np.ndarray], scale: float, *, detector: str, min_face_size: int
) -> list[np.ndarray]:
    """BGR frames resized by ``scale`` (:func:`_resize_all`) and turned RGB, as MTCNN expects."""
    return [
        cv2.cvtColor(f, cv2.COLOR_BGR2RGB)
        for f in _resize_all(frames, scale, detector=detector, min_face_size=min_face_size)
    ]


def _from_corners(corners, confidence: float, landmarks: np.ndarray, scale: float) -> Detection:
    """A detection from an (x1, y1, x2, y2) box found on a frame resized by ``scale``."""
    x1, y1, x2, y2 = (float(v) for v in corners)
    return _rescale(Detection((x1, y1, x2 - x1, y2 - y1), float(confidence), landmarks), scale)


@register
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
        threads: int = 1,
        scale: float = 0.5,
        min_face_size: int = 20,
        min_confidence: float = 0.9,
    ) -> None:
        import tensorflow as tf

        # Must happen before the first TensorFlow op; later calls raise.
        tf.config.threading.set_intra_op_parallelism_threads(threads)
        tf.config.threading.set_inter_op_parallelism_threads(1)
        from mtcnn import MTCNN

        self.scale, self.min_confidence = scale, min_confidence
        self._model = MTCNN(device="CPU:0")
        self._min_face_size = min_face_size

    def detect(self, frames: Sequence[np.ndarray]) -> list[list[Detection]]:
        small = _rgb_resized(
            frames, self.scale, detector=self.name, min_face_size=self._min_face_size
        )
        found = self._detect_batch(small)
        # mtcnn 1.0 answers an internal error in *one* image (a frame with no face candidate)
        # with no faces for the *whole* batch: look at each empty frame again on its own.
        if len(small) > 1:
            found = [
                faces if len(faces) else self._detect_batch([image])[0]
                for faces, image in zip(found, small)
            ]
        return [
            [
                _from_corners(row[1:5], row[5], np.stack([row[6:11], row[11:16]], 1), self.scale)
                for row in rows
                if row[5] >= self.min_confidence
            ]
            for rows in found
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


@register
class TorchMTCNNDetector:
    """The same MTCNN, weights and thresholds, on PyTorch (:mod:`dfscope.mtcnn_torch`).

    It finds the boxes the ``mtcnn`` package finds (to 0.05 px, a test holds them
    together) at about twice its speed on a CPU, imports in ~1.5 s instead of
    TensorFlow's ~5 s, and runs each stage batched on CUDA with ``device: cuda``.
    """

    name: ClassVar[str] = "mtcnn_torch"

    def __init__(
        self,
        *,
        threads: int = 1,
        scale: float = 0.5,
        min_face_size: int = 20,
        min_confidence: float = 0.9,
        device: str = "cpu",
    ) -> None:
        import torch

        from dfscope.mtcnn_torch import TorchMTCNN

        torch.set_num_threads(threads)
        if device.startswith("cuda") and not torch.cuda.is_available():
            raise RuntimeError(
                f"detector mtcnn_torch: device {device!r} asked for, but PyTorch "
                f"{torch.__version__} sees no CUDA device"
            )
        self.scale, self.min_confidence = scale, min_confidence
        self._min_face_size = min_face_size
        self._model = TorchMTCNN(device=device, min_face_size=min_face_size)

    def detect(self, frames: Sequence[np.ndarray]) -> list[list[Detection]]:
        small = _rgb_resized(
            frames, self.scale, detector=self.name, min_face_size=self._min_face_size
        )
        found: list[list[Detection]] = [[] for _ in small]
        for shape in {image.shape for image in small}:  # one batch per frame size
            index = [i for i, image in enumerate(small) if image.shape == shape]
            faces = self._model.detect(np.stack([small[i] for i in index]))
            for j, box, score, points in zip(
                faces.image, faces.boxes, faces.scores, faces.landmarks
            ):
                if score >= self.min_confidence:
                    found[index[j]].append(_from_corners(box, score, points, self.scale))
        return found


@register
class HaarDetector:
    """OpenCV's frontal-face Haar cascade (Viola-Jones): fast, no landmarks, no deep model.

    Confidence is the cascade's level weight squashed to [0, 1] with a
    logistic, so that it orders detections like MTCNN's probability does.
    """

    name: ClassVar[str] = "haar"

    def __init__(
        self,
        *,
        threads: int = 1,
        scale: float = 0.5,
        min_face_size: int = 20,
        min_neighbors: int = 5,
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
            for f in _resize_all(
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
            _rescale(
                Detection(tuple(float(v) for v in box), float(1 / (1 + np.exp(-w)))), self.scale
            )
            for box, w in zip(boxes, np.ravel(weights))
        ]
