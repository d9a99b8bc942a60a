"""The detection study around the classifier: the ablation, the controls that can fail, and the
CNN over the classifier's splits, on synthetic tables and crops with known answers."""

from __future__ import annotations

import cv2
import numpy as np
import pandas as pd
import pytest
import yaml

from dfscope.ablation import SINGLE, ablation, run_combine, run_score_set
from dfscope.atomic import write_csv
from dfscope.classifier import cnn
from dfscope.classifier.cnn_evaluation import run_cnn
from dfscope.classifier.cnn_folds import fold_videos, scores_of, write_folds
from dfscope.classifier.fitting import Scores
from dfscope.classifier.metrics import classifier_metrics, with_thresholds
from dfscope.classifier.models import MODELS
from dfscope.classifier.protocol import Protocol
from dfscope.classifier.run import run_classifier
from dfscope.classifier.splits import KFold, Split, SplitFile, TrainOn
from dfscope.config.computed import ALL, feature_sets
from dfscope.controls import identity_in_features, people_on_both_sides, shuffled, shuffled_labels
from dfscope.features import FAMILIES
from dfscope.sample import SampleSpec
from dfscope.sample_layouts import in_layout

from .conftest import snakemake
from .test_classifier import FEATURES, synthetic

GROUPS = ["LQ", "HQ"]


def protocol(split=None, seed: int = 0) -> Protocol:
    """The tests' protocol: 3 folds, mean pooling, 20 bootstrap replicates."""
    return Protocol(
        split=split or KFold(3, seed), seed=seed, pooling="mean", face_pooling="max",
        groups=tuple(GROUPS), n_boot=20, frames_per_video=None,
    )  # fmt: skip


def test_the_feature_sets_are_each_family_alone_and_all_together():
    families = {
        "quality": {"names": ["face_noise", "face_sharpness"]},
        "spectral": {"size": 16, "n_bins": 4},
    }
    sets = feature_sets(families, temporal=True, sets=None)
    assert list(sets) == ["quality", "spectral", "temporal", ALL]
    assert sets["spectral"] == [f"spectrum_{i:02d}" for i in range(4)]
    assert sets[ALL] == sets["quality"] + sets["spectral"] + sets["temporal"]
    chosen = feature_sets(families, temporal=False, sets={"mine": ["spectral", "quality"]})
    assert chosen == {"mine": sets["spectral"] + sets["quality"]}


def test_the_ablation_scores_each_model_on_each_set_beside_the_best_single_feature():
    """f1 alone carries the forgery (fakes shifted by 3), f2 and f3 are noise: the set of f1
    separates, the set of the noise does not, and the best single feature is f1."""
    frames = synthetic(0)
    frames["f1"] += 3 * frames.label
    sets = {"signal": ["f1"], "noise": ["f2", "f3"]}
    table = ablation(frames, sets, ["logistic"], protocol())
    video = table[table.level == "video"].set_index(["model", "features", "group"]).sort_index()
    assert (video.loc[("logistic", "signal"), "auc"] > 0.95).all()
    assert (video.loc[("logistic", "noise"), "auc"] < 0.85).all()
    assert (video.loc[("logistic", "signal"), "hter"] < 0.2).all()
    single = table[table.model == SINGLE]
    assert len(single) == 4 and set(single.features) == {"f1"} and (single.auc > 0.95).all()
    assert single.hter.isna().all()  # no threshold was set beforehand for it


