"""Reading videos and VidTIMIT frame folders, writing frame folders, checking frame counts."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from pathlib import Path

import cv2
import numpy as np

from .dataset import original_frame_files
from .tables import atomic_dir, atomic_path

log = logging.getLogger(__name__)

FRAME_DIGITS = 5


class VideoError(ValueError):
    """A video or frame folder that cannot be read; the message names the file."""


def frame_name(index: int, ext: str) -> str:
    """File name of 1-based frame ``index`` in a frame folder (``00001.png``)."""
    return f"{index:0{FRAME_DIGITS}d}.{ext}"


def iter_video(path: str | Path) -> Iterator[np.ndarray]:
    """Yield the frames of a video file as (H, W, 3) uint8 BGR arrays, decoding them all.

    The container's frame count is not trusted (it is wrong for some AVI
    files): callers count what was decoded.
    """
    capture = cv2.VideoCapture(str(path))
    if not capture.isOpened():
        raise VideoError(f"{path}: cannot be opened as a video")
    try:
        while True:
            ok, frame = capture.read()
            if not ok:
                return
            yield frame
    finally:
        capture.release()


def iter_frame_folder(folder: str | Path) -> Iterator[np.ndarray]:
    """Yield the frames of a VidTIMIT sentence folder (001, 002, ... JPEG) as BGR arrays."""
    for path in original_frame_files(Path(folder)):
        frame = cv2.imread(str(path), cv2.IMREAD_COLOR)
        if frame is None:
            raise VideoError(f"{path}: not a readable image")
        yield frame


def iter_source(path: str | Path) -> Iterator[np.ndarray]:
    """Frames of a dataset video, whether a video file (fake) or a frame folder (original)."""
    return iter_frame_folder(path) if Path(path).is_dir() else iter_video(path)


def frame_files(folder: str | Path) -> list[Path]:
    """The frames of an extracted frame folder, in order."""
    return sorted(p for p in Path(folder).iterdir() if p.stem.isdigit())


def read_frame(path: str | Path) -> np.ndarray:
    """Read one extracted frame as (H, W, 3) uint8 BGR."""
    frame = cv2.imread(str(path), cv2.IMREAD_COLOR)
    if frame is None:
        raise VideoError(f"{path}: not a readable image")
    return frame


def write_image(path: str | Path, image: np.ndarray, jpeg_quality: int = 95) -> None:
    """Write a BGR image; the format follows the suffix (PNG lossless, JPEG at ``jpeg_quality``)."""
    params = [cv2.IMWRITE_JPEG_QUALITY, jpeg_quality] if str(path).endswith(".jpg") else []
    if not cv2.imwrite(str(path), image, params):
        raise VideoError(f"{path}: could not be written")


def extract_frames(source: str | Path, out_dir: str | Path, manifest: str | Path, *,
                   video: str, expected: int, ext: str = "png", jpeg_quality: int = 95) -> dict:
    """Decode every frame of ``source`` into ``out_dir/00001.<ext>`` ... and write a manifest.

    PNG (the default) keeps the decoded pixels exactly: re-encoding the
    frames as JPEG would add compression traces of our own to fakes and
    originals alike and blur the very differences the study measures.

    The decoded count is checked against ``expected`` (the original's frame
    count). No frame at all is an error naming the file; a different count
    is reported in the log and in the manifest (``count_ok``) and the frames
    are kept, so that pairing by index can go on and nothing is dropped
    silently.
    """
    n = 0
    height = width = 0
    with atomic_dir(out_dir) as tmp:
        for n, frame in enumerate(iter_source(source), start=1):
            height, width = frame.shape[:2]
            write_image(tmp / frame_name(n, ext), frame, jpeg_quality)
        if n == 0:
            raise VideoError(f"{source}: no frame could be decoded (empty or corrupt video)")
    info = {"video": video, "source": str(source), "n_decoded": n, "n_expected": int(expected),
            "count_ok": n == expected, "width": width, "height": height}
    if n != expected:
        log.warning("%s: decoded %d frames, expected %d (frames are paired by index)",
                    source, n, expected)
    log.info("%s: %d frames of %dx%d -> %s", source, n, width, height, out_dir)
    with atomic_path(manifest) as tmp:
        tmp.write_text(json.dumps(info, indent=1, sort_keys=True) + "\n")
    return info
