"""The classifier's protocol (pair-disjoint folds), pooling, metrics and determinism on synthetic
tables."""

from __future__ import annotations

import re
from pathlib import Path

import joblib
import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import roc_auc_score

from dfscope.classifier.fitting import Scores, cross_validate, thin, train_and_score
from dfscope.classifier.metrics import classifier_metrics, video_scores, with_thresholds
from dfscope.classifier.protocol import Protocol
from dfscope.classifier.run import run_classifier
from dfscope.classifier.splits import (
    DatasetSplit,
    KFold,
    SplitFile,
    TrainOn,
    cohorts,
    folds,
    read_split,
    split_of,
)
from dfscope.roc import ALL_MEASURES, Scored, equal_error_rate, roc_band

PAIRS = [("fcol0", "fhop0"), ("mabc0", "mdef0"), ("fghi0", "mjkl0")]
FEATURES = ["f1", "f2", "f3"]


def synthetic(
    shift: float, *, pairs=PAIRS, lone=(), sentences=("sa1", "sa2"), n_frames=8, seed=0
) -> pd.DataFrame:
    """A frame table of DeepfakeTIMIT layout: both swap directions of each pair, LQ and HQ.

    Fakes' features are shifted by ``shift`` standard deviations. Real videos
    carry face_source NA for the first pair and their own subject otherwise
    (both occur in practice). Frame 0 has no temporal feature (f3 NaN) and
    the last frame of every video no face at all.
    """
    rng = np.random.default_rng(seed)
    videos = []
    for i, (a, b) in enumerate(pairs):
        for subject, source in ((a, b), (b, a)):
            for sentence in sentences:
                videos.append(
                    (f"real-{subject}-{sentence}", 0, "real", subject, None if i == 0 else subject)
                )
                for group in ("LQ", "HQ"):
                    videos.append(
                        (
                            f"{group.lower()}-{subject}-{sentence}-{source}",
                            1,
                            group,
                            subject,
                            source,
                        )
                    )
    videos += [(f"real-{s}-{sentence}", 0, "real", s, s) for s in lone for sentence in sentences]
    rows = []
    for video, label, group, subject, source in videos:
        values = rng.normal(size=(n_frames, len(FEATURES))) + shift * label
        values[0, 2] = np.nan
        values[-1] = np.nan
        for frame in range(n_frames):
            rows.append(
                {
                    "video": video,
                    "label": label,
                    "group": group,
                    "subject": subject,
                    "face_source": source,
                    "frame": frame,
                    "face_id": 0,
                    **dict(zip(FEATURES, values[frame], strict=False)),
                }
            )
    return pd.DataFrame(rows)


def people(frames: pd.DataFrame, videos) -> set[str]:
    part = frames[frames.video.isin(videos)]
    return set(part.subject) | set(part.face_source.dropna())


# --- Splits --------------------------------------------------------------------------------------


def test_cohorts_hold_whole_pairs_and_lone_subjects():
    frames = pd.DataFrame(
        {
            "video": [
                "real-a-s1",
                "real-b-s1",
                "lq-a-s1-b",
                "hq-b-s1-a",
                "real-c-s1",
                "real-d-s1",
                "lq-d-s1-c",
                "real-e-s1",
            ],
            "label": [0, 0, 1, 1, 0, 0, 1, 0],
            "subject": ["a", "b", "a", "b", "c", "d", "d", "e"],
            "face_source": [None, None, "b", "a", "c", "d", "c", "e"],
        }
    )
    people = cohorts(frames)
    assert people.to_dict() == {
        "hq-b-s1-a": "a+b",
        "lq-a-s1-b": "a+b",
        "real-a-s1": "a+b",
        "real-b-s1": "a+b",
        "lq-d-s1-c": "c+d",
        "real-c-s1": "c+d",
        "real-d-s1": "c+d",
        "real-e-s1": "e",
    }


def test_cohorts_merge_chains_of_swaps():
    frames = pd.DataFrame(
        {
            "video": ["lq-a-s1-b", "lq-b-s1-c", "real-c-s1"],
            "label": [1, 1, 0],
            "subject": ["a", "b", "c"],
            "face_source": ["b", "c", pd.NA],
        }
    )
    assert set(cohorts(frames)) == {"a+b+c"}


