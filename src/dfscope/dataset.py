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
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

import pandas as pd

from .schema import PROBLEM_COLUMNS, VIDEO_COLUMNS

log = logging.getLogger(__name__)

#: quality label -> folder name in DeepfakeTIMIT.
QUALITY_DIRS: dict[str, str] = {"LQ": "lower_quality", "HQ": "higher_quality"}

#: Ids are built from subject, sentence and face-source names, so each must be a name of this
#: form: ids stay safe in paths, wildcards and tables, and two inputs never share an id.
NAME_RULE = "lowercase letters and digits only ([a-z0-9]+)"
NAME = re.compile(r"^[a-z0-9]+$")
#: A DeepfakeTIMIT fake's file name, loosely split so that a bad name can be told which part is bad.
FAKE_PARTS = re.compile(r"^(?P<sentence>.+?)-video-(?P<source>.+)\.(?P<ext>[^.]+)$")
VIDEO_EXTENSIONS = ("avi", "mp4")
FRAME_NAME = re.compile(r"^\d+$")
#: A video id: names joined by "-" (``lq-fadg0-sa1-fram1``), each of the form of :data:`NAME`.
VIDEO_ID = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")


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


def wildcard_pattern(names: Sequence[str]) -> str:
    """The regular expression a Snakemake wildcard over ``names`` (the batches built from the
    video table) must match: parts of :data:`NAME` joined by "-".

    It keeps a wildcard from reaching into another file's name (``<batch>.log``) or folder.
    Every name is checked against it here, so that one the pattern would not match stops
    the run at once instead of leaving its jobs unplanned. A pattern of the alphabet, not an
    alternation of the names, since Snakemake matches it against every file it plans.
    """
    bad = [name for name in names if not VIDEO_ID.fullmatch(name)]
    if bad:
        raise DatasetError(f"names {bad[:5]} are not parts of [a-z0-9]+ joined by '-'")
    return VIDEO_ID.pattern


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


def _hidden(path: Path) -> bool:
    """Bookkeeping of file managers and Snakemake (``.DS_Store``, ``.snakemake_timestamp``)."""
    return path.name.startswith(".")


class Skips:
    """The inputs a reader did not take, each with why: ``problems.csv`` rows (stage ``dataset``).

    Every skip is also logged as a warning when it is found, so that the start of a run
    names it too. A path is recorded once, however often it is met.
    """

    def __init__(self) -> None:
        self.rows: dict[str, tuple[str, str, str, str]] = {}

    def add(self, path: Path, why: str, video: str = "") -> None:
        if str(path) not in self.rows:
            log.warning("%s: %s", path, why)
            self.rows[str(path)] = (video, str(path), "dataset", why)

    def table(self) -> pd.DataFrame:
        """The skips as a problems table, sorted by path."""
        rows = sorted(self.rows.values(), key=lambda row: row[1])
        return pd.DataFrame(rows, columns=PROBLEM_COLUMNS).astype("string")


def fake_name_problem(name: str) -> str | None:
    """What is wrong with a DeepfakeTIMIT fake's file name, or None if it is a valid one.

    The name is ``<sentence>-video-<S>.avi`` (or ``.mp4``); the answer names the rule
    broken, so that a user can rename the file rather than guess.
    """
    parts = FAKE_PARTS.match(name)
    if parts is None:
        return "does not match <sentence>-video-<S>.avi (or .mp4)"
    if parts["ext"] not in VIDEO_EXTENSIONS:
        return f"extension .{parts['ext']} is not one of {', '.join(VIDEO_EXTENSIONS)}"
    for part, what in (("sentence", "sentence"), ("source", "face source")):
        if not NAME.match(parts[part]):
            return f"{what} {parts[part]!r} breaks the naming rule: {NAME_RULE}"
    return None


