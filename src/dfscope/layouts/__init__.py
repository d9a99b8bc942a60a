"""Readers of deepfake datasets in the trees they are downloaded in, one module per layout.

Each reader turns one dataset's tree into :class:`Entry` rows (one per video) and a table
of the inputs it did not take, each with why (:class:`dfscope.dataset.Skips`), so that a
study can run on FaceForensics++, Celeb-DF, DFDC or any list of videos as it runs on
DeepfakeTIMIT. Readers only read names and metadata: no video is opened.

Ids are built by every reader the same way (:func:`video_id`), from any name: names taken
from the tree (a folder, a file name's parts, a list's path) are lowered, accents are taken
off (``é`` -> ``e``), and every run of other characters than ``a-z`` and ``0-9`` (spaces,
``_``, ``,``, ``-``, ...) becomes one ``-``; a name left with no letter or digit (``视频``)
becomes ``u`` and 8 hex digits of its CRC-32. The pieces are joined by ``-``, so that an id is
safe in paths, wildcards and tables (:data:`dfscope.dataset.VIDEO_ID`): ``My Videos/clip
1.mp4`` gives ``my-videos-clip-1``, ``Vidéos/élon.MP4`` ``videos-elon``. An input whose id
another input already has (``a.mp4`` beside ``a.avi``, ``A.mp4`` or ``a_.mp4``) is skipped
naming the one kept: two files never share an id. Video files are those of the containers
OpenCV's FFmpeg reads (:data:`CONTAINERS`), whatever the case of the extension.

A fake whose original is not in the tree read is kept with ``original`` None: fakes
without originals are first-class (only the paired metrics need an original).
"""

from __future__ import annotations

import importlib
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

import pandas as pd

from ..dataset import DatasetError, Entry, Skips, _hidden, video_table
from ..ids import id_piece
from ..tables import write_csv, write_parquet

#: The layouts by name: the module holding each one's reader, imported only when read, so
#: that reading one dataset depends on (and its reruns follow) its own reader's code only.
LAYOUTS: dict[str, str] = {
    name: f"{__name__}.{name}"
    for name in ("deepfaketimit", "faceforensics", "celebdf", "dfdc", "table")
}

#: The video containers the layouts read (those OpenCV's FFmpeg back end decodes), as lowercase
#: extensions; a file's extension is compared in lower case (``.MP4``, ``.Mpg``).
CONTAINERS = (
    "3gp", "asf", "avi", "flv", "m2ts", "m4v", "mkv", "mov", "mp4", "mpeg", "mpg", "mts",
    "mxf", "ogv", "ts", "vob", "webm", "wmv",
)  # fmt: skip
#: One piece of a dataset's file name, as the readers' name patterns take it (``YVGY8LOK``).
TOKEN = r"[A-Za-z0-9]+"


def read(name: str, root: str | Path, **options) -> tuple[list[Entry], pd.DataFrame]:
    """The entries of the dataset at ``root`` in layout ``name`` (sorted by id), and its skipped
    inputs (columns of :data:`dfscope.schema.PROBLEM_COLUMNS`); ``options`` go to the reader."""
    try:
        module = LAYOUTS[name]
    except KeyError:
        raise ValueError(f"unknown dataset layout {name!r}; known: {sorted(LAYOUTS)}") from None
    return importlib.import_module(module).read(root, **options)


def group_order(name: str, groups: Iterable[str]) -> list[str]:
    """The distinct ``groups`` in the order results list them: the order layout ``name``'s
    reader gives (its ``GROUPS``: DeepfakeTIMIT's LQ before HQ, as its paper reports them),
    then the others by name."""
    known = getattr(importlib.import_module(LAYOUTS[name]), "GROUPS", ())
    found = set(groups)
    return [group for group in known if group in found] + sorted(found - set(known))


def module_of(name: str) -> str:
    """The dfscope module holding layout ``name``'s reader: what the video table's code hash
    covers."""
    return LAYOUTS[name].removeprefix("dfscope.")


def read_dataset(dataset: Mapping) -> tuple[list[Entry], pd.DataFrame]:
    """The entries of the dataset a config's ``dataset`` section names, read by its layout's
    reader with the options that layout has, and its skipped inputs. Of the fakes, those of
    ``groups`` are kept when it is set; a group asked for but not found is an error, since
    every result of it would silently be missing."""
    options = {
        "deepfaketimit": {"originals_root": dataset["originals_root"]},
        "faceforensics": {
            "compression": dataset["compression"],
            "methods": dataset["groups"],
            "splits": dataset["splits"],
        },
        "celebdf": {"test_list": dataset["splits"]},
    }.get(dataset["layout"], {})
    entries, skipped = read(dataset["layout"], dataset["root"], **options)
    groups = dataset["groups"]
    if groups:
        found = {entry.group for entry in entries if entry.label == 1}
        if missing := sorted(set(groups) - found):
            raise DatasetError(
                f"{dataset['root']}: no fakes of dataset.groups {missing} "
                f"(groups found: {sorted(found)})"
            )
        entries = [entry for entry in entries if entry.label != 1 or entry.group in groups]
    return entries, skipped


def write_tables(dataset: Mapping, videos_out: str | Path, skipped_out: str | Path) -> None:
    """The video-table step: the dataset of a config's ``dataset`` section
    (:func:`read_dataset`) as the video table (Parquet) and its skipped inputs (CSV)."""
    entries, skipped = read_dataset(dataset)
    write_parquet(video_table(entries), videos_out)
    write_csv(skipped, skipped_out)


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
        if _hidden(path) or path.name in companions:
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
