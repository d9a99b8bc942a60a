"""Batches: which videos share a job, one video's failure kept to itself, frames kept by number."""

from __future__ import annotations

import json
import logging
import re

import numpy as np
import pandas as pd
import pytest

from dfscope import batches
from dfscope import video as video_module
from dfscope.detectors import Resizing
from dfscope.gather import crop_table, gather
from dfscope.images import frame_files, frame_number, read_frame, write_image
from dfscope.runtime import quiet_stderr
from dfscope.video import extract_frames, frame_filter, iter_video


def videos_of(subjects: dict[str, int]) -> pd.DataFrame:
    """A video table: per subject, that many sentences, each an original with an LQ and HQ fake."""
    rows = []
    for subject, sentences in subjects.items():
        for i in range(sentences):
            original = f"real-{subject}-s{i}"
            rows.append((original, subject, original))
            rows += [(f"{q}-{subject}-s{i}-x", subject, original) for q in ("lq", "hq")]
    return pd.DataFrame(rows, columns=["video", "subject", "original"])


def test_a_batch_is_a_subjects_videos_split_into_whole_originals_with_their_fakes():
    table = videos_of({"fadg0": 2, "fram1": 5})
    batch = batches.assign(table, max_videos=8)
    assert set(batch[table.video[table.subject == "fadg0"]]) == {"fadg0"}
    assert batch.value_counts().to_dict() == {"fadg0": 6, "fram1-1": 6, "fram1-2": 6, "fram1-3": 3}
    for _, unit in table.groupby("original"):  # a fake is in its original's batch
        assert batch[unit.video].nunique() == 1
    # A subject's batches depend on its own videos only.
    more = batches.assign(videos_of({"fadg0": 2, "fram1": 5, "mabc0": 9}), max_videos=8)
    assert more[batch.index].equals(batch)
    assert batches.assign(table, max_videos=2).value_counts().max() == 3  # a unit is never split


def lone_videos(names: list[str]) -> pd.DataFrame:
    """A list that names no subject: each video its own subject, no originals."""
    return pd.DataFrame({"video": names, "subject": names, "original": None})


def test_lone_videos_share_batches_whose_ends_a_video_added_does_not_move():
    names = [f"clip-{i:04d}" for i in range(400)]
    batch = batches.assign(lone_videos(names), max_videos=32)
    sizes = batch.value_counts()
    assert sizes.max() <= 32 and 5 <= sizes.mean() <= 12  # 8 on average, not 400 jobs of one
    for name, members in batch.groupby(batch):  # each named after its first, in id order
        assert name == members.index.min()
        assert list(members.index) == names[names.index(name) : names.index(name) + len(members)]
    # A video added changes its own batch, at most split in two, and no other; wherever it goes.
    before = {frozenset(members.index) for _, members in batch.groupby(batch)}
    moved = 0
    for added in ["aaa", "zzz", *(f"clip-{i:04d}x" for i in range(0, 400, 2))]:
        more = batches.assign(lone_videos([*names, added]), max_videos=32)
        after = {frozenset(members.index) for _, members in more.groupby(more)}
        assert 1 <= len(after - before) <= 2, added
        moved += len(before - after) > 1
    assert moved == 0
    # A subject with more than one video keeps its batch; a lone one beside it is pooled.
    mixed = pd.concat([videos_of({"fadg0": 1}), lone_videos(["solo-a", "solo-b"])])
    batch = batches.assign(mixed, max_videos=32)
    assert set(batch[mixed.video[mixed.subject == "fadg0"]]) == {"fadg0"}
    assert batch["solo-a"] == batch["solo-b"] == "solo-a"
    assert batches.assign(lone_videos(names[:5]), max_videos=1).tolist() == names[:5]


