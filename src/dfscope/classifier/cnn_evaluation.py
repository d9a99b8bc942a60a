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
from .protocol import Protocol


def run_cnn(
    parts: Sequence[str | Path],
    out_scores_parquet: str | Path,
    out_table_csv: str | Path,
    protocol: Protocol,
) -> pd.DataFrame:
    """The folds' scores ``parts`` (in fold order) pooled to video scores, each with its fold's
    threshold and decision, and the metrics table, under ``protocol`` as the feature
    classifier's (its split is the folds' own, planned by :mod:`.cnn_folds`), with the settings
    of each fold; written atomically."""
    folds = [read_fold_scores(path) for path in parts]
    scores = scores_of([part for part, _ in folds], [settings for _, settings in folds], [])
    _, videos, table = protocol.evaluate(scores)
    table["settings"] = "; ".join(scores.settings)
    write_parquet(videos, out_scores_parquet)
    write_csv(table, out_table_csv)
    return table
