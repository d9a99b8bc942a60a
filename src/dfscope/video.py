"""Reading videos and VidTIMIT frame folders, writing frame folders, checking frame counts."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from pathlib import Path

import cv2
import numpy as np

from .dataset import frame_folder_listing, numbering_gaps, original_frame_files
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
    return _read_images(original_frame_files(Path(folder)))


def _read_images(paths: list[Path]) -> Iterator[np.ndarray]:
    for path in paths:
        yield read_frame(path)


def open_source(path: str | Path) -> tuple[Iterator[np.ndarray], list[str]]:
    """Frames of a dataset video (video file or frame folder), and what is odd about its folder.

    The notes (files that are not frames, gaps in the numbering) are for
    the manifest: each is already logged, but a run over hundreds of videos
    needs them collected where the gather step can list them.
    """
    path = Path(path)
    if not path.is_dir():
        return iter_video(path), []
    files, extra = frame_folder_listing(path)
    notes = [f"{entry.name}: not a frame name, ignored" for entry in extra]
    gaps = numbering_gaps(files)
    if gaps:
        log.warning(
            "%s: frame numbering skips %s (later frames pair with the fake's by index)",
            path,
            _numbers(gaps),
        )
        notes.append(f"frame numbering skips {_numbers(gaps)}")
    return _read_images(files), notes


def _numbers(gaps: list[int]) -> str:
    return ", ".join(f"{n:03d}" for n in gaps)


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
    """Write a BGR image; the format follows the suffix (PNG lossless, JPEG at ``jpeg_quality``).

    A failure raises OSError, not :class:`VideoError`: a full disk is no
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


def extract_frames(
    source: str | Path,
    out_dir: str | Path,
    manifest: str | Path,
    *,
    video: str,
    expected: int,
    ext: str = "png",
    jpeg_quality: int = 95,
    original_manifest: str | Path | None = None,
) -> dict:
    """Decode every frame of ``source`` into ``out_dir/00001.<ext>`` ... and write a manifest.

    PNG (the default) keeps the decoded pixels exactly: re-encoding the
    frames as JPEG would add compression traces of our own to fakes and
    originals alike and blur the very differences the study measures.

    The decoded count is checked against ``expected`` (the original's frame
    count); a different count is logged and recorded (``count_ok``) and the
    frames are kept, so that pairing by index can go on and nothing is
    dropped silently. A source that cannot be decoded at all (empty or
    corrupt video, unreadable JPEG in a frame folder) does not fail the
    job: one bad file among hundreds must not stop the others. Its error,
    naming the file, is logged and recorded in the manifest (``error``) and
    the frame folder is left empty, so that every later step sees a video
    of 0 frames and the gather step lists it in ``problems.csv``.
    Frames after an unreadable JPEG would no longer line up with the fake's,
    so such a folder is not used at all.

    A fake is given its ``original_manifest``: frames of another size than
    the original's (a fake re-encoded at another resolution) cannot be
    compared pixel for pixel, and rescaling them would measure the
    rescaling, so the paired step leaves them unpaired and the mismatch is
    recorded in ``notes`` (see :func:`size_mismatch`). An original that
    could not be read is already listed, and none of its fakes is paired:
    nothing is noted for it.
    """
    n, height, width, error = 0, 0, 0, None
    with atomic_dir(out_dir) as tmp:
        try:
            frames, notes = open_source(source)
            for n, frame in enumerate(frames, start=1):
                width, height = frame_size(frame)
                write_image(tmp / frame_name(n, ext), frame, jpeg_quality)
            if n == 0:
                raise VideoError(f"{source}: no frame could be decoded (empty or corrupt video)")
        except (VideoError, cv2.error) as exc:  # the source's fault; our own I/O errors fail
            error, notes = str(exc), []
            n, height, width = 0, 0, 0
            for path in tmp.iterdir():
                path.unlink()
            log.error("%s: %s; the video is left out (0 frames)", source, error)
    if error is None and original_manifest is not None:
        original = json.loads(Path(original_manifest).read_text())
        notes += _size_notes(video, (width, height), original)
    info = {
        "video": video,
        "source": str(source),
        "n_decoded": n,
        "n_expected": int(expected),
        "count_ok": n == expected,
        "width": width,
        "height": height,
        "error": error,
        "notes": notes,
    }
    if error is None and n != expected:
        log.warning(
            "%s: decoded %d frames, expected %d (frames are paired by index)", source, n, expected
        )
    log.info("%s: %d frames of %dx%d -> %s", source, n, width, height, out_dir)
    with atomic_path(manifest) as tmp:
        tmp.write_text(json.dumps(info, indent=1, sort_keys=True) + "\n")
    return info


def _size_notes(video: str, size: tuple[int, int], original: dict) -> list[str]:
    """[:func:`size_mismatch`] if the frame ``size`` of fake ``video`` differs from its
    ``original`` manifest's (logged as a warning), else []; [] for an unreadable original."""
    original_size = (original["width"], original["height"])
    if original["error"] or size == original_size:
        return []
    note = size_mismatch(size, original["video"], original_size)
    log.warning("%s: %s", video, note)
    return [note]
