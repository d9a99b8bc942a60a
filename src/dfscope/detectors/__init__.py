"""Face detectors behind one small interface, chosen by name in the config.

A detector takes a batch of frames and returns, for each frame, every face
it found. The workflow builds one detector per job and feeds it batches, so
that model construction (about 0.2 s for MTCNN) and TensorFlow's start-up
are paid once per job, not once per frame. Each detector lives in a module
of this package of its own and is named in :data:`DETECTORS`; the modules
are imported only when built, so a faces job imports (and its rerun depends
on) the code of its own detector only. A new detector is one module with a
class that has ``detect(frames)``, one line in :data:`DETECTORS` and its
parameters in the config schema.
"""

from __future__ import annotations

import importlib
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

import cv2
import numpy as np

from ..geometry import Box

log = logging.getLogger(__name__)

#: The detectors by config name: the module of this package and the class in it.
DETECTORS: dict[str, tuple[str, str]] = {
    "mtcnn": ("mtcnn", "MTCNNDetector"),
    "mtcnn_torch": ("mtcnn_torch", "TorchMTCNNDetector"),
    "haar": ("haar", "HaarDetector"),
}


@dataclass(frozen=True)
class Detection:
    """One face: its box in frame pixels, confidence in [0, 1], (5, 2) landmarks or None."""

    box: Box
    confidence: float
    landmarks: np.ndarray | None = None


class Detector(Protocol):
    """What the faces step needs of a detector."""

    def detect(self, frames: Sequence[np.ndarray]) -> list[list[Detection]]:
        """Faces in each of ``frames`` ((H, W, 3) uint8 BGR), in frame pixels."""
        ...


def module_of(name: str) -> str:
    """The dfscope module holding detector ``name`` (``detectors.mtcnn``): what its faces jobs'
    code hash covers."""
    return f"detectors.{_registered(name)[0]}"


def build(name: str, *, threads: int = 1, **params) -> Detector:
    """Build detector ``name`` with its config ``params`` (``detector.params.<name>``, every
    key given: the config schema holds the defaults), its pools held to ``threads``."""
    module, cls = _registered(name)
    return getattr(importlib.import_module(f"{__name__}.{module}"), cls)(threads=threads, **params)


def _registered(name: str) -> tuple[str, str]:
    try:
        return DETECTORS[name]
    except KeyError:
        raise ValueError(
            f"detector.name: unknown detector {name!r}; known: {sorted(DETECTORS)}"
        ) from None


def rescale(detection: Detection, factor: float) -> Detection:
    """A detection made on a frame resized by ``factor``, mapped back to the full frame."""
    landmarks = None if detection.landmarks is None else detection.landmarks / factor
    return Detection(Box(*(v / factor for v in detection.box)), detection.confidence, landmarks)


def resize_all(
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


def rgb_resized(
    frames: Sequence[np.ndarray], scale: float, *, detector: str, min_face_size: int
) -> list[np.ndarray]:
    """BGR frames resized by ``scale`` (:func:`resize_all`) and turned RGB, as MTCNN expects."""
    return [
        cv2.cvtColor(f, cv2.COLOR_BGR2RGB)
        for f in resize_all(frames, scale, detector=detector, min_face_size=min_face_size)
    ]


def from_corners(corners, confidence: float, landmarks: np.ndarray, scale: float) -> Detection:
    """A detection from an (x1, y1, x2, y2) box found on a frame resized by ``scale``."""
    x1, y1, x2, y2 = (float(v) for v in corners)
    return rescale(Detection(Box(x1, y1, x2 - x1, y2 - y1), float(confidence), landmarks), scale)
