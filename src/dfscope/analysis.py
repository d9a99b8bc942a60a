"""The metrics steps: per-frame tables of one video, paired (fake vs original) and no-reference."""

from __future__ import annotations

import logging
from collections import Counter
from pathlib import Path

import cv2
import numpy as np
import pandas as pd

from . import metrics
from .crops import cut
from .faces import LANDMARK_COLUMNS, square_of
from .features import FEATURES
from .geometry import apply_affine, similarity_transform
from .tables import atomic_path, write_parquet
from .video import frame_files, frame_size, read_frame, size_mismatch, write_image

log = logging.getLogger(__name__)

REGION_COLUMNS = ["region_x", "region_y", "region_w", "region_h", "region_cx", "region_cy"]
#: Schema of a paired table, one row per frame of a fake. Crop pixels for regions; grey levels
#: for abs_diff_*; diff_threshold in [0, 1]; changed_fraction of the crop's area.
PAIRED_COLUMNS = [
    "video",
    "original",
    "frame",
    "paired",
    "mse",
    "psnr",
    "ssim",
    "ssim_colour",
    "abs_diff_face",
    "abs_diff_surround",
    "diff_threshold",
    "n_regions",
    "changed_fraction",
    *REGION_COLUMNS,
]


def compare_video(
    fake_frames: str | Path,
    original_frames: str | Path,
    original_faces: str | Path,
    out: str | Path,
    diff_out: str | Path,
    *,
    video: str,
    original: str,
    crop_size: int,
    ssim_options: dict | None = None,
    region_options: dict | None = None,
) -> pd.DataFrame:
    """Per frame, how and where a fake's face differs from its original's, pixel-aligned.

    Both crops are cut with the *original's* square of that frame (the fake
    was made from that very frame, so the same pixels are compared, and a
    detector thrown off by the swapped face cannot misalign them). Per
    frame: MSE, PSNR, SSIM (luma and colour), mean absolute difference
    inside the face ellipse and in its surround, and the changed regions
    of the SSIM difference map (:func:`dfscope.metrics.changed_regions`):
    their number, area fraction, and the largest one's box and centroid.

    The difference maps are stored as one PNG strip (frames stacked top to
    bottom, ``crop_size`` rows each, 255 = SSIM 0), see :func:`read_diff_maps`.
    Frames are paired by index, and only frames of the same size: a frame is
    ``paired = False`` with NaN metrics (and a black map) when the original
    has no face in it, the two videos differ in length or the two frames in
    size (the original's square would cut another part of a rescaled fake;
    the frames step records the mismatch); it is kept, never dropped.
    """
    fakes, originals = frame_files(fake_frames), frame_files(original_frames)
    detections = {row.frame: row for row in pd.read_parquet(original_faces).itertuples()}
    if len(fakes) != len(originals):
        log.warning(
            "%s: %d frames, its original %s has %d: paired by index",
            video,
            len(fakes),
            original,
            len(originals),
        )
    rows, maps, mismatches = [], [], Counter()
    for index, fake_path in enumerate(fakes, start=1):
        row = {"video": video, "original": original, "frame": index, "paired": False}
        det = detections.get(index)
        square = None if det is None else square_of(det)
        difference = np.zeros((crop_size, crop_size), np.float32)
        if square is not None and index <= len(originals):
            fake, real = read_frame(fake_path), read_frame(originals[index - 1])
            if fake.shape == real.shape:
                a, b = cut(fake, square, crop_size), cut(real, square, crop_size)
                measures, difference = compare_crops(
                    a, b, face_in_crop(det, crop_size), ssim_options or {}, region_options or {}
                )
                row |= {"paired": True, **measures}
            else:
                mismatches[size_mismatch(frame_size(fake), original, frame_size(real))] += 1
        rows.append(row)
        maps.append(metrics.to_uint8(difference))
    for mismatch, count in mismatches.items():
        log.warning("%s: %s (%d of %d frames)", video, mismatch, count, len(fakes))
    table = pd.DataFrame(rows).reindex(columns=PAIRED_COLUMNS)
    table = table.astype(
        {
            "frame": "int32",
            "paired": "bool",
            "video": "string",
            "original": "string",
            "n_regions": "Int32",
            **{c: "float64" for c in PAIRED_COLUMNS[4:] if c != "n_regions"},
        }
    )
    with atomic_path(diff_out) as tmp:
        write_image(tmp, diff_strip(maps, crop_size))
    write_parquet(table, out)
    log.info("%s: %d frames compared with %s", video, int(table.paired.sum()), original)
    return table


