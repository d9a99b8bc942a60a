"""The study's plan (dfscope.plan.Study) built from a config alone, without Snakemake: videos,
batches, pairs, the fakes the report shows, targets and what a run says at the end."""

from __future__ import annotations

import itertools
import re
import shutil

import pandas as pd
import pytest

from dfscope.config.schema import with_defaults
from dfscope.plan import (
    CLASSIFIER_OUTPUTS,
    CNN_OUTPUTS,
    EVALUATION_OUTPUTS,
    OUTPUTS,
    Study,
    exact_pattern,
    reported_fakes,
    results_message,
    targets,
)
from dfscope.sample import SampleSpec

from .conftest import SCHEMA, tiny_dataset


@pytest.fixture(scope="module")
def data(tmp_path_factory):
    """The tiny DeepfakeTIMIT-layout dataset (one swap pair, 6 videos) and a config reading it,
    its classifier on a split file (one swap pair has no k-fold)."""
    root, split = tiny_dataset(tmp_path_factory.mktemp("data"))
    dataset = {"root": str(root / "DeepfakeTIMIT"), "originals_root": str(root / "VidTIMIT")}
    return root, with_defaults({"dataset": dataset, "classifier": {"split": str(split)}}, SCHEMA)


def test_a_study_reads_its_dataset_and_plans_its_batches_and_pairs(data):
    _, config = data
    study = Study.from_config(config)
    assert len(study.videos) == 6 and study.skipped.empty
    assert study.batches == ["fcol0", "fhop0"] and study.groups == ["LQ", "HQ"]
    assert sorted(study.members["fcol0"].index) == [
        "hq-fcol0-sa1-fhop0",
        "lq-fcol0-sa1-fhop0",
        "real-fcol0-sa1",
    ]
    assert study.fakes_of["fhop0"] == [
        {"video": "hq-fhop0-sa1-fcol0", "original": "real-fhop0-sa1"},
        {"video": "lq-fhop0-sa1-fcol0", "original": "real-fhop0-sa1"},
    ]
    assert study.paired_batches == ["fcol0", "fhop0"] and len(study.paired) == 4
    assert study.reported == [  # 2 a group, one a target subject in turn
        "hq-fcol0-sa1-fhop0",
        "hq-fhop0-sa1-fcol0",
        "lq-fcol0-sa1-fhop0",
        "lq-fhop0-sa1-fcol0",
    ]
    assert study.drawn == study.reported and study.drawn_batches == ["fcol0", "fhop0"]
    assert study.classifier_problem is None
    targets = study.targets()
    assert len(targets) == len(OUTPUTS)  # two folders of comparison figures, no export
    assert "results/plots/mtcnn/compare/fhop0" in targets
    assert study.end_message("  no problem").endswith("  no problem")


def test_a_study_without_fakes_plans_no_classifier(data, tmp_path):
    root, config = data
    shutil.copytree(root / "VidTIMIT", tmp_path / "VidTIMIT")
    listing = tmp_path / "videos.csv"
    listing.write_text("path,label\nVidTIMIT/fcol0/video/sa1,real\nVidTIMIT/fhop0/video/sa1,0\n")
    dataset = config["dataset"] | {"layout": "table", "root": str(listing)}
    study = Study.from_config(config | {"dataset": dataset})
    assert study.groups == [] and study.paired.empty and study.paired_batches == []
    assert study.classifier_problem.startswith("the dataset has no fake video with a label")
    assert not [t for t in study.targets() if "classifier" in t or "scores" in t]
    assert "classifier" not in study.end_message("")


