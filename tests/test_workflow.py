"""Snakemake end to end on the built-in sample, in a temporary folder; asserts on content."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess

import numpy as np
import pandas as pd
import pytest

from dfscope.atomic import write_parquet
from dfscope.columns import MADE_WITH
from dfscope.config.computed import classifier_features
from dfscope.config.made_with import made_with
from dfscope.config.schema import with_defaults
from dfscope.paired import compare_video, read_diff_maps
from dfscope.sample import SampleSpec, generate

from .conftest import (
    N_FRAMES,
    REPO,
    SCHEMA,
    SNAKEMAKE,
    jobs_planned,
    of_video,
    snakemake,
    snakemake_command,
    write_config,
)

pytestmark = pytest.mark.integration
#: The ablation's jobs, one a feature set: the sample's 4 families alone, the temporal features
#: alone and all together.
ABLATION_SETS = 6
#: The CNN's jobs that a change upstream of its folds plans: the folds' plan (a checkpoint) and
#: the job that pools them. A job a fold is planned once the checkpoint has run again: a dry run
#: cannot list them.
CNN = {"cnn_folds": 1, "cnn": 1}
#: A job a CNN fold: the sample's 2 swap pairs make 2 folds of the configured 5.
CNN_FOLDS = {"cnn_fold": 2}
#: The study-level jobs that a change of a measure reruns: not the CNN, which learns from the
#: crops (its own crop table, not the frame table).
MEASURED = {
    "gather": 1,
    "feature_auc": 1,
    "plots": 1,
    "classify": 1,
    "classifier_plot": 1,
    "ablation_set": ABLATION_SETS,
    "ablation": 1,
    "ablation_plot": 1,
    "controls": 1,
    "all": 1,
}
#: ... and that a change of the faces reruns: the CNN's too.
STUDY = {**MEASURED, "crop_table": 1, **CNN, "cnn_plot": 1}
#: The comparison figures of the 4 batches (one a subject), those of the 2 batches of the fakes
#: shown in the report (2 per quality, plots.report_fakes, one per subject in turn) apart.
COMPARE = {"compare_figures": 2, "compare_figures_in_report": 2}
#: Every per-video step: one job per batch, one batch per subject of the sample.
VIDEO_STEPS = {"faces": 4, "features": 4, "temporal_features": 4, "paired_metrics": 4}
#: The background control's steps, which the feature families and the faces feed: a job a batch
#: and the study's table.
BACKGROUND = {"background": 4, "background_table": 1}


def test_the_sample_is_generated_and_read_as_any_dataset(run, tmp_path):
    """No sample rule, no prediction: the run made the sample where the dataset's default
    roots are, then read it from disk as it reads any dataset."""
    workdir, config, _ = run
    table = pd.read_parquet(workdir / "results/tables/videos.parquet")
    expected = generate(SampleSpec.from_config(config["sample"]), tmp_path)
    assert table.drop(columns="path").equals(expected.drop(columns="path"))
    assert len(table) == 24 and (table.label == 1).sum() == 16
    assert table.path.str.startswith("resources/sample/").all()
    recorded = json.loads((workdir / "resources/sample/sample.json").read_text())
    assert recorded["n_frames"] == N_FRAMES


def test_every_frame_is_decoded_detected_and_measured(run):
    workdir, _, _ = run
    videos = pd.read_parquet(workdir / "results/tables/videos.parquet")
    for video in videos.video:
        manifest = json.loads(of_video(workdir, "results/manifests", video, ".json").read_text())
        assert manifest["n_decoded"] == N_FRAMES and manifest["count_ok"]
        assert manifest["kept"] == list(range(1, N_FRAMES + 1))
        assert len(list(of_video(workdir, "results/frames", video).glob("*.bmp"))) == N_FRAMES
        faces = pd.read_parquet(of_video(workdir, "results/faces/mtcnn", video, ".parquet"))
        assert len(faces) == N_FRAMES and (faces.n_faces >= 1).all(), f"{video}: frame without face"
        assert faces.confidence.min() > 0.9
        assert len(list(of_video(workdir, "results/faces/mtcnn", video).glob("*.png"))) == N_FRAMES
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
    sharpness = fakes.groupby(["original", "group"]).face_sharpness.mean().unstack()
    assert (sharpness.LQ < sharpness.HQ).all(), sharpness
    assert frames[frames.label == 0].ssim.isna().all()
    original = "real-fcol0-sa1"
    same = compare_video(
        of_video(workdir, "results/frames", original),
        of_video(workdir, "results/faces/mtcnn", original, ".parquet"),
        of_video(workdir, "results/frames", original),
        of_video(workdir, "results/faces/mtcnn", original, ".parquet"),
        tmp_path / "self.parquet",
        tmp_path / "self.png",
        video=original,
        original=original,
        crop_size=128,
    )
    assert np.allclose(same.ssim, 1.0) and (same.mse == 0).all() and (same.n_regions == 0).all()
    assert not read_diff_maps(tmp_path / "self.png", 128).any()
    # The fakes' maps: one 128x128 map per frame, changed regions found in (nearly) every frame.
    maps = read_diff_maps(
        of_video(workdir, "results/metrics/mtcnn/paired", "lq-fcol0-sa1-fhop0", ".ssim_diff.png"),
        128,
    )
    assert maps.shape == (N_FRAMES, 128, 128) and maps.max() > 0.3
    assert (fakes.n_regions > 0).mean() > 0.9 and fakes.changed_fraction.between(0, 1).all()


def test_feature_aucs_and_plots(run):
    workdir, _, result = run
    table = pd.read_csv(workdir / "results/tables/mtcnn/feature_auc.csv")
    assert set(table.group) == {"LQ", "HQ"} and set(table.level) == {"frame", "video"}
    assert table.auc.between(0, 1).all() and table.eer.between(0, 1).all()
    blur = table[(table.feature == "face_blur_ratio") & (table.level == "video")].set_index("group")
    assert (blur.n_real == 8).all() and (blur.n_fake == 8).all()
    assert blur.loc["LQ", "auc"] > 0.9  # an upsampled 64x64 face is much blurrier than its surround
    for name in ("roc.png", "paired_hist.png", "feature_hist.png"):
        assert (workdir / f"results/plots/mtcnn/{name}").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert "results/plots/mtcnn/roc.png" in result.stdout + result.stderr


def test_second_run_has_nothing_to_do(run):
    workdir, _, _ = run
    assert jobs_planned(snakemake(workdir, "-n")) == {}


def test_a_classifier_key_that_does_not_decide_the_folds_trains_no_cnn_again(run):
    """The frame pooling is the classifiers' evaluation: the CNN's evaluation job redoes it, its
    folds' plan and training do not."""
    workdir, _, _ = run
    write_config(workdir, classifier={"pooling": "median"})
    try:
        planned = jobs_planned(snakemake(workdir, "-n"))
    finally:
        write_config(workdir)
    assert planned == {**CLASSIFIER, "cnn": 1, "cnn_plot": 1}


