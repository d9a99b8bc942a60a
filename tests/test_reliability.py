"""Bad input, crashes and reruns: every case of docs/bad-input.md, on tiny datasets.

The workflow runs use the Haar detector, which starts in a fraction of a second (MTCNN's
TensorFlow start-up would cost seconds per video); the study is the same code either way.
One run covers every damaged input at once; three runs of an undamaged copy check that
results are byte-reproducible and that a run killed mid-way and resumed gives the same bytes.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import cv2
import numpy as np
import pandas as pd
import psutil
import pytest

from dfscope.atomic import atomic_path, write_parquet
from dfscope.columns import DETECTION_COLUMNS
from dfscope.crops import Cropping, cut
from dfscope.detectors import Detection
from dfscope.faces import detect_video
from dfscope.gather import video_problems
from dfscope.geometry import Box
from dfscope.images import frame_files, read_frame, write_image
from dfscope.paired import compare_video, read_diff_maps
from dfscope.video import cut_short, extract_frames, iter_video

from .conftest import (
    REPO,
    jobs_planned,
    of_video,
    snakemake,
    snakemake_command,
    table_bytes,
    tiny_dataset,
    write_config,
)

pytestmark = pytest.mark.integration


def _config(workdir: Path, root: Path, split: Path, **changes) -> None:
    """The tiny study's config: every step of the default study, the CNN trained 2 epochs (its
    outputs' reliability does not depend on how long it learns; CI's time does)."""
    write_config(
        workdir,
        **{
            "dataset": {
                "root": str(root / "DeepfakeTIMIT"),
                "originals_root": str(root / "VidTIMIT"),
            },
            "detector": {"name": "haar"},
            "classifier": {"split": str(split), "n_boot": 100},
            "cnn": {"epochs": 2},
        }
        | changes,
    )


def _blank_jpeg(path: Path) -> None:
    ok, data = cv2.imencode(".jpg", np.full((384, 512, 3), 128, np.uint8))
    path.write_bytes(data.tobytes())


def _blank_avi(path: Path, n: int) -> None:
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"MJPG"), 25, (512, 384))
    for _ in range(n):
        writer.write(np.full((384, 512, 3), 128, np.uint8))
    writer.release()


# --- Frame size: a fake re-encoded at half its original's resolution -----------------------------


def _half_size_avi(source: Path, target: Path) -> None:
    """``source`` decoded and written again (Motion-JPEG) with every frame at half its size."""
    frames = [
        cv2.resize(f, None, fx=0.5, fy=0.5, interpolation=cv2.INTER_AREA)
        for f in iter_video(source)
    ]
    height, width = frames[0].shape[:2]
    writer = cv2.VideoWriter(str(target), cv2.VideoWriter_fourcc(*"MJPG"), 25, (width, height))
    for frame in frames:
        writer.write(frame)
    writer.release()


def _damage_frame_size(root: Path) -> None:
    """A second sentence of fhop0, an intact copy of sa1, whose HQ fake is the intact
    hq-fhop0-sa1-fcol0 at half size. Run before :func:`_damage` changes the files it copies."""
    fakes, originals = root / "DeepfakeTIMIT", root / "VidTIMIT"
    sentence = originals / "fhop0/video/si1"
    sentence.mkdir()
    for frame in sorted((originals / "fhop0/video/sa1").iterdir()):
        sentence.joinpath(frame.name).write_bytes(frame.read_bytes())
    _half_size_avi(
        fakes / "higher_quality/fhop0/sa1-video-fcol0.avi",
        fakes / "higher_quality/fhop0/si1-video-fcol0.avi",
    )


#: What problems.csv says of the half-size fake.
HALF_SIZE_PROBLEM = (
    "hq-fhop0-si1-fcol0",
    "paired",
    "frame size 256x192 differs from its original real-fhop0-si1's 512x384: not paired",
)


def _damage_odd_frame_and_tiny_frames(root: Path) -> None:
    """fcol0's si2, an intact copy of sa1 with frame 004 swapped for a 256x192 image, and its
    intact HQ fake; fhop0's si3, whose frames are 512x1 px (too small for any face), and a
    fake of it. Run before :func:`_damage` changes the files they copy."""
    fakes, originals = root / "DeepfakeTIMIT", root / "VidTIMIT"
    odd = originals / "fcol0/video/si2"
    shutil.copytree(originals / "fcol0/video/sa1", odd)
    small = cv2.resize(read_frame(odd / "004"), (256, 192), interpolation=cv2.INTER_AREA)
    odd.joinpath("004").write_bytes(cv2.imencode(".jpg", small)[1].tobytes())
    shutil.copy(
        fakes / "higher_quality/fcol0/sa1-video-fhop0.avi",
        fakes / "higher_quality/fcol0/si2-video-fhop0.avi",
    )
    tiny = originals / "fhop0/video/si3"
    tiny.mkdir()
    for name in ("001", "002", "003", "004", "005", "006"):
        tiny.joinpath(name).write_bytes(cv2.imencode(".jpg", np.full((1, 512, 3), 90, np.uint8))[1])
    shutil.copy(
        fakes / "higher_quality/fhop0/sa1-video-fcol0.avi",
        fakes / "higher_quality/fhop0/si3-video-fcol0.avi",
    )


#: What problems.csv says of those four videos: a frame of another size is left out of its
#: video and named, the fake's frame of that number is not paired and named; a video whose
#: frames are too small fails its faces step with a reason, and its fake is left out of the
#: paired step with the reason (gather used to stop: no table and no recorded failure).
ODD_AND_TINY_PROBLEMS = [
    (
        "real-fcol0-si2",
        "frames",
        "frame(s) 004 of another size than the video's 512x384 (256x192): left out",
    ),
    (
        "hq-fcol0-si2-fhop0",
        "paired",
        "frame(s) 004 not paired: its original real-fcol0-si2 has no frame of that number",
    ),
    (
        "real-fhop0-si3",
        "faces",
        "failed, left out: FrameTooSmall: frames of 512x1 px: the shorter side is below the "
        "haar detector's min_face_size (20 px)",
    ),
    ("hq-fhop0-si3-fcol0", "paired", "frame size 512x384 differs from its original"),
    ("hq-fhop0-si3-fcol0", "paired", "left out: no "),
]

# --- End of frame size --------------------------------------------------------------------------


def _damage(root: Path) -> None:
    """Every bad input of docs/bad-input.md, each on its own video."""
    _damage_frame_size(root)
    _damage_odd_frame_and_tiny_frames(root)
    fakes, originals = root / "DeepfakeTIMIT", root / "VidTIMIT"
    lq, hq = fakes / "lower_quality", fakes / "higher_quality"
    # A fake that stops half-way (3 of 6 frames decode) and one of 0 bytes.
    avi = lq / "fcol0/sa1-video-fhop0.avi"
    avi.write_bytes(avi.read_bytes()[: avi.stat().st_size // 2])
    (hq / "fcol0/sa1-video-fhop0.avi").write_bytes(b"")
    # An original with a gap in its numbering and a file that is not a frame.
    (originals / "fcol0/video/sa1/003").unlink()
    (originals / "fcol0/video/sa1/Thumbs.db").write_bytes(b"junk")
    # An original whose last two frames show no face, and a fake with no face at all.
    for name in ("005", "006"):
        _blank_jpeg(originals / f"fhop0/video/sa1/{name}")
    _blank_avi(lq / "fhop0/sa1-video-fcol0.avi", 6)
    # A second sentence: an original with an unreadable JPEG, and its (intact) fake.
    sentence = originals / "fcol0/video/sx19"
    sentence.mkdir()
    for frame in sorted((originals / "fhop0/video/sa1").iterdir()):
        sentence.joinpath(frame.name).write_bytes(frame.read_bytes())
    (sentence / "002").write_bytes(b"not a JPEG")
    (hq / "fcol0/sx19-video-fhop0.avi").write_bytes((hq / "fhop0/sa1-video-fcol0.avi").read_bytes())
    # Inputs the layout cannot take: skipped, named in the log and in problems.csv.
    (fakes / "README.txt").write_text("notes")
    (lq / "fcol0/sa1-video-FHOP0 copy.avi").write_bytes(b"")
    (lq / "Fhop0").mkdir()  # a subject name that breaks the id rule, and its VidTIMIT side
    (lq / "Fhop0/sa1-video-fcol0.avi").write_bytes((lq / "fhop0/sa1-video-fcol0.avi").read_bytes())
    (originals / "Fhop0/video/sa1").mkdir(parents=True)
    # Two files that would get one id: the .avi (first in name order) is kept.
    (hq / "fhop0/sa1-video-fcol0.mp4").write_bytes((hq / "fhop0/sa1-video-fcol0.avi").read_bytes())


#: What problems.csv must say of each damaged video (stage, start of the problem).
EXPECTED_PROBLEMS = [
    ("hq-fcol0-sa1-fhop0", "frames", "unreadable, left out:"),
    ("lq-fcol0-sa1-fhop0", "frames", "decoded 3 of 5 frames"),
    ("lq-fhop0-sa1-fcol0", "faces", "no face in any of 6 frames"),
    ("real-fcol0-sa1", "frames", "Thumbs.db: not a frame name, ignored"),
    ("real-fcol0-sa1", "frames", "frame numbering skips 003"),
    ("real-fcol0-sx19", "frames", "unreadable, left out:"),
    ("real-fhop0-sa1", "faces", "no face in 2 of 6 frames"),
    HALF_SIZE_PROBLEM,
    *ODD_AND_TINY_PROBLEMS,
]

#: The inputs problems.csv must name as skipped (path under the dataset root, start of why).
EXPECTED_SKIPPED = [
    ("DeepfakeTIMIT/README.txt", "not one of higher_quality, lower_quality"),
    (
        "DeepfakeTIMIT/lower_quality/fcol0/sa1-video-FHOP0 copy.avi",
        "face source 'FHOP0 copy' breaks",
    ),
    ("DeepfakeTIMIT/lower_quality/Fhop0", "subject folder name 'Fhop0' breaks the naming rule"),
    ("VidTIMIT/Fhop0", "VidTIMIT side of the skipped subject folder"),
    ("DeepfakeTIMIT/higher_quality/fhop0/sa1-video-fcol0.mp4", "same id hq-fhop0-sa1-fcol0 as"),
]


@pytest.fixture(scope="module")
def damaged(tmp_path_factory):
    """One --keep-going run over a dataset with every bad input, under paths with spaces and
    non-ASCII characters: (workdir, dataset root, the run's result)."""
    base = tmp_path_factory.mktemp("reliability")
    root, split = tiny_dataset(base / "dätä set")
    _damage(root)
    workdir = base / "run dïr"
    workdir.mkdir()
    _config(workdir, root, split)
    return workdir, root, snakemake(workdir)


def test_every_bad_video_is_listed_in_problems_csv(damaged):
    workdir, root, result = damaged
    problems = pd.read_csv(workdir / "results/tables/haar/problems.csv", keep_default_na=False)
    assert problems.columns.tolist() == ["video", "path", "stage", "problem"]
    found = list(problems.itertuples(index=False))
    videos = pd.read_parquet(workdir / "results/tables/videos.parquet").set_index("video").path
    for video, stage, start in EXPECTED_PROBLEMS:
        assert any(
            p.video == video
            and p.stage == stage
            and p.problem.startswith(start)
            and p.path == videos[video]
            for p in found
        ), (video, stage, start, problems)
    unreadable = problems.set_index("video").problem
    assert (
        str(root / "DeepfakeTIMIT/higher_quality/fcol0/sa1-video-fhop0.avi")
        in unreadable["hq-fcol0-sa1-fhop0"]
    )
    assert str(root / "VidTIMIT/fcol0/video/sx19/002") in unreadable["real-fcol0-sx19"]
    assert "hq-fhop0-sa1-fcol0" not in set(problems[problems.stage != "dataset"].video)  # intact
    assert (
        "5 input(s) skipped and 11 video(s) had problems" in result.stdout
        and "problems.csv" in result.stdout
    )


def test_every_skipped_input_is_a_row_of_problems_csv_that_says_why(damaged):
    workdir, root, result = damaged
    problems = pd.read_csv(workdir / "results/tables/haar/problems.csv", keep_default_na=False)
    skipped = problems[problems.stage == "dataset"]
    assert len(skipped) == len(EXPECTED_SKIPPED)
    why = dict(zip(skipped.path, skipped.problem, strict=False))
    for path, start in EXPECTED_SKIPPED:
        assert why[str(root / path)].startswith(start), (path, why)
        assert str(root / path) in result.stderr  # named when the workflow starts, too
    table = pd.read_parquet(workdir / "results/tables/videos.parquet").set_index("video")
    assert table.loc["hq-fhop0-sa1-fcol0", "path"].endswith("sa1-video-fcol0.avi")


def test_an_unreadable_video_is_an_error_in_its_log_and_manifest(damaged):
    workdir, root, _ = damaged
    path = str(root / "DeepfakeTIMIT/higher_quality/fcol0/sa1-video-fhop0.avi")
    video = "hq-fcol0-sa1-fhop0"
    manifest = json.loads(of_video(workdir, "results/manifests", video, ".json").read_text())
    assert manifest["n_decoded"] == 0 and path in manifest["error"]
    assert frame_files(of_video(workdir, "results/frames", video)) == []
    log = (workdir / "results/logs/frames/fcol0.log").read_text()  # its batch's log
    assert "ERROR" in log and path in log
    gather_log = (workdir / "results/logs/gather/haar.log").read_text()
    assert "hq-fcol0-sa1-fhop0 (frames): unreadable" in gather_log


def test_videos_without_frames_get_empty_tables_and_drop_out_of_the_scores(damaged):
    workdir, _, _ = damaged
    for video in ("hq-fcol0-sa1-fhop0", "real-fcol0-sx19"):
        faces = pd.read_parquet(of_video(workdir, "results/faces/haar", video, ".parquet"))
        assert faces.empty and list(faces.columns) == DETECTION_COLUMNS
        for step in ("features", "temporal"):
            table = of_video(workdir, f"results/metrics/haar/{step}", video, ".parquet")
            assert pd.read_parquet(table).empty
    # The fake of an unreadable original: its frames are kept, none is paired.
    paired = "results/metrics/haar/paired"
    table = pd.read_parquet(of_video(workdir, paired, "hq-fcol0-sx19-fhop0", ".parquet"))
    assert len(table) == 6 and not table.paired.any()
    strip = of_video(workdir, paired, "hq-fcol0-sa1-fhop0", ".ssim_diff.png")
    assert read_diff_maps(strip, 128).shape == (0, 128, 128)
    figures = of_video(workdir, "results/plots/haar/compare", "hq-fcol0-sa1-fhop0")
    assert not list(figures.glob("frame_*"))
    frames = pd.read_parquet(workdir / "results/tables/haar/frames.parquet")
    assert not {"hq-fcol0-sa1-fhop0", "real-fcol0-sx19"} & set(frames.video)
    videos = pd.read_parquet(workdir / "results/tables/haar/videos.parquet").set_index("video")
    assert videos.loc["hq-fcol0-sa1-fhop0", "n_decoded"] == 0
    assert np.isnan(videos.loc["hq-fcol0-sa1-fhop0", "mean_face_sharpness"])
    assert videos.loc["lq-fcol0-sa1-fhop0", "n_decoded"] == 3
    scores = pd.read_parquet(workdir / "results/metrics/haar/classifier/video_scores.parquet")
    assert "hq-fcol0-sa1-fhop0" not in set(scores.video) and "lq-fcol0-sa1-fhop0" in set(
        scores.video
    )
    assert (workdir / "results/plots/haar/classifier_roc.png").exists()


def test_files_outside_the_layout_are_skipped_and_named(damaged):
    workdir, root, result = damaged
    log = (workdir / "results/logs/video_table.log").read_text()
    for stray in (
        root / "DeepfakeTIMIT/README.txt",
        root / "DeepfakeTIMIT/lower_quality/fcol0/sa1-video-FHOP0 copy.avi",
    ):
        assert str(stray) in log and str(stray) in result.stdout + result.stderr
    table = pd.read_parquet(workdir / "results/tables/videos.parquet")
    assert len(table) == 14 and not table.path.str.contains("copy|Fhop0").any()


def test_a_fake_of_another_frame_size_is_listed_and_never_paired(damaged):
    workdir, _, _ = damaged
    video, stage, problem = HALF_SIZE_PROBLEM
    problems = pd.read_csv(workdir / "results/tables/haar/problems.csv")
    path = pd.read_parquet(workdir / "results/tables/videos.parquet").set_index("video").path[video]
    assert problems[problems.video == video].values.tolist() == [[video, path, stage, problem]]
    manifest = json.loads(of_video(workdir, "results/manifests", video, ".json").read_text())
    assert (manifest["width"], manifest["height"]) == (256, 192)
    frames = pd.read_parquet(workdir / "results/tables/haar/frames.parquet")
    mine = frames[frames.video == video]
    assert len(mine) == 6 and not mine.paired.any() and mine.ssim.isna().all()
    videos = pd.read_parquet(workdir / "results/tables/haar/videos.parquet").set_index("video")
    assert np.isnan(videos.loc[video, "mean_ssim"]) and np.isnan(videos.loc[video, "mean_mse"])
    log = (workdir / "results/logs/paired/haar/fhop0.log").read_text()  # its batch's log
    assert f"{video}: {problem} (6 of 6 frames)" in log


def test_a_frame_of_another_size_is_left_out_of_its_video_and_of_every_measure(damaged):
    """A 256x192 image among 512x384 frames was taken without a flag: its temporal SSIM was
    0.03 instead of 0.96, its video's mean and classifier score moved."""
    workdir, _, _ = damaged
    video, fake = "real-fcol0-si2", "hq-fcol0-si2-fhop0"
    manifest = json.loads(of_video(workdir, "results/manifests", video, ".json").read_text())
    assert manifest["odd_size"] == [4] and manifest["kept"] == [1, 2, 3, 5, 6]
    assert (manifest["width"], manifest["height"], manifest["count_ok"]) == (512, 384, True)
    assert [p.name for p in frame_files(of_video(workdir, "results/frames", video))] == [
        "00001.bmp",
        "00002.bmp",
        "00003.bmp",
        "00005.bmp",
        "00006.bmp",
    ]
    frames = pd.read_parquet(workdir / "results/tables/haar/frames.parquet")
    mine = frames[frames.video == video].set_index("frame")
    assert mine.index.tolist() == [1, 2, 3, 5, 6]
    # Frame 5's frame before is 4, left out: no temporal measure across the gap.
    assert mine.temporal_ssim.isna().tolist() == [True, False, False, True, False]
    assert mine.temporal_ssim.dropna().gt(0.5).all()
    paired = frames[frames.video == fake].set_index("frame").paired
    assert paired.tolist() == [True, True, True, False, True, True]
    log = (workdir / "results/logs/frames/fcol0.log").read_text()
    assert "frame(s) 004 of another size than the video's 512x384 (256x192): left out" in log


def test_a_video_whose_faces_step_fails_leaves_out_itself_and_its_fakes_pairing_only(damaged):
    """A faces failure of an original (frames too small to resize: OpenCV's ``!dsize.empty()``)
    made the paired step leave its fake out without a record, and gather stop every time."""
    workdir, _, _ = damaged
    failed = json.loads(
        of_video(workdir, "results/faces/haar", "real-fhop0-si3", ".failed").read_text()
    )
    assert failed["stage"] == "faces" and failed["error"].startswith("FrameTooSmall: frames of")
    skipped = of_video(workdir, "results/metrics/haar/paired", "hq-fhop0-si3-fcol0", ".failed")
    assert json.loads(skipped.read_text())["skipped"] is True
    videos = pd.read_parquet(workdir / "results/tables/haar/videos.parquet").set_index("video")
    assert videos.loc["real-fhop0-si3", "frames_with_face"] == 0
    assert videos.loc["hq-fhop0-si3-fcol0", "frames_with_face"] > 0  # its own steps went on
    problems = pd.read_csv(workdir / "results/tables/haar/problems.csv", keep_default_na=False)
    mine = problems[problems.video == "real-fhop0-si3"]
    assert mine.stage.tolist() == ["faces"]  # not again for the steps after it
    assert (workdir / "results/tables/haar/classifier.csv").exists()


def test_a_fake_without_its_original_stops_before_any_job(tmp_path):
    root, split = tiny_dataset(tmp_path / "data")
    missing = root / "VidTIMIT/fhop0/video/sa1"
    for frame in missing.iterdir():
        frame.unlink()
    missing.rmdir()
    _config(tmp_path, root, split)
    result = subprocess.run(
        snakemake_command(tmp_path, "-n", cores=1), cwd=REPO, capture_output=True, text=True
    )
    assert result.returncode != 0
    assert f"original frame folder {missing} is missing" in result.stdout + result.stderr
    assert not (tmp_path / "results").exists()


# --- Units: what the per-video steps do with a bad input ------------------------------------------


def test_extract_frames_records_an_undecodable_video_instead_of_failing(tmp_path):
    (tmp_path / "empty.avi").write_bytes(b"")
    info = extract_frames(
        tmp_path / "empty.avi",
        tmp_path / "frames",
        tmp_path / "m.json",
        video="lq-a-sa1-b",
        expected=6,
    )
    assert info["n_decoded"] == 0 and not info["count_ok"]
    assert str(tmp_path / "empty.avi") in info["error"]
    assert json.loads((tmp_path / "m.json").read_text()) == info
    assert list((tmp_path / "frames").iterdir()) == []


def _cut_avi(path: Path, n: int, keep: float) -> Path:
    """An MJPG AVI of ``n`` noise frames whose file is cut after ``keep`` of its bytes, as a
    download that stopped: its header still states ``n`` frames."""
    _noise_avi(path, n)
    data = path.read_bytes()
    path.write_bytes(data[: int(len(data) * keep)])
    return path


def _noise_avi(path: Path, n: int) -> Path:
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"MJPG"), 25, (128, 96))
    rng = np.random.default_rng(0)
    for _ in range(n):
        writer.write(rng.integers(0, 256, (96, 128, 3), dtype=np.uint8))
    writer.release()
    return path


