"""Fitting the deepfake classifier per fold and scoring the frames it has not seen.

Each fold's model (:mod:`dfscope.classifier.models`) is trained on the frames of its training
videos, all groups together (real, LQ and HQ fakes), and scores every frame of its test
videos; hyperparameters are searched in inner folds that are again over cohorts, so tuning
never sees a test person either, or fixed, with the reason said, where they cannot be
(:func:`fit_model`). Everything is seeded and single-threaded, so the same config gives
byte-identical scores.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, clone
from sklearn.model_selection import GridSearchCV, GroupKFold, cross_val_predict

from ..columns import FRAME_KEY
from .models import MODELS
from .splits import (
    DatasetSplit,
    Fold,
    Split,
    cohorts,
    present,
    present_folds,
    require,
)

log = logging.getLogger(__name__)

#: Most inner folds of the search (fewer when there are fewer training cohorts).
INNER_FOLDS = 3

#: Columns of the per-frame score table of :func:`fit_and_score`.
FRAME_SCORE_COLUMNS = [*FRAME_KEY, "group", "label", "fold", "score"]


@dataclass
class Scores:
    """What the folds of the classifier give: ``test``, the score of every held-out frame (of
    every video of the study, each by the model of the fold that held it out); ``dev``, the
    development score of every training frame of each fold (:class:`Fit`), from which the
    fold's thresholds are set; ``settings``, each fold's hyperparameters, how they were set
    and where its development scores come from; ``models``, each fold's fitted classifier.
    Frame tables of :data:`FRAME_SCORE_COLUMNS` (a training frame is in ``dev`` once per fold
    it trains)."""

    test: pd.DataFrame
    dev: pd.DataFrame
    settings: list[str]
    models: list[BaseEstimator]


@dataclass
class Fit:
    """A fold's fitted classifier, what its hyperparameters are and how they were set
    (``how``), and the development scores of its training frames (``dev``): each scored by a
    model that did not see that frame's cohort, where inner folds exist (``dev_how`` says
    which), from which the fold's decision threshold is set."""

    classifier: BaseEstimator
    how: str
    dev: np.ndarray
    dev_how: str


def fit_model(name: str, x: pd.DataFrame, y: pd.Series, cohorts: np.ndarray, seed: int) -> Fit:
    """The classifier model ``name`` fitted on ``x``, ``y`` (:class:`Fit`).

    A model with a ``GRID`` searches it by AUC in inner folds over the training ``cohorts``
    (one per training frame). Where the inner folds cannot tune (a single training cohort,
    or an inner fold whose held-out part has videos of one class only, where AUC is
    undefined and scikit-learn would report its first grid point as "best"), the model is
    fitted with its ``FIXED`` parameters and the answer says so and why: a fold never claims
    a choice that was not made. The development scores come from the same inner folds, the
    chosen parameters refitted without each inner fold's cohorts (Idiap's convention sets
    the threshold on development data, not on the test's); where there are no inner folds,
    they are the training frames' own scores, and ``dev_how`` says so.
    """
    spec = MODELS.load(name)
    pipeline = spec.build(seed)
    why = _untunable(y.to_numpy(), cohorts)
    if not spec.GRID or why is not None:
        pipeline.set_params(**spec.FIXED).fit(x, y)
        fixed = _described(spec.FIXED) or "no hyperparameters"
        how = f"{fixed}, " + ("no search" if not spec.GRID else f"fixed: {why}")
        return Fit(pipeline, how, *_development(pipeline, x, y, cohorts, why))
    inner = GroupKFold(n_splits=_inner_folds(cohorts))
    search = GridSearchCV(pipeline, spec.GRID, scoring="roc_auc", cv=inner, n_jobs=1)
    search.fit(x, y, groups=cohorts)
    how = (
        f"{_described(search.best_params_)}, tuned in {inner.get_n_splits()} inner folds over "
        f"cohorts (AUC {search.best_score_:.3f})"
    )
    return Fit(search, how, *_development(search.best_estimator_, x, y, cohorts, None))


def _development(
    fitted: BaseEstimator, x: pd.DataFrame, y: pd.Series, cohorts: np.ndarray, why: str | None
) -> tuple[np.ndarray, str]:
    """The development scores of the training frames and where they come from: out of the
    inner folds (``fitted``'s parameters, refitted without each inner fold), or, where there
    are none (``why``), ``fitted``'s own scores of the frames it was trained on."""
    if why is not None:
        return fitted.decision_function(x), f"threshold on the training scores ({why})"
    inner = GroupKFold(n_splits=_inner_folds(cohorts))
    dev = cross_val_predict(
        clone(fitted), x, y, groups=cohorts, cv=inner, method="decision_function"
    )
    return dev, f"threshold on {inner.get_n_splits()} inner folds' held-out scores"


