"""Discover a DeepfakeTIMIT/VidTIMIT-layout dataset and pair every fake with its original.

Layout (see the dataset notes)::

    <fakes_root>/lower_quality/<T>/<sentence>-video-<S>.avi
    <fakes_root>/higher_quality/<T>/<sentence>-video-<S>.avi
    <originals_root>/<T>/video/<sentence>/001, 002, ...   (JPEG, no extension)

``<T>`` is the subject whose video (body, background, audio) was reused and
``<S>`` the pair partner whose face was put in, so the original of a fake is
``<originals_root>/<T>/video/<sentence>/``. The real videos of the study are
exactly the originals that some fake was made from; VidTIMIT's head-rotation
sequences and unused subjects never enter the table.
"""

from __future__ import annotations

import logging
import re
from dataclasses import asdict, dataclass
from pathlib import Path

import pandas as pd

log = logging.getLogger(__name__)

#: quality label -> folder name in DeepfakeTIMIT.
QUALITY_DIRS: dict[str, str] = {"LQ": "lower_quality", "HQ": "higher_quality"}

FAKE_NAME = re.compile(r"^(?P<sentence>[a-z0-9]+)-video-(?P<source>[a-z0-9]+)\.(?P<ext>avi|mp4)$")
SUBJECT_NAME = re.compile(r"^[a-z0-9]+$")
FRAME_NAME = re.compile(r"^\d+$")

#: Column order of the video table (written once, used by every reader).
VIDEO_COLUMNS = [
    "video", "label", "quality", "subject", "sentence", "face_source",
    "original", "path", "n_frames",
]


class DatasetError(ValueError):
    """A dataset problem that names the offending file and what is wrong with it."""


@dataclass(frozen=True)
class Video:
    """One row of the video table.

    ``n_frames`` is the number of frames the video must have: the number of
    JPEG files in the original's VidTIMIT folder (for a fake too, since a
    fake is frame-aligned with its original). The frames step checks the
    decoded count against it.
    """

    video: str
    label: int  # 1 = fake, 0 = real
    quality: str  # "LQ" / "HQ" for fakes, "real" for originals
    subject: str  # T: whose video was used
    sentence: str
    face_source: str  # S: whose face is shown (T for a real video)
    original: str  # id of the real video this one is aligned with (itself for a real one)
    path: str
    n_frames: int


def real_id(subject: str, sentence: str) -> str:
    """Id of the VidTIMIT original ``<subject>/video/<sentence>``."""
    return f"real-{subject}-{sentence}"


def fake_id(quality: str, subject: str, sentence: str, face_source: str) -> str:
    """Id of the DeepfakeTIMIT fake ``<quality>/<subject>/<sentence>-video-<face_source>``."""
    return f"{quality.lower()}-{subject}-{sentence}-{face_source}"


def original_frame_files(folder: Path) -> list[Path]:
    """The frame files of a VidTIMIT sentence folder, in numeric order.

    VidTIMIT names frames 001, 002, ... without extension; anything else in
    the folder is not a frame and is reported, not read.
    """
    return frame_folder_listing(folder)[0]


def frame_folder_listing(folder: Path) -> tuple[list[Path], list[Path]]:
    """(frame files in numeric order, other entries) of a VidTIMIT sentence folder.

    The other entries are named in the log here, once per listing, and
    returned so that the frames step can record them in its manifest.
    Hidden entries (``.snakemake_timestamp``, which Snakemake puts in every
    ``directory()`` output such as the generated sample's frame folders, or
    a file manager's ``.DS_Store``) are bookkeeping, not data: skipped
    without a word.
    """
    files, extra = [], []
    for entry in folder.iterdir():
        if entry.name.startswith("."):
            continue
        (files if entry.is_file() and FRAME_NAME.match(entry.name) else extra).append(entry)
    extra.sort()
    for entry in extra:
        log.warning("%s: not a VidTIMIT frame name, ignored", entry)
    return sorted(files, key=lambda p: int(p.name)), extra


