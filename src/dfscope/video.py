"""Decoding a dataset's videos and VidTIMIT frame folders into frame folders, checking counts."""

from __future__ import annotations

import json
import logging
from collections import Counter
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path

import cv2
import numpy as np

from .atomic import atomic_dir, atomic_path
from .batches import run_each
from .codecs import Recoder, recoder, recoding
from .columns import FROM_CONTAINER
from .frame_folders import frame_folder_listing, numbering_gaps
from .images import ImageError, frame_name, frame_size, read_frame, write_image

log = logging.getLogger(__name__)


class VideoError(ImageError):
    """A video or frame folder that cannot be read; the message names the file."""


#: Which frames (1-based numbers) a caller wants as pixels; the others are only counted.
Keep = Callable[[int], bool]


def iter_video(path: str | Path, keep: Keep | None = None) -> Iterator[np.ndarray | None]:
    """Yield the frames of a video file as (H, W, 3) uint8 BGR arrays, decoding them all;
    None for a frame that ``keep`` does not want, which is decoded (a video's frames depend on
    the ones before) but never converted to BGR nor copied out (``grab`` without ``retrieve``).

    The container's frame count is not trusted (it is wrong for some AVI
    files): callers count what was decoded.
    """
    capture = cv2.VideoCapture(str(path))
    if not capture.isOpened():
        raise VideoError(f"{path}: cannot be opened as a video")
    try:
        number = 0
        while capture.grab():
            number += 1
            if keep is not None and not keep(number):
                yield None
                continue
            ok, frame = capture.retrieve()
            if not ok:
                return
            yield frame
    finally:
        capture.release()


def container_count(path: str | Path) -> int:
    """The frame count a video's container states (0 where it states none): a plan to be
    checked against what is decoded, never a result (:func:`iter_video`)."""
    capture = cv2.VideoCapture(str(path))
    try:
        return max(int(capture.get(cv2.CAP_PROP_FRAME_COUNT)), 0) if capture.isOpened() else 0
    finally:
        capture.release()


def _read_images(paths: list[Path], keep: Keep | None) -> Iterator[np.ndarray | None]:
    """The frames of a frame folder, read only where ``keep`` wants them (None elsewhere)."""
    for number, path in enumerate(paths, start=1):
        yield read_frame(path) if keep is None or keep(number) else None


def open_source(
    path: str | Path, keep: Keep | None = None
) -> tuple[Iterator[np.ndarray | None], list[str]]:
    """Frames of a dataset video (video file or frame folder), and what is odd about its folder.

    Frames that ``keep`` does not want come as None, at the least cost: a video's are decoded
    but not converted; a frame folder's are not read at all. The notes (files that are not
    frames, gaps in the numbering) are for
    the manifest: each is already logged, but a run over hundreds of videos
    needs them collected where the gather step can list them.
    """
    path = Path(path)
    if not path.is_dir():
        return iter_video(path, keep), []
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
    return _read_images(files, keep), notes


def _numbers(gaps: list[int]) -> str:
    return ", ".join(f"{n:03d}" for n in gaps)


def extract_batch(
    videos: Sequence[dict], frames: str | Path, manifests: str | Path, **options
) -> list[str]:
    """The frames step for a batch: :func:`extract_frames` of each of ``videos`` (records with
    ``video``, ``path``, ``n_frames`` and ``original``) into ``frames/<video>/`` and
    ``manifests/<video>.json``, one video at a time. ``options`` are :func:`extract_frames`'s.
    Returns the videos that failed (:func:`dfscope.batches.run_each`); a source that cannot be
    decoded is no failure but a video of 0 frames, recorded in its manifest.

    Originals are decoded first: a fake whose layout gives no frame count (FaceForensics++,
    DFDC, a list) is expected to have its original's decoded count, which is then checked
    and which ``count`` spreads its kept frames over, so that a truncated fake is reported
    and keeps its original's frame numbers as far as it goes. (A batch holds a fake with its
    original: :func:`dfscope.batches.assign`.)
    """
    frames, manifests = Path(frames), Path(manifests)
    rows = {row["video"]: row for row in videos}
    decoded: dict[str, int] = {}  # original -> its decoded count, once decoded without error
    frames.mkdir(parents=True, exist_ok=True)

    def step(video: str) -> None:
        row = rows[video]
        expected, original = row["n_frames"], row.get("original")
        if expected is None and original in decoded:
            expected = decoded[original]
        info = extract_frames(
            row["path"],
            frames / video,
            manifests / f"{video}.json",
            video=video,
            expected=expected,
            expected_from=f"its original {original}" if expected != row["n_frames"] else None,
            **options,
        )
        if info["error"] is None:
            decoded[video] = info["n_decoded"]

    order = sorted(rows, key=lambda video: rows[video].get("original") in rows)  # originals first
    return run_each(order, step, manifests, stage="frames")


