"""Face detectors behind one small interface, chosen by name in the config.

A detector takes a batch of frames and returns, for each frame, every face
it found. The workflow builds one detector per job and feeds it batches, so
that model construction (about 0.2 s for MTCNN) and TensorFlow's start-up
are paid once per job, not once per frame. Each detector is a module of this
package (:data:`DETECTORS`, a :class:`dfscope.registry.Registry`) whose
``build(threads=..., **params)`` makes it; the modules are imported only when
built, so a faces job imports (and its rerun depends on) the code of its own
detector only. A new detector is one module with a class that has
``detect(frames)``, bound to ``build``, and its parameters in the config schema.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

import cv2
import numpy as np

from ..geometry import Box
from ..registry import Registry

log = logging.getLogger(__name__)

#: The face detectors: the modules of this package, each with ``build(threads=..., **params)``.
DETECTORS = Registry("face detector", "detectors", ("build",))


@dataclass(frozen=True)
class Detection:
    """One face: its box in frame pixels, confidence in [0, 1], (5, 2) landmarks or None, and
    the detector's full set of landmarks ((N, 2), frame pixels: dlib's 68) where it has more
    than five, else None."""

    box: Box
    confidence: float
    landmarks: np.ndarray | None = None
    shape: np.ndarray | None = None


class Detector(Protocol):
    """What the faces step needs of a detector."""

    def detect(self, frames: Sequence[np.ndarray]) -> list[list[Detection]]:
        """Faces in each of ``frames`` ((H, W, 3) uint8 BGR), in frame pixels."""
        ...


def build(name: str, *, threads: int = 1, **params) -> Detector:
    """Build detector ``name`` with its config ``params`` (``detector.params.<name>``, every
    key given: the config schema holds the defaults), its pools held to ``threads``."""
    return DETECTORS.load(name).build(threads=threads, **params)


def rescale(detection: Detection, factor: float) -> Detection:
    """A detection made on a frame resized by ``factor``, mapped back to the full frame."""
    landmarks, shape = (
        None if points is None else points / factor
        for points in (detection.landmarks, detection.shape)
    )
    box = Box(*(v / factor for v in detection.box))
    return Detection(box, detection.confidence, landmarks, shape)


class FrameTooSmall(ValueError):
    """A video's frames are smaller than any face the detector looks for: the video's fault."""


@dataclass(frozen=True)
class Resizing:
    """How a detector shrinks frames before it looks at them: by ``scale``, and further where
    that would leave a side longer than ``max_side`` (the config's ``detector.params.<name>``).

    Detection's cost and memory grow with the pixels of the frame it sees (MTCNN builds an
    image pyramid of a batch of them), so bounding the longest side bounds both, whatever
    the videos' resolution: 1080p and 512x384 frames cost alike. Boxes are mapped back by
    each frame's own factor; crops are cut from the full frame.
    """

    detector: str
    scale: float
    max_side: int
    min_face_size: int

    def factor(self, shape: tuple[int, ...]) -> float:
        """The factor a frame of ``shape`` (H, W, ...) is resized by."""
        return min(self.scale, self.max_side / max(shape[:2]))

    def apply(
        self, frames: Sequence[np.ndarray], *, rgb: bool = False
    ) -> tuple[list[np.ndarray], list[float]]:
        """The frames resized (and turned RGB, as MTCNN's weights expect, with ``rgb``), and
        each one's factor.

        Raises ValueError naming the key, the frame size and the bound when the factor
        leaves a frame whose shorter side is below ``min_face_size``: no face the detector
        looks for fits in it, so every frame would silently have none (or, at a tinier
        factor, OpenCV's resize fails on a 0-px frame with a message that names neither).
        A frame already that small at full size is no fault of the factor but the video's:
        :class:`FrameTooSmall` says so, and the faces step leaves that video out.
        """
        factors = [self.factor(frame.shape) for frame in frames]
        for frame, factor in zip(frames, factors, strict=True):
            self._check(frame.shape, factor)
        small = [
            frame
            if factor == 1.0
            else cv2.resize(frame, None, fx=factor, fy=factor, interpolation=cv2.INTER_AREA)
            for frame, factor in zip(frames, factors, strict=True)
        ]
        if rgb:
            small = [cv2.cvtColor(frame, cv2.COLOR_BGR2RGB) for frame in small]
        return small, factors

    def _check(self, shape: tuple[int, ...], factor: float) -> None:
        height, width = shape[:2]
        shorter = min(height, width)
        if shorter < self.min_face_size:
            raise FrameTooSmall(
                f"frames of {width}x{height} px: the shorter side is below the {self.detector} "
                f"detector's min_face_size ({self.min_face_size} px), so no face can be found"
            )
        if shorter >= self.min_face_size > shorter * factor:
            key, value = (
                ("scale", self.scale) if factor == self.scale else ("max_side", self.max_side)
            )
            raise ValueError(
                f"detector.params.{self.detector}.{key}: {value} resizes a {width}x{height} frame "
                f"to {width * factor:.1f}x{height * factor:.1f} px, below the detector's "
                f"min_face_size ({self.min_face_size} px) on the shorter side; use a {key} of "
                f"at least {self._bound(key, shape):.3g}"
            )

    def _bound(self, key: str, shape: tuple[int, ...]) -> float:
        """The smallest ``scale`` or ``max_side`` that keeps a frame's shorter side at
        ``min_face_size``."""
        height, width = shape[:2]
        factor = self.min_face_size / min(height, width)
        return factor if key == "scale" else factor * max(height, width)


def from_corners(corners, confidence: float, landmarks: np.ndarray, factor: float) -> Detection:
    """A detection from an (x1, y1, x2, y2) box found on a frame resized by ``factor``."""
    x1, y1, x2, y2 = (float(v) for v in corners)
    return rescale(Detection(Box(x1, y1, x2 - x1, y2 - y1), float(confidence), landmarks), factor)