def test_margin_change_reruns_faces_and_downstream_only(run):
    workdir, _, _ = run
    write_config(workdir, crops={"margin": 0.3})
    try:
        planned = jobs_planned(snakemake(workdir, "-n"))
    finally:
        write_config(workdir)
    assert planned == {
        **VIDEO_STEPS,
        **BACKGROUND,
        **COMPARE,
        **STUDY,
    }


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        # The SSIM window feeds the paired and the temporal SSIM, not the no-reference features.
        (
            {"metrics": {"ssim": {"gaussian_weights": False, "win_size": 9}}},
            {"paired_metrics": 4, "temporal_features": 4, **COMPARE},
        ),
        # The threshold of changed regions feeds the paired table and the boxes of the figures.
        (
            {"metrics": {"regions": {"threshold": 0.3, "min_area": 0.002}}},
            {"paired_metrics": 4, **COMPARE},
        ),
        # Dropping features recomputes the feature tables only, not face detection nor pairing.
        (
            {"features": {"quality": {"names": ["face_blur_ratio"]}}},
            {"features": 4, **BACKGROUND},
        ),
    ],
)
def test_metric_parameter_change_reruns_metrics_and_what_follows_only(run, changes, expected):
    workdir, _, _ = run
    write_config(workdir, **changes)
    try:
        planned = jobs_planned(snakemake(workdir, "-n"))
    finally:
        write_config(workdir)
    assert planned == expected | MEASURED


