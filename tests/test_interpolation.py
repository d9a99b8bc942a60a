"""Detecting every k-th frame and interpolating the face in between (``detector.every``)."""

from __future__ import annotations

import itertools
from collections.abc import Iterable
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from dfscope.crops import Cropping
from dfscope.detectors import Detection
from dfscope.faces import detect_video, interpolate_keyframes, keyframes
from dfscope.geometry import Box, iou
from dfscope.images import write_image
from dfscope.video import iter_video, open_source

from .conftest import shared

EVERY = 4
MIN_MEAN_IOU = 0.9


def test_keyframes_include_the_first_and_the_last_frame():
    assert keyframes(10, 4).tolist() == [0, 4, 8, 9]
    assert keyframes(9, 4).tolist() == [0, 4, 8]
    assert keyframes(3, 1).tolist() == [0, 1, 2]
    assert keyframes(1, 4).tolist() == [0] and keyframes(0, 4).tolist() == []
    with pytest.raises(ValueError, match="detector.every"):
        keyframes(5, 0)


def test_interpolation_is_linear_between_keyframes_and_stops_at_a_missing_face():
    key_frames = np.array([0, 4, 8, 10])
    boxes = np.array([[0, 0, 10, 10], [40, 20, 50, 30], [np.nan] * 4, [0, 0, 10, 10]], float)
    values = interpolate_keyframes(key_frames, boxes, np.array([1, 2, 3, 4, 5, 9]))
    np.testing.assert_allclose(
        values[:4], [[10, 5, 20, 15], [20, 10, 30, 20], [30, 15, 40, 25], [40, 20, 50, 30]]
    )
    assert np.isnan(values[4:]).all()  # next to keyframe 8, which has no face: nothing guessed


class _Moving:
    """Stub detector: one face moving 4 px right per frame, none in frame 7 (index 6)."""

    name = "moving"

    def __init__(self):
        self.seen = 0

    def detect(self, frames):
        self.seen += len(frames)
        return [[] if f[0, 0, 0] == 6 else [self._face(int(f[0, 0, 0]))] for f in frames]

    @staticmethod
    def _face(index: int) -> Detection:
        marks = np.full((5, 2), float(index))
        return Detection(Box(10.0 + 4 * index, 20.0, 30.0, 30.0), 0.99, marks, marks + 1)


def test_detect_video_interpolates_rows_and_crops(tmp_path):
    frames = tmp_path / "frames"
    frames.mkdir()
    for index in range(10):  # the frame's index is its first pixel, for the stub
        write_image(frames / f"{index + 1:05d}.png", np.full((80, 120, 3), index, np.uint8))
    detector = _Moving()
    table = detect_video(
        frames,
        tmp_path / "crops",
        tmp_path / "faces.parquet",
        video="real-a-sa1",
        detector=detector,
        cropping=Cropping(size=16, margin=0.2),
        batch_size=2,
        every=3,
    )
    assert detector.seen == 4  # keyframes 1, 4, 7 and 10 (the last)
    assert table.frame.tolist() == list(range(1, 11))
    assert table.interpolated.tolist() == [
        False,
        True,
        True,
        False,
        False,
        False,
        False,
        False,
        False,
        False,
    ]
    assert table.face.tolist() == [0, 0, 0, 0, -1, -1, -1, -1, -1, 0]
    assert table.x[1] == pytest.approx(14.0) and table.left_eye_x[2] == pytest.approx(2.0)
    assert table.n_faces[1] == 1 and np.isnan(table.confidence[1])
    assert sorted(p.name for p in (tmp_path / "crops").iterdir()) == [
        "00001.png",
        "00002.png",
        "00003.png",
        "00004.png",
        "00010.png",
    ]
    written = pd.read_parquet(tmp_path / "faces.parquet")
    assert written.interpolated.dtype == bool
    # The detector's full landmarks where it detected the face; none guessed in between.
    assert written["shape"][3].tolist() == [4.0] * 10
    assert written["shape"][[1, 2, 4]].isna().all()


def write_frames(frames: Iterable[np.ndarray], folder: Path, limit: int) -> Path:
    """The first ``limit`` frames as a numbered PNG folder, as the frames rule leaves them."""
    folder.mkdir(parents=True)
    for index, frame in enumerate(itertools.islice(frames, limit), start=1):
        write_image(folder / f"{index:05d}.png", frame)
    return folder


def mean_iou(full: pd.DataFrame, sparse: pd.DataFrame) -> float:
    """Mean IoU of the chosen boxes over frames where either table has a face (in one only: 0)."""
    either = (full.face >= 0) | (sparse.face >= 0)
    pairs = zip(
        *(table.loc[either, ["x", "y", "w", "h"]].to_numpy() for table in (full, sparse)),
        strict=False,
    )
    return float(
        np.mean([0.0 if np.isnan([*a, *b]).any() else iou(tuple(a), tuple(b)) for a, b in pairs])
    )


def iou_to_full_detection(folder: Path, detector, tmp_path: Path) -> float:
    """Mean IoU between detecting every frame of ``folder`` and every ``EVERY``-th frame."""
    tables = [
        detect_video(
            folder,
            tmp_path / f"crops{every}",
            tmp_path / f"faces{every}.parquet",
            video=folder.name,
            detector=detector,
            cropping=Cropping(size=64, margin=0.2),
            every=every,
        )
        for every in (1, EVERY)
    ]
    assert tables[1].interpolated.sum() > 0
    return mean_iou(*tables)


@pytest.fixture(scope="module")
def sample_folders(tmp_path_factory):
    """Every video of a 2-subject, 20-frame generated sample as a frame folder."""
    from dfscope.sample import SampleSpec, generate

    root = tmp_path_factory.mktemp("interp_sample")
    table = generate(SampleSpec(subjects=("fcol0", "fhop0"), sentences=("sa1",), n_frames=20), root)
    return [
        write_frames(
            open_source(row.path)[0] if row.label == 0 else iter_video(row.path),
            root / "frames" / row.video,
            20,
        )
        for row in table.itertuples()
    ]


def test_interpolated_boxes_match_full_detection_on_the_sample(sample_folders, mtcnn, tmp_path):
    ious = {
        folder.name: iou_to_full_detection(folder, mtcnn, tmp_path / folder.name)
        for folder in sample_folders
    }
    assert np.mean(list(ious.values())) >= MIN_MEAN_IOU, ious


@pytest.mark.parametrize("clip", ["bbaf2n.mpg", "swiz3n.mpg"])
def test_interpolated_boxes_match_full_detection_on_grid_clips(clip, mtcnn, tmp_path):
    folder = write_frames(iter_video(shared(f"media/grid/{clip}")), tmp_path / Path(clip).stem, 75)
    mean = iou_to_full_detection(folder, mtcnn, tmp_path)
    assert mean >= MIN_MEAN_IOU, mean
