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
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

import pandas as pd

from .ids import VIDEO_ID
from .schema import PROBLEM_COLUMNS, REAL, VIDEO_COLUMNS

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


class DatasetError(ValueError):
    """A dataset problem that names the offending file and what is wrong with it."""


@dataclass(frozen=True)
class Entry:
    """One video of a dataset: a row of the video table, whatever the layout it was read from
    (each reader of :mod:`dfscope.layouts` says what the fields mean there).

    video: id, unique within the dataset (names of [a-z0-9]+ joined by ``-``).
    label: 1 fake, 0 real, None unknown (a list's unlabelled rows).
    group: ``real``; for a fake the layout's kind of fake (DeepfakeTIMIT's quality LQ/HQ, the
        FF++ method); ``unlabelled`` for an unknown label. What per-group results are split by.
    subject: whose video it is (a fake's target): what cross-validation folds keep apart.
    face_source: whose face (or expressions) was put in; None for a real or when not known.
    original: id of the real video the fake was made from, when that video was read; else None.
    path: the video file or frame folder.
    n_frames: the frame count the video must have, when the layout says (a VidTIMIT folder's
        JPEG count, a fake's too: it is frame-aligned with it); else None (decoded, not checked).
    split: ``train``, ``val`` or ``test`` from the dataset's official split, else None.
    """

    video: str
    label: int | None
    group: str
    subject: str
    face_source: str | None
    original: str | None
    path: str
    n_frames: int | None
    split: str | None


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
    fakes_root: str | Path, originals_root: str | Path
) -> tuple[list[Entry], pd.DataFrame]:
    """The entries of a DeepfakeTIMIT dataset (every fake of the quality folders there and every
    original they use), and the table of the inputs that were skipped, each with why.

    An input is skipped when its name breaks the layout's rules (the reason names the rule),
    when it would get the id of another input (``sa1-video-x.avi`` beside ``sa1-video-x.mp4``:
    the first in name order is kept), or when it lies where the layout has no inputs. The
    VidTIMIT side of a skipped subject is named too, since its originals are then unused.
    Nothing is dropped without a row. A fake whose original folder is missing or empty
    raises :class:`DatasetError` naming both paths: DeepfakeTIMIT always ships its
    originals, so a missing one is a damaged copy, whose fakes would silently lose their
    paired metrics. Of the quality folders, those there are read (``higher_quality/`` may
    be left out); none at all is an error.
    """
    fakes_root, originals_root = Path(fakes_root), Path(originals_root)
    skips = Skips()
    _skip_strays(fakes_root, set(QUALITY_DIRS.values()), skips)
    rows: dict[str, Entry] = {}
    for quality, qdir in ((q, fakes_root / d) for q, d in QUALITY_DIRS.items()):
        if not qdir.is_dir():
            continue
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
    return sorted(rows.values(), key=lambda entry: entry.video), skips.table()


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
    folder: Path, quality: str, originals_root: Path, rows: dict[str, Entry], skips: Skips
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
        rows[video] = Entry(
            video=video,
            label=1,
            group=quality,
            subject=folder.name,
            face_source=parts["source"],
            original=original.video,
            path=str(path),
            n_frames=original.n_frames,
            split=None,
        )


def _original(originals_root: Path, subject: str, sentence: str, *, fake: Path) -> Entry:
    folder = originals_root / subject / "video" / sentence
    if not folder.is_dir():
        raise DatasetError(f"{fake}: original frame folder {folder} is missing")
    n_frames = len(original_frame_files(folder))
    if n_frames == 0:
        raise DatasetError(f"{fake}: original frame folder {folder} has no frames")
    return Entry(
        video=real_id(subject, sentence),
        label=0,
        group=REAL,
        subject=subject,
        face_source=None,
        original=None,
        path=str(folder),
        n_frames=n_frames,
        split=None,
    )


def video_table(entries: Iterable[Entry]) -> pd.DataFrame:
    """The video table of ``entries``: the columns of :data:`dfscope.schema.VIDEO_COLUMNS`, the
    unknowns as missing values, sorted by id so that it is the same however it was built."""
    table = pd.DataFrame([asdict(entry) for entry in entries], columns=VIDEO_COLUMNS)
    table = table.sort_values("video", kind="stable").reset_index(drop=True)
    text = [c for c in VIDEO_COLUMNS if c not in ("label", "n_frames")]
    return table.astype({"label": "Int8", "n_frames": "Int32", **dict.fromkeys(text, "string")})
