"""The background of a frame, where nothing was swapped: square patches at its corners, away from
every face, measured by the study's feature families.

Why: a classifier learns whatever tells its classes apart, and in a deepfake dataset that is
often how the classes were coded or filmed rather than the swap (DeepfakeTIMIT's fakes are
H.264 video, its originals JPEG frames: ten statistics of two corner patches of the frame tell
them apart with AUC 1.0). The classifier's protocol run on these patches (the background
control, :mod:`dfscope.controls`) says how much of a detector's figure the frame outside the
face could give by itself.

A patch is ``size`` pixels square at one of the frame's four corners, kept where it overlaps
nothing a face's crop shows (the face box and its margin, or an aligned crop) in that frame; a
frame's background features are each family's features averaged over its patches (NaN where
none is clear of the faces). Every family measures a patch as it measures a face crop, the
patch standing for both crop and face, so that its features that compare the face with its
surround are NaN.
Only a few evenly spaced frames of each video are measured (``controls.background.frames``):
the control is over videos, and a few frames of a video's background say what all of them do.
"""

from __future__ import annotations

import logging
import warnings
from collections.abc import Mapping, Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from .atomic import write_parquet
from .columns import BACKGROUND_CONTROL, FACE_ID, FIRES, FRAME_KEY
from .crops import footprint, geometry_of
from .features import FAMILIES, feature_columns
from .geometry import Box
from .images import frame_files, frame_number, read_frame
from .manifests import measure_each

log = logging.getLogger(__name__)

#: The prefix of a background feature's column: ``bg_`` and the family's name for it.
PREFIX = "bg_"


def background_columns(families: Mapping[str, Mapping]) -> list[str]:
    """The columns of the background features of the ``families`` (name -> parameters)."""
    return [PREFIX + name for name in feature_columns(families)]


def corner_patches(width: int, height: int, size: int, faces: Sequence[Box]) -> list[Box]:
    """The ``size``-pixel squares at the corners of a ``width`` x ``height`` frame that overlap
    none of ``faces`` (crop squares, frame pixels), clockwise from the top left; none where
    the frame is smaller than two patches side by side."""
    if width < 2 * size or height < 2 * size:
        return []
    corners = [(0, 0), (width - size, 0), (width - size, height - size), (0, height - size)]
    return [
        Box(x, y, size, size)
        for x, y in corners
        if not any(_overlap(Box(x, y, size, size), face) for face in faces)
    ]


def _overlap(a: Box, b: Box) -> bool:
    return a.x < b.x + b.w and b.x < a.x + a.w and a.y < b.y + b.h and b.y < a.y + a.h


def measure_frame(
    frame: np.ndarray, faces: Sequence[Box], families: Mapping[str, Mapping], size: int
) -> np.ndarray:
    """A frame's background features: each family's features of every corner patch clear of
    ``faces`` (:func:`corner_patches`), averaged over the patches; NaN where none is."""
    height, width = frame.shape[:2]
    patches = corner_patches(width, height, size, faces)
    chosen = [(FAMILIES.load(family).measure, params) for family, params in families.items()]
    whole = Box(0, 0, size, size)
    values = [
        np.concatenate(
            [
                measure(frame[p.y : p.y + size, p.x : p.x + size], whole, **params)
                for measure, params in chosen
            ]
        )
        for p in patches
    ]
    if not values:
        return np.full(len(feature_columns(families)), np.nan)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # "Mean of empty slice": NaN, as meant
        return np.nanmean(np.stack(values), axis=0)


def measure_video(
    frames_dir: str | Path,
    faces_table: str | Path,
    out: str | Path,
    *,
    video: str,
    sampled: Sequence[int],
    families: Mapping[str, Mapping],
    size: int,
    per_video: int | None,
    crop_size: int,
) -> pd.DataFrame:
    """The background features of ``per_video`` evenly spaced frames of a video (all where None),
    among those the frames step kept (``sampled``, of which those written in ``frames_dir``),
    each frame's patches clear of what its faces' crops show (``faces_table``: squares, or
    aligned crops of ``crop_size`` pixels, :func:`dfscope.crops.footprint`)."""
    faces = pd.read_parquet(faces_table)
    squares = {
        frame: [footprint(geometry_of(row), crop_size) for row in part.itertuples()]
        for frame, part in faces[faces.face >= 0].groupby("frame")
    }
    written = {frame_number(path): path for path in frame_files(frames_dir)}
    chosen = _evenly([number for number in sampled if number in written], per_video)
    columns = background_columns(families)
    rows = [
        [video, n, 0, *measure_frame(read_frame(written[n]), squares.get(n, []), families, size)]
        for n in chosen
    ]
    table = pd.DataFrame(rows, columns=[*FRAME_KEY, *columns]).astype(
        {"video": "string", "frame": "int32", FACE_ID: "int16", **dict.fromkeys(columns, "float64")}
    )
    write_parquet(table, out)
    log.info("%s: background of %d frames", video, len(table))
    return table


def _evenly(numbers: Sequence[int], count: int | None) -> list[int]:
    """``count`` of ``numbers`` evenly spaced, first and last included (all where None or
    there are no more)."""
    if count is None or len(numbers) <= count:
        return list(numbers)
    spaced = np.unique(np.linspace(0, len(numbers) - 1, count).round().astype(int))
    return [numbers[i] for i in spaced]


def measure_batch(
    videos: Sequence[str],
    frames: str | Path,
    manifests: str | Path,
    faces: str | Path,
    out: str | Path,
    **options,
) -> list[str]:
    """The background step for a batch: :func:`measure_video` of each video from
    ``frames/<video>/``, ``manifests/<video>.json`` and ``faces/<video>.parquet`` to
    ``out/<video>.parquet`` (:func:`dfscope.manifests.measure_each`). Returns the videos that
    failed."""
    return measure_each(
        videos, frames, manifests, faces, out, stage="background", measure=measure_video, **options
    )


def background_message(controls: str | Path) -> str:
    """The end-of-run lines of the background control where it fired (``controls``: the study's
    controls.csv), or "" (it did not, or has not run)."""
    path = Path(controls)
    if not path.is_file():
        return ""
    table = pd.read_csv(path, dtype={"note": "string"})
    rows = table[table.control == BACKGROUND_CONTROL]
    fired = rows[rows.note.fillna("").str.startswith(FIRES)]
    if fired.empty:
        return ""
    where = ", ".join(f"{row.group} {row.level} AUC {row.value:.3f}" for row in fired.itertuples())
    return (
        f"  WARNING, background control: the classes differ outside the face ({where} on the "
        "frame's corners alone), so the figures may measure how the classes were coded or "
        f"filmed rather than the swap; see {path} and docs/detection.md (frames.recode, the "
        "relative features)"
    )
