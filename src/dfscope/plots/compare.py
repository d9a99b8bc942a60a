"""Figures of a fake against its original: the crops, the SSIM difference map and boxes around the
changed regions."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from .. import metrics
from ..batches import ready, run_each
from ..crops import cut
from ..images import frame_files, frame_number, read_frame
from ..paired import read_diff_maps
from ..schema import square_of
from ..tables import atomic_dir
from . import save


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
    for i, (ax, (image, label)) in enumerate(zip(axes, panels, strict=True)):
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


def plot_batch(
    fakes: Sequence[dict],
    frames: Mapping[str, str | Path],
    faces: Mapping[str, str | Path],
    paired: str | Path,
    out: str | Path,
    **options,
) -> list[str]:
    """The comparison figures of a batch's ``fakes`` (records with ``video`` and ``original``):
    :func:`plot_comparisons` of each into ``out/<video>/``, from its and its original's
    frame folders (in the batch folders ``frames[video]``), the original's detections (in
    ``faces[original]``) and the fake's paired table and map strip (in ``paired``). Returns
    the fakes that failed (:func:`dfscope.batches.run_each`)."""
    paired, out = Path(paired), Path(out)
    originals = {row["video"]: row["original"] for row in fakes}

    def inputs(video: str) -> list[Path]:
        original = originals[video]
        return [
            Path(frames[video]) / video,
            Path(frames[original]) / original,
            Path(faces[original]) / f"{original}.parquet",
            paired / f"{video}.parquet",
            paired / f"{video}.ssim_diff.png",
        ]

    def step(video: str) -> None:
        plot_comparisons(*inputs(video), out / video, video=video, **options)

    return run_each(ready(originals, inputs), step, out, stage="compare")


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
    map_of = {frame: i for i, frame in enumerate(table.frame)}  # the strip's order: the table's
    table = table[table.paired]
    picks = (
        table.iloc[np.unique(np.linspace(0, len(table) - 1, n_frames).round().astype(int))]
        if len(table)
        else table
    )
    squares = {row.frame: square_of(row) for row in pd.read_parquet(original_faces).itertuples()}
    fakes, originals = (
        {frame_number(path): path for path in frame_files(folder)}
        for folder in (fake_frames, original_frames)
    )
    maps = read_diff_maps(diff_strip, crop_size)
    with atomic_dir(out_dir) as tmp:
        for row in picks.itertuples():
            square = squares[row.frame]
            fake = cut(read_frame(fakes[row.frame]), square, crop_size)
            original = cut(read_frame(originals[row.frame]), square, crop_size)
            difference = maps[map_of[row.frame]]
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
