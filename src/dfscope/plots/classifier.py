"""The classifier's figures: its video-level ROC per group with a bootstrap band, and how its
video scores are spread, per group, unlabelled videos included."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from ..columns import REAL, UNLABELLED
from ..roc import compared, roc_band
from . import COLOURS, roc_axes, save


def classifier_roc_figure(
    video_scores: pd.DataFrame,
    table: pd.DataFrame,
    groups: Sequence[str],
    *,
    n_boot: int,
    seed: int,
) -> plt.Figure:
    """Video-level ROC of the classifier's out-of-fold scores, per group, with its bootstrap
    95 % band: of the calibrated scores, which the table's AUC and EER are of.

    video_scores : one out-of-fold score per video, each calibrated by its fold
        (:func:`dfscope.classifier.metrics.with_thresholds`);
    table : the classifier's table, whose AUC and EER (with their intervals) go in the legend.
    """
    fig, ax = plt.subplots(figsize=(5.5, 5))
    rows = table[table.level == "video"].set_index("group")
    for group in groups:
        part = compared(video_scores, group, "calibrated")
        if part.label.nunique() < 2 or group not in rows.index:
            continue
        band = roc_band(
            part.label.to_numpy(dtype=int), part.calibrated.to_numpy(), n_boot=n_boot, seed=seed
        )
        r = rows.loc[group]
        colour = COLOURS.get(group)
        ax.fill_between(band.fpr, band.tpr_lo, band.tpr_hi, step="post", color=colour, alpha=0.2)
        ax.step(
            band.fpr,
            band.tpr,
            where="post",
            color=colour,
            label=f"{group}: AUC {r.auc:.3f} [{r.auc_lo:.3f}, {r.auc_hi:.3f}], "
            f"EER {100 * r.eer:.1f} % [{100 * r.eer_lo:.1f}, {100 * r.eer_hi:.1f}], "
            f"HTER {100 * r.hter:.1f} %",
        )
    roc_axes(ax, "Classifier, video level, 95 % bootstrap band", legend_size=7)
    fig.tight_layout()
    return fig


def score_histogram(video_scores: pd.DataFrame, groups: Sequence[str]) -> plt.Figure:
    """The calibrated video scores of the real videos, of each group's fakes and of the
    unlabelled videos: where a study without labels stands against the classes the classifier
    learned (each fold's scores mapped by its own development scores, so that the folds share
    one axis)."""
    fig, ax = plt.subplots(figsize=(6, 3.6))
    scored = video_scores.dropna(subset=["calibrated"])
    shown = [REAL, *groups, UNLABELLED]
    values = {g: scored.calibrated[scored.group == g] for g in shown if (scored.group == g).any()}
    low, high = scored.calibrated.min(), scored.calibrated.max()
    bins = np.linspace(low, high, 31) if len(scored) else 30
    for group, data in values.items():
        ax.hist(
            data, bins=bins, alpha=0.5, color=COLOURS.get(group), label=f"{group} (n={len(data)})"
        )
    ax.set(
        xlabel="calibrated score: log-odds of fake (0: even odds)",
        ylabel="videos",
        title="Video scores of the classifier",
    )
    ax.legend(fontsize=8)
    fig.tight_layout()
    return fig


def plot_classifier(
    scores_path: str | Path,
    table_path: str | Path,
    roc_out: str | Path,
    hist_out: str | Path,
    *,
    groups: Sequence[str],
    n_boot: int,
    seed: int,
) -> None:
    """Write :func:`classifier_roc_figure` and :func:`score_histogram` of the classifier's video
    scores and table."""
    scores = pd.read_parquet(scores_path)
    table = pd.read_csv(table_path)
    save(classifier_roc_figure(scores, table, groups, n_boot=n_boot, seed=seed), roc_out)
    save(score_histogram(scores, groups), hist_out)