@pytest.mark.parametrize("count", [None, 4])
def test_a_video_cut_short_of_what_its_container_states_is_not_ok(tmp_path, count):
    """Where the layout gives no count (a list, FaceForensics++ ...), a video cut short was scored
    as a whole with ``count_ok: null`` and no problem, though its container stated its length
    (issue #29, case 3): it is checked against that count."""
    cut = _cut_avi(tmp_path / "cut.avi", 30, 0.5)
    info = extract_frames(
        cut, tmp_path / "f1", tmp_path / "m1.json", video="v", expected=None, count=count
    )
    assert 0 < info["n_decoded"] < 29 and info["error"] is None
    assert (info["n_expected"], info["expected_from"], info["count_ok"]) == (
        30,
        "its container",
        False,
    )
    whole = extract_frames(
        _noise_avi(tmp_path / "whole.avi", 30),
        tmp_path / "f2",
        tmp_path / "m2.json",
        video="w",
        expected=None,
        count=count,
    )
    assert (whole["n_decoded"], whole["n_expected"], whole["count_ok"]) == (30, 30, True)
    problems = video_problems([info, whole], pd.DataFrame(columns=["video"]), {})
    assert problems.to_dict("records") == [
        {
            "video": "v",
            "stage": "frames",
            "problem": f"decoded {info['n_decoded']} of the 30 frames its container states: "
            "cut short",
        }
    ]


