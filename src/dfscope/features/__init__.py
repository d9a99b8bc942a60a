"""No-reference features of every face crop, by family: what a classifier can learn from without
the original.

A family is a module of this package (:data:`FAMILIES`, a :class:`dfscope.registry.Registry`)
with ``columns(**params)``, the names of the features it writes for its parameters, and
``measure(crop, face, **params)``, their values for one (S, S, 3) uint8 BGR crop and the
face's :class:`~dfscope.geometry.Box` in it: float64, NaN where a measure is undefined,
never a silent 0. The config's ``features.families`` chooses the families and
``features.<family>`` holds each one's parameters. A new family is one module.

:func:`measure_video` is the workflow's features step: every chosen family on every frame's
crop of a video.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from ..atomic import write_parquet
from ..batches import ready, run_each
from ..columns import FACE_ID, FRAME_KEY
from ..crops import face_in_crop, geometry_of
from ..geometry import Box
from ..images import read_frame
from ..registry import Registry

log = logging.getLogger(__name__)

#: The feature families: the modules of this package.
FAMILIES = Registry("feature family", "features", ("columns", "measure"))


def feature_columns(families: Mapping[str, Mapping]) -> list[str]:
    """The features the chosen ``families`` (name -> parameters) write, in order; a name two
    families would both write is an error (one would silently overwrite the other)."""
    names = [
        c for family, params in families.items() for c in FAMILIES.load(family).columns(**params)
    ]
    twice = sorted({name for name in names if names.count(name) > 1})
    if twice:
        raise ValueError(f"features {twice} are written by more than one family")
    return names


def measure_batch(
    videos: Sequence[str], faces: str | Path, out: str | Path, **options
) -> list[str]:
    """The features step for a batch: :func:`measure_video` of each video from its crops
    ``faces/<video>/`` and table ``faces/<video>.parquet`` to ``out/<video>.parquet``.
    Returns the videos that failed (:func:`dfscope.batches.run_each`)."""
    faces, out = Path(faces), Path(out)

    def step(video: str) -> None:
        measure_video(
            faces / video,
            faces / f"{video}.parquet",
            out / f"{video}.parquet",
            video=video,
            **options,
        )

    inputs = ready(
        videos, lambda video: [faces / video, faces / f"{video}.parquet"], out, stage="features"
    )
    return run_each(inputs, step, out, stage="features")


def measure_video(
    crops_dir: str | Path,
    faces_table: str | Path,
    out: str | Path,
    *,
    video: str,
    families: Mapping[str, Mapping],
) -> pd.DataFrame:
    """Per row of the detection table (a face of a frame, or a frame without one), the features
    of the ``families`` (name -> parameters) on its crop (NaN where it has none)."""
    features = feature_columns(families)
    chosen = [(FAMILIES.load(family).measure, params) for family, params in families.items()]
    rows = []
    for det in pd.read_parquet(faces_table).itertuples():
        row = {"video": video, "frame": det.frame, FACE_ID: det.face_id}
        if not pd.isna(det.crop):
            crop = read_frame(Path(crops_dir) / det.crop)
            face = face_in_crop(Box.of(det), geometry_of(det), crop.shape[0])
            values = np.concatenate([measure(crop, face, **params) for measure, params in chosen])
            row |= dict(zip(features, values.tolist(), strict=True))
        rows.append(row)
    table = pd.DataFrame(rows).reindex(columns=[*FRAME_KEY, *features])
    table = table.astype(
        {"video": "string", "frame": "int32", FACE_ID: "int16", **{f: "float64" for f in features}}
    )
    write_parquet(table, out)
    log.info("%s: %d features of %d frames", video, len(features), table.frame.nunique())
    return table
