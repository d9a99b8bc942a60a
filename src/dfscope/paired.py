"""The paired step: how and where each frame of a fake differs from its original, pixel-aligned."""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Mapping, Sequence
from pathlib import Path

import cv2
import numpy as np
import pandas as pd

from . import comparison
from .atomic import atomic_path, write_parquet
from .batches import ready, run_each
from .columns import FACE_ID, PAIRED_COLUMNS, REGION_COLUMNS
from .crops import Geometry, cut_face, face_mask, geometry_of
from .geometry import Box, iou
from .images import (
    LOSSLESS,
    crop_folder,
    frame_files,
    frame_number,
    frame_size,
    read_frame,
    size_mismatch,
    write_image,
)

log = logging.getLogger(__name__)


def compare_batch(
    fakes: Sequence[dict],
    frames: Mapping[str, str | Path],
    faces: Mapping[str, str | Path],
    out: str | Path,
    **options,
) -> list[str]:
    """The paired step for a batch: :func:`compare_video` of each of ``fakes`` (records with
    ``video`` and ``original``) against its original, to ``out/<video>.parquet`` and
    ``out/<video>.ssim_diff.png``. ``frames`` and ``faces`` give, by video, the batch folder
    that holds its frame folder and its detection table (an original is usually in its
    fakes' batch; a fake's own table says which faces it has). Returns the videos that
    failed (:func:`dfscope.batches.run_each`)."""
    out = Path(out)
    originals = {row["video"]: row["original"] for row in fakes}
    pairs = pair_inputs(fakes, frames, faces)

    def step(video: str) -> None:
        compare_video(
            *pairs[video],
            out / f"{video}.parquet",
            out / f"{video}.ssim_diff.png",
            video=video,
            original=originals[video],
            **options,
        )

    inputs = ready(pairs, lambda video: pairs[video], out, stage="paired")
    return run_each(inputs, step, out, stage="paired")


def pair_inputs(
    fakes: Sequence[dict], frames: Mapping[str, str | Path], faces: Mapping[str, str | Path]
) -> dict[str, tuple[Path, Path, Path, Path]]:
    """By fake (records with ``video`` and ``original``): its frame folder and detection table,
    its original's frame folder and detection table, in the batch folders that ``frames``
    and ``faces`` give by video. What a fake is compared with: the paired step and the comparison
    figures read the same four."""
    return {
        row["video"]: (
            Path(frames[row["video"]]) / row["video"],
            Path(faces[row["video"]]) / f"{row['video']}.parquet",
            Path(frames[row["original"]]) / row["original"],
            Path(faces[row["original"]]) / f"{row['original']}.parquet",
        )
        for row in fakes
    }


def compare_video(
    fake_frames: str | Path,
    fake_faces: str | Path,
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
    mask: str = "ellipse",
) -> pd.DataFrame:
    """Per face of the fake's frames (a row of its detection table ``fake_faces``), how and
    where it differs from its original, pixel-aligned.

    Both crops are cut with the *original's* geometry of that frame's face (the one
    :func:`original_face` matches; its face_id is ``original_face``): its square, or the
    matrix its aligned crop was warped with (:func:`dfscope.crops.geometry_of`). The fake
    was made from that very frame, so the same pixels are compared, and a
    detector thrown off by the swapped face cannot misalign them. Per
    face: MSE, PSNR, SSIM (luma and colour), mean absolute difference
    inside the face and in its surround (``mask``: the ellipse of the original's
    face box, or the hull of its 68 landmarks, :func:`dfscope.crops.face_mask`;
    NaN for a frame without a hull), and the changed regions
    of the SSIM difference map (:func:`dfscope.comparison.changed_regions`):
    their number, area fraction, and the largest one's box and centroid.

    The difference maps are stored as one PNG strip (rows stacked top to
    bottom, ``crop_size`` rows each, 255 = SSIM 0), see :func:`read_diff_maps`.
    Frames are paired by frame number, and only frames of the same size: a
    row is ``paired = False`` with NaN metrics (and a black map) when the
    original has no matching face in that frame or no frame of that number (the videos
    differ in length), or the two frames differ in size (the original's square
    would cut another part of a rescaled fake; the gather step lists the
    mismatch); it is kept, never dropped.

    Only the fake's frames are decoded: the original's side is the crop its faces step wrote
    beside ``original_faces`` (:func:`original_crop`), and its frame size is its first frame's
    (the frames step keeps a video's frames at one size and lists the others).
    """
    fakes = {frame_number(path): path for path in frame_files(fake_frames)}
    originals = {frame_number(path): path for path in frame_files(original_frames)}
    faces_of = faces_by_frame(pd.read_parquet(original_faces))
    own = pd.read_parquet(fake_faces)
    own = own[own.frame.isin(fakes)]
    rows_in_frame = own.frame.value_counts().to_dict()
    if len(fakes) != len(originals):
        log.warning(
            "%s: %d frames, its original %s has %d: paired by frame number",
            video,
            len(fakes),
            original,
            len(originals),
        )
    crops = crop_folder(original_faces)
    real_size = frame_size(read_frame(next(iter(originals.values())))) if originals else None
    rows, maps, mismatches, no_mask, read = [], [], Counter(), 0, {}
    for mine in own.itertuples():
        number = mine.frame
        row = {"video": video, FACE_ID: mine.face_id, "original": original, "frame": number}
        row["paired"] = False
        det = original_face(mine, faces_of.get(number, []), rows_in_frame[number])
        difference = np.zeros((crop_size, crop_size), np.float32)
        if det is not None and number in originals:
            if read.get("frame") != number:
                read = {"frame": number, "fake": read_frame(fakes[number])}
            fake = read["fake"]
            if frame_size(fake) == real_size:
                geometry = geometry_of(det)
                face = face_mask(det, geometry, crop_size, mask)
                no_mask += face is None
                measures, difference = compare_crops(
                    cut_face(fake, geometry, crop_size),
                    original_crop(det, crops, originals[number], geometry, crop_size),
                    face,
                    ssim_options or {},
                    region_options or {},
                )
                row |= {"paired": True, "original_face": det.face_id, **measures}
            else:
                mismatches[size_mismatch(frame_size(fake), original, real_size)] += 1
        rows.append(row)
        maps.append(comparison.to_uint8(difference))
    _warn_unpaired(video, mismatches, no_mask, mask, len(own))
    table = paired_table(rows)
    with atomic_path(diff_out) as tmp:
        write_image(tmp, diff_strip(maps, crop_size))
    write_parquet(table, out)
    log.info("%s: %d frames compared with %s", video, int(table.paired.sum()), original)
    return table


