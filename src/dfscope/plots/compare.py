"""Figures of a fake against its original: the crops, the SSIM difference map and boxes around the
changed regions."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from .. import comparison
from ..atomic import atomic_dir
from ..batches import ready, run_each
from ..crops import cut_face, geometry_of
from ..images import crop_name, frame_files, frame_number, read_frame
from ..paired import pair_inputs, read_diff_maps
from . import save


class ComparisonFigure:
    """Original | fake | SSIM difference map | original and fake with boxes around the changed
    regions: one figure, drawn again for each frame.

    Making a matplotlib figure and laying it out costs several times what drawing new
    pixels into it does, and a batch draws a few frames of each of its fakes, so the figure
    is made once per batch. ``size``: the side of the crops.

    1020 x 252 pixels (:data:`dfscope.plots.DPI`): a panel shows a 128-pixel crop at 1.4 times
    its size, the titles at 9 and 10 points. At 1680 x 384 the PNG of a figure took 550 KB,
    and the report's twelve on the sample two thirds of its 13.7 MB.
    """

    PANELS = ("original", "fake", "1 - SSIM", "changes on original", "changes on fake")

    def __init__(self, size: int) -> None:
        self.fig, axes = plt.subplots(1, 5, figsize=(8.5, 2.1))
        blank = np.zeros((size, size, 3), np.uint8)
        self.images = []
        for ax, label in zip(axes, self.PANELS, strict=True):
            if label == "1 - SSIM":
                self.images.append(ax.imshow(blank[..., 0], cmap="magma", vmin=0, vmax=1))
            else:
                self.images.append(ax.imshow(blank))
            ax.set_title(label, fontsize=9)
            ax.axis("off")
        self.boxed = axes[3:]
        self.title = self.fig.suptitle("frame", fontsize=10)  # text, so the layout has room
        self.fig.tight_layout()

    def draw(
        self,
        original: np.ndarray,
        fake: np.ndarray,
        difference: np.ndarray,
        regions: Sequence,
        title: str,
    ) -> plt.Figure:
        """The figure of one frame: original, fake : (S, S, 3) uint8 BGR crops cut with the
        same geometry; difference : (S, S) in [0, 1]; regions : :class:`dfscope.comparison.Region`
        list."""
        rgb = [original[..., ::-1], fake[..., ::-1]]
        for image, data in zip(self.images, [*rgb, difference, *rgb], strict=True):
            image.set_data(data)
        for ax in self.boxed:
            for patch in list(ax.patches):
                patch.remove()
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
        self.title.set_text(title)
        return self.fig


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
    frame folders (in the batch folders ``frames[video]``) and detections (in
    ``faces[video]``) and the fake's paired table and map strip (in ``paired``). Returns
    the fakes that failed (:func:`dfscope.batches.run_each`)."""
    paired, out = Path(paired), Path(out)
    pairs = pair_inputs(fakes, frames, faces)

    def inputs(video: str) -> list[Path]:
        return [*pairs[video], paired / f"{video}.parquet", paired / f"{video}.ssim_diff.png"]

    figure = ComparisonFigure(options["crop_size"])

    def step(video: str) -> None:
        plot_comparisons(*inputs(video), out / video, video=video, figure=figure, **options)

    failed = run_each(ready(pairs, inputs, out, stage="compare"), step, out, stage="compare")
    plt.close(figure.fig)
    return failed


def plot_comparisons(
    fake_frames: str | Path,
    fake_faces: str | Path,
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
    figure: ComparisonFigure,
) -> list[int]:
    """Draw ``figure`` (:class:`ComparisonFigure`) for ``n_frames`` evenly spaced paired rows
    of a fake (its faces of a frame), each a JPEG in ``out_dir`` (:func:`dfscope.plots.save`:
    photographs, 50 KB a figure): ``frame_00017.jpg``, and ``frame_00017_2.jpg`` for its face 2
    (``detector.faces: all``).

    The crops are cut again with the original's geometries (as the paired
    metrics were) and the regions found again, with the same options, on the
    stored difference maps, so the boxes are those the tables count. ``fake_faces`` is
    not read: it is what the paired table was made from. Returns the frame numbers drawn.
    """
    table = pd.read_parquet(paired)
    table = table.assign(map=np.arange(len(table)))  # the strip's order: the table's
    table = table[table.paired]
    picks = (
        table.iloc[np.unique(np.linspace(0, len(table) - 1, n_frames).round().astype(int))]
        if len(table)
        else table
    )
    geometries = {
        (row.frame, row.face_id): geometry_of(row)
        for row in pd.read_parquet(original_faces).itertuples()
    }
    fakes, originals = (
        {frame_number(path): path for path in frame_files(folder)}
        for folder in (fake_frames, original_frames)
    )
    maps = read_diff_maps(diff_strip, crop_size)
    with atomic_dir(out_dir) as tmp:
        for row in picks.itertuples():
            geometry = geometries[row.frame, row.original_face]
            fake = cut_face(read_frame(fakes[row.frame]), geometry, crop_size)
            original = cut_face(read_frame(originals[row.frame]), geometry, crop_size)
            difference = maps[row.map]
            _, regions, _ = comparison.changed_regions(difference, **region_options)
            face = f" face {row.face_id}" if row.face_id > 0 else ""
            title = (
                f"{video} frame {row.frame}{face}: MSE {row.mse:.1f}, SSIM {row.ssim:.3f}, "
                f"{len(regions)} changed region(s)"
            )
            save(
                figure.draw(original, fake, difference, regions, title),
                tmp / f"frame_{crop_name(row.frame, row.face_id, 'jpg')}",
                close=False,
            )
    return [int(f) for f in picks.frame]
