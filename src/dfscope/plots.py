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

from . import metrics  # noqa: E402
from .analysis import read_diff_maps  # noqa: E402
from .crops import cut  # noqa: E402
from .detection import roc_band  # noqa: E402
from .evaluation import equal_error_rate  # noqa: E402
from .faces import square_of  # noqa: E402
from .tables import atomic_dir, atomic_path  # noqa: E402
from .video import frame_files, read_frame  # noqa: E402

COLOURS = {"LQ": "tab:red", "HQ": "tab:blue"}
# Fixed metadata: matplotlib otherwise stamps the software version and date into the file.
_METADATA = {"Software": None}


def save(fig: plt.Figure, path: str | Path) -> None:
    """Save ``fig`` atomically as PNG without time stamps, and close it."""
    with atomic_path(path) as tmp:
        fig.savefig(tmp, dpi=120, metadata=_METADATA)
    plt.close(fig)


def roc_figure(
    frames: pd.DataFrame, videos: pd.DataFrame, score: str, qualities: Sequence[str]
) -> plt.Figure:
    """ROC of ``score`` for real vs each quality's fakes: video level (solid), frame level (dashed)."""
    fig, ax = plt.subplots(figsize=(5.5, 5))
    for quality in qualities:
        for level, table, column, style in (
            ("video", videos, f"mean_{score}", "-"),
            ("frame", frames, score, "--"),
        ):
            part = table[table.quality.isin(["real", quality])].dropna(subset=[column])
            if part.label.nunique() < 2:
                continue
            far, tpr, _ = roc_curve(part.label, part[column])
            eer, _ = equal_error_rate(part.label.to_numpy(), part[column].to_numpy())
            area = auc(far, tpr)
            ax.plot(
                far,
                tpr,
                style,
                color=COLOURS.get(quality),
                drawstyle="default",
                label=f"{quality} {level}: AUC {area:.3f}, EER {100 * eer:.1f} %",
            )
    _roc_axes(ax, f"ROC of {score}: real vs fake", legend_size=8)
    fig.tight_layout()
    return fig


def _roc_axes(ax: plt.Axes, title: str, *, legend_size: int) -> None:
    """The frame every ROC figure shares: chance diagonal, rates named as the forensics reader says them."""
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


def paired_histograms(
    frames: pd.DataFrame,
    measures: Sequence[str] = ("mse", "ssim"),
    qualities: Sequence[str] = ("LQ", "HQ"),
) -> plt.Figure:
    """Histograms of the paired metrics (fake vs its original, per frame), LQ against HQ."""
    fig, axes = plt.subplots(1, len(measures), figsize=(4.5 * len(measures), 3.6), squeeze=False)
    for ax, measure in zip(axes[0], measures):
        values = {q: frames.loc[frames.quality == q, measure].dropna() for q in qualities}
        pooled = pd.concat(values.values())
        bins = np.linspace(pooled.min(), pooled.max(), 31) if len(pooled) else 30
        for quality, data in values.items():
            ax.hist(
                data,
                bins=bins,
                alpha=0.55,
                color=COLOURS.get(quality),
                label=f"{quality} (n={len(data)})",
            )
        ax.set(
            xlabel=measure.upper(), ylabel="frames", title=f"{measure.upper()}, fake vs original"
        )
        ax.legend(fontsize=8)
    fig.tight_layout()
    return fig