@pytest.fixture(scope="module")
def repo_copy(tmp_path_factory):
    """The workflow and library copied with their mtimes, to edit without touching the repo."""
    copy = tmp_path_factory.mktemp("repo")
    for name in ("Snakefile", "src", "workflow", "profiles", "config"):
        source = REPO / name
        (shutil.copytree if source.is_dir() else shutil.copy2)(source, copy / name)
    return copy


#: The study-level jobs downstream of classify, and of the per-video metrics.
CLASSIFIER = {
    "classify": 1,
    "classifier_plot": 1,
    "ablation_set": ABLATION_SETS,
    "ablation": 1,
    "ablation_plot": 1,
    "controls": 1,
    "all": 1,
}
#: ... and of the classifiers' shared code (splits, fitting): the CNN's folds' plan too.
CLASSIFIERS = {**CLASSIFIER, **CNN, "cnn_plot": 1}
#: ... and of the metrics: the CNN's evaluation, not its folds' plan or training.
SCORES = {"feature_auc": 1, "plots": 1, **CLASSIFIER, "cnn": 1, "cnn_plot": 1}


@pytest.mark.parametrize(
    ("module", "expected"),
    [
        ("detectors/mtcnn_torch.py", {}),  # not the configured detector: nothing reruns
        (
            "detectors/mtcnn.py",
            {
                **VIDEO_STEPS,
                **BACKGROUND,
                **COMPARE,
                **STUDY,
            },
        ),
        ("temporal.py", {"temporal_features": 4, **MEASURED}),
        ("features/quality.py", {"features": 4, **BACKGROUND, **MEASURED}),
        ("features/distortion.py", {}),  # not a configured family
        ("choices/tracked.py", {}),  # not the configured face choice
        ("plots/compare.py", {**COMPARE, "all": 1}),
        ("roc.py", SCORES),
        ("classifier/fitting.py", CLASSIFIERS),
        ("classifier/models/logistic.py", CLASSIFIER),
        ("classifier/models/svm.py", {}),  # not a configured model
        ("mesonet/networks.py", {**CNN_FOLDS, "cnn": 1, "cnn_plot": 1, "all": 1}),
        ("mesonet/persistence.py", {**CNN_FOLDS, "cnn": 1, "cnn_plot": 1, "all": 1}),
        ("classifier/poolings/median.py", {}),  # not the configured pooling
    ],
)
def test_editing_one_module_reruns_exactly_the_rules_that_run_it(run, repo_copy, module, expected):
    """The run's study planned again with one library module edited (a comment added): exactly
    the rules whose step runs that module are redone, and what depends on their outputs."""
    path = repo_copy / "src/dfscope" / module
    original = path.read_text()
    path.write_text(original + "# edited\n")
    try:
        result = subprocess.run(
            snakemake_command(run[0], "-n"),
            cwd=repo_copy,
            text=True,
            capture_output=True,
            env=os.environ | {"PYTHONPATH": str(repo_copy / "src")},
        )
    finally:
        path.write_text(original)
    assert result.returncode == 0, result.stderr[-2000:]
    assert jobs_planned(result) == expected