def numbering_gaps(files: list[Path]) -> list[int]:
    """Frame numbers missing between 1 and the last of ``files`` (VidTIMIT names, in order).

    A gap means a frame the camera recorded is not on disk: the frames after
    it no longer line up by index with a fake made from the full sequence.
    """
    present = {int(p.name) for p in files}
    return [n for n in range(1, max(present, default=0) + 1) if n not in present]


def _is_companion(path: Path) -> bool:
    """Files DeepfakeTIMIT ships beside each fake (audio, checksums): expected, not videos."""
    return path.suffix == ".wav" or path.name == ".dircksum"


def discover(fakes_root: str | Path, originals_root: str | Path,
             qualities: tuple[str, ...] = ("LQ", "HQ")) -> pd.DataFrame:
    """Build the video table of a dataset: every fake of ``qualities`` and every original they use.

    Files whose names do not follow the layout are skipped with a warning
    that names them. A fake whose original folder is missing or empty
    raises :class:`DatasetError` naming both paths, because its paired
    metrics could not be computed and silently dropping it would bias the
    evaluation.
    """
    fakes_root, originals_root = Path(fakes_root), Path(originals_root)
    _warn_strays(fakes_root, set(QUALITY_DIRS.values()))
    rows: dict[str, Video] = {}
    for quality in qualities:
        qdir = fakes_root / QUALITY_DIRS[quality]
        if not qdir.is_dir():
            raise DatasetError(f"{qdir}: quality folder for {quality} not found")
        for folder in sorted(qdir.iterdir()):
            if not (folder.is_dir() and SUBJECT_NAME.match(folder.name)):
                log.warning("%s: not a <subject> folder, skipped", folder)
                continue
            for path in sorted(folder.iterdir()):
                match = FAKE_NAME.match(path.name)
                if match is None:
                    if not _is_companion(path):
                        log.warning("%s: does not match <sentence>-video-<S>.avi, skipped", path)
                    continue
                sentence = match["sentence"]
                original = rows.get(real_id(folder.name, sentence)) or _original(
                    originals_root, folder.name, sentence, fake=path)
                rows[original.video] = original
                fake = Video(fake_id(quality, folder.name, sentence, match["source"]),
                             1, quality, folder.name, sentence, match["source"],
                             original.video, str(path), original.n_frames)
                rows[fake.video] = fake
    if not rows:
        raise DatasetError(f"{fakes_root}: no fake videos found under {list(QUALITY_DIRS.values())}")
    return video_table(rows.values())


def _warn_strays(root: Path, expected: set[str]) -> None:
    """Name in the log every entry of a dataset root that is not one of ``expected`` folders.

    They are never read, but a README or a misplaced video there is worth a
    line: a video copied to the wrong level would otherwise just be missing.
    """
    if not root.is_dir():
        return
    for entry in sorted(root.iterdir()):
        if entry.name not in expected:
            log.warning("%s: not one of %s, skipped", entry, sorted(expected))


def _original(originals_root: Path, subject: str, sentence: str, *, fake: Path) -> Video:
    folder = originals_root / subject / "video" / sentence
    if not folder.is_dir():
        raise DatasetError(f"{fake}: original frame folder {folder} is missing")
    n_frames = len(original_frame_files(folder))
    if n_frames == 0:
        raise DatasetError(f"{fake}: original frame folder {folder} has no frames")
    return Video(real_id(subject, sentence), 0, "real", subject, sentence, subject,
                 real_id(subject, sentence), str(folder), n_frames)


def video_table(videos) -> pd.DataFrame:
    """The video table, sorted by id so that it is the same however it was built."""
    table = pd.DataFrame([asdict(v) for v in videos], columns=VIDEO_COLUMNS)
    table = table.sort_values("video", kind="stable").reset_index(drop=True)
    return table.astype({"label": "int8", "n_frames": "int32"})
