"""How well each single feature tells real from fake: AUC and EER per group, frame and video
level."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.metrics import roc_auc_score

from .atomic import write_csv
from .roc import equal_error_rate, per_group


def score_summary(
    frames: pd.DataFrame, videos: pd.DataFrame, scores: Sequence[str], groups: Sequence[str]
) -> pd.DataFrame:
    """AUC and EER of each score, real vs fakes of each group, at frame and video level.

    Frames without a face are left out at frame level; a video's score is
    the mean of its frames' scores.
    """
    rows = []
    for score in scores:
        levels = {"frame": (frames, score), "video": (videos, f"mean_{score}")}
        for row, part in per_group(levels, groups):
            row = {"score": score} | row
            labels, values = part.label.to_numpy(dtype=int), part[levels[row["level"]][1]]
            if row["n_real"] and row["n_fake"]:
                eer, threshold = equal_error_rate(labels, values.to_numpy())
                row |= {
                    "auc": roc_auc_score(labels, values),
                    "eer": eer,
                    "eer_threshold": threshold,
                }
            rows.append(row)
    return pd.DataFrame(
        rows,
        columns=["score", "group", "level", "n_real", "n_fake", "auc", "eer", "eer_threshold"],
    )


def feature_auc(
    frames_path: str | Path,
    videos_path: str | Path,
    out: str | Path,
    *,
    features: Sequence[str],
    groups: Sequence[str],
) -> pd.DataFrame:
    """Each single feature's power to tell real from fake, per group, at frame and video level.

    ``auc`` is taken with higher = fake; ``direction`` is +1 where fakes
    score higher (auc >= 0.5) and -1 where they score lower, and
    ``auc_best = max(auc, 1 - auc)`` is the AUC of the feature used in its
    better direction: how much it separates, whatever the sign.
    """
    table = score_summary(
        pd.read_parquet(frames_path), pd.read_parquet(videos_path), features, groups
    ).drop(columns=["eer_threshold"])
    table.insert(table.columns.get_loc("auc") + 1, "direction", np.where(table.auc >= 0.5, 1, -1))
    table.insert(table.columns.get_loc("auc") + 2, "auc_best", np.maximum(table.auc, 1 - table.auc))
    table = table.rename(columns={"score": "feature"})
    write_csv(table, out)
    return table
