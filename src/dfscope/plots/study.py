"""The study's figures: ROC curves of a feature per group, histograms of the paired metrics and
of every feature."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from sklearn.metrics import auc, roc_curve

from ..roc import compared, equal_error_rate
from . import COLOURS, roc_axes, save


def roc_figure(
    frames: pd.DataFrame, videos: pd.DataFrame, score: str, groups: Sequence[str]
) -> plt.Figure:
    """ROC of ``score``, real vs each group's fakes: video level (solid), frame level (dashed)."""
    fig, ax = plt.subplots(figsize=(5.5, 5))
    for group in groups:
        for level, table, column, style in (
            ("video", videos, f"mean_{score}", "-"),
            ("frame", frames, score, "--"),
        ):
            part = compared(table, group, column)
            if part.label.nunique() < 2:
                continue
            far, tpr, _ = roc_curve(part.label.astype(int), part[column])
            eer, _ = equal_error_rate(part.label.to_numpy(dtype=int), part[column].to_numpy())
            area = auc(far, tpr)
            ax.plot(
                far,
                tpr,
                style,
                color=COLOURS.get(group),
                drawstyle="default",
                label=f"{group} {level}: AUC {area:.3f}, EER {100 * eer:.1f} %",
            )
    roc_axes(ax, f"ROC of {score}: real vs fake", legend_size=8)
    fig.tight_layout()
    return fig


def paired_histograms(
    frames: pd.DataFrame,
    measures: Sequence[str] = ("mse", "ssim"),
    groups: Sequence[str] = ("LQ", "HQ"),
) -> plt.Figure:
    """Histograms of the paired metrics (fake vs its original, per frame), one per group; a
    study with no fake paired to its original (no paired columns at all, where no fake has
    its original in the dataset) gets empty axes that say so."""
    fig, axes = plt.subplots(1, len(measures), figsize=(4.5 * len(measures), 3.6), squeeze=False)
    for ax, measure in zip(axes[0], measures, strict=True):
        column = frames[measure] if measure in frames else pd.Series(np.nan, frames.index)
        values = {q: column[frames.group == q].dropna() for q in groups}
        pooled = pd.concat([pd.Series(dtype=float), *values.values()])
        if pooled.empty:
            ax.set_title(f"{measure.upper()}: no fake paired with its original", fontsize=8)
            continue
        bins = np.linspace(pooled.min(), pooled.max(), 31)
        for group, data in values.items():
            ax.hist(
                data,
                bins=bins,
                alpha=0.55,
                color=COLOURS.get(group),
                label=f"{group} (n={len(data)})",
            )
        ax.set(
            xlabel=measure.upper(), ylabel="frames", title=f"{measure.upper()}, fake vs original"
        )
        ax.legend(fontsize=8)
    fig.tight_layout()
    return fig


def feature_histograms(
    frames: pd.DataFrame, features: Sequence[str], groups: Sequence[str]
) -> plt.Figure:
    """One panel per feature: its distribution over frames, real against each group's fakes."""
    columns = 4
    rows = -(-len(features) // columns)
    fig, axes = plt.subplots(rows, columns, figsize=(3.6 * columns, 2.7 * rows), squeeze=False)
    colours = {"real": "tab:green", **{g: COLOURS.get(g) for g in groups}}
    for ax, feature in zip(axes.flat, features, strict=False):
        values = {g: frames.loc[frames.group == g, feature].dropna() for g in colours}
        pooled = pd.concat(values.values())
        pooled = pooled[np.isfinite(pooled)]
        if pooled.empty:
            ax.set_title(f"{feature} (no values)", fontsize=8)
            continue
        bins = np.linspace(pooled.min(), pooled.max(), 26) if pooled.max() > pooled.min() else 5
        for group, colour in colours.items():
            data = values[group][np.isfinite(values[group])]
            # One filled outline a group, not a bar a bin: the same picture, a hundred panels
            # drawn in a fraction of the time.
            ax.hist(
                data,
                bins=bins,
                density=True,
                histtype="stepfilled",
                alpha=0.45,
                color=colour,
                label=group,
            )
        ax.set_title(feature, fontsize=8)
        ax.tick_params(labelsize=7)
    for ax in list(axes.flat)[len(features) :]:
        ax.axis("off")
    axes.flat[0].legend(fontsize=7)
    # Fixed spacing for the uniform grid: tight_layout measures every tick label of every panel.
    fig.subplots_adjust(
        left=0.04,
        right=0.99,
        bottom=0.6 / fig.get_figheight(),
        top=1 - 0.4 / fig.get_figheight(),
        wspace=0.3,
        hspace=0.45,
    )
    return fig


def plot_study(
    frames_path: str | Path,
    videos_path: str | Path,
    roc_out: str | Path,
    hist_out: str | Path,
    features_out: str | Path,
    *,
    score: str,
    features: Sequence[str],
    groups: Sequence[str],
) -> None:
    """Write the ROC figure, the paired-metric histograms and the feature histograms of a study."""
    frames, videos = pd.read_parquet(frames_path), pd.read_parquet(videos_path)
    save(roc_figure(frames, videos, score, groups), roc_out)
    save(paired_histograms(frames, groups=groups), hist_out)
    save(feature_histograms(frames, features, groups), features_out)