def test_a_fake_of_unknown_face_source_stays_with_its_subject():
    # DFDC: a fake names its original clip, not whose face it carries.
    frames = pd.DataFrame(
        {
            "video": ["fake-x1", "fake-x2", "real-x", "real-y"],
            "label": [1, 1, 0, 0],
            "subject": ["x", "x", "x", "y"],
            "face_source": [pd.NA, pd.NA, pd.NA, pd.NA],
        }
    )
    assert cohorts(frames).to_dict() == {
        "fake-x1": "x",
        "fake-x2": "x",
        "real-x": "x",
        "real-y": "y",
    }


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_folds_never_put_a_person_on_both_sides(seed):
    frames = synthetic(0, pairs=[*PAIRS, ("maaa0", "mbbb0")], lone=("fzzz0",))
    splits = folds(cohorts(frames), k=3, seed=seed)
    assert len(splits) == 3
    tested = np.concatenate([test for _, test in splits])
    assert sorted(tested) == sorted(frames.video.unique())  # each video tested exactly once
    for train, test in splits:
        assert not set(train) & set(test)
        assert not people(frames, train) & people(frames, test)
    assert [t.tolist() for _, t in splits] == [
        t.tolist() for _, t in folds(cohorts(frames), 3, seed)
    ]


def test_folds_leave_one_cohort_out_when_k_is_large():
    frames = synthetic(0, lone=("fzzz0",))
    people = cohorts(frames)
    splits = folds(people, k=10, seed=0)
    assert len(splits) == 4
    assert [set(people[test]) for _, test in splits] == [{g} for g in sorted(people.unique())]


def test_folds_need_two_cohorts():
    with pytest.raises(
        ValueError,
        match=r"at least 2 cohorts of people, got \['fcol0\+fhop0'\]; "
        r"with a single swap pair, train on another study \(classifier.train_on\)",
    ):
        folds(cohorts(synthetic(0, pairs=PAIRS[:1])), k=5, seed=0)


def test_read_split(tmp_path):
    path = tmp_path / "split.csv"
    path.write_text("video,split\nb,test\na,train\nc,train\n")
    [(train, test)] = read_split(path)
    assert train.tolist() == ["a", "c"] and test.tolist() == ["b"]
    path.write_text("video,split\na,train\nb,validation\n")
    with pytest.raises(ValueError, match="validation"):
        read_split(path)
    path.write_text("video,split\na,train\na,test\n")
    with pytest.raises(ValueError, match="more than once"):
        read_split(path)


def test_the_datasets_own_split_trains_on_train_and_val_and_scores_test():
    frames = synthetic(3)
    pair = frames.subject.map({p: i for i, pair in enumerate(PAIRS) for p in pair})
    frames["split"] = pair.map({0: "train", 1: "val", 2: "test"})
    scores = cross_validate(frames, FEATURES, model="logistic", seed=0, split=DatasetSplit()).test
    tested = set(frames.video[pair == 2])
    assert set(scores.video) == tested and (scores.fold == 0).all()
    assert scores.groupby("video").score.mean().notna().all()
    frames["split"] = pd.NA  # a dataset with no official split read
    with pytest.raises(
        ValueError, match=r"needs the dataset's official split .*\(set dataset.splits"
    ):
        cross_validate(frames, FEATURES, model="logistic", seed=0, split=DatasetSplit())


def test_a_training_set_without_fakes_is_an_error(tmp_path):
    frames = synthetic(3)
    videos = frames.drop_duplicates("video")
    split = tmp_path / "split.csv"
    pd.DataFrame(
        {"video": videos.video, "split": np.where(videos.label == 0, "train", "test")}
    ).to_csv(split, index=False)
    with pytest.raises(
        ValueError,
        match="fold 0: the training set has no fake videos; use fewer "
        "folds or a split with both classes in train",
    ):
        cross_validate(frames, FEATURES, model="logistic", seed=0, split=SplitFile(split))