def test_a_container_count_a_frame_off_is_no_problem():
    assert not cut_short(74, 75) and cut_short(73, 75) and not cut_short(300, 302)
    assert cut_short(28, 75) and not cut_short(76, 75)


def test_bmp_frames_hold_the_same_pixels_as_png(tmp_path, clean):
    video = next((clean[0] / "DeepfakeTIMIT").rglob("*.avi"))
    folders = {}
    for ext in ("png", "bmp"):
        extract_frames(
            video, tmp_path / ext, tmp_path / f"{ext}.json", video="v", expected=6, ext=ext
        )
        folders[ext] = frame_files(tmp_path / ext)
    assert [p.name for p in folders["bmp"]] == [f"{i:05d}.bmp" for i in range(1, 7)]
    for png, bmp in zip(folders["png"], folders["bmp"], strict=False):
        assert np.array_equal(read_frame(png), read_frame(bmp))


def test_a_failure_to_write_our_own_frames_fails_instead_of_marking_the_video_bad(tmp_path):
    with pytest.raises(OSError, match="could not be written"):
        write_image(tmp_path / "no such folder" / "00001.png", np.zeros((4, 4, 3), np.uint8))


class _TwoFaces:
    """A stub detector: two faces in frame 1 (the larger second), none in frame 2."""

    name = "stub"

    def detect(self, frames):
        small = Detection(Box(10.0, 10.0, 20.0, 20.0), 0.99)
        large = Detection(Box(40.0, 30.0, 60.0, 60.0), 0.95)
        return [[small, large], []][: len(frames)]


