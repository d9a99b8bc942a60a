"""Fitting the deepfake classifier per fold and scoring the frames it has not seen.

Each fold's model (:mod:`dfscope.classifier.models`) is trained on the frames of its training
videos, all groups together (real, LQ and HQ fakes), and scores every frame of its test
videos; hyperparameters are searched in inner folds that are again over cohorts, so tuning
never sees a test person either, or fixed, with the reason said, where they cannot be
(:func:`fit_model`). Everything is seeded and single-threaded, so the same config gives
byte-identical scores.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Sequence
from pathlib import Path

import joblib
import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator
from sklearn.model_selection import GridSearchCV, GroupKFold

from ..atomic import atomic_dir
from .models import MODELS
from .splits import DatasetSplit, Fold, Split, SplitFile, cohorts, folds_of, present, require

log = logging.getLogger(__name__)

#: Most inner folds of the search (fewer when there are fewer training cohorts).
INNER_FOLDS = 3

#: Columns of the per-frame score table of :func:`fit_and_score`.
FRAME_SCORE_COLUMNS = ["video", "frame", "group", "label", "fold", "score"]

#: Where the frame scores of :func:`fit_and_score` carry (in ``DataFrame.attrs``) each fold's
#: hyperparameters and how they were set, which the classify step writes beside the metrics.
HYPERPARAMETERS = "hyperparameters"


def fit_model(
    name: str, x: pd.DataFrame, y: pd.Series, cohorts: np.ndarray, seed: int
) -> tuple[BaseEstimator, str]:
    """The classifier model ``name`` fitted on ``x``, ``y``, and what its hyperparameters are and
    how they were set.

    A model with a ``GRID`` searches it by AUC in inner folds over the training ``cohorts``
    (one per training frame). Where the inner folds cannot tune (a single training cohort,
    or an inner fold whose held-out part has videos of one class only, where AUC is
    undefined and scikit-learn would report its first grid point as "best"), the model is
    fitted with its ``FIXED`` parameters and the answer says so and why: a fold never claims
    a choice that was not made.
    """
    spec = MODELS.load(name)
    pipeline = spec.build(seed)
    if not spec.GRID:
        pipeline.set_params(**spec.FIXED).fit(x, y)
        return pipeline, f"{_described(spec.FIXED)} (no search)"
    why = _untunable(y.to_numpy(), cohorts)
    if why is not None:
        pipeline.set_params(**spec.FIXED).fit(x, y)
        return pipeline, f"{_described(spec.FIXED)}, fixed: {why}"
    inner = GroupKFold(n_splits=min(INNER_FOLDS, len(np.unique(cohorts))))
    search = GridSearchCV(pipeline, spec.GRID, scoring="roc_auc", cv=inner, n_jobs=1)
    search.fit(x, y, groups=cohorts)
    return search, (
        f"{_described(search.best_params_)}, tuned in {inner.get_n_splits()} inner folds over "
        f"cohorts (AUC {search.best_score_:.3f})"
    )


def _described(params: dict) -> str:
    """``C=10, gamma=0.01`` of pipeline parameters (``classify__C``)."""
    return ", ".join(
        f"{key.rpartition('__')[2]}={value:g}"
        if isinstance(value, float | int)
        else f"{key.rpartition('__')[2]}={value}"
        for key, value in params.items()
    )


def _untunable(y: np.ndarray, cohorts: np.ndarray) -> str | None:
    """Why inner folds over ``cohorts`` cannot tune a model on labels ``y``, or None."""
    names = np.unique(cohorts)
    if len(names) < 2:
        return f"one training cohort ({names[0]}), no inner fold to tune on"
    inner = GroupKFold(n_splits=min(INNER_FOLDS, len(names)))
    for j, (_, held) in enumerate(inner.split(y, y, groups=cohorts)):
        classes = np.unique(y[held])
        if len(classes) < 2:
            kind = "real" if classes[0] == 0 else "fake"
            return (
                f"inner fold {j} holds out only {kind} videos (cohorts "
                f"{', '.join(np.unique(cohorts[held]))}), on which AUC is undefined"
            )
    return None


def cross_validate(
    frames: pd.DataFrame,
    features: Sequence[str],
    *,
    model: str,
    split: Split,
    seed: int,
    models_dir: str | Path | None = None,
    frames_per_video: int | None = None,
) -> pd.DataFrame:
    """Out-of-fold score of every frame: columns video, frame, group, label, fold, score.

    The folds are those of ``split`` (:func:`dfscope.classifier.splits.folds_of`): k-fold over
    cohorts, a split file's or the dataset's official one (videos it does not list are left
    out, and a person on both sides is warned about). See :func:`fit_and_score` for what each
    fold does.
    """
    frames = _study_frames(frames, features, split)
    people = cohorts(frames)
    return fit_and_score(
        frames,
        features,
        folds_of(split, frames, people),
        people,
        model=model,
        seed=seed,
        named=isinstance(split, SplitFile | DatasetSplit),
        models_dir=models_dir,
        frames_per_video=frames_per_video,
    )


def train_and_score(
    train_frames: pd.DataFrame,
    frames: pd.DataFrame,
    features: Sequence[str],
    *,
    model: str,
    seed: int,
    models_dir: str | Path | None = None,
    frames_per_video: int | None = None,
) -> pd.DataFrame:
    """Score every frame of ``frames`` by a classifier trained on all of ``train_frames``, the
    frame table of another study: a cross-dataset test, and the only honest one on a dataset
    with a single swap pair, where no fold could hold out a pair. Columns as
    :func:`cross_validate`'s, with fold 0."""
    require(train_frames, _study_columns(features), "training frame table")
    external = _study_frames(train_frames, features)
    external = external.assign(video="train:" + external.video.astype(str))
    frames = _study_frames(frames, features)
    splits = [(np.unique(external.video), np.unique(frames.video.astype(str)))]
    frames = pd.concat([external, frames], ignore_index=True)
    return fit_and_score(
        frames,
        features,
        splits,
        cohorts(frames),
        model=model,
        seed=seed,
        models_dir=models_dir,
        frames_per_video=frames_per_video,
    )