def test_the_ablation_jobs_of_each_set_give_the_table_of_one_job(tmp_path):
    """Each feature set scored in its own job (written to Parquet, in any order) and the rows
    put together, the set of the classifier's features reading the classify step's scores of
    its model rather than fitting them: the same CSV, byte for byte, as the whole ablation
    fitted in one process."""
    frames = synthetic(2)
    frames["f1"] += 2 * frames.label
    frames_path = tmp_path / "frames.parquet"
    frames.to_parquet(frames_path)
    sets = {"signal": ["f1"], "noise": ["f2", "f3"], ALL: FEATURES}
    models = ["logistic", "single"]
    whole = ablation(frames, sets, models, protocol())
    held_out = tmp_path / "classifier" / "frame_scores.parquet"
    run_classifier(
        frames_path, tmp_path / "classifier" / "videos.parquet", tmp_path / "classifier.csv",
        tmp_path / "models", held_out, features=FEATURES, model="logistic", protocol=protocol(),
    )  # fmt: skip
    parts = {name: tmp_path / f"{name}.parquet" for name in reversed(sets)}
    for name, part in parts.items():
        run_score_set(
            frames_path, part, name=name, features=sets[name], models=models, protocol=protocol(),
            classifier_scores=held_out if name == ALL else None, classifier_model="logistic",
        )  # fmt: skip
    table = run_combine(
        frames_path, list(parts.values()), tmp_path / "ablation.csv", sets=sets, models=models,
        groups=GROUPS,
    )  # fmt: skip
    assert list(dict.fromkeys(zip(table.model, table.features, strict=True)))[:6] == [
        (model, name) for model in models for name in sets
    ]
    write_csv(whole, tmp_path / "whole.csv")
    assert (tmp_path / "ablation.csv").read_bytes() == (tmp_path / "whole.csv").read_bytes()
    # The scores are read, not fitted again: another model's, given as logistic's, show.
    run_classifier(
        frames_path, tmp_path / "svm" / "videos.parquet", tmp_path / "svm.csv",
        tmp_path / "svm_models", tmp_path / "svm" / "frame_scores.parquet", features=FEATURES,
        model="svm", protocol=protocol(),
    )  # fmt: skip
    svm = run_score_set(
        frames_path, tmp_path / "svm_all.parquet", name=ALL, features=FEATURES,
        models=["logistic"], protocol=protocol(),
        classifier_scores=tmp_path / "svm" / "frame_scores.parquet", classifier_model="logistic",
    )  # fmt: skip
    logistic = whole[(whole.model == "logistic") & (whole.features == ALL)]
    assert not np.allclose(svm.auc.to_numpy(), logistic.auc.to_numpy())
    with pytest.raises(ValueError, match=r"\('single', 'all'\).* beyond"):  # made with single
        run_combine(
            frames_path, list(parts.values()), tmp_path / "again.csv", sets=sets,
            models=["logistic"], groups=GROUPS,
        )  # fmt: skip


def test_shuffled_labels_keep_the_counts_and_leave_nothing_to_learn():
    frames = synthetic(3, sentences=("sa1", "sa2", "si1"))
    dealt = shuffled(frames, seed=1)
    videos, shuffled_videos = (
        f.drop_duplicates("video").set_index("video") for f in (frames, dealt)
    )
    assert (videos.label.value_counts() == shuffled_videos.label.value_counts()).all()
    assert (videos.label != shuffled_videos.label).any()
    table = shuffled_labels(frames, FEATURES, model="logistic", protocol=protocol(KFold(3, 0), 1))
    assert table.value.between(0.15, 0.85).all(), table  # without the shuffle: AUC > 0.95


def test_people_on_both_sides_are_none_for_cohort_folds_and_named_for_a_leaky_split(tmp_path):
    frames = synthetic(1)
    assert people_on_both_sides(frames, KFold(3, 0)).value.eq(0).all()
    videos = sorted(frames.video.unique())
    split = tmp_path / "split.csv"
    split.write_text(
        "video,split\n"
        + "".join(f"{v},{'test' if i % 2 else 'train'}\n" for i, v in enumerate(videos))
    )
    leaked = people_on_both_sides(frames, SplitFile(split))
    assert leaked.value.iloc[0] > 0 and "fcol0" in leaked.note.iloc[0]


def test_identity_in_the_features_is_measured_against_chance():
    """f1 encodes the person of a real video; without it the features say nothing of people."""
    frames = synthetic(0, sentences=("sa1", "sa2", "si1"))
    person = {p: i for i, p in enumerate(sorted(frames.subject.unique()))}
    table = identity_in_features(frames.assign(f1=frames.subject.map(person) * 5.0), FEATURES, 0)
    accuracy = table.set_index("level").value
    assert accuracy["frame"] > 0.8 and accuracy["video"] == 1.0
    assert table.expected.iloc[0] == "chance 0.167"
    noise = identity_in_features(frames, ["f2"], 0)
    assert (noise.value < 0.6).all()


