"""DFDC (the Deepfake Detection Challenge's training set) in its part folders.

Tree::

    <root>/dfdc_train_part_0/metadata.json
    <root>/dfdc_train_part_0/aaqaifqrwn.mp4, ...
    <root>/dfdc_train_part_1/...                 (any folder with a metadata.json is a part)

``metadata.json`` maps each file name to ``{"label": "REAL" | "FAKE", "split": "train",
"original": "<file name of the real clip>" | null}``.

Ids: ``dfdc-<part>-<file>`` with the part folder's ``dfdc_`` dropped and ``_`` -> ``-``:
``dfdc-train-part-0-aaqaifqrwn``.

Fields: subject: the file name (without ``.mp4``) of the real clip a video comes from: its
own for a real, the metadata's ``original`` for a fake (its own when it names none). DFDC
has no person ids, so this keeps a fake with its original; the same actor in several real
clips is not known. face_source: None (not given); original: the id of the metadata's
``original`` when that clip is read (looked up in the fake's own part first, then in the
others, where it must be in one only); group: ``FAKE`` (the metadata's label: DFDC names
no method) or ``real``; n_frames: None; split: the metadata's ``split`` (None if it has none).

Folds: hold together every video of one subject (a fake and its original clip). This is
clip-level, not person-level: DFDC's actors appear in many clips.

A ``metadata.json`` that cannot be parsed is a skipped input (its part is not read); so
are a video it does not list, one whose label or split is unknown, and a listed video that
is not there.

Sources: Kaggle's DFDC data page (as quoted in
github.com/ynr0007/VIDEO-FORGERY-DETECTION-USING-HYBRID-ARCHITECTURE README);
github.com/aaronchong888/DeepFake-Detect train_sample_videos/metadata.json (its format);
github.com/SCLBD/DeepfakeBench preprocessing/rearrange.py (dfdc_train_part_<i> folders).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pandas as pd

from ..columns import REAL
from ..dataset import TOKEN, Collection, Entry, require_dir, video_files

#: The keys of the config's ``dataset`` section that :func:`read` takes, besides ``root``.
OPTIONS = ()
#: What ``dataset.root`` is: the folder holding the part folders.
ROOT = "folder"
#: What ``dataset.splits`` names: nothing (each part's metadata.json says its split).
SPLIT_FILES = None
#: Whether its videos carry an official split: the training parts say only ``train``.
HAS_SPLIT = False
METADATA = "metadata.json"
FAKE_GROUP = "FAKE"
#: The order results list its groups in: its one group of fakes.
GROUPS = (FAKE_GROUP,)
LABELS = {"REAL": 0, "FAKE": 1}
SPLITS = ("train", "val", "test")
FILE = re.compile(TOKEN)


def read(root: str | Path) -> tuple[list[Entry], pd.DataFrame]:
    """The entries of the DFDC part folders under ``root`` and the skipped inputs."""
    root = require_dir(Path(root), "DFDC folder")
    found = Collection()
    videos = []
    for folder in sorted(root.glob("[!.]*")):
        if not (folder / METADATA).is_file():
            found.skips.add(folder, f"not a part folder (a folder with {METADATA}): not read")
        elif (metadata := _metadata(folder / METADATA, found)) is not None:
            videos += _videos(folder, metadata, found)
    reals: dict[str, list[tuple[Path, str]]] = {}  # file name -> (part, id) of each real
    for label, path, info in sorted(videos, key=lambda video: video[0]):  # reals first
        source = info.get("original") if label else None
        entry = found.add(
            path,
            ["dfdc", path.parent.name.removeprefix("dfdc_"), path.stem],
            label=label,
            group=FAKE_GROUP if label else REAL,
            subject=Path(source or path.name).stem,
            face_source=None,
            original=_original(reals.get(source, []), path.parent) if source else None,
            n_frames=None,
            split=info.get("split"),
        )
        if entry is not None and not label:
            reals.setdefault(path.name, []).append((path.parent, entry.video))
    return found.result(root, "dfdc", f"part folders (dfdc_train_part_N/) with a {METADATA}")


def _metadata(path: Path, found: Collection) -> dict | None:
    """The parsed ``metadata.json``, or None (and a skipped input) if it cannot be parsed."""
    try:
        metadata = json.loads(path.read_text())
    except (OSError, ValueError) as error:
        found.skips.add(path, f"cannot be parsed ({error}): its part is not read")
        return None
    if not isinstance(metadata, dict) or not all(isinstance(v, dict) for v in metadata.values()):
        found.skips.add(path, "not a JSON object of {file: {label, split, original}}: not read")
        return None
    for name in sorted(metadata):
        if not (path.parent / name).exists():
            found.skips.add(path.parent / name, f"listed in {METADATA} but not there")
    return metadata


def _videos(folder: Path, metadata: dict, found: Collection) -> list[tuple[int, Path, dict]]:
    """(label, path, metadata) of each video of a part; those with a bad name or entry are
    recorded as skipped."""
    videos = []
    for path in video_files(folder, found.skips, companions=(METADATA,)):
        info = metadata.get(path.name)
        if info is None:
            found.skips.add(path, f"not in {folder / METADATA}: no label")
        elif info.get("label") not in LABELS:
            found.skips.add(path, f"label {info.get('label')!r} is not one of REAL, FAKE")
        elif info.get("split") not in (*SPLITS, None):
            found.skips.add(path, f"split {info.get('split')!r} is not one of {', '.join(SPLITS)}")
        elif not isinstance(info.get("original"), str | None):
            found.skips.add(path, f"original {info['original']!r} is not a file name")
        elif not FILE.fullmatch(path.stem):
            found.skips.add(path, "file name is not letters and digits (aaqaifqrwn.mp4)")
        else:
            videos.append((LABELS[info["label"]], path, info))
    return videos


def _original(reals: list[tuple[Path, str]], part: Path) -> str | None:
    """The id of a fake's original among the reals of its file name: the one in the fake's own
    part, else the only one; None when none was read, or several other parts have one."""
    own = [video for folder, video in reals if folder == part]
    return own[0] if own else reals[0][1] if len(reals) == 1 else None
