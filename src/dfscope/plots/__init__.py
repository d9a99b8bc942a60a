"""Figures of a study, one module per kind: :mod:`.study` (ROC curves and histograms of the
features), :mod:`.compare` (a fake against its original), :mod:`.classifier` (the
classifier's ROC). What they share: files only, no time stamps, small enough for the report
(:func:`save`), one colour per group, one frame for every ROC."""

from __future__ import annotations

import io
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # files only; no display on workers or CI
import matplotlib.pyplot as plt  # noqa: E402
from PIL import Image  # noqa: E402

from ..atomic import atomic_path  # noqa: E402

COLOURS = {"real": "tab:green", "LQ": "tab:red", "HQ": "tab:blue", "unlabelled": "tab:grey"}
#: Pixels per inch of every figure.
DPI = 120
#: Figures of photographs (the comparison figures' face crops): JPEG at quality 85, a fifth of
#: the bytes of a PNG of the same figure. Pillow's JPEG carries no time stamp or version.
JPEG = {"quality": 85, "optimize": True}


def save(fig: plt.Figure, path: str | Path, *, close: bool = True) -> None:
    """Save ``fig`` atomically, and close it (unless it is drawn again: ``close`` False).

    By the suffix of ``path``: ``.jpg`` for figures of photographs (:data:`JPEG`); ``.png`` for
    charts, in a palette of 256 colours. A chart is drawn from a few hundred colours (lines,
    text, bars seen through bars), so the palette keeps it as drawn (no pixel of the sample's
    feature histograms off by more than 1 of 255) in 40 % of the bytes of full-colour PNG; a
    photograph would lose its shades in it. Neither file holds a time stamp or a version
    (Pillow writes the PNG, without matplotlib's text chunks): a figure drawn again from the same
    data is the same file.
    """
    path = Path(path)
    with atomic_path(path) as tmp:
        if path.suffix == ".jpg":
            fig.savefig(tmp, dpi=DPI, pil_kwargs=JPEG)
        else:
            drawn = io.BytesIO()  # uncompressed: it is read back at once
            fig.savefig(drawn, format="png", dpi=DPI, pil_kwargs={"compress_level": 0})
            with Image.open(drawn) as image:
                chart = image.convert("RGB").quantize(
                    256, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE
                )
            chart.save(tmp, format="PNG", optimize=True, dpi=(DPI, DPI))
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