@pytest.fixture(scope="module")
def crops(tmp_path_factory):
    """A frame table and crop files: a real face is textured noise, a fake's the same texture
    upsampled from 8x8 (what a low-resolution generator leaves); a frame without a face."""
    root = tmp_path_factory.mktemp("crops")
    frames = synthetic(0, n_frames=6)
    frames["face"] = np.where(frames.frame == 5, -1, 0)
    rng = np.random.default_rng(0)
    for video, label in frames.drop_duplicates("video")[["video", "label"]].itertuples(index=False):
        (root / "batch" / video).mkdir(parents=True)
        for frame in range(5):
            texture = rng.integers(0, 256, (32, 32, 3), dtype=np.uint8)
            if label:
                texture = cv2.resize(
                    cv2.resize(texture, (8, 8)), (32, 32), interpolation=cv2.INTER_CUBIC
                )
            cv2.imwrite(str(root / "batch" / video / f"{frame:05d}.png"), texture)
    return frames, root / "batch"


def fit_and_score(
    frames: pd.DataFrame,
    paths: pd.Series,
    split: Split,
    *,
    seed: int,
    frames_per_video: int,
    **training,
) -> Scores:
    """The CNN's folds of ``split`` one after the other in this process
    (:func:`dfscope.classifier.cnn.train_fold` on the crops ``paths``, one per row of
    ``frames``, NaN where none), their scores put together: the reference that the workflow's
    job a fold must match."""
    frames = frames.assign(path=paths)
    trained = [
        cnn.train_fold(frames, fold, i, seed=seed, frames_per_video=frames_per_video, **training)
        for i, fold in enumerate(fold_videos(frames, split))
    ]
    return scores_of(
        [part for part, _, _ in trained],
        [settings for _, settings, _ in trained],
        [model for _, _, model in trained],
    )


def test_the_cnn_trains_per_fold_and_scores_every_crop_of_its_held_out_videos(crops):
    frames, batch = crops
    paths = cnn.crop_paths(frames, [batch])
    assert paths.isna().sum() == frames.video.nunique()  # the faceless frames
    training = {"architecture": "meso4", "size": 32, "epochs": 3, "batch_size": 16, "threads": 1}
    scores = fit_and_score(frames, paths, KFold(3, 0), seed=0, frames_per_video=4, **training)
    assert (
        len(scores.settings) == 3 and "threshold on held-out training cohorts" in scores.settings[0]
    )
    assert scores.test.score.notna().sum() == paths.notna().sum()
    table = classifier_metrics(*with_thresholds(scores, "mean", "max"), GROUPS, n_boot=20, seed=0)
    assert (table.auc > 0.9).all()
    again = fit_and_score(frames, paths, KFold(3, 0), seed=0, frames_per_video=4, **training)
    pd.testing.assert_frame_equal(scores.test, again.test)  # one seed, one thread: the same


def test_folds_trained_in_jobs_of_their_own_give_the_table_of_all_folds_in_one(crops, tmp_path):
    """The workflow's path (the checkpoint's folds, a job a fold in any order, the pooling job)
    gives the very table that training the folds one after the other in one process gives."""
    frames, batch = crops
    training = {"architecture": "meso4", "size": 32, "epochs": 2, "batch_size": 16, "threads": 1}
    together = fit_and_score(
        frames, cnn.crop_paths(frames, [batch]), KFold(3, 0), seed=0, frames_per_video=4, **training
    )
    expected = classifier_metrics(
        *with_thresholds(together, "mean", "max"), GROUPS, n_boot=20, seed=0
    )
    expected["settings"] = "; ".join(together.settings)
    frames.to_parquet(tmp_path / "frames.parquet")
    folds = write_folds(tmp_path / "frames.parquet", tmp_path / "folds.json", split=KFold(3, 0))
    assert len(folds) == 3 and not set(folds[0][1]) & set(folds[0][0])
    parts = [tmp_path / f"fold_{i}.parquet" for i in range(3)]
    models = [tmp_path / f"fold_{i}.pt" for i in range(3)]
    for i in (2, 0, 1):
        cnn.run_fold(
            tmp_path / "frames.parquet",
            tmp_path / "folds.json",
            [batch],
            i,
            parts[i],
            models[i],
            seed=0,
            frames_per_video=4,
            training=training,
        )
    table = run_cnn(parts, tmp_path / "v.parquet", tmp_path / "cnn.csv", protocol=protocol())
    pd.testing.assert_frame_equal(table, expected)
    with pytest.raises(ValueError, match="no train_on"):
        write_folds(tmp_path / "frames.parquet", tmp_path / "x.json", split=TrainOn("other"))