def fit_and_score(
    frames: pd.DataFrame,
    features: Sequence[str],
    splits: list[Fold],
    people: pd.Series,
    *,
    model: str,
    seed: int,
    named: bool = False,
    models_dir: str | Path | None = None,
    frames_per_video: int | None = None,
) -> pd.DataFrame:
    """Train one classifier per fold of ``splits`` and score that fold's test frames (``named``:
    the folds are a split that names its videos, whose omissions are told).

    Each fold's classifier is trained on the frames of its training videos,
    all groups together, and scores all frames of its test videos.
    Frames without any feature (no face found) are neither trained on nor
    scored (score NaN). ``frames_per_video`` caps the training frames taken
    from each video (evenly spaced), since an RBF SVM's cost grows faster
    than linearly with the training set and consecutive frames add little;
    test frames are never thinned. With ``models_dir`` each fitted
    classifier is saved to ``models_dir/fold_<i>.joblib``; the folder is
    replaced as a whole, so no stale fold survives a run with fewer folds.
    Fitting on a DataFrame stores the feature names in the model
    (``feature_names_in_``).
    """
    features = list(features)
    frames = frames.sort_values(["video", "frame"], kind="stable").reset_index(drop=True)
    x = frames[features].astype("float64")
    usable = x.notna().any(axis=1).to_numpy()
    splits = [present(frames, train, test, named) for train, test in splits]
    _check_training(frames, splits, usable)
    scores = np.full(len(frames), np.nan)
    fold_of = np.full(len(frames), -1)
    settings: list[str] = []
    saving = atomic_dir(models_dir) if models_dir is not None else contextlib.nullcontext()
    with saving as out:
        for i, (train, test) in enumerate(splits):
            in_train = frames.video.isin(train).to_numpy()
            in_test = frames.video.isin(test).to_numpy()
            rows = in_train & usable & frames.label.notna().to_numpy()  # never an unknown label
            rows[rows] = _thin(frames.video[rows], frames_per_video)
            train_cohorts = people.reindex(frames.video[rows]).to_numpy()
            classifier, how = fit_model(
                model, x[rows], frames.label[rows].astype(int), train_cohorts, seed
            )
            log.info("fold %d: %s %s", i, model, how)
            settings.append(f"fold {i}: {how}")
            scored = in_test & usable
            scores[scored] = classifier.decision_function(x[scored])
            fold_of[in_test] = i
            log.info(
                "fold %d: trained on %d frames of %d videos, scored %d videos",
                i,
                int(rows.sum()),
                len(train),
                len(test),
            )
            if out is not None:
                joblib.dump(classifier, Path(out) / f"fold_{i}.joblib")
    result = frames.loc[fold_of >= 0, ["video", "frame", "group", "label"]].copy()
    result["fold"] = fold_of[fold_of >= 0]
    result["score"] = scores[fold_of >= 0]
    result = result.reset_index(drop=True)[FRAME_SCORE_COLUMNS]
    result.attrs[HYPERPARAMETERS] = "; ".join(settings)
    return result


