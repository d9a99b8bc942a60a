"""Every face of a frame tracked into identities (``detector.faces: all``): the tracker, the
faces step's rows and crops, and which of the original's faces a fake's face is compared with."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from dfscope.crops import Cropping
from dfscope.detectors import Detection
from dfscope.faces import detect_video
from dfscope.geometry import Box
from dfscope.images import write_image
from dfscope.paired import original_face
from dfscope.tracks import Tracker

LEFT, RIGHT = Box(10, 20, 30, 30), Box(70, 20, 30, 30)


def test_a_face_keeps_its_identity_while_it_moves_and_a_new_one_gets_the_next():
    tracker = Tracker()
    assert tracker.update([LEFT]) == [0]
    # Listed the other way round, and each moved by 4 px: the overlap, not the order, decides.
    assert tracker.update([Box(74, 20, 30, 30), Box(14, 20, 30, 30)]) == [1, 0]
    assert tracker.update([Box(18, 20, 30, 30), Box(78, 20, 30, 30)]) == [0, 1]
    assert tracker.update([]) == []
    assert tracker.update([Box(200, 100, 30, 30)]) == [2]  # overlaps neither: someone new


def test_a_face_that_overlaps_too_little_or_comes_back_too_late_is_someone_new():
    tracker = Tracker(min_iou=0.5, max_gap=2)
    tracker.update([LEFT])
    assert tracker.update([Box(25, 20, 30, 30)]) == [1]  # IoU 1/3 < 0.5
    late = Tracker(max_gap=2)
    late.update([LEFT])
    late.update([])
    assert late.update([LEFT]) == [0]  # seen 2 detected frames ago: the same
    late.update([])
    late.update([])
    late.update([])
    assert late.update([LEFT]) == [1]  # 4 ago: ended
    with pytest.raises(ValueError, match="min_iou"):
        Tracker(min_iou=0)


def test_two_faces_on_one_identity_give_it_to_the_closer_and_start_a_new_one():
    tracker = Tracker()
    tracker.update([LEFT])
    assert tracker.update([Box(16, 20, 30, 30), Box(12, 20, 30, 30)]) == [1, 0]


def test_crossing_faces_keep_both_identities_where_the_most_overlapping_pair_is_the_wrong_one():
    tracker = Tracker()  # min_iou 0.3
    assert tracker.update([Box(0, 0, 30, 30), Box(15, 0, 30, 30)]) == [0, 1]
    # Both move left, the right one faster, over the left one. The first detection overlaps 0
    # by 0.82 and 1 by 0.43; the second overlaps 0 by 0.67 and 1 by 0.18 (under min_iou).
    # Matching the largest overlap first gave the first detection 0 and left the second
    # nothing but a new identity, 2, while 1 was lost; the assignment of largest total overlap
    # (0.43 + 0.67 against 0.82) keeps both people.
    assert tracker.update([Box(3, 0, 30, 30), Box(-6, 0, 30, 30)]) == [1, 0]


class _TwoPeople:
    """Stub detector: two faces moving apart, 4 px a frame each; only the left one in frame 5
    (index 4); the right one listed first."""

    def detect(self, frames):
        return [self._faces(int(frame[0, 0, 0])) for frame in frames]

    @staticmethod
    def _faces(index: int) -> list[Detection]:
        left = Detection(Box(10.0 - index, 20.0, 30.0, 30.0), 0.9, np.full((5, 2), 20.0 - index))
        right = Detection(Box(70.0 + index, 20.0, 30.0, 30.0), 0.8, np.full((5, 2), 80.0 + index))
        return [left] if index == 4 else [right, left]


def _frames(folder, n):
    folder.mkdir()
    for index in range(n):  # the frame's index is its first pixel, for the stub
        write_image(folder / f"{index + 1:05d}.png", np.full((80, 140, 3), index, np.uint8))
    return folder


def test_every_face_gets_its_rows_and_crops_and_is_interpolated_per_identity(tmp_path):
    table = detect_video(
        _frames(tmp_path / "frames", 7),
        tmp_path / "crops",
        tmp_path / "faces.parquet",
        video="real-a-sa1",
        detector=_TwoPeople(),
        cropping=Cropping(size=16, margin=0.2),
        faces="all",
        every=2,
    )
    rows = table.set_index(["frame", "face_id"])
    # Keyframes 1, 3, 5, 7: the right face (listed first) is identity 0, where it first appeared.
    assert rows.index.tolist() == [
        (1, 0), (1, 1), (2, 0), (2, 1), (3, 0), (3, 1), (4, 1), (5, 1), (6, 1), (7, 0), (7, 1)
    ]  # fmt: skip
    assert (rows.xs(0, level="face_id").x > 60).all() and (rows.xs(1, level="face_id").x < 20).all()
    assert rows.loc[(2, 0), "x"] == pytest.approx(71.0) and rows.loc[(2, 0), "interpolated"]
    # Frame 4 lies between keyframe 3 (both) and 5 (the left only): only the left is guessed,
    # and frame 4's one face is the first of its row.
    assert rows.loc[(4, 1), ["n_faces", "face"]].tolist() == [1, 0]
    assert rows.loc[(5, 1), "n_faces"] == 1 and not rows.loc[(5, 1), "interpolated"]
    crops = sorted(path.name for path in (tmp_path / "crops").iterdir())
    assert crops == sorted(table.crop.tolist()) and "00001_1.png" in crops
    assert pd.read_parquet(tmp_path / "faces.parquet").face_id.dtype == "int16"


def test_one_face_a_frame_is_face_0_and_a_frame_without_one_is_minus_1(tmp_path):
    table = detect_video(
        _frames(tmp_path / "frames", 3),
        tmp_path / "crops",
        tmp_path / "faces.parquet",
        video="real-a-sa1",
        detector=_TwoPeople(),
        cropping=Cropping(size=16, margin=0.2),
    )
    assert table.face_id.tolist() == [0, 0, 0] and table.face.tolist() == [1, 1, 1]  # largest
    assert (table.x < 20).all() and table.crop.tolist() == ["00001.png", "00002.png", "00003.png"]


def _row(face_id, box):
    return SimpleNamespace(face_id=face_id, x=box.x, y=box.y, w=box.w, h=box.h)


def test_a_fakes_face_is_compared_with_the_originals_face_it_overlaps():
    left, right = _row(0, LEFT), _row(1, RIGHT)
    # One face on each side: that one, wherever the fake's detector put its box, or none.
    assert original_face(_row(0, RIGHT), [left], 1) is left
    assert original_face(_row(-1, Box(*[np.nan] * 4)), [left], 1) is left
    # Several: the overlapping one; none where none overlaps or the fake's row has no face.
    assert original_face(_row(1, Box(72, 22, 30, 30)), [left, right], 2) is right
    assert original_face(_row(0, Box(300, 0, 10, 10)), [left, right], 2) is None
    assert original_face(_row(-1, Box(*[np.nan] * 4)), [left, right], 1) is None
    assert original_face(_row(0, LEFT), [], 1) is None
