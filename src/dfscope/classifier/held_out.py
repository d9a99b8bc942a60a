"""The classifier's held-out scores as a file: what the classify step writes and the ablation's
job for the same features and model reads, instead of fitting the same folds a second time (at
the full DeepfakeTIMIT's size the longest of the ablation's jobs)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from ..atomic import write_parquet
from .fitting import Scores

#: The column that says which table of :class:`Scores` a row is of.
PART = "part"


def write_scores(scores: Scores, path: str | Path) -> None:
    """Write the frame scores of ``scores`` (``test`` and ``dev``; every digit) as one Parquet
    table; the models and settings stay with the classify step's own outputs."""
    parts = [scores.test.assign(**{PART: "test"}), scores.dev.assign(**{PART: "dev"})]
    write_parquet(pd.concat(parts, ignore_index=True), path)


def read_scores(path: str | Path) -> Scores:
    """The frame scores :func:`write_scores` wrote, in their order, as :class:`Scores` without
    models or settings (what :meth:`dfscope.classifier.protocol.Protocol.evaluate` needs)."""
    table = pd.read_parquet(path)
    test, dev = (
        table[table[PART] == part].drop(columns=PART).reset_index(drop=True)
        for part in ("test", "dev")
    )
    return Scores(test=test, dev=dev, settings=[], models=[])
