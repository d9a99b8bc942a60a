"""Any videos, listed in a CSV file: the layout for datasets that have no reader of their own.

List (``root`` is the CSV file; paths relative to its folder, or absolute)::

    path,label,group,subject,face_source,original,split
    real/alice_1.mp4,real,,alice,,,train
    fake/alice_1_bob.mp4,fake,faceswap,alice,bob,real/alice_1.mp4,train
    wild/clip.mp4,,,,,,test
    frames/carol_2,0,,carol,,,            (a frame folder)

Columns: ``path`` and ``label`` are required, the others optional; any other column is an
error (a misspelt optional column would otherwise be ignored without a word).
label: ``real`` / ``fake`` or ``0`` / ``1`` (0 = real), empty when unknown.
group: a fake's kind (default ``fake``); a real row's is ``real`` and an unlabelled one's
``unlabelled`` (the cell empty or saying so).
subject: whose video it is; default: the original's subject, else the video's own id.
face_source: whose face was put in (fakes only; default None).
original: a fake's real video, as the path (written as in the path column) or the id of
another row, which must be a real one; else the fake is kept without an original.
split: ``train``, ``val``, ``test`` or empty (None).
n_frames: None.

Ids: ``table-`` and the path from the list's folder (the absolute path for one outside it),
without a file's extension, each folder and the name made an id piece
(:func:`dfscope.ids.id_piece`: lowered, accents off, any other characters ``-``):
``fake/alice_1_bob.mp4`` gives ``table-fake-alice-1-bob``, ``My Videos/clip 1.MP4``
``table-my-videos-clip-1``, ``Vidéos/élon.mp4`` ``table-videos-elon``. Any file of a video
container OpenCV reads is taken (:data:`dfscope.layouts.CONTAINERS`, in any case). Ids can be
given as ``original``.

Folds: hold together every video that shares a subject or face_source with another (the
connected parts of the subject-face_source graph).

A row that cannot be taken (no such file, not a video container, an unknown label, split or
group, an id another row has) is a skipped input under its path; a row without a
path, one that lists a path again, and a fake's unknown original under ``<list>:<line>``.

Sources: the list form follows Hugging Face datasets' VideoFolder metadata.csv (paths
relative to the file: github.com/huggingface/datasets docs/source/video_dataset.mdx) and
the DFDC/DeepfakeBench label coding 0 = real, 1 = fake (github.com/SCLBD/DeepfakeBench
preprocessing/rearrange.py).
"""

from __future__ import annotations

import csv
import os
from pathlib import Path

import pandas as pd

from ..columns import REAL, UNLABELLED
from ..dataset import Collection, DatasetError, Entry, is_video_file, video_id

#: The order results list its groups in: by name.
GROUPS: tuple[str, ...] = ()
#: The keys of the config's ``dataset`` section that :func:`read` takes, besides ``root``.
OPTIONS = ()
#: What ``dataset.root`` is: the CSV file.
ROOT = "file"
#: What ``dataset.splits`` names: nothing (the list's own split column is the split).
SPLIT_FILES = None
#: Whether its videos carry an official split: the list's split column.
HAS_SPLIT = True
COLUMNS = ("path", "label", "group", "subject", "face_source", "original", "split")
REQUIRED = ("path", "label")
LABELS = {"real": 0, "0": 0, "fake": 1, "1": 1, "": None}
SPLITS = ("train", "val", "test")
FAKE_GROUP = "fake"
#: The group of a real and of an unlabelled video, which a row cannot change.
FIXED_GROUPS = {0: REAL, None: UNLABELLED}


