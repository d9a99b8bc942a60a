"""The metrics steps: per-frame tables of one video, paired (fake vs original) and no-reference."""

from __future__ import annotations

import logging
from pathlib import Path

import numpy as np
import pandas as pd

from . import metrics
from .crops import cut
from .faces import square_of
from .features import FEATURES
from .tables import write_parquet
from .video import frame_files, read_frame

log = logging.getLogger(__name__)

PAIRED_COLUMNS = ["video", "original", "frame", "paired", "mse", "psnr", "ssim", "ssim_colour"]


def compare_video(fake_frames: str | Path, original_frames: str | Path,
                  original_faces: str | Path, out: str | Path, *, video: str, original: str,
                  crop_size: int, ssim_options: dict | None = None) -> pd.DataFrame:
    """Per frame, MSE, PSNR and SSIM between a fake's face and its original's, pixel-aligned.

    Both crops are cut with the *original's* square of that frame (the fake
    was made from that very frame, so the same pixels are compared, and a
    detector that is thrown off by the swapped face cannot misalign them).
    Frames are paired by index. A frame is ``paired = False`` with NaN
    metrics when the original has no face in it or the two videos differ
    in length; it is kept, never dropped.
    """
    ssim_options = ssim_options or {}
    fakes, originals = frame_files(fake_frames), frame_files(original_frames)
    squares = {row.frame: square_of(row) for row in pd.read_parquet(original_faces).itertuples()}
    if len(fakes) != len(originals):
        log.warning("%s: %d frames, its original %s has %d: paired by index",
                    video, len(fakes), original, len(originals))
    rows = []
    for index, fake_path in enumerate(fakes, start=1):
        row = {"video": video, "original": original, "frame": index, "paired": False}
        square = squares.get(index)
        if square is not None and index <= len(originals):
            a = cut(read_frame(fake_path), square, crop_size)
            b = cut(read_frame(originals[index - 1]), square, crop_size)
            row |= {"paired": True, **compare_crops(a, b, ssim_options)}
        rows.append(row)
    table = pd.DataFrame(rows).reindex(columns=PAIRED_COLUMNS)
    table = table.astype({"frame": "int32", "paired": "bool", "video": "string", "original": "string",
                          **{c: "float64" for c in PAIRED_COLUMNS[4:]}})
    write_parquet(table, out)
    log.info("%s: %d frames compared with %s", video, int(table.paired.sum()), original)
    return table


def compare_crops(fake: np.ndarray, original: np.ndarray, ssim_options: dict) -> dict[str, float]:
    """The paired metrics of one frame's crops."""
    return {"mse": metrics.mse(fake, original), "psnr": metrics.psnr(fake, original),
            "ssim": metrics.ssim(fake, original, **ssim_options),
            "ssim_colour": metrics.ssim(fake, original, colour=True, **ssim_options)}


def quality_video(crops_dir: str | Path, faces_table: str | Path, out: str | Path, *,
                  video: str, features: list[str]) -> pd.DataFrame:
    """Per frame, the no-reference ``features`` of a video's face crop (NaN where there is no face)."""
    unknown = sorted(set(features) - set(FEATURES))
    if unknown:
        raise ValueError(f"metrics.features: unknown feature(s) {unknown}; known: {sorted(FEATURES)}")
    rows = []
    for det in pd.read_parquet(faces_table).itertuples():
        row = {"video": video, "frame": det.frame}
        if not pd.isna(det.crop):
            crop = read_frame(Path(crops_dir) / det.crop)
            face = face_in_crop(det, crop.shape[0])
            row |= {name: FEATURES[name](crop, face) for name in features}
        rows.append(row)
    table = pd.DataFrame(rows).reindex(columns=["video", "frame", *features])
    table = table.astype({"video": "string", "frame": "int32", **{f: "float64" for f in features}})
    write_parquet(table, out)
    log.info("%s: %d features of %d frames", video, len(features), len(table))
    return table


def face_in_crop(det, crop_size: int) -> tuple[int, int, int, int]:
    """The detector's box of a detection-table row in the pixels of its resized crop."""
    scale = crop_size / det.crop_side
    x0 = (det.x - det.crop_x) * scale
    y0 = (det.y - det.crop_y) * scale
    return (int(round(x0)), int(round(y0)),
            int(round(x0 + det.w * scale)), int(round(y0 + det.h * scale)))
