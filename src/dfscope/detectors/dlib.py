"""The ``dlib`` detector: dlib's HOG or MMOD-CNN face detector, with its 68-point landmarks.

Why dlib beside MTCNN: DeepfakeBench (and much deepfake work before it) crops
its faces with dlib's HOG detector and aligns them with dlib's shape
predictor, so that detecting with dlib reproduces their crops. The models
come from the ``face-recognition-models`` package (dlib's own
``shape_predictor_68_face_landmarks.dat`` and ``mmod_human_face_detector.dat``);
nothing is downloaded at run time.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Sequence
from pathlib import Path
from typing import ClassVar

import cv2
import numpy as np

from ..geometry import Box
from . import Detection, Resizing

#: What this detector imports beyond the core packages (import name -> pip name).
REQUIRES = {"dlib": "dlib-bin", "face_recognition_models": "face-recognition-models"}

#: The detectors dlib has: a sliding-window HOG + linear SVM, or a max-margin (MMOD) CNN.
MODELS = ("hog", "cnn")
#: The package that carries dlib's model files, and the files this detector reads from it.
MODEL_PACKAGE = "face_recognition_models"
MODEL_FILES = {
    "cnn": "mmod_human_face_detector.dat",
    "shape": "shape_predictor_68_face_landmarks.dat",
}
#: Indices (0-based, as ``shape.part(i)``) into dlib's 68 points (the iBUG 300-W markup) of
#: the five landmarks, in the order of :data:`dfscope.schema.LANDMARKS`. Like MTCNN's, the
#: first eye and mouth corner are those on the image's left (the subject's right): points
#: 36-41 outline that eye, 42-47 the other, 30 is the tip of the nose, 48 and 54 the corners
#: of the mouth.
EYES = (slice(36, 42), slice(42, 48))
NOSE_TIP = 30
MOUTH_CORNERS = (48, 54)


def model_file(kind: str) -> Path:
    """The path of dlib model ``kind`` (a key of :data:`MODEL_FILES`) in the installed
    ``face-recognition-models`` package.

    The package is located, not imported: its ``__init__`` imports ``pkg_resources``,
    which recent setuptools no longer has.
    """
    spec = importlib.util.find_spec(MODEL_PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise ModuleNotFoundError(
            "the dlib detector reads dlib's model files from the face-recognition-models "
            "package, which is not installed: pip install face-recognition-models"
        )
    path = Path(spec.submodule_search_locations[0]) / "models" / MODEL_FILES[kind]
    if not path.is_file():
        raise FileNotFoundError(f"{path}: missing from the face-recognition-models package")
    return path


def five_landmarks(shape: np.ndarray) -> np.ndarray:
    """The five landmarks ((5, 2): eye centres, nose tip, mouth corners) of dlib's (68, 2)
    points: each eye's centre is the mean of its six outline points."""
    shape = np.asarray(shape, float)
    return np.stack(
        [shape[EYES[0]].mean(0), shape[EYES[1]].mean(0), shape[NOSE_TIP], *shape[[*MOUTH_CORNERS]]]
    )


def confidence(score: float) -> float:
    """A dlib detection score in [0, 1]: the logistic of it.

    Both of dlib's detectors answer a margin, not a probability: the HOG
    SVM's score and the CNN's "confidence" are 0 at the detection threshold
    and unbounded above (about 1 for a clear frontal face). The logistic
    keeps their order, as the Haar detector's does, and puts the threshold
    at 0.5.
    """
    return float(1 / (1 + np.exp(-score)))


class DlibDetector:
    """dlib's frontal-face detector, ``model`` ``hog`` (HOG + linear SVM, Dalal and Triggs
    2005) or ``cnn`` (the MMOD CNN, King 2015), and its 68-point shape predictor on each face.

    Frames are resized by ``scale`` and ``max_side`` (:class:`Resizing`)
    and upsampled ``upsample`` times (each doubles the side) by dlib before
    detection: both models find faces of about 70 px and more (boxes of
    70-80 px; none of 55 px on the astronaut photograph, resized) in the
    frame they finally see. Faces whose box is below
    ``min_face_size`` px in the resized frame are dropped. The 68 points
    are predicted on the full-size frame, in the box mapped back; they are
    kept as :attr:`Detection.shape`, and the five landmarks of the table
    are :func:`five_landmarks` of them. Confidence: :func:`confidence`.

    ``threads`` has no effect: dlib's HOG detector and shape predictor run
    on one thread, and dlib offers no setting for the CNN's CPU code.
    """

    name: ClassVar[str] = "dlib"

    def __init__(
        self,
        *,
        threads: int,
        scale: float,
        max_side: int,
        min_face_size: int,
        model: str,
        upsample: int,
    ) -> None:
        import dlib

        if model not in MODELS:
            raise ValueError(f"detector.params.dlib.model: {model!r} is not one of {MODELS}")
        self._resizing = Resizing(self.name, scale, max_side, min_face_size)
        self._min_size, self._upsample, self._model = min_face_size, upsample, model
        if model == "hog":
            self._hog = dlib.get_frontal_face_detector()
        else:
            self._cnn = dlib.cnn_face_detection_model_v1(str(model_file("cnn")))
        self._predictor = dlib.shape_predictor(str(model_file("shape")))
        self._rectangle = dlib.rectangle

    def detect(self, frames: Sequence[np.ndarray]) -> list[list[Detection]]:
        small, factors = self._resizing.apply(frames, rgb=True)
        return [
            self._detect_one(frame, image, factor)
            for frame, image, factor in zip(frames, small, factors, strict=True)
        ]

    def _found(self, image: np.ndarray) -> list[tuple[object, float]]:
        """dlib's rectangles and scores of the faces in an RGB ``image``."""
        if self._model == "hog":
            rects, scores, _ = self._hog.run(image, self._upsample, 0.0)
            return list(zip(rects, scores, strict=True))
        return [(found.rect, found.confidence) for found in self._cnn(image, self._upsample)]

    def _detect_one(self, frame: np.ndarray, image: np.ndarray, factor: float) -> list[Detection]:
        faces = []
        rgb = None
        for rect, score in self._found(image):
            # dlib's rectangles include their right and bottom pixels.
            x, y = rect.left(), rect.top()
            w, h = rect.right() - x + 1, rect.bottom() - y + 1
            if min(w, h) < self._min_size:
                continue
            box = Box(x / factor, y / factor, w / factor, h / factor)
            if rgb is None:
                rgb = cv2.cvtColor(frame, cv2.COLOR_BGR2RGB)
            shape = self._shape(rgb, box)
            faces.append(Detection(box, confidence(score), five_landmarks(shape), shape))
        return faces

    def _shape(self, rgb: np.ndarray, box: Box) -> np.ndarray:
        """dlib's 68 points ((68, 2) float, frame pixels) of the face in ``box``."""
        rect = self._rectangle(round(box.x), round(box.y), round(box.x1) - 1, round(box.y1) - 1)
        parts = self._predictor(rgb, rect).parts()
        return np.array([(point.x, point.y) for point in parts], float)


#: What :func:`dfscope.detectors.build` makes of this module.
build = DlibDetector
