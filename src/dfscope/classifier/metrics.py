"""How well the deepfake classifier tells fakes from real videos: its frame scores pooled into video
scores, and per group and level AUC, EER and FRR at fixed FARs with bootstrap intervals over
videos (:mod:`dfscope.roc`)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from ..roc import MEASURES, bootstrap, per_group, roc_measures
from .poolings import POOLINGS


def video_scores(frame_scores: pd.DataFrame, pooling: str = "mean") -> pd.DataFrame:
    """One score per video from its frames' scores (the ``pool`` of the pooling module
    ``pooling``, :mod:`dfscope.classifier.poolings`): video, group, label, fold, n_frames, score.

    Frames without a score are skipped (``n_frames`` counts the scored ones); a video with
    none gets NaN.
    """
    how = POOLINGS.load(pooling).pool
    videos = frame_scores.drop_duplicates("video").set_index("video")[["group", "label", "fold"]]
    scored = frame_scores.dropna(subset=["score"]).groupby("video").score
    videos["n_frames"] = scored.size().reindex(videos.index, fill_value=0).astype("int64")
    videos["score"] = scored.agg(lambda s: how(s.to_numpy())).reindex(videos.index)
    return videos.sort_index().reset_index()


def classifier_metrics(
    frame_scores: pd.DataFrame,
    video_scores: pd.DataFrame,
    groups: Sequence[str],
    n_boot: int = 1000,
    seed: int = 0,
) -> pd.DataFrame:
    """AUC, EER and FRR at 10 % / 1 % FAR, with bootstrap 95 % intervals, per group and level.

    For group q the real videos are compared with q's fakes, at frame
    level (every scored frame) and at video level (pooled scores). The
    interval resamples videos, not frames, because frames of a video are
    far from independent; it resamples real and fake videos separately
    (stratified) so every replicate has both classes, takes all frames of a
    drawn video at frame level, and reports the 2.5 and 97.5 percentiles.
    Each (group, level) row draws from a fresh generator seeded with
    ``seed``, so a row does not depend on which other rows are computed.
    ``n_real``/``n_fake`` count frames or videos as the level says. Floats
    are rounded to 6 decimals so the written table is byte-stable.
    """
    rows = []
    levels = {"frame": (frame_scores, "score"), "video": (video_scores, "score")}
    for row, part in per_group(levels, groups):
        labels, values = part.label.to_numpy(dtype=int), part.score.to_numpy(dtype=float)
        if row["n_real"] and row["n_fake"]:
            point = roc_measures(labels, values)
            codes, names = pd.factorize(part.video, sort=True)
            video_labels = part.groupby("video").label.first().reindex(names).to_numpy(dtype=int)
            boot = bootstrap(
                labels, values, codes, video_labels, n_boot, np.random.default_rng(seed)
            )
            for j, measure in enumerate(MEASURES):
                lo, hi = np.percentile(boot[:, j], [2.5, 97.5]) if n_boot else (np.nan, np.nan)
                row |= {measure: point[j], f"{measure}_lo": lo, f"{measure}_hi": hi}
        rows.append(row)
    columns = [
        "group",
        "level",
        "n_real",
        "n_fake",
        *(c for m in MEASURES for c in (m, f"{m}_lo", f"{m}_hi")),
    ]
    return pd.DataFrame(rows, columns=columns).round(6)