def test_the_cnn_holds_out_development_cohorts_only_where_both_sides_keep_both_classes():
    """A plain list, each video its own person: the first inner fold held out the one fake and
    the network was asked to learn from real faces alone (``got [24 0]``), or held out one real
    video and the EER threshold of a development set of one class failed."""
    people = pd.Series(list("abcdef"), index=list("abcdef"))
    frames = pd.DataFrame({"video": np.repeat(list("abc"), 2), "label": np.repeat([0, 0, 1], 2)})
    fit, dev, why = cnn._development(frames, np.ones(6, dtype=bool), people)
    assert fit.all() and dev.all() and "no inner fold of the 3 training cohorts keeps" in why
    frames = pd.DataFrame(
        {"video": np.repeat(list("abcdef"), 2), "label": np.repeat([0, 0, 0, 1, 1, 1], 2)}
    )
    fit, dev, why = cnn._development(frames, np.ones(12, dtype=bool), people)
    assert not (fit & dev).any() and (fit | dev).all() and "held-out training cohorts" in why
    assert frames.label[fit].nunique() == 2 and frames.label[dev].nunique() == 2


@pytest.fixture(scope="module")
def every_family_and_model(tmp_path_factory):
    """The workflow on the sample (2 swap pairs, one sentence, 6 frames) with every feature
    family, every classifier model in the ablation and the CNN, as a user configures them."""
    base = tmp_path_factory.mktemp("every")
    options = in_layout("deepfaketimit", SampleSpec(sentences=("sa1",), n_frames=6), base / "data")
    config = {
        "dataset": {key: str(value) for key, value in options.items()},
        "detector": {"name": "haar"},
        "features": {"families": FAMILIES.names()},
        "ablation": {"models": MODELS.names()},
        "classifier": {"n_boot": 100},
        "cnn": {"epochs": 2, "frames_per_video": 3},
    }
    (base / "study/config").mkdir(parents=True)
    (base / "study/config/config.yaml").write_text(yaml.safe_dump(config))
    snakemake(base / "study")
    return base / "study/results"


@pytest.mark.integration
def test_every_family_model_and_the_cnn_run_through_the_workflow(every_family_and_model):
    results = every_family_and_model
    frames = pd.read_parquet(results / "tables/haar/frames.parquet")
    counts = (("iqm_", 18), ("idf_", 121), ("spectrum_", 48), ("residual_", 12))
    for prefix, count in (*counts, ("relative_", 4), ("seam_", 3)):
        columns = [c for c in frames if c.startswith(prefix)]
        assert len(columns) == count, prefix
        values = frames.loc[frames.face >= 0, columns].to_numpy(float)
        assert not np.isinf(values).any() and np.isfinite(values).mean() > 0.5, prefix
    ablation_table = pd.read_csv(results / "tables/haar/ablation.csv")
    trained = ablation_table[ablation_table.model != SINGLE]
    sets = {"distortion", "iqm", "quality", "relative", "residual", "spectral", "temporal", ALL}
    assert set(trained.model) == set(MODELS.names()) and set(trained.features) == sets
    assert len(trained) == len(MODELS.names()) * len(sets) * 2 * 2  # x groups x levels
    assert trained.auc.between(0, 1).all() and trained.hter.between(0, 1).all()
    for name in ("classifier", "cnn"):
        table = pd.read_csv(results / f"tables/haar/{name}.csv")
        assert len(table) == 4 and table.hter.between(0, 1).all(), name
    controls = pd.read_csv(results / "tables/haar/controls.csv", keep_default_na=False)
    assert set(controls.control) == {
        "shuffled labels: AUC",
        "people on both sides of a fold",
        "identity from the features: accuracy",
        "background (no face): AUC",
    }
    assert (
        controls[controls.control == "people on both sides of a fold"]
        .value.astype(float)
        .eq(0)
        .all()
    )
    for figure in ("ablation.png", "cnn_roc.png", "classifier_roc.png"):
        assert (results / "plots/haar" / figure).read_bytes()[:4] == b"\x89PNG", figure
    assert len(list((results / "cnn_models/haar").glob("fold_*.pt"))) == 2
