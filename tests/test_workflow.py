"""Snakemake end to end on the built-in sample, in a temporary folder; asserts on content."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml

from dfscope.analysis import compare_video
from dfscope.sample import SampleSpec, layout

from .conftest import REPO

pytestmark = pytest.mark.integration
N_FRAMES = 20  # fewer than the default 50, to keep CI short; everything else is the default


def snakemake(workdir: Path, *args: str) -> subprocess.CompletedProcess:
    """Run the repository's workflow in ``workdir`` (which has its own config/)."""
    command = [sys.executable, "-m", "snakemake", "--snakefile", str(REPO / "Snakefile"),
               "--directory", str(workdir), "--cores", "2", *args]
    result = subprocess.run(command, capture_output=True, text=True)
    if result.returncode:
        pytest.fail(f"snakemake {' '.join(args)} failed:\n{result.stdout[-3000:]}\n{result.stderr[-6000:]}")
    return result


def write_config(workdir: Path, **changes) -> dict:
    config = yaml.safe_load((REPO / "config/config.yaml").read_text())
    config["sample"]["n_frames"] = N_FRAMES
    for section, values in changes.items():
        config[section] |= values
    (workdir / "config").mkdir(exist_ok=True)
    (workdir / "config/config.yaml").write_text(yaml.safe_dump(config))
    return config


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    workdir = tmp_path_factory.mktemp("workflow")
    config = write_config(workdir)
    result = snakemake(workdir)
    return workdir, config, result


def jobs_planned(result: subprocess.CompletedProcess) -> dict[str, int]:
    """The 'Job stats' table of a dry run: rule -> count."""
    text = result.stdout + result.stderr
    if "Nothing to be done" in text:
        return {}
    table = text.split("Job stats:")[1].split("Reasons:")[0]
    return {m[1]: int(m[2]) for m in re.finditer(r"^(\w+)\s+(\d+)$", table, re.M) if m[1] != "total"}


def test_video_table_is_the_sample(run):
    workdir, config, _ = run
    table = pd.read_parquet(workdir / "results/tables/videos.parquet")
    expected = layout(SampleSpec.from_config(config["sample"]), config["sample"]["root"])
    assert table.drop(columns="path").equals(expected.drop(columns="path"))
    assert len(table) == 24 and (table.label == 1).sum() == 16


def test_every_frame_is_decoded_detected_and_measured(run):
    workdir, _, _ = run
    videos = pd.read_parquet(workdir / "results/tables/videos.parquet")
    for video in videos.video:
        manifest = json.loads((workdir / f"results/frames/{video}.json").read_text())
        assert manifest["n_decoded"] == N_FRAMES and manifest["count_ok"]
        assert len(list((workdir / f"results/frames/{video}").glob("*.png"))) == N_FRAMES
        faces = pd.read_parquet(workdir / f"results/faces/mtcnn/{video}.parquet")
        assert len(faces) == N_FRAMES and (faces.n_faces >= 1).all(), f"{video}: frame without face"
        assert faces.confidence.min() > 0.9
        assert len(list((workdir / f"results/faces/mtcnn/{video}").glob("*.png"))) == N_FRAMES
    frames = pd.read_parquet(workdir / "results/tables/mtcnn/frames.parquet")
    assert len(frames) == len(videos) * N_FRAMES
    assert frames[["face_blur_ratio", "face_sharpness"]].notna().all().all()


def test_paired_metrics_of_fakes_and_of_an_original_with_itself(run, tmp_path):
    workdir, _, _ = run
    frames = pd.read_parquet(workdir / "results/tables/mtcnn/frames.parquet")
    fakes = frames[frames.label == 1]
    assert fakes.paired.all()
    assert (fakes.ssim < 1).all() and (fakes.ssim > 0).all() and (fakes.mse > 0).all()
    # The LQ face went through a 64x64 bottleneck, the HQ face through 128x128: for every
    # original, its LQ fake's face is less sharp than its HQ fake's.
    sharpness = fakes.groupby(["original", "quality"]).face_sharpness.mean().unstack()
    assert (sharpness.LQ < sharpness.HQ).all(), sharpness
    assert frames[frames.label == 0].ssim.isna().all()
    original = "real-fcol0-sa1"
    same = compare_video(workdir / f"results/frames/{original}", workdir / f"results/frames/{original}",
                         workdir / f"results/faces/mtcnn/{original}.parquet", tmp_path / "self.parquet",
                         video=original, original=original, crop_size=128)
    assert np.allclose(same.ssim, 1.0) and (same.mse == 0).all()


def test_summary_and_plots(run):
    workdir, _, result = run
    summary = pd.read_csv(workdir / "results/tables/mtcnn/summary.csv")
    assert set(summary.quality) == {"LQ", "HQ"} and set(summary.level) == {"frame", "video"}
    assert summary.auc.between(0, 1).all() and summary.eer.between(0, 1).all()
    blur = summary[(summary.score == "face_blur_ratio") & (summary.level == "video")].set_index("quality")
    assert (blur.n_real == 8).all() and (blur.n_fake == 8).all()
    assert blur.loc["LQ", "auc"] > 0.9  # an upsampled 64x64 face is much blurrier than its surround
    for name in ("roc.png", "paired_hist.png"):
        assert (workdir / f"results/plots/mtcnn/{name}").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert "results/plots/mtcnn/roc.png" in result.stdout + result.stderr


def test_second_run_has_nothing_to_do(run):
    workdir, _, _ = run
    assert jobs_planned(snakemake(workdir, "-n")) == {}


def test_margin_change_reruns_faces_and_downstream_only(run):
    workdir, _, _ = run
    write_config(workdir, crops={"margin": 0.3})
    try:
        planned = jobs_planned(snakemake(workdir, "-n"))
    finally:
        write_config(workdir)
    assert planned == {"faces": 24, "quality_features": 24, "paired_metrics": 16,
                       "gather": 1, "summary": 1, "plots": 1, "all": 1}


def test_lint_is_clean():
    result = subprocess.run([sys.executable, "-m", "snakemake", "--lint"], cwd=REPO,
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Lints for" not in result.stdout + result.stderr, result.stdout


@pytest.mark.parametrize(("section", "values", "message"), [
    ("crops", {"margin": -0.5}, "margin"),
    ("detector", {"name": "retina"}, "retina"),
    ("crops", {"size": "big"}, "size"),
])
def test_bad_config_stops_before_any_job_naming_the_key(tmp_path, section, values, message):
    write_config(tmp_path, **{section: values})
    command = [sys.executable, "-m", "snakemake", "--snakefile", str(REPO / "Snakefile"),
               "--directory", str(tmp_path), "--cores", "1", "-n"]
    result = subprocess.run(command, capture_output=True, text=True)
    assert result.returncode != 0
    assert message in result.stderr + result.stdout
    assert not (tmp_path / "results").exists()
