"""The registered detectors on real photographs."""

from __future__ import annotations

import numpy as np
import pytest

from dfscope.detectors import FrameTooSmall, build
from dfscope.sample import IDENTITIES, load_photo

from .conftest import detector


def test_an_unknown_detector_names_the_known_ones():
    """The library names its own names; the config's key is the schema's to name."""
    with pytest.raises(
        ValueError, match="unknown face detector 'retina'; known: dlib, haar, mtcnn, mtcnn_torch"
    ):
        build("retina")


def test_mtcnn_on_the_astronaut_photograph(mtcnn):
    photo = load_photo("astronaut")
    (faces,) = mtcnn.detect([photo])
    assert len(faces) == 1 and faces[0].confidence > 0.99
    # Landmarks agree with those stored for the generator (measured at full size; here at half).
    np.testing.assert_allclose(faces[0].landmarks, IDENTITIES["fcol0"].landmarks, atol=4)


def test_mtcnn_batch_equals_single_frames(mtcnn):
    photo = load_photo("astronaut")
    blank = np.zeros_like(photo)  # no face: must not wipe out the other frame's face
    batch = mtcnn.detect([photo, blank, photo[:, ::-1].copy()])
    assert [len(f) for f in batch] == [1, 0, 1]
    (single,) = mtcnn.detect([photo])
    np.testing.assert_allclose(batch[0][0].box, single[0].box, atol=1e-3)


def test_haar_finds_the_face_of_grace_hopper():
    photo = load_photo("grace_hopper")
    (faces,) = detector("haar", scale=1.0).detect([photo])
    assert len(faces) >= 1
    x, y, w, h = max(faces, key=lambda f: f.box[2] * f.box[3]).box
    assert x < 268 < x + w and y < 237 < y + h  # contains the nose MTCNN found


@pytest.mark.parametrize(("scale", "size"), [(0.01, "5.1x3.8 px"), (0.04, "20.5x15.4 px")])
def test_a_scale_too_small_for_any_face_names_the_key_the_frame_and_the_bound(scale, size):
    """At 0.01 OpenCV's resize fails on a 0-px frame; at 0.04 no face could be found in any."""
    frame = np.zeros((384, 512, 3), np.uint8)
    with pytest.raises(
        ValueError,
        match=rf"detector.params.haar.scale: {scale} resizes a 512x384 "
        rf"frame to {size}, below the detector's min_face_size \(20 px\) on the "
        r"shorter side; use a scale of at least 0.0521",
    ):
        detector("haar", scale=scale).detect([frame])


@pytest.mark.parametrize("shape", [(16, 16, 3), (512, 1, 3), (1, 1, 3)])
def test_a_frame_smaller_than_any_face_at_full_size_is_the_videos_fault_not_the_scales(shape):
    """Not resized (a 1-px side would be 0 px: OpenCV's ``!dsize.empty()``): the message says
    why no face can be found, and the faces step leaves that video out."""
    height, width = shape[:2]
    with pytest.raises(
        FrameTooSmall,
        match=rf"frames of {width}x{height} px: the shorter side is below the haar detector's "
        r"min_face_size \(20 px\), so no face can be found",
    ):
        detector("haar").detect([np.zeros(shape, np.uint8)])