def test_one_failing_video_is_recorded_and_the_batch_goes_on(tmp_path, caplog):
    out = tmp_path / "faces"

    def step(video: str) -> None:
        (out / f"{video}.parquet").write_text("half")
        (out / video).mkdir()
        if video == "lq-a-s1-x":
            raise ZeroDivisionError("a bug")
        (out / f"{video}.done").write_text("")

    with caplog.at_level(logging.ERROR):
        failed = batches.run_each(
            ["real-a-s1", "lq-a-s1-x", "lq-a-s1-xy"], step, out, stage="faces"
        )
    assert failed == ["lq-a-s1-x"]
    assert sorted(p.name for p in out.iterdir()) == [
        "lq-a-s1-x.failed",
        "lq-a-s1-xy",
        "lq-a-s1-xy.done",
        "lq-a-s1-xy.parquet",
        "real-a-s1",
        "real-a-s1.done",
        "real-a-s1.parquet",
    ]  # the failed video's outputs are gone, its neighbour's (a longer id) are not
    assert "ZeroDivisionError: a bug" in caplog.text and "Traceback" in caplog.text
    assert batches.failures([out, tmp_path / "other"]) == [
        {"video": "lq-a-s1-x", "stage": "faces", "error": "ZeroDivisionError: a bug"}
    ]
    with pytest.raises(OSError):  # a full disk is no video's fault: it stops the batch
        batches.run_each(
            ["real-a-s1"], lambda video: open(tmp_path / "no/such/file"), out, stage="faces"
        )


def test_a_video_whose_input_an_earlier_step_did_not_make_is_left_out(tmp_path, caplog):
    (tmp_path / "real-a-s1").mkdir()
    with caplog.at_level(logging.WARNING):
        found = batches.ready(
            ["real-a-s1", "lq-a-s1-x"],
            lambda video: [tmp_path / video],
            tmp_path / "out",
            stage="faces",
        )
    assert found == ["real-a-s1"] and "lq-a-s1-x: faces left out: no" in caplog.text
    # Recorded, so that gather finds a reason for every video without a table.
    assert batches.failures([tmp_path / "out"]) == [
        {
            "video": "lq-a-s1-x",
            "stage": "faces",
            "error": f"no {tmp_path / 'lq-a-s1-x'} (an earlier step failed)",
            "skipped": True,
        }
    ]


def test_gather_lists_a_failed_video_and_refuses_one_lost_without_a_record(tmp_path):
    videos = pd.DataFrame(
        {
            "video": ["real-a-s1", "real-b-s1"],
            "label": [0, 0],
            "quality": "real",
            "subject": ["a", "b"],
            "sentence": "s1",
            "face_source": ["a", "b"],
            "original": ["real-a-s1", "real-b-s1"],
            "path": ["x", "y"],
            "n_frames": [1, 1],
        }
    )
    faces = tmp_path / "faces/a"
    faces.mkdir(parents=True)
    pd.DataFrame(
        {
            "video": ["real-a-s1"],
            "frame": [1],
            "face_id": [0],
            "n_faces": [1],
            "face": [0],
            "confidence": [0.99],
            "interpolated": [False],
        }
    ).to_parquet(faces / "real-a-s1.parquet")
    out = {"frames_out": tmp_path / "frames.parquet", "videos_out": tmp_path / "videos.parquet"}
    with pytest.raises(ValueError, match="faces: no table of 1 video.*real-b-s1"):
        gather(videos, [faces], [], [], [], **out)
    batches.record_failure(tmp_path / "faces/b", "real-b-s1", "faces", MemoryError("too big"))
    frames = gather(
        videos,
        [faces, tmp_path / "faces/b"],
        [],
        [],
        [],
        **out,
        problems_out=tmp_path / "problems.csv",
    )
    assert set(frames.video) == {"real-a-s1"}
    problems = pd.read_csv(tmp_path / "problems.csv")
    assert problems.values.tolist() == [
        [
            "real-b-s1",
            "y",
            "faces",
            "failed, left out: MemoryError: too big (traceback in its faces log)",
        ]
    ]
    # The CNN's table: the frame table's rows, with no measure to join, and the same checks.
    crops = crop_table(videos, [faces, tmp_path / "faces/b"], tmp_path / "crops.parquet")
    pd.testing.assert_frame_equal(crops, frames)
    with pytest.raises(ValueError, match="faces: no table of 1 video.*real-b-s1"):
        crop_table(videos, [faces], tmp_path / "crops.parquet")


@pytest.mark.parametrize(
    ("stride", "count", "kept"),
    [
        (1, None, list(range(1, 11))),
        (3, None, [1, 4, 7, 10]),
        (1, 4, [1, 4, 7, 10]),  # evenly spaced, first and last included
        (1, 20, list(range(1, 11))),  # no more frames than asked: all of them
    ],
)
def test_frames_kept_by_stride_or_count(stride, count, kept):
    keep = frame_filter(10, stride=stride, count=count)
    assert [n for n in range(1, 11) if keep(n)] == kept
    with pytest.raises(ValueError, match="not both"):
        frame_filter(10, stride=2, count=4)