def test_the_largest_of_two_faces_is_kept_and_recorded(tmp_path):
    frames = tmp_path / "frames"
    frames.mkdir()
    for index in (1, 2):
        write_image(frames / f"{index:05d}.png", np.full((120, 160, 3), 100, np.uint8))
    table = detect_video(
        frames,
        tmp_path / "crops",
        tmp_path / "faces.parquet",
        video="real-a-sa1",
        detector=_TwoFaces(),
        cropping=Cropping(size=32, margin=0.2),
    )
    assert table.n_faces.tolist() == [2, 0] and table.face.tolist() == [1, -1]
    assert table.loc[0, ["x", "w"]].tolist() == [40.0, 60.0]
    assert sorted(p.name for p in (tmp_path / "crops").iterdir()) == ["00001.png"]
    problems = video_problems([], table, {})
    assert problems.problem.tolist() == [
        "no face in 1 of 2 frames",
        "several faces in 1 of 2 frames (one kept by detector.faces)",
    ]


def test_a_fake_with_no_frames_gets_a_valid_empty_paired_table(tmp_path):
    (tmp_path / "fake").mkdir()
    (tmp_path / "original").mkdir()
    write_parquet(pd.DataFrame(columns=DETECTION_COLUMNS), tmp_path / "faces.parquet")
    table = compare_video(
        tmp_path / "fake",
        tmp_path / "faces.parquet",
        tmp_path / "original",
        tmp_path / "faces.parquet",
        tmp_path / "paired.parquet",
        tmp_path / "diff.png",
        video="lq-a-sa1-b",
        original="real-a-sa1",
        crop_size=16,
    )
    assert table.empty and pd.read_parquet(tmp_path / "paired.parquet").columns.equals(
        table.columns
    )
    assert read_diff_maps(tmp_path / "diff.png", 16).shape == (0, 16, 16)