def _inner_folds(cohorts: np.ndarray) -> int:
    return min(INNER_FOLDS, len(np.unique(cohorts)))


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
    inner = GroupKFold(n_splits=_inner_folds(cohorts))
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
    frames_per_video: int | None = None,
) -> Scores:
    """Out-of-fold score of every frame (:class:`Scores`).

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
        present_folds(split, frames, people),
        people,
        model=model,
        seed=seed,
        frames_per_video=frames_per_video,
    )


def train_and_score(
    train_frames: pd.DataFrame,
    frames: pd.DataFrame,
    features: Sequence[str],
    *,
    model: str,
    seed: int,
    frames_per_video: int | None = None,
) -> Scores:
    """Score every frame of ``frames`` by a classifier trained on all of ``train_frames``, the
    frame table of another study: a cross-dataset test, and the only honest one on a dataset
    with a single swap pair, where no fold could hold out a pair. As :func:`cross_validate`'s,
    with fold 0 (its development frames those of the other study, ids ``train:<video>``)."""
    require(train_frames, _study_columns(features), "training frame table")
    external = _study_frames(train_frames, features)
    external = external.assign(video="train:" + external.video.astype(str))
    frames = _study_frames(frames, features)
    fold = (np.unique(external.video), np.unique(frames.video.astype(str)))
    frames = pd.concat([external, frames], ignore_index=True)
    splits = [present(frames, *fold, named=False)]
    return fit_and_score(
        frames,
        features,
        splits,
        cohorts(frames),
        model=model,
        seed=seed,
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
    frames_per_video: int | None = None,
) -> Scores:
    """Train one classifier per fold of ``splits`` (each over videos of ``frames``:
    :func:`dfscope.classifier.splits.present`) and score that fold's test frames.

    Each fold's classifier is trained on the frames of its training videos,
    all groups together, and scores all frames of its test videos.
    Frames without any feature (no face found) are neither trained on nor
    scored (score NaN). ``frames_per_video`` caps the training frames taken
    from each video (evenly spaced), since an RBF SVM's cost grows faster
    than linearly with the training set and consecutive frames add little;
    test frames are never thinned. Fitting on a DataFrame stores the feature
    names in the model (``feature_names_in_``).
    """
    features = list(features)
    frames = frames.sort_values(FRAME_KEY, kind="stable").reset_index(drop=True)
    x = frames[features].astype("float64")
    usable = x.notna().any(axis=1).to_numpy()
    check_training(frames, splits, usable)
    scores = np.full(len(frames), np.nan)
    fold_of = np.full(len(frames), -1)
    settings, development, models = [], [], []
    for i, (train, test) in enumerate(splits):
        in_train = frames.video.isin(train).to_numpy()
        in_test = frames.video.isin(test).to_numpy()
        rows = in_train & usable & frames.label.notna().to_numpy()  # never an unknown label
        rows[rows] = thin(frames.video[rows], frames_per_video)
        train_cohorts = people.reindex(frames.video[rows]).to_numpy()
        fit = fit_model(model, x[rows], frames.label[rows].astype(int), train_cohorts, seed)
        log.info("fold %d: %s %s; %s", i, model, fit.how, fit.dev_how)
        settings.append(f"fold {i}: {fit.how}; {fit.dev_how}")
        development.append(scored_frames(frames[rows], i, fit.dev))
        models.append(fit.classifier)
        scored = in_test & usable
        if scored.any():
            scores[scored] = fit.classifier.decision_function(x[scored])
        else:  # its videos get no score and drop out of every measure; problems.csv says why
            log.warning(
                "fold %d: none of its %d test videos has a frame with features (no face was "
                "found in them): nothing to score",
                i,
                len(test),
            )
        fold_of[in_test] = i
        log.info(
            "fold %d: trained on %d frames of %d videos, scored %d videos",
            i,
            int(rows.sum()),
            len(train),
            len(test),
        )
    test = scored_frames(frames[fold_of >= 0], fold_of[fold_of >= 0], scores[fold_of >= 0])
    return Scores(test, pd.concat(development, ignore_index=True), settings, models)


def scored_frames(frames: pd.DataFrame, fold, scores: np.ndarray) -> pd.DataFrame:
    """``frames``' ids and labels, their ``fold`` and ``scores``: :data:`FRAME_SCORE_COLUMNS`."""
    table = frames[[*FRAME_KEY, "group", "label"]].reset_index(drop=True)
    return table.assign(fold=fold, score=scores)[FRAME_SCORE_COLUMNS]


def _study_columns(features: Sequence[str]) -> list[str]:
    """The frame-table columns the classifier reads: ids, labels, people and ``features``."""
    return [*FRAME_KEY, "group", "label", "subject", "face_source", *features]


def _study_frames(
    frames: pd.DataFrame, features: Sequence[str], split: Split | None = None
) -> pd.DataFrame:
    """The columns of :func:`_study_columns` of a frame table, checked to be there (and the
    ``split`` column for the dataset's official split)."""
    columns = _study_columns(features) + (["split"] if isinstance(split, DatasetSplit) else [])
    require(frames, columns)
    return frames[columns]


def check_training(frames: pd.DataFrame, splits: list[Fold], usable: np.ndarray) -> None:
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


def thin(videos: pd.Series, per_video: int | None) -> np.ndarray:
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