def test_lint_is_clean():
    result = subprocess.run([SNAKEMAKE, "--lint"], cwd=REPO, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Lints for" not in result.stdout + result.stderr, result.stdout


@pytest.mark.parametrize(
    ("section", "values", "messages"),
    [
        (
            "crops",
            {"margin": -0.5},
            ["-0.5 is less than the minimum", "config crops.margin: "],
        ),
        (
            "detector",
            {"name": "retina"},
            ["'retina' is not one of", "config detector.name: "],
        ),
        (
            "crops",
            {"size": "big"},
            ["'big' is not of type 'integer'", "config crops.size: "],
        ),
        (
            "dataset",
            {"root": "no/such/DeepfakeTIMIT"},
            ["dataset.root: 'no/such/DeepfakeTIMIT' is not a folder"],
        ),
        # A tiny scale made cv2.resize fail on a 0-px frame in every faces job.
        (
            "detector",
            {"name": "haar", "params": {"haar": {"scale": 0.01}}},
            ["0.01 is less than the minimum of 0.05", "config detector.params.haar.scale: "],
        ),
        # An even SSIM window, or one as large as the crop, gave NaN or skewed SSIM in every frame.
        (
            "metrics",
            {"ssim": {"gaussian_weights": False, "win_size": 8}},
            ["8 should not be valid under {'multipleOf': 2}", "config metrics.ssim.win_size: "],
        ),
        (
            "metrics",
            {"ssim": {"gaussian_weights": False, "win_size": 129}},
            ["config metrics.ssim.win_size: 129 is not smaller than crops.size (128)"],
        ),
        # A misspelt key printed the whole schema (1,096 lines) without naming the key.
        (
            "classifer",
            {"model": "svm"},
            [
                "config key 'classifer' is not known; did you mean 'classifier'? The top level "
                "has: ablation, batching, classifier, cnn, controls, crops,"
            ],
        ),
        (
            "detector",
            {"params": {"haar": {"sclae": 0.5}}},
            [
                "config key 'detector.params.haar.sclae' is not known; did you mean "
                "'detector.params.haar.scale'?"
            ],
        ),
        # A missing training table was a MissingInputException; a folder passed the dry run.
        (
            "classifier",
            {"train_on": "no/such/frames.parquet"},
            ["config classifier.train_on: 'no/such/frames.parquet' is not found"],
        ),
        (
            "classifier",
            {"train_on": "config"},
            ["config classifier.train_on: 'config' is a folder: it should be another study's"],
        ),
        (
            "classifier",
            {"split": "no/such/split.csv"},
            ["config classifier.split: 'no/such/split.csv' is not a file"],
        ),
        # A missing split folder was a traceback that did not name the key.
        (
            "dataset",
            {"layout": "faceforensics", "root": "config", "splits": "no/such"},
            [
                "config dataset.splits: 'no/such' is not a folder (it should be the folder with "
                "train.json, val.json and test.json)"
            ],
        ),
    ],
)
def test_bad_config_stops_before_any_job_naming_the_key_and_value(
    tmp_path, section, values, messages
):
    write_config(tmp_path, **{section: values})
    result = subprocess.run(
        snakemake_command(tmp_path, "-n", cores=1), cwd=REPO, capture_output=True, text=True
    )
    assert result.returncode != 0
    for message in messages:
        assert message in result.stderr + result.stdout
    assert not (tmp_path / "results").exists()


#: Put first on a run's ``PYTHONPATH``, hides the packages named in $HIDDEN_PACKAGES from every
#: import and lookup, as if they were not installed: the finder of installed packages answers
#: None for them, as for a package that is not there (``importlib.util.find_spec`` too: PyTorch
#: asks it whether TensorFlow is installed).
HIDE = """
import os, sys
from importlib.machinery import PathFinder

class _Hide(PathFinder):
    @classmethod
    def find_spec(cls, name, path=None, target=None):
        if name.split(".")[0] in os.environ["HIDDEN_PACKAGES"].split(","):
            return None
        return super().find_spec(name, path, target)

sys.meta_path[sys.meta_path.index(PathFinder)] = _Hide
"""


@pytest.mark.parametrize(
    ("hidden", "changes", "message"),
    [
        (
            "torch",
            {},
            "config cnn.enabled: true needs torch, which this Python ({}) cannot import: pip "
            "install torch, or set cnn.enabled: false",
        ),
        ("torch", {"cnn": {"enabled": False}}, None),
        (
            "tensorflow",
            {},
            "config detector.name: 'mtcnn' needs tensorflow, which this Python ({}) cannot "
            "import: pip install tensorflow-cpu, or choose another detector",
        ),
        (
            "torch",
            {"detector": {"name": "mtcnn_torch"}, "cnn": {"enabled": False}},
            "config detector.name: 'mtcnn_torch' needs torch",
        ),
    ],
)
def test_a_framework_that_is_not_installed_is_named_with_its_key_before_any_job(
    tmp_path, hidden, changes, message
):
    """TensorFlow without PyTorch ran every video until the CNN's folds failed with ``No module
    named 'torch'`` (issue #29, case 9)."""
    (tmp_path / "hide").mkdir()
    (tmp_path / "hide/sitecustomize.py").write_text(HIDE)
    (tmp_path / "study").mkdir()
    write_config(tmp_path / "study", sample={"sentences": ["sa1"], "n_frames": 3}, **changes)
    result = subprocess.run(
        snakemake_command(tmp_path / "study", "-n", cores=1),
        cwd=REPO,
        capture_output=True,
        text=True,
        env=os.environ | {"PYTHONPATH": str(tmp_path / "hide"), "HIDDEN_PACKAGES": hidden},
    )
    if message is None:
        assert result.returncode == 0, result.stderr[-2000:]
    else:
        assert result.returncode != 0
        said = result.stderr + result.stdout
        assert all(part in said for part in message.split("({})")), said[-2000:]
        assert "rule frames" not in result.stdout + result.stderr


def test_a_yaml_syntax_error_in_the_config_names_the_file_and_line(tmp_path):
    """Snakemake alone says "Config file is not valid JSON or YAML", naming neither."""
    write_config(tmp_path)
    config = tmp_path / "config/config.yaml"
    lines = config.read_text().splitlines()
    line = next(i for i, text in enumerate(lines) if text.startswith("  n_frames:"))
    lines[line] = "  n_frames: [20"  # an unclosed bracket; the parser stops on the next line
    config.write_text("\n".join(lines) + "\n")
    result = subprocess.run(
        snakemake_command(tmp_path, "-n", cores=1), cwd=REPO, capture_output=True, text=True
    )
    assert result.returncode != 0
    message = re.search(
        r"^(\S+): not valid YAML: line (\d+), column \d+: (.*)$", result.stdout, re.M
    )
    assert message, result.stdout + result.stderr
    assert message[1] == str(config) and int(message[2]) == line + 2  # 1-based, as editors count
    assert message[3].endswith(f"(while parsing a flow sequence, at line {line + 1}, column 13)")
    assert not (tmp_path / "results").exists()


def test_temporal_features_and_single_feature_aucs(run):
    workdir, config, _ = run
    frames = pd.read_parquet(workdir / "results/tables/mtcnn/frames.parquet")
    temporal = ["temporal_ssim", "temporal_abs_diff", "landmark_jitter"]
    first = frames.frame == 1
    assert frames.loc[first, temporal].isna().all().all()  # no previous frame
    assert frames.loc[~first, temporal].notna().all().all()
    assert frames.loc[~first, "temporal_ssim"].between(0, 1).all()
    assert (frames.loc[~first, "landmark_jitter"] < 0.5).all()  # in eye distances
    table = pd.read_csv(workdir / "results/tables/mtcnn/feature_auc.csv")
    features = classifier_features(config)
    assert set(config["features"]["quality"]["names"] + temporal) < set(features)
    assert sorted(set(table.feature)) == sorted(features)
    assert len(table) == len(features) * 2 * 2  # x {LQ, HQ} x {frame, video}
    assert table.auc.between(0, 1).all() and (table.auc_best >= 0.5).all()
    assert (table.direction == np.where(table.auc >= 0.5, 1, -1)).all()


def test_the_background_control_is_run_and_the_end_of_the_run_says_where_it_fires(run):
    """The classifier's protocol on the frame's corners, away from every face (issue #30). The
    sample's originals are JPEG frames and its fakes Motion-JPEG video, coded apart as
    DeepfakeTIMIT's are: whatever it finds, the end of the run says it exactly where a row
    fires."""
    workdir, _, result = run
    controls = pd.read_csv(workdir / "results/tables/mtcnn/controls.csv", keep_default_na=False)
    rows = controls[controls.control == "background (no face): AUC"]
    assert sorted(zip(rows.group, rows.level, strict=True)) == sorted(
        (group, level) for group in ("LQ", "HQ") for level in ("frame", "video")
    )
    assert rows.value.astype(float).between(0, 1).all()
    fired = rows.note.str.startswith("FIRES")
    assert (fired == (rows.value.astype(float) >= 0.75)).all()
    assert ("WARNING, background control" in result.stdout) == fired.any()
    background = pd.read_parquet(workdir / "results/tables/mtcnn/background.parquet")
    assert background.groupby("video").frame.nunique().eq(8).all()  # controls.background.frames
    assert len(background.video.unique()) == 24


def test_comparison_figures_of_every_fake(run):
    workdir, config, _ = run
    videos = pd.read_parquet(workdir / "results/tables/videos.parquet")
    for video in videos[videos.label == 1].video:
        figures = sorted(of_video(workdir, "results/plots/mtcnn/compare", video).iterdir())
        # Evenly spaced over the 20 paired frames, first and last included.
        assert [f.name for f in figures] == [
            "frame_00001.jpg",
            "frame_00011.jpg",
            "frame_00020.jpg",
        ]
        # JPEG: the face crops are photographs (a PNG of one took 550 KB).
        for figure in figures:
            assert figure.read_bytes()[:3] == b"\xff\xd8\xff", figure
            assert figure.stat().st_size < 100_000, figure


def test_detector_table_with_confidence_intervals(run):
    workdir, _, _ = run
    table = pd.read_csv(workdir / "results/tables/mtcnn/classifier.csv")
    assert sorted(zip(table.group, table.level, strict=False)) == [
        ("HQ", "frame"),
        ("HQ", "video"),
        ("LQ", "frame"),
        ("LQ", "video"),
    ]
    for measure in ("auc", "eer", "frr_at_far10", "frr_at_far1"):
        assert (table[f"{measure}_lo"] <= table[measure]).all()
        assert (table[measure] <= table[f"{measure}_hi"]).all()
    video = table[table.level == "video"].set_index("group")
    assert (video.n_real == 8).all() and (video.n_fake == 8).all()
    lq = video.loc["LQ"]
    assert lq.auc > 0.9, lq  # an upsampled 64x64 face is easy to tell from a real one
    models = sorted(p.name for p in (workdir / "results/models/mtcnn").glob("*.joblib"))
    assert models == ["fold_0.joblib", "fold_1.joblib"]  # 2 swap pairs: leave-one-pair-out


@pytest.fixture(scope="module")
def report(run):
    """The README's ``snakemake --report <file>`` for the study, into a folder it does not have
    yet, the path relative to the study's folder (it failed with FileNotFoundError; issue #29,
    case 11)."""
    workdir, _, _ = run
    assert not (workdir / "reports").exists()
    snakemake(workdir, "--report", "reports/sample/report.html")
    return workdir / "reports/sample/report.html"


def test_report_holds_every_marked_result(report):
    html = report.read_text()
    for name in (
        "classifier_roc.png",
        "classifier.csv",
        "roc.png",
        "feature_hist.png",
        "feature_auc.csv",
        "ablation.csv",
        "ablation.png",
        "controls.csv",
        "cnn.csv",
        "cnn_roc.png",
        "paired_hist.png",
        "frame_00011.jpg",
        "problems.csv",
    ):
        assert name in html, name
    assert '"Problems": {' in html  # the category of problems.csv


def test_the_report_of_the_sample_is_under_5_mb(report):
    """Issue #31: 13.7 MB, of which 9.0 MB the twelve comparison figures it embeds (PNG then) and
    1.1 MB the feature histograms; about 3.2 MB are Snakemake's own scripts, whatever the study.
    Comparison figures in JPEG and charts in a 256-colour palette (dfscope.plots.save) keep it
    under 5 MB."""
    assert report.stat().st_size < 5_000_000


def test_report_embeds_the_figures_of_two_fakes_per_quality_of_different_people(report, run):
    html = report.read_text()
    # Each embedded figure carries its wildcards: the fake and the frame.
    shown = set(re.findall(r"video=((?:lq|hq)-[a-z0-9-]+), name=frame_\d+", html))
    assert shown == {
        "lq-fcol0-sa1-fhop0",
        "lq-fcol1-sa1-fhop1",
        "hq-fcol0-sa1-fhop0",
        "hq-fcol1-sa1-fhop1",
    }
    drawn = list((run[0] / "results/plots/mtcnn/compare").glob("*/*/*.jpg"))
    assert len(drawn) == 16 * 3  # every fake's figures are still drawn


def test_report_shows_the_roc_figure_in_a_browser(report):
    """Open the report in headless Chromium, go to Classifier, and view the ROC figure."""
    browser_path = next(filter(None, map(shutil.which, ("chromium", "chromium-browser"))), None)
    if browser_path is None:
        pytest.skip("needs Chromium from the system packages (e.g. apt-get install chromium)")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=browser_path, args=["--no-sandbox"])
        try:
            page = browser.new_page()
            page.goto(report.as_uri())
            page.get_by_role("link", name="Classifier").click()
            page.locator("tr", has_text="classifier_roc.png").locator("a[iconname=eye]").click()
            figure = page.locator('img[src^="data:image/png"]')
            figure.wait_for(timeout=10_000)
            width, height = figure.evaluate("e => [e.naturalWidth, e.naturalHeight]")
        finally:
            browser.close()
    assert (width, height) == (660, 600)  # the 5.5 x 5 inch figure at 120 dpi, decoded


