"""The classifier's figure: its video-level ROC per quality with a bootstrap band."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import matplotlib.pyplot as plt
import pandas as pd

from ..roc import roc_band
from . import COLOURS, roc_axes, save


def classifier_roc_figure(
    video_scores: pd.DataFrame,
    table: pd.DataFrame,
    qualities: Sequence[str],
    *,
    n_boot: int,
    seed: int,
) -> plt.Figure:
    """Video-level ROC of the classifier's out-of-fold scores, per quality, with its bootstrap
    95 % band.

    video_scores : one out-of-fold score per video (:func:`dfscope.classifier.pool`);
    table : the classifier's table, whose AUC and EER (with their intervals) go in the legend.
    """
    fig, ax = plt.subplots(figsize=(5.5, 5))
    rows = table[table.level == "video"].set_index("quality")
    for quality in qualities:
        part = video_scores[video_scores.quality.isin(["real", quality])].dropna(subset=["score"])
        if part.label.nunique() < 2 or quality not in rows.index:
            continue
        band = roc_band(part.label.to_numpy(), part.score.to_numpy(), n_boot=n_boot, seed=seed)
        r = rows.loc[quality]
        colour = COLOURS.get(quality)
        ax.fill_between(band.fpr, band.tpr_lo, band.tpr_hi, step="post", color=colour, alpha=0.2)
        ax.step(
            band.fpr,
            band.tpr,
            where="post",
            color=colour,
            label=f"{quality}: AUC {r.auc:.3f} [{r.auc_lo:.3f}, {r.auc_hi:.3f}], "
            f"EER {100 * r.eer:.1f} % [{100 * r.eer_lo:.1f}, {100 * r.eer_hi:.1f}]",
        )
    roc_axes(ax, "Classifier, video level, 95 % bootstrap band", legend_size=7)
    fig.tight_layout()
    return fig


def plot_classifier(
    scores_path: str | Path,
    table_path: str | Path,
    out: str | Path,
    *,
    qualities: Sequence[str],
    n_boot: int,
    seed: int,
) -> None:
    """Write :func:`classifier_roc_figure` of the classifier's video scores and table."""
    save(
        classifier_roc_figure(
            pd.read_parquet(scores_path),
            pd.read_csv(table_path),
            qualities,
            n_boot=n_boot,
            seed=seed,
        ),
        out,
    )