def faces_by_frame(found: pd.DataFrame) -> dict[int, list]:
    """The faces of a detection table (rows with a face) by frame number."""
    faces_of: dict[int, list] = {}
    for det in found[found[FACE_ID] >= 0].itertuples():
        faces_of.setdefault(det.frame, []).append(det)
    return faces_of


def _warn_unpaired(video: str, mismatches: Counter, no_mask: int, mask: str, n: int) -> None:
    """Log what left a fake's faces unpaired or unmasked, once each: frames of another size
    than the original's, frames without the ``mask`` of their face (of ``n`` faces)."""
    for mismatch, count in mismatches.items():
        log.warning("%s: %s (%d of %d frames)", video, mismatch, count, n)
    if no_mask:
        log.warning(
            "%s: %d frames without the %s of their face (no 68 landmarks: interpolated): "
            "abs_diff_face and abs_diff_surround are NaN there",
            video,
            no_mask,
            mask,
        )


def paired_table(rows: Sequence[dict]) -> pd.DataFrame:
    """The paired table of a fake's ``rows`` (one a face of a frame): the columns of
    :data:`dfscope.columns.PAIRED_COLUMNS` in their types, whichever rows were paired."""
    return (
        pd.DataFrame(rows)
        .reindex(columns=PAIRED_COLUMNS)
        .astype(
            {
                "frame": "int32",
                FACE_ID: "int16",
                "paired": "bool",
                "video": "string",
                "original": "string",
                "original_face": "Int16",
                "n_regions": "Int32",
                **{c: "float64" for c in PAIRED_COLUMNS[6:] if c != "n_regions"},
            }
        )
    )


def original_crop(det, crops: Path, frame: Path, geometry: Geometry, crop_size: int) -> np.ndarray:
    """The original's face ``det`` (a detection-table row) cut with its own ``geometry``: the
    crop the faces step wrote to ``crops``, where its format is lossless and its size
    ``crop_size`` (the same pixels as cutting the frame again, a 128-pixel crop read instead of a
    full frame decoded); else cut from its ``frame``, since a JPEG crop went through a second
    compression that the fake's side did not."""
    path = crops / det.crop
    if path.suffix in LOSSLESS:
        crop = read_frame(path)
        if crop.shape[:2] == (crop_size, crop_size):
            return crop
    return cut_face(read_frame(frame), geometry, crop_size)


def original_face(mine, candidates: Sequence, faces_in_frame: int):
    """The original's face (a detection-table row among ``candidates``, its faces in the frame)
    that a fake's face ``mine`` (a row of the fake's detection table; ``faces_in_frame``: its
    rows in that frame) is compared with, or None.

    One face on either side: that one, wherever the fake's detector put its box (or found
    none), since a swapped face can throw a detector off and the fake was made from that very
    frame. Several (``detector.faces: all``): the original's face that the fake's box overlaps
    most, none where it overlaps none.
    """
    if len(candidates) == 1 and faces_in_frame == 1:
        return candidates[0]
    if not candidates or mine.face_id < 0:
        return None
    overlaps = [iou(Box.of(mine), Box.of(det)) for det in candidates]
    best = int(np.argmax(overlaps))
    return candidates[best] if overlaps[best] > 0 else None


def compare_crops(
    fake: np.ndarray,
    original: np.ndarray,
    face: np.ndarray | None,
    ssim_options: dict,
    region_options: dict,
) -> tuple[dict, np.ndarray]:
    """The paired measures of one frame's crops (``face``: the face's boolean mask in them, or
    None where there is none: no inside/surround difference), and its SSIM difference map."""
    ssim, ssim_map = comparison.ssim(fake, original, full=True, **ssim_options)
    difference = comparison.ssim_difference(ssim_map)
    level, regions, changed = comparison.changed_regions(difference, **region_options)
    inside, outside = (
        (np.nan, np.nan) if face is None else comparison.mean_abs_difference(fake, original, face)
    )
    measures = {
        "mse": comparison.mse(fake, original),
        "psnr": comparison.psnr(fake, original),
        "ssim": ssim,
        "ssim_colour": comparison.ssim(fake, original, colour=True, **ssim_options),
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
                REGION_COLUMNS,
                (largest.x, largest.y, largest.w, largest.h, largest.cx, largest.cy),
                strict=True,
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
