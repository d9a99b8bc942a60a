"""What every dataset layout shares: a video's entry, the table of videos, the inputs skipped,
and how a reader names, finds and collects videos.

A layout's reader (:mod:`dfscope.layouts`) turns a dataset's tree into :class:`Entry` rows, one
per video, and a table of the inputs it did not take, each with why (:class:`Skips`).

Ids are built by every reader the same way (:func:`video_id`), from any name: names taken
from the tree (a folder, a file name's parts, a list's path) are lowered, accents are taken
off (``é`` -> ``e``), and every run of other characters than ``a-z`` and ``0-9`` (spaces,
``_``, ``,``, ``-``, ...) becomes one ``-``; a name left with no letter or digit (``视频``)
becomes ``u`` and 8 hex digits of its CRC-32 (:func:`dfscope.ids.id_piece`). The pieces are
joined by ``-``, so that an id is safe in paths, wildcards and tables: ``My Videos/clip 1.mp4``
gives ``my-videos-clip-1``, ``Vidéos/élon.MP4`` ``videos-elon``. An input whose id another
input already has (``a.mp4`` beside ``a.avi``, ``A.mp4`` or ``a_.mp4``) is skipped naming the
one kept: two files never share an id. Video files are those of the containers OpenCV's
FFmpeg reads (:data:`CONTAINERS`), whatever the case of the extension.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

import pandas as pd

from .columns import PROBLEM_COLUMNS, VIDEO_COLUMNS
from .ids import id_piece

log = logging.getLogger(__name__)

#: The video containers the layouts read (those OpenCV's FFmpeg back end decodes), as lowercase
#: extensions; a file's extension is compared in lower case (``.MP4``, ``.Mpg``).
CONTAINERS = (
    "3gp", "asf", "avi", "flv", "m2ts", "m4v", "mkv", "mov", "mp4", "mpeg", "mpg", "mts",
    "mxf", "ogv", "ts", "vob", "webm", "wmv",
)  # fmt: skip
#: One piece of a dataset's file name, as the readers' name patterns take it (``YVGY8LOK``).
TOKEN = r"[A-Za-z0-9]+"


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


def hidden(path: Path) -> bool:
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


def video_table(entries: Iterable[Entry]) -> pd.DataFrame:
    """The video table of ``entries``: the columns of :data:`dfscope.columns.VIDEO_COLUMNS`, the
    unknowns as missing values, sorted by id so that it is the same however it was built."""
    table = pd.DataFrame([asdict(entry) for entry in entries], columns=VIDEO_COLUMNS)
    table = table.sort_values("video", kind="stable").reset_index(drop=True)
    text = [c for c in VIDEO_COLUMNS if c not in ("label", "n_frames")]
    return table.astype({"label": "Int8", "n_frames": "Int32", **dict.fromkeys(text, "string")})


def video_id(names: Sequence[str]) -> str:
    """The id of ``names``, a piece of each: ``("ff", "Deepfakes", "c23", "000_003")`` gives
    ``ff-deepfakes-c23-000-003``, ``("table", "My Videos", "clip 1")``
    ``table-my-videos-clip-1``."""
    return "-".join(id_piece(name) for name in names)


def is_video_file(path: Path) -> bool:
    """Whether ``path``'s extension is one of :data:`CONTAINERS`, in any case."""
    return path.suffix[1:].lower() in CONTAINERS


def require_dir(path: Path, what: str) -> Path:
    """``path``, or a :class:`DatasetError` naming it when it is not a folder."""
    if not path.is_dir():
        raise DatasetError(f"{path}: {what} not found")
    return path


def video_files(folder: Path, skips: Skips, companions: tuple[str, ...] = ()) -> list[Path]:
    """The video files of ``folder`` in name order; anything else there is recorded in ``skips``
    but the layout's ``companions`` (DFDC's ``metadata.json``).

    Hidden entries are bookkeeping (``.DS_Store``), not data, and pass without a word.
    """
    files = []
    for path in sorted(folder.iterdir()):
        if hidden(path) or path.name in companions:
            continue
        if not path.is_file():
            skips.add(path, "a folder where video files are")
        elif not is_video_file(path):
            skips.add(path, f"extension {path.suffix!r} is not a video container's")
        else:
            files.append(path)
    return files


class Collection:
    """The entries a reader found, by id, and the inputs it skipped."""

    def __init__(self) -> None:
        self.entries: dict[str, Entry] = {}
        self.skips = Skips()

    def add(self, path: Path, names: Sequence[str], **fields) -> Entry | None:
        """Add the entry of ``path`` with the id of ``names`` and ``fields``, or record why not
        (an id already taken: the first input read keeps it)."""
        video = video_id(names)
        if video in self.entries:
            self.skips.add(path, f"same id {video} as {self.entries[video].path} (kept)", video)
            return None
        self.entries[video] = Entry(video=video, path=str(path), **fields)
        return self.entries[video]

    def real(self, names: Sequence[str]) -> str | None:
        """The id of ``names`` if it is a real video found: what a fake's ``original`` may be."""
        entry = self.entries.get(video_id(names))
        return entry.video if entry is not None and entry.label == 0 else None

    def result(self, root: Path, layout: str, looked_for: str) -> tuple[list[Entry], pd.DataFrame]:
        """The entries in id order and the skipped inputs; a :class:`DatasetError` naming the
        layout and what it ``looked_for`` if there is none."""
        if not self.entries:
            skips = len(self.skips.rows)
            skipped = f"; {skips} input(s) skipped, see the log" if skips else ""
            raise DatasetError(
                f"{root}: no videos found by the {layout} layout, which looks for {looked_for}"
                f"{skipped}"
            )
        return sorted(self.entries.values(), key=lambda e: e.video), self.skips.table()
