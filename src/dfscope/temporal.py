"""The temporal step: how a video's face changes from frame to frame."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from . import comparison
from .atomic import write_parquet
from .columns import FACE_ID, LANDMARK_COLUMNS, TEMPORAL_COLUMNS, TEMPORAL_FEATURES
from .crops import cut_face, geometry_of
from .geometry import apply_affine, similarity_transform
from .images import frame_files, frame_number, read_frame
from .manifests import measure_each

log = logging.getLogger(__name__)


def measure_batch(
    videos: Sequence[str],
    frames: str | Path,
    manifests: str | Path,
    faces: str | Path,
    out: str | Path,
    **options,
) -> list[str]:
    """The temporal step for a batch: :func:`measure_video` of each video from
    ``frames/<video>/``, ``manifests/<video>.json`` and ``faces/<video>.parquet`` to
    ``out/<video>.parquet`` (:func:`dfscope.manifests.measure_each`). Returns the videos that
    failed."""
    return measure_each(
        videos, frames, manifests, faces, out, stage="temporal", measure=measure_video, **options
    )


def measure_video(
    frames_dir: str | Path,
    faces_table: str | Path,
    out: str | Path,
    *,
    video: str,
    crop_size: int,
    sampled: Sequence[int] | None = None,
    ssim_options: dict | None = None,
) -> pd.DataFrame:
    """Per face of a frame (a row of the detection table), how it changed since the frame
    before: the flicker of frame-wise swaps. A face is followed by its ``face_id``, so that
    with several faces (``detector.faces: all``) each is compared with itself.

    ``temporal_ssim`` / ``temporal_abs_diff``: SSIM (luma) and mean absolute
    difference (grey levels) between frames t-1 and t, both cut with frame
    t's face geometry (its square, or its aligning matrix), so that smooth
    real motion changes little and a face regenerated in every frame changes
    more. ``landmark_jitter``: the five
    landmarks of frame t against those of t-1 mapped by the best similarity
    transform (which removes the global head motion), RMS residual divided
    by the eye distance. NaN for the first frame and where either frame has
    no face. Where only some frames were kept (``frames.stride``, ``frames.count``), "the
    frame before" is the kept frame before. ``sampled`` are the numbers the frames step
    sampled (:func:`sampled_frames`): a frame whose sampled predecessor is not in the folder
    (left out for its size) has NaN too, since the frame before it in the folder is further
    back in time than its neighbours'. Without ``sampled`` the folder is taken as complete.
    """
    detections = pd.read_parquet(faces_table)
    faces_of: dict[int, list] = {}
    for row in detections[detections[FACE_ID] >= 0].itertuples():
        faces_of.setdefault(row.frame, []).append(row)
    points = dict(
        zip(
            zip(detections.frame, detections[FACE_ID], strict=True),
            detections[LANDMARK_COLUMNS].to_numpy().reshape(-1, 5, 2),
            strict=True,
        )
    )
    files = frame_files(frames_dir)
    numbers = [frame_number(path) for path in files]
    grid = sorted(sampled) if sampled is not None else numbers
    sampled_before = dict(zip(grid[1:], grid[:-1], strict=True))
    rows, previous, before = [], None, None
    for path, number in zip(files, numbers, strict=True):
        frame = read_frame(path)
        adjacent = before is not None and sampled_before.get(number) == before
        if number not in faces_of:
            rows.append({"video": video, "frame": number, FACE_ID: -1})
        for det in faces_of.get(number, []):
            row = {"video": video, "frame": number, FACE_ID: det.face_id}
            if adjacent and (before, det.face_id) in points:
                geometry = geometry_of(det)
                a, b = cut_face(frame, geometry, crop_size), cut_face(previous, geometry, crop_size)
                row |= {
                    "temporal_ssim": comparison.ssim(a, b, **(ssim_options or {})),
                    "temporal_abs_diff": float(np.abs(a.astype(float) - b.astype(float)).mean()),
                    "landmark_jitter": landmark_jitter(
                        points[before, det.face_id], points[number, det.face_id]
                    ),
                }
            rows.append(row)
        previous, before = frame, number
    table = pd.DataFrame(rows).reindex(columns=TEMPORAL_COLUMNS)
    table = table.astype(
        {
            "video": "string",
            "frame": "int32",
            FACE_ID: "int16",
            **{c: "float64" for c in TEMPORAL_FEATURES},
        }
    )
    write_parquet(table, out)
    log.info("%s: temporal features of %d frames", video, table.frame.nunique())
    return table


def landmark_jitter(before: np.ndarray, after: np.ndarray) -> float:
    """RMS distance of (5, 2) landmarks ``after`` from ``before`` moved by their best similarity,
    in eye distances; NaN if either has no landmarks."""
    if np.isnan(before).any() or np.isnan(after).any():
        return float("nan")
    moved = apply_affine(similarity_transform(before, after), before)
    eyes = np.linalg.norm(after[1] - after[0])
    return float(np.sqrt(((after - moved) ** 2).sum(1).mean()) / eyes)