def test_changed_regions_of_the_sample_fakes_fall_on_the_face(run):
    workdir, _, _ = run
    frames = pd.read_parquet(workdir / "results/tables/mtcnn/frames.parquet")
    fakes = frames[(frames.label == 1) & (frames.n_regions > 0)]
    for original, paired in fakes.groupby("original"):
        faces = pd.read_parquet(of_video(workdir, "results/faces/mtcnn", original, ".parquet"))
        faces = faces.set_index("frame")
        det = faces.loc[paired.frame].set_index(paired.index)
        scale = 128 / det.crop_side
        x0, y0 = (det.x - det.crop_x) * scale, (det.y - det.crop_y) * scale
        inside = paired.region_cx.between(x0, x0 + det.w * scale) & paired.region_cy.between(
            y0, y0 + det.h * scale
        )
        assert inside.mean() > 0.9, f"fakes of {original}: largest change off the face"


def test_the_clean_sample_has_no_problems(run):
    workdir, _, result = run
    problems = pd.read_csv(workdir / "results/tables/mtcnn/problems.csv")
    assert problems.columns.tolist() == ["video", "path", "stage", "problem"]
    assert problems.empty, problems.to_string()
    assert "no problem with any video or input" in result.stdout + result.stderr


def test_a_training_table_made_with_another_detector_stops_before_any_job(tmp_path):
    """An mtcnn study trained on a haar study's frame table ran, and scored far too well."""
    haar = with_defaults({"detector": {"name": "haar"}}, SCHEMA)
    table = pd.DataFrame({"video": ["v"], "frame": [1], "face_noise": [0.5]})
    write_parquet(table, tmp_path / "haar.parquet", {MADE_WITH: json.dumps(made_with(haar))})
    write_config(tmp_path, classifier={"train_on": str(tmp_path / "haar.parquet")})
    result = subprocess.run(
        snakemake_command(tmp_path, "-n", cores=1), cwd=REPO, capture_output=True, text=True
    )
    assert result.returncode != 0
    assert (
        f"config classifier.train_on: {tmp_path / 'haar.parquet'} was made with other settings "
        "than this study's" in result.stdout + result.stderr
    )
    assert "detector.name: 'haar' there, 'mtcnn' here" in result.stdout + result.stderr


def test_an_empty_config_file_takes_every_default(tmp_path):
    """Snakemake refused it: "Config file must be given as JSON or YAML with keys at top level"."""
    (tmp_path / "config").mkdir()
    (tmp_path / "config/config.yaml").write_text("# every default\n")
    result = subprocess.run(
        snakemake_command(tmp_path, "-n", cores=1), cwd=REPO, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert jobs_planned(result)["faces"] == 4  # the sample's 4 subjects, one batch each