def test_kept_frames_keep_their_number_and_are_listed_in_the_manifest(tmp_path):
    source = tmp_path / "sa1"
    source.mkdir()
    for n in range(1, 8):
        write_image(source / f"{n:03d}.jpg", np.full((24, 32, 3), 10 * n, np.uint8))
        (source / f"{n:03d}.jpg").rename(source / f"{n:03d}")
    info = extract_frames(
        source, tmp_path / "out", tmp_path / "m.json", video="real-a-sa1", expected=7, count=3
    )
    assert [frame_number(p) for p in frame_files(tmp_path / "out")] == [1, 4, 7] == info["kept"]
    assert json.loads((tmp_path / "m.json").read_text())["kept"] == [1, 4, 7]
    assert info["n_decoded"] == 7 and info["count_ok"]


def _clip(path, n):
    """A lossless (FFV1) clip of ``n`` frames, frame k's pixels all 10 * k."""
    import cv2

    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"FFV1"), 25, (32, 24))
    for k in range(1, n + 1):
        writer.write(np.full((24, 32, 3), 10 * k, np.uint8))
    writer.release()
    return path


def test_frames_not_kept_are_decoded_but_never_converted(tmp_path):
    clip = _clip(tmp_path / "clip.avi", 6)
    frames = list(iter_video(clip, lambda number: number % 2 == 1))
    assert [None if f is None else int(f[0, 0, 0]) for f in frames] == [
        10,
        None,
        30,
        None,
        50,
        None,
    ]


def test_a_frame_folder_reads_only_the_frames_it_keeps(tmp_path):
    source = tmp_path / "sa1"
    source.mkdir()
    for n in range(1, 8):
        write_image(source / f"{n:03d}.jpg", np.full((24, 32, 3), 10 * n, np.uint8))
        (source / f"{n:03d}.jpg").rename(source / f"{n:03d}")
    (source / "002").write_bytes(b"not a JPEG")  # not kept: never read, so no error
    info = extract_frames(
        source, tmp_path / "out", tmp_path / "m.json", video="real-a-sa1", expected=None, count=3
    )
    assert info["kept"] == [1, 4, 7] and info["error"] is None and info["n_decoded"] == 7


@pytest.mark.parametrize("stated", [9, 0, 14])
def test_a_video_without_a_known_count_is_decoded_once_unless_its_container_is_wrong(
    tmp_path, monkeypatch, caplog, stated
):
    """``frames.count`` spreads its frames over the container's stated count, checked against
    what was decoded: right (9), the video is decoded once; none stated (0), it is counted
    first without converting a frame; wrong (14), it is decoded again over its 9 frames."""
    clip = _clip(tmp_path / "clip.avi", 9)
    monkeypatch.setattr(video_module, "container_count", lambda path: stated)
    calls = []
    decode = video_module._decode
    monkeypatch.setattr(video_module, "_decode", lambda *a: calls.append(a) or decode(*a))
    with caplog.at_level(logging.INFO):
        info = extract_frames(
            clip, tmp_path / "out", tmp_path / "m.json", video="v", expected=None, count=3
        )
    assert info["kept"] == [1, 5, 9] and info["n_decoded"] == 9
    kept = [int(read_frame(path)[0, 0, 0]) for path in frame_files(tmp_path / "out")]
    assert kept == [10, 50, 90]
    assert len(calls) == (2 if stated == 14 else 1)
    assert ("decoded again" in caplog.text) == (stated == 14)


def test_a_large_frame_is_detected_at_a_bounded_size_and_mapped_back():
    resizing = Resizing("haar", scale=0.5, max_side=640, min_face_size=20)
    hd, sd = np.zeros((1080, 1920, 3), np.uint8), np.zeros((384, 512, 3), np.uint8)
    small, factors = resizing.apply([hd, sd])
    assert [s.shape[:2] for s in small] == [(360, 640), (192, 256)]
    assert factors == [pytest.approx(1 / 3), 0.5]
    tight = Resizing("haar", scale=0.5, max_side=64, min_face_size=40)
    with pytest.raises(
        ValueError,
        match=r"detector.params.haar.max_side: 64 resizes a 1920x1080 "
        r"frame to 64.0x36.0 px.*\(40 px\).*use a max_side of at least 71.1",
    ):
        tight.apply([hd])


def test_quiet_stderr_drops_the_chatter_and_passes_the_rest(capfd):
    import os

    with quiet_stderr(re.compile("notice")):
        os.write(2, b"a notice\nan error\n")
    assert capfd.readouterr().err == "an error\n"
