"""The CNN's folds, fixed before any network trains, so that each fold trains in a job of its own,
and their scores put together after.

Training MesoNet is the study's longest step (about 13 minutes a fold on 2 cores for the full
DeepfakeTIMIT, docs/detection.md): one job training five folds one after the other took an hour,
while the folds share nothing but their data. Which videos a fold holds depends on the videos
left after the faces step (a video that failed drops out, and a cohort with it), so the workflow
computes the folds from the crop table (:func:`dfscope.gather.crop_table`: the frame table's
rows without a measure, so that editing a feature trains nothing again) in a checkpoint
(:func:`write_folds`), then runs one job per fold
(:func:`dfscope.classifier.cnn.run_fold`, which writes :func:`write_fold_scores`) and one that
evaluates them together (:func:`dfscope.classifier.cnn_evaluation.run_cnn`, over
:func:`scores_of`).

This module imports neither PyTorch nor the metrics: editing the network reruns the folds'
training, not their plan, and editing a metric reruns the evaluation, not the training.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq

from ..atomic import write_parquet
from ..columns import FRAME_KEY
from .fitting import Scores, check_training
from .fold_plan import write_fold_plan
from .splits import Fold, Split, TrainOn, cohorts, present_folds

#: The ``role`` of a fold's score rows: a test video's, or a development one.
TEST, DEVELOPMENT = "test", "development"
#: The key of a fold's score table's Parquet metadata that says what the fold trained on.
SETTINGS_KEY = "dfscope.cnn_fold"


def fold_videos(frames: pd.DataFrame, split: Split) -> list[Fold]:
    """The folds of ``split`` over the videos of the frame table ``frames`` that are in it,
    checked before any network trains to give each fold real and fake training crops (frames
    with a face: ``face >= 0``)."""
    if isinstance(split, TrainOn):
        raise ValueError("the CNN trains on this study's crops: it has no train_on")
    frames = frames.sort_values(FRAME_KEY, kind="stable").reset_index(drop=True)
    folds = present_folds(split, frames, cohorts(frames))
    check_training(frames, folds, frames.face.ge(0).to_numpy(dtype=bool))
    return folds


def write_folds(frames_path: str | Path, out_json: str | Path, *, split: Split) -> list[Fold]:
    """The checkpoint: :func:`fold_videos` of the frame table at ``frames_path``, written to
    ``out_json`` (:func:`.fold_plan.write_fold_plan`)."""
    folds = fold_videos(pd.read_parquet(frames_path), split)
    write_fold_plan(folds, out_json)
    return folds


def write_fold_scores(part: pd.DataFrame, settings: str, path: str | Path) -> None:
    """A fold's scores (:func:`dfscope.classifier.cnn.train_fold`), with what it was trained on
    in the file's metadata, written atomically."""
    write_parquet(part, path, {SETTINGS_KEY: settings})


def read_fold_scores(path: str | Path) -> tuple[pd.DataFrame, str]:
    """A fold's scores and settings, as :func:`write_fold_scores` wrote them."""
    metadata = pq.read_schema(path).metadata or {}
    if SETTINGS_KEY.encode() not in metadata:
        raise ValueError(f"{path}: not a CNN fold's scores (no {SETTINGS_KEY} metadata)")
    return pd.read_parquet(path), metadata[SETTINGS_KEY.encode()].decode()


def scores_of(parts: Sequence[pd.DataFrame], settings: list[str], models: list) -> Scores:
    """The folds' scores (:func:`dfscope.classifier.cnn.train_fold`, in fold order) as the feature
    classifier's :class:`~dfscope.classifier.fitting.Scores`: the test rows in frame order, the
    development rows fold by fold. Part ``i`` must be fold ``i``'s: a part of another fold
    (a file mixed up) would put its scores under the wrong threshold."""
    for i, part in enumerate(parts):
        if not part.fold.eq(i).all():
            raise ValueError(f"the scores of fold {i} hold folds {sorted(set(part.fold))}")
    rows = pd.concat(parts, ignore_index=True)
    role = rows.pop("role")
    test = rows[role == TEST].sort_values(FRAME_KEY, kind="stable").reset_index(drop=True)
    return Scores(test, rows[role == DEVELOPMENT].reset_index(drop=True), settings, models)