def _one_face(path: Path, video: str, n: int) -> None:
    """A detection table with the same face in each of ``n`` frames (crop square 16, 8, 64)."""
    rows = [
        {
            "video": video,
            "frame": i,
            "face_id": 0,
            "n_faces": 1,
            "face": 0,
            "confidence": 0.99,
            "x": 28.0,
            "y": 20.0,
            "w": 40.0,
            "h": 40.0,
            "crop_x": 16.0,
            "crop_y": 8.0,
            "crop_side": 64.0,
            "crop": f"{i:05d}.png",
            "interpolated": False,
        }
        for i in range(1, n + 1)
    ]
    write_parquet(pd.DataFrame(rows).reindex(columns=DETECTION_COLUMNS), path)


def test_frames_of_another_size_than_the_originals_are_not_paired(tmp_path, caplog):
    rng = np.random.default_rng(0)
    originals = [rng.integers(0, 256, (96, 128, 3), np.uint8) for _ in range(3)]
    # Frames 1 and 2 at half size (what the original's square would cut is another part of
    # the face), frame 3 the original's own: only frame 3 is measured.
    fakes = [cv2.resize(f, (64, 48), interpolation=cv2.INTER_AREA) for f in originals[:2]]
    for name, frames in (("original", originals), ("fake", [*fakes, originals[2]])):
        (tmp_path / name).mkdir()
        for index, frame in enumerate(frames, start=1):
            write_image(tmp_path / name / f"{index:05d}.png", frame)
    _one_face(tmp_path / "faces.parquet", "real-a-sa1", 3)
    (tmp_path / "faces").mkdir()  # the original's crops, as its faces step cuts them
    for index, frame in enumerate(originals, start=1):
        write_image(tmp_path / "faces" / f"{index:05d}.png", cut(frame, (16, 8, 64), 32))
    with caplog.at_level("WARNING"):
        table = compare_video(
            tmp_path / "fake",
            tmp_path / "faces.parquet",
            tmp_path / "original",
            tmp_path / "faces.parquet",
            tmp_path / "paired.parquet",
            tmp_path / "diff.png",
            video="lq-a-sa1-b",
            original="real-a-sa1",
            crop_size=32,
        )
    assert table.paired.tolist() == [False, False, True]
    measures = ["mse", "psnr", "ssim", "ssim_colour", "abs_diff_face", "changed_fraction"]
    assert table.loc[:1, measures].isna().all().all() and table.n_regions[:2].isna().all()
    assert table.ssim[2] == pytest.approx(1.0)
    assert not read_diff_maps(tmp_path / "diff.png", 32)[:2].any()
    assert (
        "lq-a-sa1-b: frame size 64x48 differs from its original real-a-sa1's 128x96: "
        "not paired (2 of 3 frames)"
    ) in caplog.text


