"""Figures of the study: ROC curves per quality and histograms of the paired metrics."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # files only; no display on workers or CI
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from sklearn.metrics import auc, roc_curve  # noqa: E402

from .evaluation import equal_error_rate  # noqa: E402
from .tables import atomic_path  # noqa: E402

COLOURS = {"LQ": "tab:red", "HQ": "tab:blue"}
# Fixed metadata: matplotlib otherwise stamps the software version and date into the file.
_METADATA = {"Software": None}


def save(fig: plt.Figure, path: str | Path) -> None:
    """Save ``fig`` atomically as PNG without time stamps, and close it."""
    with atomic_path(path) as tmp:
        fig.savefig(tmp, dpi=120, metadata=_METADATA)
    plt.close(fig)


def roc_figure(frames: pd.DataFrame, videos: pd.DataFrame, score: str,
               qualities: Sequence[str]) -> plt.Figure:
    """ROC of ``score`` for real vs each quality's fakes: video level (solid), frame level (dashed)."""
    fig, ax = plt.subplots(figsize=(5.5, 5))
    for quality in qualities:
        for level, table, column, style in (("video", videos, f"mean_{score}", "-"),
                                            ("frame", frames, score, "--")):
            part = table[table.quality.isin(["real", quality])].dropna(subset=[column])
            if part.label.nunique() < 2:
                continue
            far, tpr, _ = roc_curve(part.label, part[column])
            eer, _ = equal_error_rate(part.label.to_numpy(), part[column].to_numpy())
            area = auc(far, tpr)
            ax.plot(far, tpr, style, color=COLOURS.get(quality), drawstyle="default",
                    label=f"{quality} {level}: AUC {area:.3f}, EER {100 * eer:.1f} %")
    ax.plot([0, 1], [0, 1], ":", color="grey", lw=0.8)
    ax.set(xlabel="false acceptance rate (real called fake)",
           ylabel="true detection rate (fake called fake)",
           title=f"ROC of {score}: real vs fake", xlim=(0, 1), ylim=(0, 1.01), aspect="equal")
    ax.legend(loc="lower right", fontsize=8)
    fig.tight_layout()
    return fig


def paired_histograms(frames: pd.DataFrame, measures: Sequence[str] = ("mse", "ssim"),
                      qualities: Sequence[str] = ("LQ", "HQ")) -> plt.Figure:
    """Histograms of the paired metrics (fake vs its original, per frame), LQ against HQ."""
    fig, axes = plt.subplots(1, len(measures), figsize=(4.5 * len(measures), 3.6), squeeze=False)
    for ax, measure in zip(axes[0], measures):
        values = {q: frames.loc[frames.quality == q, measure].dropna() for q in qualities}
        pooled = pd.concat(values.values())
        bins = np.linspace(pooled.min(), pooled.max(), 31) if len(pooled) else 30
        for quality, data in values.items():
            ax.hist(data, bins=bins, alpha=0.55, color=COLOURS.get(quality),
                    label=f"{quality} (n={len(data)})")
        ax.set(xlabel=measure.upper(), ylabel="frames", title=f"{measure.upper()}, fake vs original")
        ax.legend(fontsize=8)
    fig.tight_layout()
    return fig


def plot_study(frames_path: str | Path, videos_path: str | Path, roc_out: str | Path,
               hist_out: str | Path, *, score: str, qualities: Sequence[str]) -> None:
    """Write the ROC figure and the paired-metric histograms of a study."""
    frames, videos = pd.read_parquet(frames_path), pd.read_parquet(videos_path)
    save(roc_figure(frames, videos, score, qualities), roc_out)
    save(paired_histograms(frames, qualities=qualities), hist_out)