def frame_filter(expected: int, *, stride: int = 1, count: int | None = None):
    """Which frame numbers (1-based, in the source) to keep: every one, every ``stride``-th
    (1, 1 + stride, ...), or ``count`` evenly spaced over the ``expected`` frames, first and
    last included (all of them when there are no more than ``count``).

    Decided by the expected count, the same for a fake and its original, not by what a
    video turns out to hold, so that a truncated fake keeps its original's numbers as far
    as it goes.
    """
    if stride < 1 or (count is not None and count < 1):
        raise ValueError(f"frames.stride ({stride}) and frames.count ({count}) must be >= 1")
    if count is not None and stride > 1:
        raise ValueError("give frames.stride or frames.count, not both")
    if count is not None and count < expected:
        chosen = set(np.unique(np.linspace(1, expected, count).round().astype(int)).tolist())
        return chosen.__contains__
    return lambda number: (number - 1) % stride == 0


def cut_short(decoded: int, stated: int) -> bool:
    """Whether a video that decodes ``decoded`` frames where its container states ``stated``
    was cut short: more than 1 % of them (at least one frame) missing, so that a header whose
    count is estimated from the duration, a frame off, is no problem."""
    return stated - decoded > max(1, stated // 100)


def planned_length(source: str | Path) -> int:
    """How many frames a dataset video is expected to hold when its layout does not say: a
    frame folder's frame files, a video container's stated count. :func:`extract_frames`
    spreads ``frames.count`` over it and checks it against what it decodes."""
    source = Path(source)
    if source.is_dir():
        return len(frame_folder_listing(source)[0])
    return container_count(source) or sum(1 for _ in iter_video(source, lambda number: False))


def extract_frames(
    source: str | Path,
    out_dir: str | Path,
    manifest: str | Path,
    *,
    video: str,
    expected: int | None,
    expected_from: str | None = None,
    ext: str = "png",
    jpeg_quality: int = 95,
    stride: int = 1,
    count: int | None = None,
    recode: Mapping | None = None,
) -> dict:
    """Decode every frame of ``source`` into ``out_dir/00001.<ext>`` ... and write a manifest.

    Every frame is kept by default; ``stride`` keeps frames 1, 1 + stride, ... and ``count``
    that many evenly spaced over the ``expected`` frames (see :func:`frame_filter`). Frames
    keep their number in the source, and a fake and its original, which have the same
    ``expected`` count, keep the same numbers: pairs stay aligned. The manifest lists the
    kept numbers (``kept``).

    A lossless ``ext`` (``png``, this function's default, or ``bmp``; the workflow's is the
    config's ``frames.format``) keeps the decoded pixels exactly: re-encoding the
    frames as JPEG would add compression traces of our own to fakes and
    originals alike and blur the very differences the study measures. Where the
    study wants exactly that, one coding for both classes (``recode``: the
    ``frames.recode`` config, :mod:`dfscope.codecs`), the kept frames go through it
    before they are written (and the manifest says which: ``recode``).

    The decoded count is checked against ``expected`` (the layout's count, or
    the original's decoded count for a fake: ``expected_from`` says so in the
    manifest); a different count is logged and recorded (``count_ok``) and the
    frames are kept, so that pairing by frame number can go on and nothing
    is dropped silently. Where no count is known (``expected`` None), a video file is
    checked against the count its container states (``expected_from``:
    :data:`FROM_CONTAINER`): a video cut short (:func:`cut_short`) has ``count_ok`` false,
    since its frames are only a part of it; a frame folder, or a container that states no
    count, is not checked (``count_ok`` None). ``count`` then spreads its frames over the
    video's own length: the one :func:`planned_length` expects, checked against the frames
    decoded, and the video decoded a second time only where they differ (a container that
    states a wrong count). Frames not kept are never converted nor written
    (:func:`open_source`).

    A video's frames must have one size, since every later step cuts the
    face's square at the same place in consecutive frames and in a fake and
    its original: the size most of its frames have is the video's (the
    first frame's on a tie), and a frame of another size (one image swapped
    into a frame folder) is left out of the folder, listed in the manifest
    (``odd_size``) and named in its notes, so that no measure takes it.

    A source that cannot be decoded at all (empty or corrupt video,
    unreadable JPEG in a frame folder) does not fail the job: one bad file
    among hundreds must not stop the others. Its error, naming the file, is
    logged and recorded in the manifest (``error``) and the frame folder is
    left empty, so that every later step sees a video of 0 frames and the
    gather step lists it in ``problems.csv``.
    Frames after an unreadable JPEG would no longer line up with the fake's,
    so such a folder is not used at all.

    The manifest records the frame size (``width``, ``height``): the gather
    step lists a fake whose size is not its original's, which the paired
    step leaves unpaired.
    """
    known = expected is not None
    stated = 0 if known or Path(source).is_dir() else container_count(source)
    with atomic_dir(out_dir) as tmp:
        n, error, sizes, notes = _decode_kept(
            source,
            tmp,
            expected if known or count is None else stated or planned_length(source),
            recheck=not known and count is not None,
            sampling={"stride": stride, "count": count},
            writing=(ext, jpeg_quality, recoder(recode)),
        )
        (width, height), odd = _one_size(sizes)
        for number in odd:
            (tmp / frame_name(number, ext)).unlink()
    if odd:
        note = (
            f"frame(s) {_numbers(odd)} of another size than the video's {width}x{height} "
            f"({', '.join(f'{w}x{h}' for w, h in sorted({sizes[i] for i in odd}))}): left out"
        )
        log.warning("%s: %s", source, note)
        notes.append(note)
    count_ok = n == expected if known else None
    if not known and stated:
        expected, expected_from, count_ok = stated, FROM_CONTAINER, not cut_short(n, stated)
    info = {
        "video": video,
        "source": str(source),
        "n_decoded": n,
        "n_expected": None if expected is None else int(expected),
        "expected_from": expected_from,
        "count_ok": count_ok,
        "width": width,
        "height": height,
        "error": error,
        "notes": notes,
        "kept": [number for number in sizes if number not in odd],
        "odd_size": odd,
        "recode": recoding(recode),
    }
    if error is None and info["count_ok"] is False:
        log.warning(
            "%s: decoded %d frames, expected %d%s (frames are paired by number)",
            source,
            n,
            expected,
            f" ({expected_from}'s count)" if expected_from else "",
        )
    log.info(
        "%s: %d frames decoded, %d kept, of %dx%d -> %s",
        source,
        n,
        len(info["kept"]),
        width,
        height,
        out_dir,
    )
    with atomic_path(manifest) as tmp:
        tmp.write_text(json.dumps(info, indent=1, sort_keys=True) + "\n")
    return info


def _decode_kept(
    source: str | Path,
    out: Path,
    length: int | None,
    *,
    recheck: bool,
    sampling: Mapping,
    writing: tuple[str, int, Recoder],
) -> tuple[int, str | None, dict[int, tuple[int, int]], list[str]]:
    """Decode the frames of ``source`` that ``sampling`` (:func:`frame_filter`'s ``stride`` and
    ``count``) keeps of its ``length`` into ``out``, as ``writing`` (extension, JPEG quality,
    coding chain) says: the number decoded, the error that stopped it (None), the size of each
    one kept, and the notes. Where ``recheck`` (``count`` spread over a length the container
    stated) and the frames decoded are not that length, decoded again over the frames it has.
    A source that cannot be decoded leaves ``out`` empty, with its error."""
    try:
        keep = frame_filter(length or 0, **sampling)
        n, sizes, notes = _decode(source, out, keep, *writing)
        if recheck and n != length:
            log.info(
                "%s: %d frames decoded where its container states %d: decoded again, to "
                "spread frames.count over the frames it has",
                source,
                n,
                length,
            )
            for path in out.iterdir():
                path.unlink()
            n, sizes, notes = _decode(source, out, frame_filter(n, **sampling), *writing)
        if n == 0:
            raise VideoError(f"{source}: no frame could be decoded (empty or corrupt video)")
    except (ImageError, cv2.error) as exc:  # the source's fault; our own I/O errors fail
        for path in out.iterdir():
            path.unlink()
        log.error("%s: %s; the video is left out (0 frames)", source, exc)
        return 0, str(exc), {}, []
    return n, None, sizes, notes


def _decode(
    source: str | Path, out: Path, keep: Keep, ext: str, jpeg_quality: int, recode: Recoder
) -> tuple[int, dict[int, tuple[int, int]], list[str]]:
    """Decode ``source`` and write the frames ``keep`` wants into ``out``, each through the
    coding chain ``recode`` where there is one: the number of frames decoded, the size of each
    one kept, and the folder's notes (:func:`open_source`)."""
    decoded, sizes = 0, {}
    frames, notes = open_source(source, keep)

    def kept() -> Iterator[tuple[int, np.ndarray]]:
        nonlocal decoded
        for decoded, frame in enumerate(frames, start=1):
            if frame is not None:
                yield decoded, frame

    for number, frame in kept() if recode is None else recode(kept()):
        write_image(out / frame_name(number, ext), frame, jpeg_quality)
        sizes[number] = frame_size(frame)
    return decoded, sizes, notes


def _one_size(sizes: dict[int, tuple[int, int]]) -> tuple[tuple[int, int], list[int]]:
    """The size of a video (that of most of its kept frames, the first frame's on a tie) and
    the numbers of the frames of another size; (0, 0) for a video without frames."""
    if not sizes:
        return (0, 0), []
    size = Counter(sizes.values()).most_common(1)[0][0]  # ties: the first met, by Counter's order
    return size, [number for number, other in sizes.items() if other != size]
