"""The faces step: detect the faces in a folder of frames, keep one per frame or every one
tracked into identities, write crops and a table."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from .atomic import atomic_dir, write_parquet
from .batches import ready, run_each
from .choices import CHOICES
from .columns import (
    DETECTION_COLUMNS,
    FACE_ID,
    GEOMETRY_COLUMNS,
    LANDMARK_COLUMNS,
    MATRIX_COLUMNS,
    SHAPE_COLUMN,
)
from .crops import Cropping, Geometry, cut_face
from .geometry import Box
from .images import crop_name, frame_files, frame_number, read_frame, write_image
from .tracks import Tracker

if TYPE_CHECKING:  # the detector is built by the caller: its code is not this step's
    from .detectors import Detection, Detector

log = logging.getLogger(__name__)


def detect_batch(
    videos: Sequence[str], frames: str | Path, out: str | Path, **options
) -> list[str]:
    """The faces step for a batch: for each video, :func:`detect_video` from its frame folder
    ``frames/<video>/`` to ``out/<video>/`` (crops) and ``out/<video>.parquet``, one video at a
    time, so that memory does not grow with the batch. ``options`` are :func:`detect_video`'s
    (the detector is built once, by the caller). Returns the videos that failed
    (:func:`dfscope.batches.run_each`).
    """
    frames, out = Path(frames), Path(out)

    def step(video: str) -> None:
        detect_video(frames / video, out / video, out / f"{video}.parquet", video=video, **options)

    inputs = ready(videos, lambda video: [frames / video], out, stage="faces")
    return run_each(inputs, step, out, stage="faces")


def detect_video(
    frames_dir: str | Path,
    crops_dir: str | Path,
    table_path: str | Path,
    *,
    video: str,
    detector: Detector,
    cropping: Cropping,
    batch_size: int = 16,
    faces: str = "largest",
    every: int = 1,
    ext: str = "png",
) -> pd.DataFrame:
    """Detect faces in the frames of ``frames_dir``; write crops (as ``cropping`` cuts them)
    and the detection table.

    ``faces``: the one face a frame to keep (a module of :mod:`dfscope.choices`: ``largest``,
    ``tracked``), face_id 0; or ``all``, every face, tracked into identities
    (:class:`dfscope.tracks.Tracker`), a row and a crop each.

    The detector runs on the keyframes (every ``every``-th frame and the
    last, see :func:`keyframes`), fed in batches of ``batch_size``; the
    faces of the frames in between are interpolated, each identity between two detections of it
    (see :func:`interpolate_keyframes`), which divides the detector's cost,
    the bulk of this step, by about ``every``. Each frame is read once and
    gets a row and, if it has a face, a crop: a frame without a face has
    ``n_faces = 0``, ``face = -1``, NaN geometry and no crop, so that it is
    counted, not lost.
    """
    files = frame_files(frames_dir)
    numbers = np.array([frame_number(path) for path in files], dtype=int)
    keys = keyframes(len(files), every)
    with atomic_dir(crops_dir) as tmp:
        rows = _detect_keyframes(
            files,
            numbers,
            keys,
            tmp,
            detector=detector,
            cropping=cropping,
            batch_size=batch_size,
            faces=faces,
            ext=ext,
        )
        rows += _interpolate_between(files, numbers, keys, rows, tmp, cropping=cropping, ext=ext)
    table = detection_table(
        [{"video": video} | row for row in sorted(rows, key=lambda r: (r["frame"], r[FACE_ID]))]
    )
    missing = int((table.face < 0).sum())
    identities = int(table[FACE_ID].max()) + 1 if len(table) else 0
    if table.empty:
        log.warning("%s: no frames to detect faces in (see its frames manifest)", video)
    elif missing:
        log.warning("%s: no face in %d of %d frames", video, missing, len(table))
    write_parquet(table, table_path)
    log.info(
        "%s: %d frames, %d with a face (%d interpolated)%s",
        video,
        table.frame.nunique(),
        table.frame[table.face >= 0].nunique(),
        int(table.interpolated.sum()),
        f", {identities} identities" if faces == "all" else "",
    )
    return table


def keyframes(n_frames: int, every: int) -> np.ndarray:
    """Positions (0-based, among a video's extracted frames) of the frames the detector sees:
    0, every, 2 * every, ... and the last.

    The last frame is always a keyframe, so that every frame lies between
    two detections and none is extrapolated.
    """
    if every < 1:
        raise ValueError(f"detector.every: {every} is not >= 1")
    if n_frames == 0:
        return np.zeros(0, int)
    return np.unique(np.append(np.arange(0, n_frames, every), n_frames - 1))


def interpolate_keyframes(
    key_frames: np.ndarray, key_values: np.ndarray, frames: np.ndarray
) -> np.ndarray:
    """Values at ``frames``, linear between the two keyframes around each; NaN rows stay NaN.

    ``key_frames`` (K,) are increasing frame numbers, ``key_values`` (K, D)
    their values (a row of NaN: no face there), ``frames`` (M,) indices in
    ``[key_frames[0], key_frames[-1]]``. A value is NaN where either
    surrounding keyframe's is: a face is only interpolated between two
    detections of it, never guessed across a keyframe that has none.
    """
    key_frames = np.asarray(key_frames)
    key_values = np.asarray(key_values, float)
    frames = np.asarray(frames)
    right = np.clip(np.searchsorted(key_frames, frames, side="left"), 1, len(key_frames) - 1)
    left = right - 1
    span = key_frames[right] - key_frames[left]
    weight = ((frames - key_frames[left]) / span)[:, None]
    return (1 - weight) * key_values[left] + weight * key_values[right]


def _detect_keyframes(
    files: list[Path],
    numbers: np.ndarray,
    keys: np.ndarray,
    crops: Path,
    *,
    detector: Detector,
    cropping: Cropping,
    batch_size: int,
    faces: str,
    ext: str,
) -> list[dict]:
    """Rows (with crops) of the keyframes, detected in batches: the faces ``faces`` keeps of
    each (:func:`_kept`)."""
    keep = _kept(faces)
    rows = []
    for start in range(0, len(keys), batch_size):
        batch = keys[start : start + batch_size]
        images = [read_frame(files[i]) for i in batch]
        for index, image, found in zip(
            numbers[batch], images, detector.detect(images), strict=True
        ):
            row = {"frame": int(index), "n_faces": len(found), "interpolated": False}
            kept = keep(found)
            if not kept:
                rows.append(row | {"face": -1, FACE_ID: -1})
            for chosen, identity in kept:
                face = found[chosen]
                geometry = cropping.geometry(face.box, face.landmarks)
                crop = _write_crop(
                    image, geometry, crops, int(index), identity, size=cropping.size, ext=ext
                )
                rows.append(row | {"face": chosen, FACE_ID: identity} | _face_fields(face) | crop)
    return rows


def _kept(faces: str) -> Callable[[Sequence[Detection]], list[tuple[int, int]]]:
    """What a frame's detections keep, as (index among them, face_id) pairs, frame after frame:
    with ``all``, every one with its identity (:class:`dfscope.tracks.Tracker`); else the one the
    choice module ``faces`` picks (given the box kept before), face_id 0."""
    if faces == "all":
        tracker = Tracker()
        return lambda found: list(enumerate(tracker.update([face.box for face in found])))
    choose, previous = CHOICES.load(faces).choose, [None]

    def one(found: Sequence[Detection]) -> list[tuple[int, int]]:
        if not found:
            return []
        chosen = choose(found, previous[0])
        previous[0] = found[chosen].box
        return [(chosen, 0)]

    return one


def _interpolate_between(
    files: list[Path],
    numbers: np.ndarray,
    keys: np.ndarray,
    key_rows: list[dict],
    crops: Path,
    *,
    cropping: Cropping,
    ext: str,
) -> list[dict]:
    """Rows (with crops) of the frames between keyframes: each identity's face (box and
    landmarks) interpolated where both keyframes around the frame have it; a frame where no
    identity has one gets a row without a face."""
    between = np.setdiff1d(np.arange(len(files)), keys)
    if not len(between):
        return []
    detected = pd.DataFrame(key_rows)
    identities = sorted(detected[FACE_ID][detected[FACE_ID] >= 0].unique())
    per_identity = {}
    for identity in identities:
        own = detected[detected[FACE_ID] == identity].set_index("frame")
        key_values = own.reindex(numbers[keys]).reindex(columns=GEOMETRY_COLUMNS)
        per_identity[identity] = interpolate_keyframes(
            numbers[keys], key_values.to_numpy(float), numbers[between]
        )
    rows = []
    for position, index in enumerate(between):
        number = int(numbers[index])
        present = [i for i in identities if not np.isnan(per_identity[i][position, :4]).any()]
        row = {"frame": number, "n_faces": len(present), "interpolated": bool(present)}
        if not present:
            rows.append(row | {"face": -1, FACE_ID: -1})
            continue
        image = read_frame(files[index])
        for face, identity in enumerate(present):
            fields = dict(zip(GEOMETRY_COLUMNS, per_identity[identity][position], strict=True))
            box = Box(fields["x"], fields["y"], fields["w"], fields["h"])
            landmarks = np.array([fields[c] for c in LANDMARK_COLUMNS]).reshape(5, 2)
            geometry = cropping.geometry(box, landmarks)
            crop = _write_crop(
                image, geometry, crops, number, identity, size=cropping.size, ext=ext
            )
            rows.append(row | {"face": face, FACE_ID: identity, **fields} | crop)
    return rows


def _write_crop(
    image: np.ndarray,
    geometry: Geometry,
    crops: Path,
    frame: int,
    identity: int,
    *,
    size: int,
    ext: str,
) -> dict:
    """Cut and write the crop of ``geometry``; its fields of the table row (the square's, or
    the aligning matrix's)."""
    name = crop_name(frame, identity, ext)
    write_image(crops / name, cut_face(image, geometry, size))
    if isinstance(geometry, np.ndarray):
        return dict(zip(MATRIX_COLUMNS, geometry.ravel().tolist(), strict=True)) | {"crop": name}
    return {"crop_x": geometry[0], "crop_y": geometry[1], "crop_side": geometry[2], "crop": name}


def _face_fields(face: Detection) -> dict:
    x, y, w, h = face.box
    fields = {"confidence": face.confidence, "x": x, "y": y, "w": w, "h": h}
    if face.landmarks is not None:
        fields |= dict(
            zip(LANDMARK_COLUMNS, np.asarray(face.landmarks, float).ravel(), strict=True)
        )
    if face.shape is not None:
        fields[SHAPE_COLUMN] = np.asarray(face.shape, float).ravel().tolist()
    return fields


def detection_table(rows: list[dict]) -> pd.DataFrame:
    """Rows -> a detection table with the documented columns and dtypes."""
    table = pd.DataFrame(rows).reindex(columns=DETECTION_COLUMNS)
    floats = ["confidence", "x", "y", "w", "h", *MATRIX_COLUMNS, *LANDMARK_COLUMNS]
    table[floats] = table[floats].astype("float64")
    table[["crop_x", "crop_y", "crop_side"]] = table[["crop_x", "crop_y", "crop_side"]].astype(
        "Int32"
    )
    shapes = [value if isinstance(value, list) else None for value in table[SHAPE_COLUMN]]
    table[SHAPE_COLUMN] = pd.Series(shapes, index=table.index, dtype=object)
    return table.astype(
        {
            "frame": "int32",
            "n_faces": "int16",
            "face": "int16",
            FACE_ID: "int16",
            "video": "string",
            "crop": "string",
            "interpolated": "bool",
        }
    )