def test_a_study_without_any_face_says_so_not_use_fewer_folds():
    """No face in any video: every feature NaN. The cure is in the data, not in the folds."""
    frames = synthetic(3).assign(**{f: np.nan for f in FEATURES})
    with pytest.raises(
        ValueError,
        match=r"^no frame of the 36 videos has features \(no face was "
        r"found in any, see results/tables/<detector>/problems.csv\): there is "
        "nothing to train the classifier on$",
    ):
        cross_validate(frames, FEATURES, model="svm", seed=0, split=KFold(5, 0))


def test_training_videos_without_a_face_are_named_before_any_fold_is_trained():
    """The fakes of two pairs have no face: the fold that trains on just those two pairs fails,
    naming them, before fold 0 (which could be trained) is."""
    frames = synthetic(3)
    faceless = (frames.label == 1) & frames.subject.isin(["fcol0", "fhop0", "mabc0", "mdef0"])
    frames.loc[faceless, FEATURES] = np.nan
    # Leave-one-pair-out in sorted order: fold 1 holds out fghi0+mjkl0.
    with pytest.raises(
        ValueError,
        match=r"^fold 1: none of its 16 fake training videos "
        r"\(hq-fcol0-sa1-fhop0, hq-fcol0-sa2-fhop0, hq-fhop0-sa1-fcol0, \.\.\.\) "
        r"has a frame with features \(no face was found in them, see "
        r"results/tables/<detector>/problems.csv\): there is nothing to train on$",
    ):
        cross_validate(frames, FEATURES, model="svm", seed=0, split=KFold(5, 0))


def test_a_fold_whose_test_videos_have_no_face_scores_nothing_and_stops_nothing():
    """A CSV list makes each video a cohort of its own; leave-one-out put a faceless fake alone in
    its fold, and scoring its 0 frames stopped classify, the ablation, the controls and the CNN
    (``Found array with 0 sample(s)``; issue #29, case 5)."""
    frames = synthetic(3, pairs=PAIRS[:2])
    faceless = frames.video == "hq-fcol0-sa1-fhop0"
    frames.loc[faceless, FEATURES] = np.nan
    alone = (frames.subject == "fcol0").to_numpy()  # the faceless fake's cohort, on its own
    frames.loc[alone, "subject"] = frames.loc[alone, "video"]  # ... as a list makes it
    frames.loc[alone & frames.label.eq(1).to_numpy(), "face_source"] = None
    scores = cross_validate(frames, FEATURES, model="logistic", seed=0, split=KFold(99, 0))
    frame_scores, videos = with_thresholds(scores, "mean", "max")
    assert videos.set_index("video").score.isna().to_dict() == {
        video: video == "hq-fcol0-sa1-fhop0" for video in videos.video
    }
    table = classifier_metrics(frame_scores, videos, ["LQ", "HQ"], n_boot=100, seed=0)
    video_rows = table[table.level == "video"].set_index("group")
    assert video_rows.n_fake.to_dict() == {"LQ": 8, "HQ": 7}  # scored fakes only
    assert video_rows.auc.notna().all()


# --- Pooling and metrics -------------------------------------------------------------------------


def test_pool_mean_median_trimmed_mean():
    values = [1, 2, 2, 3, 3, 3, 4, 10, 20, 100, np.nan]
    frame_scores = pd.DataFrame(
        {
            "video": ["v"] * 11 + ["w"],
            "frame": [*range(11), 0],
            "face_id": 0,
            "group": "LQ",
            "label": 1,
            "fold": 0,
            "score": [*values, np.nan],
        }
    )
    expected = {
        "mean": 14.8,
        "median": 3.0,
        "trimmed_mean": 47 / 8,
        "max": 100,
    }  # trimmed: 1, 100 cut
    for how, value in expected.items():
        pooled = video_scores(frame_scores, how, "max").set_index("video")
        assert pooled.loc["v", "score"] == pytest.approx(value)
        assert pooled.loc["v", "n_frames"] == 10
        assert np.isnan(pooled.loc["w", "score"]) and pooled.loc["w", "n_frames"] == 0
    with pytest.raises(ValueError, match="unknown pooling 'mode'"):
        video_scores(frame_scores, "mode", "max")


