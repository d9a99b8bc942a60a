"""Figures of a study, one module per kind: :mod:`.study` (ROC curves and histograms of the
features), :mod:`.compare` (a fake against its original), :mod:`.classifier` (the
classifier's ROC). What they share: files only, no time stamps, one colour per group,
one frame for every ROC."""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # files only; no display on workers or CI
import matplotlib.pyplot as plt  # noqa: E402

from ..atomic import atomic_path  # noqa: E402

COLOURS = {"real": "tab:green", "LQ": "tab:red", "HQ": "tab:blue", "unlabelled": "tab:grey"}
# Fixed metadata: matplotlib otherwise stamps the software version and date into the file.
_METADATA = {"Software": None}


def save(fig: plt.Figure, path: str | Path, *, close: bool = True) -> None:
    """Save ``fig`` atomically as PNG without time stamps, and close it (unless it is drawn
    again: ``close`` False)."""
    with atomic_path(path) as tmp:
        fig.savefig(tmp, dpi=120, metadata=_METADATA)
    if close:
        plt.close(fig)


def roc_axes(ax: plt.Axes, title: str, *, legend_size: int) -> None:
    """The frame every ROC figure shares: the chance diagonal, the rates named as forensics names
    them."""
    ax.plot([0, 1], [0, 1], ":", color="grey", lw=0.8)
    ax.set(
        xlabel="false acceptance rate (real called fake)",
        ylabel="true detection rate (fake called fake)",
        title=title,
        xlim=(0, 1),
        ylim=(0, 1.01),
        aspect="equal",
    )
    ax.legend(loc="lower right", fontsize=legend_size)