@pytest.mark.parametrize("model", ["logistic", "svm"])
def test_one_swap_pair_in_k_folds_plans_no_classifier_and_says_why(data, model):
    """It failed 9 jobs at run time (``cross-validation needs at least 2 cohorts``; issue #29,
    case 7): the plan says so before any job, as it does of a dataset without fakes."""
    _, config = data
    classifier = config["classifier"] | {"split": None, "model": model}
    study = Study.from_config(config | {"classifier": classifier})
    assert study.classifier_problem == (
        "cross-validation holds out whole cohorts of people (swap pairs), and the dataset has "
        "one, fcol0+fhop0: the classifier is not trained and its outputs are not made; give a "
        "split (classifier.split) or train on another study (classifier.train_on)"
    )
    assert study.cnn_problem == study.classifier_problem
    made = study.targets()
    outputs = CLASSIFIER_OUTPUTS | CNN_OUTPUTS | EVALUATION_OUTPUTS
    withheld = {pattern.format(detector="mtcnn") for pattern in outputs}
    assert not withheld & set(made) and len(withheld) == 10
    assert "results/tables/mtcnn/feature_auc.csv" in made


def test_the_sample_is_generated_where_the_default_dataset_is(tmp_path, monkeypatch):
    """The default config reads the built-in sample: a study of it makes it first."""
    monkeypatch.chdir(tmp_path)
    config = with_defaults({"sample": {"subjects": ["fcol0", "fhop0"], "n_frames": 3}}, SCHEMA)
    study = Study.from_config(config)
    assert len(study.videos) == 12  # 2 subjects, 2 sentences: an original and 2 fakes each
    assert (tmp_path / "resources/sample/VidTIMIT/fcol0/video/sa1/003").is_file()
    spec = SampleSpec(subjects=("fcol0", "fhop0"), n_frames=3)
    assert (tmp_path / "resources/sample/sample.json").read_text().count(str(spec.seed)) == 1


def test_targets_and_the_end_message_list_every_output_once():
    paths = targets("mtcnn", ["fadg0", "fram1"])
    # Two folders of comparison figures (one a batch), and no export, which is off by default.
    assert len(paths) == len(OUTPUTS) and len(set(paths)) == len(paths)
    assert "results/deepfakebench/mtcnn" not in paths
    exported = targets("mtcnn", ["fadg0"], exports=["deepfakebench"])
    assert "results/deepfakebench/mtcnn" in exported
    assert "results/plots/mtcnn/compare/fram1" in paths
    message = results_message("mtcnn", ["LQ", "HQ"], "  no problem")
    for path in paths:
        assert re.sub(r"compare/.*", "compare/<batch>/<video>/", path) in message
    assert "ROC curves (LQ and HQ):" in message and message.endswith("  no problem")
    assert "ROC curves (LQ):" in results_message("haar", ["LQ"], "")


def test_figures_are_drawn_for_a_bounded_number_of_fakes_a_group_the_reported_first(data):
    _, config = data
    one = Study.from_config(config | {"plots": config["plots"] | {"compare_fakes": 1}})
    # At least the report's 2 a group; with report_fakes 0, one a group: one batch's figures.
    assert one.drawn == one.reported
    fewer = config["plots"] | {"compare_fakes": 1, "report_fakes": 0}
    study = Study.from_config(config | {"plots": fewer})
    assert study.drawn == ["hq-fcol0-sa1-fhop0", "lq-fcol0-sa1-fhop0"] and study.reported == []
    assert study.drawn_batches == ["fcol0"]
    assert [t for t in study.targets() if "/compare/" in t] == ["results/plots/mtcnn/compare/fcol0"]
    every = Study.from_config(config | {"plots": fewer | {"compare_fakes": None}})
    assert sorted(every.drawn) == sorted(every.paired.index)


def test_the_report_shows_fakes_of_different_people_first():
    fakes = pd.DataFrame(
        [
            (f"{q.lower()}-{t}-{s}-x", q, t)
            for q, t, s in itertools.product(["LQ", "HQ"], ["b", "a"], ["sa1", "sa2"])
        ],
        columns=["video", "group", "subject"],
    )
    assert reported_fakes(fakes, 2) == ["hq-a-sa1-x", "hq-b-sa1-x", "lq-a-sa1-x", "lq-b-sa1-x"]
    assert re.fullmatch(exact_pattern(["lq-a-sa1-x"]), "lq-a-sa1-x")
    assert not re.fullmatch(exact_pattern(["lq-a-sa1-x"]), "lq-a-sa1-xy")
    assert not re.fullmatch(exact_pattern([]), "")