def test_a_fake_of_another_frame_size_is_a_problem_unless_a_side_is_unreadable(tmp_path):
    folder = tmp_path / "sa1"
    folder.mkdir()
    for name in ("001", "002", "003"):
        _blank_jpeg(folder / name)
    (tmp_path / "empty.avi").write_bytes(b"")
    _blank_avi(tmp_path / "full.avi", 3)
    _half_size_avi(tmp_path / "full.avi", tmp_path / "half.avi")
    sources = {
        "real-a-sa1": folder,
        "real-c-sa1": tmp_path / "empty.avi",
        "lq-a-sa1-full": tmp_path / "full.avi",
        "lq-a-sa1-half": tmp_path / "half.avi",
        "lq-c-sa1-half": tmp_path / "half.avi",
    }
    manifests = [
        extract_frames(
            source, tmp_path / video, tmp_path / f"{video}.json", video=video, expected=3
        )
        for video, source in sources.items()
    ]
    assert [(m["width"], m["height"]) for m in manifests][2:] == [
        (512, 384),
        (256, 192),
        (256, 192),
    ]
    originals = {video: "real-" + video.split("-")[1] + "-sa1" for video in sources}
    problems = video_problems(manifests, pd.DataFrame(columns=DETECTION_COLUMNS), originals)
    note = "frame size 256x192 differs from its original real-a-sa1's 512x384: not paired"
    assert problems[problems.stage == "paired"].values.tolist() == [
        ["lq-a-sa1-half", "paired", note]
    ]


def test_a_failed_write_leaves_nothing_and_a_killed_ones_debris_is_cleared(tmp_path):
    target = tmp_path / "table.parquet"
    with pytest.raises(RuntimeError), atomic_path(target) as tmp:
        tmp.write_bytes(b"half")
        raise RuntimeError("crash")
    assert list(tmp_path.iterdir()) == []
    (tmp_path / ".table.parquet.abc123.part.parquet").write_bytes(b"left by kill -9")
    write_parquet(pd.DataFrame({"a": [1]}), target)
    assert [p.name for p in tmp_path.iterdir()] == ["table.parquet"]


# --- Reruns: byte-identical results, and a run killed mid-way resumes to the same bytes -----------


@pytest.fixture(scope="module")
def clean(tmp_path_factory):
    """An undamaged tiny dataset and its split file."""
    return tiny_dataset(tmp_path_factory.mktemp("clean"))


@pytest.fixture(scope="module")
def reference_run(tmp_path_factory, clean):
    """An uninterrupted run from scratch: its folder and its tables' bytes."""
    workdir = tmp_path_factory.mktemp("reference")
    _config(workdir, *clean)
    snakemake(workdir)
    return workdir, table_bytes(workdir)


@pytest.fixture(scope="module")
def reference(reference_run):
    return reference_run[1]


def test_two_runs_from_scratch_give_byte_identical_tables(tmp_path, clean, reference):
    _config(tmp_path, *clean)
    snakemake(tmp_path)
    again = table_bytes(tmp_path)
    assert len(reference) == 50 and "results/tables/haar/crops.parquet" in reference
    assert "results/metrics/haar/classifier/frame_scores.parquet" in reference  # the ablation reads
    assert len([name for name in reference if "/background" in name]) == 7  # 6 videos, a table
    assert "results/metrics/haar/cnn/fold_0.parquet" in reference  # the split file: one fold
    assert len([name for name in reference if "/ablation/" in name]) == 6  # a job's table a set
    assert sorted(again) == sorted(reference)
    assert [name for name in reference if again[name] != reference[name]] == []