def read(root: str | Path) -> tuple[list[Entry], pd.DataFrame]:
    """The entries of the videos listed in the CSV file ``root``, and the skipped inputs."""
    listing = Path(root)
    if not listing.is_file():
        raise DatasetError(f"{listing}: video list not found")
    with listing.open(newline="", encoding="utf-8-sig") as handle:
        reader = csv.DictReader(handle, restval="")
        unknown = sorted(set(reader.fieldnames or ()) - set(COLUMNS))
        missing = [c for c in REQUIRED if c not in (reader.fieldnames or ())]
        if missing or unknown:
            raise DatasetError(
                f"{listing}: columns {missing or unknown} are {'missing' if missing else 'unknown'}"
                f" (columns: {', '.join(COLUMNS)}; {', '.join(REQUIRED)} required)"
            )
        rows = [(Path(f"{listing}:{reader.line_num}"), row) for row in reader]
    found, folder = Collection(), listing.parent.absolute()
    fakes, seen = [], {}
    for where, row in rows:
        cells = dict.fromkeys(COLUMNS, "") | {
            key: (value or "").strip() for key, value in row.items() if key is not None
        }
        path = Path(os.path.normpath(folder / cells["path"]))
        problem = _problem(cells, path, extra=None in row)
        if cells["path"] and path in seen:
            found.skips.add(where, f"{path} is listed at {seen[path]} too")
        elif problem is not None:
            found.skips.add(path if cells["path"] else where, problem)
        elif LABELS[cells["label"].lower()] == 1:
            fakes.append((where, path, cells))
        else:
            _add(found, path, folder, cells, original=None)
        seen.setdefault(path, where)
    by_path = {entry.path: entry.video for entry in found.entries.values()}
    for where, path, cells in fakes:  # after the reals, which they may name as original
        original = _original(found, by_path, folder, cells["original"])
        if cells["original"] and original is None:
            found.skips.add(
                where,
                f"original {cells['original']!r} is not a real video of the list: "
                f"{path} is kept without an original",
            )
        _add(found, path, folder, cells, original=original)
    return found.result(listing, "table", "rows with a path and a label (columns: path, label)")


def _problem(cells: dict[str, str], path: Path, *, extra: bool) -> str | None:
    """What keeps a row from being read, or None."""
    label = LABELS.get(cells["label"].lower(), "unknown")
    own_group = FIXED_GROUPS.get(label)
    if extra:
        return "more cells than the list has columns"
    if not cells["path"]:
        return "no path"
    if not path.exists():
        return "not found"
    if path.is_file() and not is_video_file(path):
        return f"extension {path.suffix!r} is not a video container's"
    if label == "unknown":
        return f"label {cells['label']!r} is not one of real, fake, 0, 1 or empty"
    if cells["split"] not in ("", *SPLITS):
        return f"split {cells['split']!r} is not one of {', '.join(SPLITS)} or empty"
    if own_group and cells["group"] not in ("", own_group):
        return f"group {cells['group']!r} of a {own_group} video: it can only be {own_group}"
    if own_group and (cells["face_source"] or cells["original"]):
        return f"a {own_group} video has no face_source or original"
    return None


def _add(found: Collection, path: Path, folder: Path, cells: dict[str, str], original) -> None:
    """Add the entry of a checked row, with its ``original`` (an id or None)."""
    label = LABELS[cells["label"].lower()]
    names = ["table", *_relative(path, folder)]
    subject = cells["subject"] or (found.entries[original].subject if original else None)
    found.add(
        path,
        names,
        label=label,
        group=FIXED_GROUPS.get(label) or cells["group"] or FAKE_GROUP,
        subject=subject or video_id(names),
        face_source=cells["face_source"] or None,
        original=original,
        n_frames=None,
        split=cells["split"] or None,
    )


def _relative(path: Path, folder: Path) -> tuple[str, ...]:
    """The parts of ``path`` that make its id: from ``folder`` (else from ``/``), no extension."""
    path = path.with_suffix("") if path.is_file() else path
    return path.relative_to(folder).parts if path.is_relative_to(folder) else path.parts[1:]


def _original(found: Collection, by_path: dict[str, str], folder: Path, cell: str) -> str | None:
    """The id of the real video a fake's ``original`` cell names (an id or a path), or None."""
    if not cell:
        return None
    video = cell if cell in found.entries else by_path.get(os.path.normpath(folder / cell))
    return video if video is not None and found.entries[video].label == 0 else None