def test_a_videos_faces_are_pooled_each_over_its_frames_then_over_faces():
    """Two people in one video (``detector.faces: all``): face 0 looks real in its three
    frames, face 1 fake in two of its frames; the video is as fake as its most suspicious face
    (``face_pooling: max``), or the mean of its faces' means, never of all rows alike."""
    frame_scores = pd.DataFrame(
        {
            "video": "v",
            "frame": [1, 1, 2, 2, 3],
            "face_id": [0, 1, 0, 1, 0],
            "group": "LQ",
            "label": 1,
            "fold": 0,
            "score": [-1.0, 3.0, -2.0, 5.0, -3.0],
        }
    )
    pooled = video_scores(frame_scores, "mean", "max").set_index("video").loc["v"]
    assert pooled.score == 4.0 and pooled.n_frames == 3  # face 1's mean; three frames
    assert video_scores(frame_scores, "mean", "mean").score.item() == pytest.approx(1.0)
    assert video_scores(frame_scores, "max", "mean").score.item() == pytest.approx(2.0)


def test_frr_at_far_by_hand():
    real = np.arange(10) / 10  # 0.0 ... 0.9
    fake = np.array([0.95, 0.85, 0.55, 0.05])
    labels, scores = np.r_[np.zeros(10), np.ones(4)], np.r_[real, fake]
    # FAR 1/10 (real 0.9 accepted): 0.95 and 0.85 accepted, FRR 1/2; FAR 1/100 is FAR 0: only
    # 0.95 accepted, FRR 3/4.
    measured = Scored(labels, scores, scores >= 0.5, np.full(14, 0.5)).measures()
    frr = dict(zip(ALL_MEASURES, measured, strict=True))
    assert (frr["frr_at_far10"], frr["frr_at_far1"]) == (0.5, 0.75)


def test_weighted_measures_are_scikit_learns_of_the_rows_repeated():
    """A bootstrap replicate weighs each row by how often its video was drawn; its measures are
    scikit-learn's of the rows repeated that often, ties in the scores and undrawn rows too."""
    from sklearn.metrics import auc, average_precision_score, log_loss, roc_curve

    rng = np.random.default_rng(5)
    labels = rng.integers(0, 2, 300)
    scores = np.round(rng.normal(size=300) + labels, 1)  # rounded: many ties
    thresholds = rng.choice([0.2, 0.5], 300)
    probabilities = 1 / (1 + np.exp(-scores))
    scored = Scored(labels, scores, scores >= thresholds, probabilities)
    for weights in (np.ones(300, int), rng.integers(0, 4, 300)):
        y, s, t, p = (np.repeat(v, weights) for v in (labels, scores, thresholds, probabilities))
        fpr, tpr, _ = roc_curve(y, s, drop_intermediate=False)
        called = s >= t
        far, frr = called[y == 0].mean(), (~called[y == 1]).mean()
        expected = [
            auc(fpr, tpr),
            average_precision_score(y, s),
            equal_error_rate(y, s)[0],
            1 - tpr[np.searchsorted(fpr, 0.10, side="right") - 1],
            1 - tpr[np.searchsorted(fpr, 0.01, side="right") - 1],
            far,
            frr,
            (far + frr) / 2,
            (called == (y == 1)).mean(),
            log_loss(y, p),
        ]
        np.testing.assert_allclose(scored.measures(weights), expected, rtol=1e-12, atol=1e-12)


def scored_tables(seed=0):
    rng = np.random.default_rng(seed)
    videos = pd.DataFrame(
        {
            "video": [f"v{i:02d}" for i in range(30)],
            "label": [0] * 10 + [1] * 20,
            "group": ["real"] * 10 + ["LQ", "HQ"] * 10,
            "fold": 0,
        }
    )
    frames = videos.loc[np.repeat(videos.index, 5)].reset_index(drop=True)
    frames["frame"] = np.tile(np.arange(5), 30)
    frames["face_id"] = 0
    frames["score"] = rng.normal(size=len(frames)) + 1.2 * frames.label
    videos = video_scores(frames, "mean", "max")
    for table in (frames, videos):
        table["threshold"] = 0.6  # set beforehand, as a fold's development scores set it
        table["fake"] = (table.score >= 0.6).astype("Int8")
        table["calibrated"] = table.score - 0.6
        table["probability"] = 1 / (1 + np.exp(-table.calibrated))
    return frames, videos