def test_a_table_removed_from_a_steps_folder_is_redone_by_the_command_gather_gives(
    reference_run,
):
    """A per-video table deleted by hand: gather said "a step lost them; rerun it", and every
    plain rerun stopped the same way, since Snakemake does not notice a file removed from a
    folder it made (issue #29, case 8). The command gather gives redoes that batch."""
    workdir, reference = reference_run
    (workdir / "results/metrics/haar/features/fcol0/lq-fcol0-sa1-fhop0.parquet").unlink()
    failed = subprocess.run(
        snakemake_command(workdir, "--forcerun", "gather"), cwd=REPO, capture_output=True
    )
    assert failed.returncode != 0
    said = re.search(
        r"redo it with: snakemake --cores N --forcerun (.+?) \(and your run's other options",
        (workdir / "results/logs/gather/haar.log").read_text(),
    )
    assert said and said[1] == "results/metrics/haar/features/fcol0", said
    snakemake(workdir, "--forcerun", *said[1].split())
    assert table_bytes(workdir) == reference


def test_temporary_png_frames_are_deleted_and_change_no_table(tmp_path, clean, reference):
    """Frames in the other lossless format (PNG, not the default BMP), deleted once read:
    the same tables."""
    _config(tmp_path, *clean, frames={"temporary": True, "format": "png"})
    snakemake(tmp_path)
    assert list((tmp_path / "results/frames").glob("*")) == []  # every batch's frame folder
    assert len(list((tmp_path / "results/manifests").glob("*/*.json"))) == 6  # the counts stay
    assert table_bytes(tmp_path) == reference
    dry_run = snakemake(tmp_path, "-n")
    assert "Nothing to be done" in dry_run.stdout + dry_run.stderr


def test_frames_kept_by_count_are_the_same_for_a_fake_and_its_original(tmp_path, clean):
    """frames.count: 3 of each video's 6 frames, the same numbers for every fake and its
    original (chosen over the expected count), so every kept frame of a fake is paired."""
    _config(tmp_path, *clean, frames={"count": 3})
    snakemake(tmp_path)
    frames = pd.read_parquet(tmp_path / "results/tables/haar/frames.parquet")
    kept = frames.groupby("video").frame.agg(list)
    assert kept.map([1, 4, 6].__eq__).all() and len(kept) == 6
    faces = frames.set_index(["video", "frame"]).face
    fakes = frames[frames.label == 1]
    pairs = zip(fakes.original, fakes.frame, strict=True)
    has_face = [faces[original, frame] >= 0 for original, frame in pairs]
    assert fakes.paired.tolist() == has_face and any(has_face)  # paired wherever measurable
    manifest = of_video(tmp_path, "results/manifests", "lq-fcol0-sa1-fhop0", ".json")
    assert json.loads(manifest.read_text())["kept"] == [1, 4, 6]


def _start(workdir: Path) -> subprocess.Popen:
    """The README's plain ``snakemake --cores 2`` for ``workdir``, in a session of its own, as
    a terminal starts it: with Ctrl-C's default action (pytest started in the background by a
    shell without job control inherits SIGINT ignored, and so would Snakemake: it then ran to
    the end through the test's Ctrl-C)."""
    return subprocess.Popen(
        snakemake_command(workdir),
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )


def _wait_for(condition, process: subprocess.Popen, what: str, timeout: float = 120):
    """Poll ``condition()`` until it is truthy (and return it) while ``process`` runs."""
    deadline = time.monotonic() + timeout
    while not (found := condition()):
        assert process.poll() is None, f"snakemake ended before {what}"
        assert time.monotonic() < deadline, f"no {what} within {timeout} s"
        time.sleep(0.02)
    return found


def _faces_job(process: subprocess.Popen) -> list[psutil.Process]:
    """The running faces jobs (scripts ``detect_faces.py``) of a Snakemake process."""
    try:
        children = psutil.Process(process.pid).children(recursive=True)
    except psutil.NoSuchProcess:
        return []
    return [c for c in children if any("detect_faces" in part for part in _cmdline(c))]


def _cmdline(process: psutil.Process) -> list[str]:
    """A process's command line; empty for one that ended (or is a zombie) meanwhile."""
    try:
        return process.cmdline()
    except psutil.Error:
        return []


def test_one_failed_job_does_not_stop_the_others_and_a_plain_rerun_completes(
    tmp_path, clean, reference
):
    """The workstation profile's keep-going, with no flag typed: a job killed as the kernel's
    out-of-memory killer would fails alone; the other batch still finishes, steps after faces
    included."""
    _config(tmp_path, *clean)
    process = _start(tmp_path)
    try:
        job = _wait_for(lambda: _faces_job(process), process, "faces job")[0]
        job.kill()
        output, _ = process.communicate(timeout=300)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
    assert process.returncode != 0 and "Using workflow specific profile profiles/default" in output
    faces = sorted((tmp_path / "results/faces/haar").glob("*/*.parquet"))
    features = sorted((tmp_path / "results/metrics/haar/features").glob("*/*.parquet"))
    # The other batch (the tiny dataset has two, one a subject) went on to its features.
    assert len(faces) == len(features) == 3, output[-3000:]
    assert not (tmp_path / "results/tables/haar/frames.parquet").exists()
    snakemake(tmp_path)
    assert table_bytes(tmp_path) == reference


def test_an_interrupted_run_resumes_with_a_plain_rerun(tmp_path, clean, reference):
    """Ctrl-C mid-run, then the same plain command: the profile's rerun-incomplete redoes the
    interrupted jobs instead of refusing with IncompleteFilesException."""
    _config(tmp_path, *clean)
    process = _start(tmp_path)
    try:
        _wait_for(lambda: _faces_job(process), process, "faces job")
        os.killpg(process.pid, signal.SIGINT)  # what Ctrl-C sends to the terminal's job
        process.communicate(timeout=120)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
    assert not (tmp_path / "results/tables/haar/frames.parquet").exists(), "interrupted too late"
    snakemake(tmp_path)
    assert table_bytes(tmp_path) == reference
    assert [p for p in (tmp_path / "results").rglob("*") if ".part" in p.name] == []


