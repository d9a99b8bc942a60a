"""The classify step: the classifier trained and evaluated over a study's frame table."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from ..atomic import write_csv, write_parquet
from .fitting import HYPERPARAMETERS, cross_validate, train_and_score
from .metrics import classifier_metrics, video_scores
from .splits import Split, TrainOn


def run_classifier(
    frames_path: str | Path,
    out_scores_parquet: str | Path,
    out_table_csv: str | Path,
    models_dir: str | Path | None,
    *,
    features: Sequence[str],
    model: str,
    split: Split,
    seed: int,
    pooling: str,
    groups: Sequence[str],
    n_boot: int = 1000,
    frames_per_video: int | None = None,
) -> pd.DataFrame:
    """Score the study's videos with the classifier (cross-validated over ``split``, or trained
    on another study's frame table where it is :class:`TrainOn`); write the video scores
    (Parquet) and the metrics table (CSV, with each fold's hyperparameters), both atomically
    and byte-reproducibly, and the fold models under ``models_dir``. Returns the table.
    """
    frames = pd.read_parquet(frames_path)
    options = {
        "model": model,
        "seed": seed,
        "models_dir": models_dir,
        "frames_per_video": frames_per_video,
    }
    if isinstance(split, TrainOn):
        training = pd.read_parquet(split.path)
        frame_scores = train_and_score(training, frames, features, **options)
    else:
        frame_scores = cross_validate(frames, features, split=split, **options)
    scores = video_scores(frame_scores, pooling)
    table = classifier_metrics(frame_scores, scores, groups, n_boot=n_boot, seed=seed)
    table[HYPERPARAMETERS] = frame_scores.attrs[HYPERPARAMETERS]
    write_parquet(scores, out_scores_parquet)
    write_csv(table, out_table_csv)
    return table