def _study_columns(features: Sequence[str]) -> list[str]:
    """The frame-table columns the classifier reads: ids, labels, people and ``features``."""
    return ["video", "frame", "group", "label", "subject", "face_source", *features]


def _study_frames(
    frames: pd.DataFrame, features: Sequence[str], split: Split | None = None
) -> pd.DataFrame:
    """The columns of :func:`_study_columns` of a frame table, checked to be there (and the
    ``split`` column for the dataset's official split)."""
    columns = _study_columns(features) + (["split"] if isinstance(split, DatasetSplit) else [])
    require(frames, columns)
    return frames[columns]


def _check_training(frames: pd.DataFrame, splits: list[Fold], usable: np.ndarray) -> None:
    """Every fold must train on real and fake frames with features, or there is nothing to learn.

    Checked for all folds before any is trained, and the message says which
    lack it is, since the cures differ: no frame with features at all, or none
    among a class's training videos (no face was found in them, which
    problems.csv lists per video), against no video of a class among the
    training videos (too many folds for the data, or a split without it).
    """
    if not usable.any():
        raise ValueError(
            f"no frame of the {frames.video.nunique()} videos has features (no face "
            "was found in any, see results/tables/<detector>/problems.csv): there is "
            "nothing to train the classifier on"
        )
    for fold, (train, _) in enumerate(splits):
        in_train = frames.video.isin(train).to_numpy()
        for value, name in ((0, "real"), (1, "fake")):
            rows = in_train & frames.label.eq(value).fillna(False).to_numpy(dtype=bool)
            videos = np.unique(frames.video[rows])
            if not len(videos):
                raise ValueError(
                    f"fold {fold}: the training set has no {name} videos; "
                    "use fewer folds or a split with both classes in train"
                )
            if not usable[rows].any():
                shown = ", ".join(videos[:3]) + (", ..." if len(videos) > 3 else "")
                raise ValueError(
                    f"fold {fold}: none of its {len(videos)} {name} training videos ({shown}) has "
                    "a frame with features (no face was found in them, see results/tables/"
                    "<detector>/problems.csv): there is nothing to train on"
                )


def _thin(videos: pd.Series, per_video: int | None) -> np.ndarray:
    """Mask of at most ``per_video`` evenly spaced rows per video (all rows when None).

    Row p of a video's m rows is kept when a multiple of m falls in
    ((p - 1) n, p n], i.e. the first row of each of n equal bins.
    """
    if per_video is None:
        return np.ones(len(videos), dtype=bool)
    if per_video < 1:
        raise ValueError(f"frames_per_video must be at least 1, got {per_video}")
    position = videos.groupby(videos, sort=False).cumcount().to_numpy()
    size = videos.map(videos.value_counts()).to_numpy()
    return (position * per_video) % size < per_video