def test_a_frame_changed_in_place_reruns_its_video(tmp_path, clean):
    """A VidTIMIT frame overwritten, added or removed in place reruns that original's batch (the
    folder's fingerprint is in the frames rule's params; the folder's mtime may not change)."""
    root = tmp_path / "data"
    shutil.copytree(clean[0], root)
    workdir = tmp_path / "study"
    workdir.mkdir()
    _config(workdir, root, clean[1])
    snakemake(workdir)
    folder = root / "VidTIMIT/fcol0/video/sa1"
    stamp = folder.stat().st_mtime_ns
    frame = cv2.imread(str(folder / "002"))
    ok, data = cv2.imencode(".jpg", 255 - frame)
    (folder / "002").write_bytes(data.tobytes())
    os.utime(folder, ns=(stamp, stamp))  # as an editor that rewrites a file in place leaves it
    planned = jobs_planned(snakemake(workdir, "-n"))
    assert planned.get("frames") == 1 and planned.get("faces") == 1, planned
    shutil.copy(folder / "006", folder / "007")
    planned = jobs_planned(snakemake(workdir, "-n"))
    assert planned.get("video_table") == 1 and planned.get("frames") == 1, planned
    (folder / "007").unlink()
    (folder / "006").unlink()
    planned = jobs_planned(snakemake(workdir, "-n"))
    assert planned.get("video_table") == 1 and planned.get("frames") == 1, planned


def test_a_run_killed_during_faces_resumes_to_identical_tables(tmp_path, clean, reference):
    _config(tmp_path, *clean)
    process = _start(tmp_path)
    try:
        _wait_for(lambda: _faces_job(process), process, "faces job")
    finally:
        os.killpg(process.pid, signal.SIGKILL)
        process.communicate()
    assert not (tmp_path / "results/tables/haar/frames.parquet").exists(), "killed too late"
    for table in (tmp_path / "results").rglob("*.parquet"):  # whatever exists is whole
        pd.read_parquet(table)
    snakemake(tmp_path, "--unlock")  # the killed Snakemake could not release its lock
    snakemake(tmp_path)  # the profile reruns the interrupted jobs (rerun-incomplete)
    assert table_bytes(tmp_path) == reference
    debris = [p for p in (tmp_path / "results").rglob("*") if ".part" in p.name]
    assert debris == []


# --- A step's process: its error in its log; it stops when its Snakemake is killed ---------------


def test_every_step_logs_the_error_that_ends_it_with_its_traceback(tmp_path):
    """The classify log held only its peak memory when it failed: the traceback was on the
    console alone. Every script sets up its process with configure_logging first."""
    log = tmp_path / "step.log"
    code = (
        "from dfscope.runtime import configure_logging\n"
        f"configure_logging({str(log)!r})\n"
        "def train():\n    raise ValueError('fold 0: nothing to train on')\n"
        "train()\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 1
    text = log.read_text()
    assert "CRITICAL dfscope.runtime: the step failed: ValueError: fold 0: nothing to train on" in (
        text
    )
    assert "Traceback (most recent call last)" in text and "in train" in text
    for script in sorted((REPO / "workflow/scripts").glob("*.py")):
        calls = [line for line in script.read_text().splitlines() if "configure_logging(" in line]
        assert calls == ["configure_logging(snakemake.log[0])"], script.name


def test_a_step_stops_when_the_snakemake_above_it_is_killed(tmp_path):
    """A process named snakemake starts a step that would write its output after 20 s; killing
    that process with SIGKILL stops the step within a few seconds, and nothing is written."""
    output = tmp_path / "late.txt"
    step = (
        "import time\nfrom dfscope.runtime import watch_snakemake\n"
        "assert watch_snakemake(interval=0.1), 'no snakemake above'\n"
        f"time.sleep(20)\nopen({str(output)!r}, 'w').write('late')\n"
    )
    launcher = tmp_path / "bin/snakemake"  # run as Snakemake is: python .../bin/snakemake
    launcher.parent.mkdir()
    launcher.write_text(
        f"import subprocess, sys\nsubprocess.run([sys.executable, '-c', {step!r}])\n"
    )
    parent = subprocess.Popen([sys.executable, str(launcher)], start_new_session=True)
    try:
        child = _wait_for(lambda: psutil.Process(parent.pid).children(), parent, "step")[0]
        time.sleep(0.5)  # the step is watching
        parent.kill()
        parent.wait()
        child.wait(timeout=5)  # psutil.TimeoutExpired if the step went on
    finally:
        with contextlib.suppress(ProcessLookupError):  # the step's group is gone with it
            os.killpg(parent.pid, signal.SIGKILL)
    assert not output.exists()


def test_jobs_of_a_killed_snakemake_stop_and_a_rerun_is_the_only_writer(tmp_path, clean, reference):
    """kill -9 of Snakemake alone (not its process group): its running jobs used to go on
    and write their outputs later, beside a rerun started at once."""
    _config(tmp_path, *clean)
    process = _start(tmp_path)
    try:
        jobs = _wait_for(lambda: _faces_job(process), process, "faces job")
        time.sleep(1)  # the job is past its set-up and watching
        process.kill()  # SIGKILL to Snakemake's own process only
        process.communicate()
        gone, alive = psutil.wait_procs(jobs, timeout=10)
        assert alive == [], f"faces jobs still running after Snakemake was killed: {alive}"
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
    outputs = sorted((tmp_path / "results").rglob("*"))
    time.sleep(3)
    assert sorted((tmp_path / "results").rglob("*")) == outputs  # nobody writes any more
    snakemake(tmp_path, "--unlock")
    snakemake(tmp_path)
    assert table_bytes(tmp_path) == reference
