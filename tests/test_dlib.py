"""The dlib detector against MTCNN, on a photograph and on a GRID talking head."""

from __future__ import annotations

import importlib.util
import itertools

import numpy as np
import pytest

pytest.importorskip("dlib", reason="the dlib detector needs dlib-bin (requirements.txt)")
if importlib.util.find_spec("face_recognition_models") is None:
    pytest.skip(
        "the dlib detector needs face-recognition-models (requirements.txt)",
        allow_module_level=True,
    )

from dfscope.detectors import Detection, dlib, rescale  # noqa: E402
from dfscope.geometry import Box, iou  # noqa: E402
from dfscope.sample import load_photo  # noqa: E402
from dfscope.video import iter_video  # noqa: E402

from .conftest import detector, shared  # noqa: E402


def grid_frame() -> np.ndarray:
    """Frame 31 of a GRID clip: one speaker facing the camera, 360x288."""
    return next(itertools.islice(iter_video(shared("media/grid/bbaf2n.mpg")), 30, None))


@pytest.fixture(scope="module", params=dlib.MODELS)
def dlib_detector(request):
    return detector("dlib", model=request.param)


@pytest.mark.parametrize("image", ["astronaut", "grid"])
def test_the_face_and_its_landmarks_agree_with_mtcnn(dlib_detector, mtcnn, image):
    frame = load_photo("astronaut") if image == "astronaut" else grid_frame()
    (faces,) = dlib_detector.detect([frame])
    (reference,) = mtcnn.detect([frame])
    assert len(faces) == 1 and len(reference) == 1
    face, ref = faces[0], reference[0]
    assert iou(face.box, ref.box) > 0.5
    assert 0.5 < face.confidence < 1
    # dlib's points and MTCNN's are two markups of one face: ~2 px apart on ~100 px faces.
    assert np.linalg.norm(face.landmarks - ref.landmarks, axis=1).max() < 4
    assert face.shape.shape == (68, 2)
    np.testing.assert_allclose(face.landmarks, dlib.five_landmarks(face.shape))


def test_an_empty_frame_has_no_face(dlib_detector):
    assert dlib_detector.detect([np.zeros((288, 360, 3), np.uint8)]) == [[]]


def test_a_batch_is_its_frames_one_by_one():
    hog = detector("dlib")
    photo = load_photo("astronaut")
    frames = [photo, np.zeros_like(photo), np.roll(photo, (37, -51), axis=(0, 1))]
    batch = hog.detect(frames)
    assert [len(faces) for faces in batch] == [1, 0, 1]
    for faces, frame in zip(batch, frames, strict=True):
        assert [face.box for face in faces] == [face.box for face in hog.detect([frame])[0]]


def test_faces_below_min_face_size_are_dropped():
    photo = load_photo("astronaut")  # its face is ~45 px in the half-size frame dlib sees
    assert detector("dlib", min_face_size=60).detect([photo]) == [[]]


def test_the_five_landmarks_are_eye_centres_nose_tip_and_mouth_corners():
    shape = np.zeros((68, 2))
    shape[36:42] = [10, 20]
    shape[42:48] = [30, 20]
    shape[36, 0], shape[39, 0] = 4, 16  # the outline's corners: the centre is their mean
    shape[30], shape[48], shape[54] = [20, 30], [12, 40], [28, 40]
    np.testing.assert_allclose(
        dlib.five_landmarks(shape), [[10, 20], [30, 20], [20, 30], [12, 40], [28, 40]]
    )


def test_the_first_eye_is_on_the_left_of_the_image_as_mtcnns():
    (faces,) = detector("dlib").detect([load_photo("astronaut")])
    left_eye, right_eye, _, mouth_left, mouth_right = faces[0].landmarks
    assert left_eye[0] < right_eye[0] and mouth_left[0] < mouth_right[0]


def test_rescale_carries_the_full_landmarks():
    face = Detection(Box(10, 20, 30, 40), 0.9, np.ones((5, 2)), np.full((68, 2), 2.0))
    scaled = rescale(face, 0.5)
    assert scaled.box == Box(20, 40, 60, 80)
    np.testing.assert_allclose(scaled.shape, 4.0)
    assert rescale(Detection(face.box, 0.9), 0.5).shape is None


def test_a_missing_model_package_names_it(monkeypatch):
    monkeypatch.setattr(dlib.importlib.util, "find_spec", lambda name: None)
    with pytest.raises(ModuleNotFoundError, match="pip install face-recognition-models"):
        dlib.model_file("shape")


def test_an_unknown_model_names_the_key():
    with pytest.raises(ValueError, match=r"detector.params.dlib.model: 'retina'"):
        detector("dlib", model="retina")