def discover(
    fakes_root: str | Path, originals_root: str | Path, qualities: tuple[str, ...] = ("LQ", "HQ")
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The video table of a dataset (every fake of ``qualities`` and every original they use),
    and the table of the inputs that were skipped, each with why.

    An input is skipped when its name breaks the layout's rules (the reason names the rule),
    when it would get the id of another input (``sa1-video-x.avi`` beside ``sa1-video-x.mp4``:
    the first in name order is kept), or when it lies where the layout has no inputs. The
    VidTIMIT side of a skipped subject is named too, since its originals are then unused.
    Nothing is dropped without a row. A fake whose original folder is missing or empty
    raises :class:`DatasetError` naming both paths, because its paired metrics could not be
    computed and silently dropping it would bias the evaluation.
    """
    fakes_root, originals_root = Path(fakes_root), Path(originals_root)
    skips = Skips()
    _skip_strays(fakes_root, set(QUALITY_DIRS.values()), skips)
    rows: dict[str, Video] = {}
    for quality in qualities:
        qdir = fakes_root / QUALITY_DIRS[quality]
        if not qdir.is_dir():
            raise DatasetError(f"{qdir}: quality folder for {quality} not found")
        for folder in sorted(qdir.iterdir()):
            if _hidden(folder):
                continue
            if not folder.is_dir():
                skips.add(folder, f"not a <subject> folder (a file directly in {qdir.name}/)")
            elif not NAME.match(folder.name):
                _skip_subject(folder, originals_root / folder.name, skips)
            else:
                _add_fakes(folder, quality, originals_root, rows, skips)
    if not rows:
        raise DatasetError(
            f"{fakes_root}: no fake videos found under {list(QUALITY_DIRS.values())}"
        )
    return video_table(rows.values()), skips.table()


def _skip_strays(root: Path, expected: set[str], skips: Skips) -> None:
    """Record every entry of a dataset root that is not one of the ``expected`` folders.

    They are never read, but a README or a misplaced video there is worth a row: a video
    copied to the wrong level would otherwise just be missing.
    """
    if not root.is_dir():
        return
    for entry in sorted(root.iterdir()):
        if entry.name not in expected and not _hidden(entry):
            skips.add(entry, f"not one of {', '.join(sorted(expected))}: not read")


def _skip_subject(folder: Path, originals: Path, skips: Skips) -> None:
    """Skip a subject folder whose name cannot make an id, and say its originals are unused."""
    skips.add(folder, f"subject folder name {folder.name!r} breaks the naming rule: {NAME_RULE}")
    if originals.is_dir():
        skips.add(originals, f"VidTIMIT side of the skipped subject folder {folder}: not used")


def _add_fakes(
    folder: Path, quality: str, originals_root: Path, rows: dict[str, Video], skips: Skips
) -> None:
    """Add the fakes of one subject folder, and each one's original, to ``rows`` (by id)."""
    for path in sorted(folder.iterdir()):
        if _hidden(path) or _is_companion(path):
            continue
        problem = fake_name_problem(path.name)
        if problem is not None:
            skips.add(path, problem)
            continue
        parts = FAKE_PARTS.match(path.name)
        video = fake_id(quality, folder.name, parts["sentence"], parts["source"])
        if video in rows:
            skips.add(
                path, f"same id {video} as {rows[video].path} (kept: first in name order)", video
            )
            continue
        original = rows.get(real_id(folder.name, parts["sentence"])) or _original(
            originals_root, folder.name, parts["sentence"], fake=path
        )
        rows[original.video] = original
        rows[video] = Video(
            video,
            1,
            quality,
            folder.name,
            parts["sentence"],
            parts["source"],
            original.video,
            str(path),
            original.n_frames,
        )


def _original(originals_root: Path, subject: str, sentence: str, *, fake: Path) -> Video:
    folder = originals_root / subject / "video" / sentence
    if not folder.is_dir():
        raise DatasetError(f"{fake}: original frame folder {folder} is missing")
    n_frames = len(original_frame_files(folder))
    if n_frames == 0:
        raise DatasetError(f"{fake}: original frame folder {folder} has no frames")
    return Video(
        real_id(subject, sentence),
        0,
        "real",
        subject,
        sentence,
        subject,
        real_id(subject, sentence),
        str(folder),
        n_frames,
    )


def video_table(videos) -> pd.DataFrame:
    """The video table, sorted by id so that it is the same however it was built."""
    table = pd.DataFrame([asdict(v) for v in videos], columns=VIDEO_COLUMNS)
    table = table.sort_values("video", kind="stable").reset_index(drop=True)
    return table.astype({"label": "int8", "n_frames": "int32"})
