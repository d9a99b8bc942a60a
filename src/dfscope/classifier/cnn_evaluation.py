"""The CNN's folds evaluated together, as the feature classifier is: the same pooling,
development thresholds and metrics, so that the two are reported side by side.

A job of its own after the folds' (:func:`dfscope.classifier.cnn.run_fold`), without PyTorch:
editing a metric reruns this, not the training.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from ..atomic import write_csv, write_parquet
from .cnn_folds import read_fold_scores, scores_of
from .metrics import classifier_metrics, with_thresholds


def run_cnn(
    parts: Sequence[str | Path],
    out_scores_parquet: str | Path,
    out_table_csv: str | Path,
    *,
    seed: int,
    pooling: str,
    face_pooling: str = "max",
    groups: Sequence[str],
    n_boot: int,
) -> pd.DataFrame:
    """The folds' scores ``parts`` (in fold order) pooled to video scores, each with its fold's
    threshold and decision, and the metrics table (as the feature classifier's, the settings of
    each fold), written atomically."""
    folds = [read_fold_scores(path) for path in parts]
    scores = scores_of([part for part, _ in folds], [settings for _, settings in folds], [])
    frame_scores, videos = with_thresholds(scores, pooling, face_pooling)
    table = classifier_metrics(frame_scores, videos, groups, n_boot=n_boot, seed=seed)
    table["settings"] = "; ".join(scores.settings)
    write_parquet(videos, out_scores_parquet)
    write_csv(table, out_table_csv)
    return table
