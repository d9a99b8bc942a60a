"""Frame folders as the workflow writes them: numbered image files, read and written as BGR arrays.

Every step after decoding reads frames and crops through this module only,
so that none of them depends on how a dataset's videos are decoded.
"""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np

#: Digits of a frame file's number (``00001.png``): enough for an hour at 25 fps.
FRAME_DIGITS = 5


class ImageError(ValueError):
    """An image (or a video) that cannot be read; the message names the file."""


def frame_name(index: int, ext: str) -> str:
    """File name of 1-based frame ``index`` in a frame folder (``00001.png``)."""
    return f"{index:0{FRAME_DIGITS}d}.{ext}"


def crop_name(frame: int, face_id: int, ext: str) -> str:
    """File name of the crop of face ``face_id`` of frame ``frame`` in a video's crop folder: the
    frame's name for face 0 (the only one, unless ``detector.faces: all``; and for -1, a frame
    without one), ``00017_2.png`` for face 2, so that a frame's second face never overwrites
    its first."""
    name = frame_name(frame, ext)
    return name if face_id <= 0 else name.replace(".", f"_{face_id}.", 1)


def crop_folder(table: str | Path) -> Path:
    """The folder of a video's crops, beside its detection table: the faces step writes
    ``<video>/`` and ``<video>.parquet`` side by side."""
    return Path(table).with_suffix("")


#: Formats that keep pixels exactly: a crop read back from one is the crop that was cut.
LOSSLESS = frozenset({".png", ".bmp"})


def frame_files(folder: str | Path) -> list[Path]:
    """The frames of an extracted frame folder, in order."""
    return sorted(p for p in Path(folder).iterdir() if p.stem.isdigit())


def frame_number(path: str | Path) -> int:
    """The number of an extracted frame (``00017.png``: 17), its place in the source video:
    a fake's frame and its original's with one number show the same moment, also where only
    some frames were kept (``frames.stride``, ``frames.count``)."""
    return int(Path(path).stem)


def read_frame(path: str | Path) -> np.ndarray:
    """Read one image as (H, W, 3) uint8 BGR."""
    frame = cv2.imread(str(path), cv2.IMREAD_COLOR)
    if frame is None:
        raise ImageError(f"{path}: not a readable image")
    return frame


def write_image(path: str | Path, image: np.ndarray, jpeg_quality: int = 95) -> None:
    """Write a BGR image; the format follows the suffix (PNG lossless, JPEG at ``jpeg_quality``).

    A failure raises OSError, not :class:`ImageError`: a full disk is no
    fault of the input video and must fail the job, not mark the video bad.
    """
    params = [cv2.IMWRITE_JPEG_QUALITY, jpeg_quality] if str(path).endswith(".jpg") else []
    if not cv2.imwrite(str(path), image, params):
        raise OSError(f"{path}: could not be written")


def frame_size(frame: np.ndarray) -> tuple[int, int]:
    """(width, height) of an (H, W, ...) image, the order in which sizes are written."""
    return frame.shape[1], frame.shape[0]


def size_mismatch(size: tuple[int, int], original: str, original_size: tuple[int, int]) -> str:
    """What is wrong with a fake whose frames' (width, height) differ from its original's.

    The same words go into the fake's manifest (and so ``problems.csv``)
    and the paired step's log, so that a search finds both.
    """
    return (
        f"frame size {size[0]}x{size[1]} differs from its original {original}'s "
        f"{original_size[0]}x{original_size[1]}: not paired"
    )
