"""The faces step: detect faces in a folder of frames, keep one per frame, write crops and a table."""

from __future__ import annotations

import logging
from pathlib import Path

import numpy as np
import pandas as pd

from .crops import choose_face, cut
from .detectors import LANDMARKS, Detection, Detector
from .geometry import crop_square
from .tables import atomic_dir, write_parquet
from .video import frame_files, frame_name, read_frame, write_image

log = logging.getLogger(__name__)

LANDMARK_COLUMNS = [f"{name}_{axis}" for name in LANDMARKS for axis in "xy"]
#: Schema of a detection table: one row per frame, faces or not.
#: x, y, w, h: the chosen face's box in frame pixels; crop_x, crop_y, crop_side: the square
#: the crop was cut from (frame pixels); landmarks in frame pixels (NaN if the detector has none).
DETECTION_COLUMNS = ["video", "frame", "n_faces", "face", "confidence", "x", "y", "w", "h",
                     "crop_x", "crop_y", "crop_side", *LANDMARK_COLUMNS, "crop"]


def detect_video(frames_dir: str | Path, crops_dir: str | Path, table_path: str | Path, *,
                 video: str, detector: Detector, margin: float, crop_size: int,
                 batch_size: int = 16, choose: str = "largest", ext: str = "png") -> pd.DataFrame:
    """Detect faces in every frame of ``frames_dir``; write crops and the detection table.

    Frames are read once and fed to the detector in batches of
    ``batch_size``. Every frame gets a row: a frame without a face has
    ``n_faces = 0``, ``face = -1``, NaN geometry and no crop, so that it is
    counted, not lost.
    """
    files = frame_files(frames_dir)
    rows, previous = [], None
    with atomic_dir(crops_dir) as tmp:
        for start in range(0, len(files), batch_size):
            batch = files[start:start + batch_size]
            images = [read_frame(path) for path in batch]
            for index, image, faces in zip(range(start + 1, start + 1 + len(batch)), images,
                                           detector.detect(images)):
                chosen = choose_face(faces, previous, choose)
                row = {"video": video, "frame": index, "n_faces": len(faces), "face": chosen}
                if chosen >= 0:
                    previous = faces[chosen].box
                    square = crop_square(previous, margin)
                    name = frame_name(index, ext)
                    write_image(tmp / name, cut(image, square, crop_size))
                    row |= _face_fields(faces[chosen], square) | {"crop": name}
                rows.append(row)
    table = detection_table(rows)
    missing = int((table.face < 0).sum())
    if table.empty:
        log.warning("%s: no frames to detect faces in (see its frames manifest)", video)
    elif missing:
        log.warning("%s: no face in %d of %d frames", video, missing, len(table))
    write_parquet(table, table_path)
    log.info("%s: %d frames, %d with a face", video, len(table), len(table) - missing)
    return table


def _face_fields(face: Detection, square: tuple[int, int, int]) -> dict:
    x, y, w, h = face.box
    fields = {"confidence": face.confidence, "x": x, "y": y, "w": w, "h": h,
              "crop_x": square[0], "crop_y": square[1], "crop_side": square[2]}
    if face.landmarks is not None:
        fields |= dict(zip(LANDMARK_COLUMNS, np.asarray(face.landmarks, float).ravel()))
    return fields


def detection_table(rows: list[dict]) -> pd.DataFrame:
    """Rows -> a detection table with the documented columns and dtypes."""
    table = pd.DataFrame(rows).reindex(columns=DETECTION_COLUMNS)
    floats = ["confidence", "x", "y", "w", "h", *LANDMARK_COLUMNS]
    table[floats] = table[floats].astype("float64")
    table[["crop_x", "crop_y", "crop_side"]] = table[["crop_x", "crop_y", "crop_side"]].astype("Int32")
    return table.astype({"frame": "int32", "n_faces": "int16", "face": "int16",
                         "video": "string", "crop": "string"})


def square_of(row) -> tuple[int, int, int] | None:
    """The crop square of a detection-table row, or None for a frame without a face."""
    if pd.isna(row.crop_side):
        return None
    return int(row.crop_x), int(row.crop_y), int(row.crop_side)
