"""The temporal step: how a video's face changes from frame to frame."""

from __future__ import annotations

import logging
from pathlib import Path

import numpy as np
import pandas as pd

from . import metrics
from .crops import cut
from .geometry import apply_affine, similarity_transform
from .images import frame_files, read_frame
from .schema import LANDMARK_COLUMNS, TEMPORAL_COLUMNS, TEMPORAL_FEATURES, square_of
from .tables import write_parquet

log = logging.getLogger(__name__)


def measure_video(
    frames_dir: str | Path,
    faces_table: str | Path,
    out: str | Path,
    *,
    video: str,
    crop_size: int,
    ssim_options: dict | None = None,
) -> pd.DataFrame:
    """Per frame, how the face changed since the frame before: the flicker of frame-wise swaps.

    ``temporal_ssim`` / ``temporal_abs_diff``: SSIM (luma) and mean absolute
    difference (grey levels) between frames t-1 and t, both cut with frame
    t's face square, so that smooth real motion changes little and a face
    regenerated in every frame changes more. ``landmark_jitter``: the five
    landmarks of frame t against those of t-1 mapped by the best similarity
    transform (which removes the global head motion), RMS residual divided
    by the eye distance. NaN for the first frame and where either frame has
    no face.
    """
    detections = pd.read_parquet(faces_table)
    squares = {row.frame: square_of(row) for row in detections.itertuples()}
    points = dict(
        zip(
            detections.frame, detections[LANDMARK_COLUMNS].to_numpy().reshape(-1, 5, 2), strict=True
        )
    )
    rows, previous = [], None
    for index, path in enumerate(frame_files(frames_dir), start=1):
        frame = read_frame(path)
        row = {"video": video, "frame": index}
        square = squares.get(index)
        if previous is not None and square is not None and index - 1 in points:
            a, b = cut(frame, square, crop_size), cut(previous, square, crop_size)
            row |= {
                "temporal_ssim": metrics.ssim(a, b, **(ssim_options or {})),
                "temporal_abs_diff": float(np.abs(a.astype(float) - b.astype(float)).mean()),
                "landmark_jitter": landmark_jitter(points[index - 1], points[index]),
            }
        rows.append(row)
        previous = frame
    table = pd.DataFrame(rows).reindex(columns=TEMPORAL_COLUMNS)
    table = table.astype(
        {"video": "string", "frame": "int32", **{c: "float64" for c in TEMPORAL_FEATURES}}
    )
    write_parquet(table, out)
    log.info("%s: temporal features of %d frames", video, len(table))
    return table


def landmark_jitter(before: np.ndarray, after: np.ndarray) -> float:
    """RMS distance of (5, 2) landmarks ``after`` from ``before`` moved by their best similarity,
    in eye distances; NaN if either has no landmarks."""
    if np.isnan(before).any() or np.isnan(after).any():
        return float("nan")
    moved = apply_affine(similarity_transform(before, after), before)
    eyes = np.linalg.norm(after[1] - after[0])
    return float(np.sqrt(((after - moved) ** 2).sum(1).mean()) / eyes)