def feature_histograms(
    frames: pd.DataFrame, features: Sequence[str], qualities: Sequence[str]
) -> plt.Figure:
    """One panel per feature: its distribution over frames, real against each quality's fakes."""
    columns = 4
    rows = -(-len(features) // columns)
    fig, axes = plt.subplots(rows, columns, figsize=(3.6 * columns, 2.7 * rows), squeeze=False)
    groups = {"real": "tab:green", **{q: COLOURS.get(q) for q in qualities}}
    for ax, feature in zip(axes.flat, features):
        values = {g: frames.loc[frames.quality == g, feature].dropna() for g in groups}
        pooled = pd.concat(values.values())
        pooled = pooled[np.isfinite(pooled)]
        if pooled.empty:
            ax.set_title(f"{feature} (no values)", fontsize=8)
            continue
        bins = np.linspace(pooled.min(), pooled.max(), 26) if pooled.max() > pooled.min() else 5
        for group, colour in groups.items():
            data = values[group][np.isfinite(values[group])]
            ax.hist(data, bins=bins, density=True, alpha=0.45, color=colour, label=group)
        ax.set_title(feature, fontsize=8)
        ax.tick_params(labelsize=7)
    for ax in list(axes.flat)[len(features) :]:
        ax.axis("off")
    axes.flat[0].legend(fontsize=7)
    fig.tight_layout()
    return fig


def compare_figure(
    original: np.ndarray, fake: np.ndarray, difference: np.ndarray, regions: Sequence, title: str
) -> plt.Figure:
    """Original | fake | SSIM difference map | original and fake with boxes around changed regions.

    original, fake : (S, S, 3) uint8 BGR crops cut with the same square;
    difference : (S, S) in [0, 1]; regions : :class:`dfscope.metrics.Region` list.
    """
    fig, axes = plt.subplots(1, 5, figsize=(14, 3.2))
    rgb = [original[..., ::-1], fake[..., ::-1]]
    panels = [
        (rgb[0], "original"),
        (rgb[1], "fake"),
        (difference, "1 - SSIM"),
        (rgb[0], "changes on original"),
        (rgb[1], "changes on fake"),
    ]
    for i, (ax, (image, label)) in enumerate(zip(axes, panels)):
        if image.ndim == 2:
            ax.imshow(image, cmap="magma", vmin=0, vmax=1)
        else:
            ax.imshow(image)
        if i >= 3:
            for r in regions:
                ax.add_patch(
                    plt.Rectangle(
                        (r.x - 0.5, r.y - 0.5),
                        r.w,
                        r.h,
                        fill=False,
                        edgecolor="lime",
                        linewidth=1.5,
                    )
                )
        ax.set_title(label, fontsize=9)
        ax.axis("off")
    fig.suptitle(title, fontsize=10)
    fig.tight_layout()
    return fig


def plot_comparisons(
    fake_frames: str | Path,
    original_frames: str | Path,
    original_faces: str | Path,
    paired: str | Path,
    diff_strip: str | Path,
    out_dir: str | Path,
    *,
    video: str,
    n_frames: int,
    crop_size: int,
    region_options: dict,
) -> list[int]:
    """Write :func:`compare_figure` for ``n_frames`` evenly spaced paired frames of a fake.

    The crops are cut again with the original's squares (as the paired
    metrics were) and the regions found again, with the same options, on the
    stored difference maps, so the boxes are those the tables count.
    Returns the frame numbers drawn.
    """
    table = pd.read_parquet(paired)
    table = table[table.paired]
    picks = (
        table.iloc[np.unique(np.linspace(0, len(table) - 1, n_frames).round().astype(int))]
        if len(table)
        else table
    )
    squares = {row.frame: square_of(row) for row in pd.read_parquet(original_faces).itertuples()}
    fakes, originals = frame_files(fake_frames), frame_files(original_frames)
    maps = read_diff_maps(diff_strip, crop_size)
    with atomic_dir(out_dir) as tmp:
        for row in picks.itertuples():
            square = squares[row.frame]
            fake = cut(read_frame(fakes[row.frame - 1]), square, crop_size)
            original = cut(read_frame(originals[row.frame - 1]), square, crop_size)
            difference = maps[row.frame - 1]
            _, regions, _ = metrics.changed_regions(difference, **region_options)
            title = (
                f"{video} frame {row.frame}: MSE {row.mse:.1f}, SSIM {row.ssim:.3f}, "
                f"{len(regions)} changed region(s)"
            )
            save(
                compare_figure(original, fake, difference, regions, title),
                tmp / f"frame_{row.frame:05d}.png",
            )
    return [int(f) for f in picks.frame]


def detection_roc_figure(
    video_scores: pd.DataFrame,
    table: pd.DataFrame,
    qualities: Sequence[str],
    *,
    n_boot: int,
    seed: int,
) -> plt.Figure:
    """Video-level ROC of the cross-validated detector, per quality, with its bootstrap 95 % band.

    video_scores : one out-of-fold score per video (:func:`dfscope.detection.pool`);
    table : the detection table, whose AUC and EER (with their intervals) go in the legend.
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
    _roc_axes(ax, "Detector, video level, 95 % bootstrap band", legend_size=7)
    fig.tight_layout()
    return fig


def plot_detection(
    scores_path: str | Path,
    table_path: str | Path,
    out: str | Path,
    *,
    qualities: Sequence[str],
    n_boot: int,
    seed: int,
) -> None:
    """Write :func:`detection_roc_figure` of the detector's video scores and table."""
    save(
        detection_roc_figure(
            pd.read_parquet(scores_path),
            pd.read_csv(table_path),
            qualities,
            n_boot=n_boot,
            seed=seed,
        ),
        out,
    )


def plot_study(
    frames_path: str | Path,
    videos_path: str | Path,
    roc_out: str | Path,
    hist_out: str | Path,
    features_out: str | Path,
    *,
    score: str,
    features: Sequence[str],
    qualities: Sequence[str],
) -> None:
    """Write the ROC figure, the paired-metric histograms and the feature histograms of a study."""
    frames, videos = pd.read_parquet(frames_path), pd.read_parquet(videos_path)
    save(roc_figure(frames, videos, score, qualities), roc_out)
    save(paired_histograms(frames, qualities=qualities), hist_out)
    save(feature_histograms(frames, features, qualities), features_out)