def _shifted_folds(offsets, n=40, seed=0) -> Scores:
    """Scores of folds that rank real below fake alike (fake +1.5 standard deviations) but
    each on a scale of its own (``offsets`` added to a fold's test and development scores), as
    the CNN's folds or the best single feature of each fold give them."""
    rng = np.random.default_rng(seed)
    test, dev = [], []
    for fold, offset in enumerate(offsets):
        for part, tables in (("t", test), ("d", dev)):
            labels = np.repeat([0, 1], n)
            tables.append(
                pd.DataFrame(
                    {
                        "video": [f"{part}{fold}-{i:03d}" for i in range(2 * n)],
                        "frame": 0,
                        "face_id": 0,
                        "group": np.where(labels == 1, "HQ", "real"),
                        "label": labels,
                        "fold": fold,
                        "score": rng.normal(size=2 * n) + 1.5 * labels + offset,
                    }
                )
            )
    return Scores(pd.concat(test, ignore_index=True), pd.concat(dev, ignore_index=True), [], [])


def test_scores_of_folds_on_other_scales_are_calibrated_before_they_are_pooled():
    """Folds whose scores are shifted by a constant: the pooled AUC was that of the offsets
    (the CNN's on DeepfakeTIMIT's HQ: 0.676, its folds' 0.92 to 1.00; issue #30). Each fold's
    scores are mapped by its own development scores first: the pooled AUC is the folds'."""
    scores = _shifted_folds([-53.0, 0.0, 66.0])
    frames, videos = with_thresholds(scores, "mean", "max")
    table = classifier_metrics(frames, videos, ["HQ"], n_boot=100, seed=0).set_index("level")
    video = table.loc["video"]
    assert video.folds_with_both == 3 and 0.8 < video.auc_fold_mean < 1
    assert abs(video.auc - video.auc_fold_mean) < 0.02, video
    raw = roc_auc_score(videos.label, videos.score)  # what was reported
    assert raw < video.auc_fold_mean - 0.1
    assert video.auc_fold_min <= video.auc_fold_mean and video.auc_fold_sd >= 0
    # The decisions stay each fold's own: FAR and FRR at its development threshold.
    called = videos.score >= videos.threshold
    assert video.far == round(float(called[videos.label == 0].mean()), 6)


def test_classifier_metrics_intervals_contain_estimates_and_are_seeded():
    frame_scores, video_scores = scored_tables()
    table = classifier_metrics(frame_scores, video_scores, ["LQ", "HQ"], n_boot=200, seed=3)
    assert table[["group", "level"]].values.tolist() == [
        ["LQ", "frame"],
        ["LQ", "video"],
        ["HQ", "frame"],
        ["HQ", "video"],
    ]
    assert table.set_index(["group", "level"]).loc[
        ("LQ", "frame"), ["n_real", "n_fake"]
    ].tolist() == [50, 50]
    for measure in ALL_MEASURES:
        assert (table[f"{measure}_lo"] <= table[measure]).all()
        assert (table[measure] <= table[f"{measure}_hi"]).all()
    assert (table.auc > 0.6).all() and np.allclose(table.hter, (table.far + table.frr) / 2)
    lq = frame_scores[frame_scores.group.isin(["real", "LQ"])]
    far = (lq.score[lq.label == 0] >= 0.6).mean()
    frr = (lq.score[lq.label == 1] < 0.6).mean()
    row = table.set_index(["group", "level"]).loc[("LQ", "frame")]
    assert (row.far, row.frr) == (round(far, 6), round(frr, 6))
    fake = lq.score >= 0.6
    assert row.accuracy == round(float((fake == (lq.label == 1)).mean()), 6)
    p = lq.probability.clip(1e-15, 1 - 1e-15)
    expected = -np.mean(np.where(lq.label == 1, np.log(p), np.log(1 - p)))
    assert row.log_loss == pytest.approx(expected, abs=1e-6)  # DFDC's measure, by hand
    pd.testing.assert_frame_equal(
        table, classifier_metrics(frame_scores, video_scores, ["LQ", "HQ"], n_boot=200, seed=3)
    )
    other = classifier_metrics(frame_scores, video_scores, ["LQ", "HQ"], n_boot=200, seed=4)
    assert not table.auc_lo.equals(other.auc_lo)
    assert table.auc.equals(other.auc)


