"""``dfscope score``: videos scored with a trained study, as a user types it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
import yaml

from dfscope.sample import write_video
from dfscope.video import open_source

from .conftest import REPO

pytestmark = pytest.mark.integration
DFSCOPE = str(Path(sys.executable).with_name("dfscope"))


@pytest.fixture(scope="module")
def clips(run, tmp_path_factory):
    """A folder of two clips to score: one of the sample's real videos and one of its fakes, as
    .mp4 files named as a user's."""
    workdir = run[0]
    videos = pd.read_parquet(workdir / "results/tables/videos.parquet").set_index("video")
    folder = tmp_path_factory.mktemp("clips")
    for video, name in (("real-fcol0-sa1", "interview.mp4"), ("lq-fcol0-sa1-fhop0", "call.mp4")):
        frames, _ = open_source(workdir / videos.path[video])
        write_video(list(frames), folder / name)
    return folder


def test_score_prints_a_line_a_video_and_writes_a_csv(run, clips, tmp_path):
    result = subprocess.run(
        [DFSCOPE, "score", str(clips), "--model", str(run[0]), "--work", str(tmp_path / "work")],
        cwd=tmp_path,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    printed = [line for line in result.stdout.splitlines() if line.startswith(str(clips))]
    assert len(printed) == 2
    table = pd.read_csv(tmp_path / "work/scores.csv").set_index("path")
    real, fake = table.loc[str(clips / "interview.mp4")], table.loc[str(clips / "call.mp4")]
    assert real.frames_with_face == real.n_frames == 20
    assert fake.score > real.score  # a 64x64 swap: the classifier trained on the sample sees it
    assert set(table.label) <= {"real", "fake"}
    assert f"{fake.score:.4f}\t{fake.label}" in printed[0] + printed[1]


def test_a_study_whose_settings_changed_since_it_ran_is_a_clear_error(run, clips, tmp_path):
    """Its config now says another crop size than its frame table was made with."""
    trained = tmp_path / "trained"
    (trained / "results/tables/mtcnn").mkdir(parents=True)
    frames = run[0] / "results/tables/mtcnn/frames.parquet"
    (trained / "results/tables/mtcnn/frames.parquet").symlink_to(frames)
    config = yaml.safe_load((run[0] / "config/config.yaml").read_text())
    config["crops"] = config.get("crops", {}) | {"size": 96}
    (trained / "config").mkdir()
    (trained / "config/config.yaml").write_text(yaml.safe_dump(config))
    result = subprocess.run(
        [DFSCOPE, "score", str(clips), "--model", str(trained), "--work", str(tmp_path / "w")],
        cwd=REPO,
        capture_output=True,
        text=True,
    )
    assert result.returncode != 0
    assert "crops.size: 128 there, 96 here" in result.stdout + result.stderr
    assert "dfscope score: the scoring workflow stopped" in result.stderr