def compare_crops(
    fake: np.ndarray,
    original: np.ndarray,
    face: tuple[int, int, int, int],
    ssim_options: dict,
    region_options: dict,
) -> tuple[dict, np.ndarray]:
    """The paired measures of one frame's crops, and its SSIM difference map."""
    ssim, ssim_map = metrics.ssim(fake, original, full=True, **ssim_options)
    difference = metrics.ssim_difference(ssim_map)
    level, regions, changed = metrics.changed_regions(difference, **region_options)
    inside, outside = metrics.mean_abs_difference(
        fake, original, metrics.ellipse_mask(fake.shape[:2], face)
    )
    measures = {
        "mse": metrics.mse(fake, original),
        "psnr": metrics.psnr(fake, original),
        "ssim": ssim,
        "ssim_colour": metrics.ssim(fake, original, colour=True, **ssim_options),
        "abs_diff_face": inside,
        "abs_diff_surround": outside,
        "diff_threshold": level,
        "n_regions": len(regions),
        "changed_fraction": float(changed.mean()),
    }
    if regions:
        largest = regions[0]
        measures |= dict(
            zip(
                REGION_COLUMNS, (largest.x, largest.y, largest.w, largest.h, largest.cx, largest.cy)
            )
        )
    return measures, difference


def diff_strip(maps: list[np.ndarray], crop_size: int) -> np.ndarray:
    """The uint8 maps stacked top to bottom; one black row when there is none.

    A PNG cannot be 0 pixels high, and a fake that could not be decoded
    still needs its (empty) strip, so that every later step runs.
    :func:`read_diff_maps` reads the single row as no map.
    """
    return np.vstack(maps) if maps else np.zeros((1, crop_size), np.uint8)


def read_diff_maps(path: str | Path, crop_size: int) -> np.ndarray:
    """The (N, S, S) float32 SSIM difference maps in [0, 1] of a paired strip PNG (N may be 0)."""
    strip = cv2.imread(str(path), cv2.IMREAD_GRAYSCALE)
    if strip is None:
        raise ValueError(f"{path}: not a readable difference-map strip")
    n = strip.shape[0] // crop_size
    return (strip[: n * crop_size].reshape(n, crop_size, crop_size) / 255).astype(np.float32)


def quality_video(
    crops_dir: str | Path,
    faces_table: str | Path,
    out: str | Path,
    *,
    video: str,
    features: list[str],
) -> pd.DataFrame:
    """Per frame, the no-reference ``features`` of a video's face crop (NaN where there is no face)."""
    unknown = sorted(set(features) - set(FEATURES))
    if unknown:
        raise ValueError(
            f"metrics.features: unknown feature(s) {unknown}; known: {sorted(FEATURES)}"
        )
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
    return (
        int(round(x0)),
        int(round(y0)),
        int(round(x0 + det.w * scale)),
        int(round(y0 + det.h * scale)),
    )


TEMPORAL_COLUMNS = ["video", "frame", "temporal_ssim", "temporal_abs_diff", "landmark_jitter"]


def temporal_video(
    frames_dir: str | Path,
    faces_table: str | Path,
    out: str | Path,
    *,
    video: str,
    crop_size: int,
    ssim_options: dict | None = None,
) -> pd.DataFrame:
    """Per frame, how the face changed since the previous frame: the flicker of frame-by-frame swaps.

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
    points = dict(zip(detections.frame, detections[LANDMARK_COLUMNS].to_numpy().reshape(-1, 5, 2)))
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
        {"video": "string", "frame": "int32", **{c: "float64" for c in TEMPORAL_COLUMNS[2:]}}
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