def test_roc_band_brackets_the_roc():
    _, video_scores = scored_tables()
    band = roc_band(video_scores.label, video_scores.score, n_boot=200, seed=0, n_points=21)
    assert len(band) == 21 and band.fpr.iloc[-1] == 1 and band.tpr.iloc[-1] == 1
    assert (band.tpr_lo <= band.tpr).all() and (band.tpr <= band.tpr_hi).all()
    assert band.tpr.is_monotonic_increasing and band.tpr_lo.is_monotonic_increasing
    assert band.equals(
        roc_band(video_scores.label, video_scores.score, n_boot=200, seed=0, n_points=21)
    )


# --- The classifier ------------------------------------------------------------------------------


def testthin_keeps_evenly_spaced_frames():
    videos = pd.Series(["a"] * 10 + ["b"] * 3)
    kept = np.flatnonzero(thin(videos, 4))
    assert kept.tolist() == [0, 3, 5, 8, 10, 11, 12]


@pytest.mark.parametrize("model", ["svm", "logistic"])
def test_cross_validate_separates_shifted_fakes(model):
    frames = synthetic(3)
    scored = cross_validate(frames, FEATURES, model=model, seed=0, split=KFold(5, 0))
    scores = scored.test
    assert scores.columns.tolist() == [
        "video",
        "frame",
        "face_id",
        "group",
        "label",
        "fold",
        "score",
    ]
    assert len(scores) == len(frames) and scores.fold.nunique() == 3  # leave one pair out
    assert scores.score.isna().sum() == frames.video.nunique()  # the faceless last frames
    # Every training frame of each fold has a development score: two folds train on it.
    usable = frames.dropna(subset=FEATURES, how="all")
    assert len(scored.dev) == 2 * len(usable) and scored.dev.score.notna().all()
    table = classifier_metrics(
        *with_thresholds(scored, "median", "max"), ["LQ", "HQ"], n_boot=20, seed=0
    )
    assert (table.auc > 0.95).all() and (table.hter < 0.1).all()
    assert len(scored.models) == 3
    assert list(scored.models[0].feature_names_in_) == FEATURES


def test_training_on_another_study_scores_every_video_of_this_one():
    # This study: a single swap pair, where no fold could hold a pair out.
    this = synthetic(3, pairs=[("ghost0", "elon0")], seed=1)
    scores = train_and_score(synthetic(3, seed=2), this, FEATURES, model="svm", seed=0).test
    assert set(scores.video) == set(this.video) and (scores.fold == 0).all()
    videos = video_scores(scores, "mean", "max")
    lowest_fake = videos[videos.label == 1].score.min()
    assert (videos[videos.label == 0].score < lowest_fake).all()


@pytest.mark.parametrize("model", ["svm", "logistic"])
def test_cross_validate_on_noise_is_near_chance(model):
    frames = synthetic(
        0, sentences=("sa1", "sa2", "si1"), n_frames=12
    )  # 0.34-0.68 over 10 data seeds
    scores = cross_validate(
        frames, FEATURES, model=model, seed=0, frames_per_video=6, split=KFold(3, 0)
    )
    table = classifier_metrics(
        *with_thresholds(scores, "mean", "max"), ["LQ", "HQ"], n_boot=20, seed=0
    )
    assert table.auc.between(0.2, 0.8).all() and table.hter.between(0.2, 0.8).all()


