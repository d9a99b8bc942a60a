"""The ablation figure: each model on each feature set, its video-level AUC and HTER with their
95 % intervals, per group, beside the best single feature."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from ..ablation import SINGLE
from . import save

#: What each panel of a group shows: (column, label, a better value is).
PANELS = (("auc", "video AUC", "higher"), ("hter", "video HTER at the fold's threshold", "lower"))


def ablation_figure(table: pd.DataFrame, groups: Sequence[str]) -> plt.Figure:
    """One row of panels per group: video-level AUC and HTER of every model and feature set,
    their 95 % intervals as whiskers; the best single feature's AUC as a dashed line."""
    video = table[table.level == "video"]
    combos = video[video.model != SINGLE].drop_duplicates(["model", "features"])
    labels = [f"{row.model}: {row.features} ({row.n_features})" for row in combos.itertuples()]
    height = 1 + 0.35 * len(labels) * max(1, len(groups))
    fig, axes = plt.subplots(len(groups), len(PANELS), figsize=(11, height), squeeze=False)
    for axes_row, group in zip(axes, groups, strict=True):
        rows = video[video.group == group].set_index(["model", "features"])
        single = video[(video.group == group) & (video.model == SINGLE)]
        for ax, (column, title, better) in zip(axes_row, PANELS, strict=True):
            keys = list(zip(combos.model, combos.features, strict=True))
            values, lo, hi = (
                rows[name].reindex(keys).to_numpy(float)
                for name in (column, f"{column}_lo", f"{column}_hi")
            )
            y = np.arange(len(labels))
            ax.barh(y, values, color="tab:blue", alpha=0.7)
            whiskers = [values - lo, hi - values]
            ax.errorbar(values, y, xerr=whiskers, fmt="none", color="black", lw=0.8, capsize=2)
            if column == "auc" and len(single):
                best = single.iloc[0]
                label = f"best single feature: {best.features} ({best.auc:.3f})"
                ax.axvline(best.auc, ls="--", color="tab:red", lw=1, label=label)
                ax.legend(fontsize=7, loc="lower left")
            ax.set_yticks(y, labels, fontsize=7)
            ax.set_xlim(0, 1)
            ax.set_title(f"{group}: {title} ({better} is better)", fontsize=8)
            ax.tick_params(labelsize=7)
    fig.tight_layout()
    return fig


def plot_ablation(table_path: str | Path, out: str | Path, *, groups: Sequence[str]) -> None:
    """Write the ablation figure of the ablation table at ``table_path``."""
    save(ablation_figure(pd.read_csv(table_path), groups), out)