def test_run_classifier_is_byte_identical(tmp_path):
    frames_path = tmp_path / "frames.parquet"
    synthetic(1).to_parquet(frames_path, index=False)
    outputs = []
    for run in ("a", "b"):
        run_classifier(
            frames_path,
            tmp_path / run / "scores.parquet",
            tmp_path / run / "classifier.csv",
            tmp_path / run / "models",
            tmp_path / run / "frame_scores.parquet",
            features=FEATURES,
            model="svm",
            protocol=Protocol(
                split=KFold(3, 7), seed=7, pooling="trimmed_mean", face_pooling="max",
                groups=("LQ", "HQ"), n_boot=50, frames_per_video=None,
            ),
        )  # fmt: skip
        outputs.append(
            [
                (tmp_path / run / name).read_bytes()
                for name in ("scores.parquet", "classifier.csv", "frame_scores.parquet")
            ]
        )
    assert outputs[0] == outputs[1]
    table = pd.read_csv(tmp_path / "a" / "classifier.csv")
    assert len(table) == 4 and table.auc.notna().all()
    # Each fold's model is saved with what reusing it needs.
    saved = sorted(p.name for p in (tmp_path / "a/models").iterdir())
    assert saved == ["fold_0.joblib", "fold_1.joblib", "fold_2.joblib"]
    fold = joblib.load(tmp_path / "a/models/fold_0.joblib")
    assert fold["features"] == FEATURES and list(fold["model"].feature_names_in_) == FEATURES
    scores = pd.read_parquet(tmp_path / "a/scores.parquet")
    assert fold["threshold"]["video"] == scores[scores.fold == 0].threshold.iloc[0]


def test_unknown_model_is_an_error():
    with pytest.raises(ValueError, match="unknown classifier model 'forest'"):
        cross_validate(synthetic(3), FEATURES, model="forest", seed=0, split=KFold(3, 0))


def test_a_fold_whose_inner_folds_cannot_tune_says_so_instead_of_naming_a_best():
    """Videos of a list without people: each its own cohort. A fold trains on three videos,
    and each inner fold holds out one of them, one class only: every inner AUC is NaN, and
    the grid search's "best" would be its first point. The fold takes fixed parameters and
    says why, in the scores' record that goes into classifier.csv."""
    frames = synthetic(3, pairs=PAIRS[:1], sentences=("sa1",))
    frames = frames[frames.group != "HQ"]  # per subject: one real and one fake video
    frames = frames.assign(subject=frames.video, face_source=None)  # no person is known
    settings = cross_validate(frames, FEATURES, model="svm", seed=0, split=KFold(4, 0)).settings
    assert len(settings) == 4
    for fold, text in enumerate(settings):
        assert text.startswith(f"fold {fold}: C=1, gamma=scale, fixed: inner fold "), text
        assert "on which AUC is undefined" in text and "tuned" not in text
        # No inner fold: the threshold is set on the training scores, and that is said.
        assert "; threshold on the training scores (inner fold " in text
    frames = synthetic(3)  # three swap pairs: two in each fold's training set, both classes
    settings = cross_validate(frames, FEATURES, model="svm", seed=0, split=KFold(3, 0)).settings
    assert all(
        re.fullmatch(
            rf"fold {i}: C=\S+, gamma=\S+, tuned in 2 inner folds over cohorts "
            r"\(AUC [01]\.\d{3}\); threshold on 2 inner folds' held-out scores",
            text,
        )
        for i, text in enumerate(settings)
    ), settings


def test_the_split_is_a_value_decided_when_the_config_is_read():
    options = {"train_on": None, "split": None, "folds": 5, "seed": 3}
    assert split_of(options) == KFold(5, 3)
    assert split_of(options | {"split": "dataset"}) == DatasetSplit()
    assert split_of(options | {"split": "s.csv"}) == SplitFile(Path("s.csv"))
    assert split_of(options | {"train_on": "f.parquet"}) == TrainOn(Path("f.parquet"))


def test_every_classifier_step_runs_the_protocol_the_config_says():
    options = {
        "train_on": None, "split": None, "folds": 5, "seed": 3, "pooling": "median",
        "face_pooling": "max", "n_boot": 200, "frames_per_video": 8, "model": "svm",
    }  # fmt: skip
    assert Protocol.from_config(options, ["LQ"]) == Protocol(
        split=KFold(5, 3), seed=3, pooling="median", face_pooling="max", groups=("LQ",),
        n_boot=200, frames_per_video=8,
    )  # fmt: skip
