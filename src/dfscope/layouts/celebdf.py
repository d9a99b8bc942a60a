"""Celeb-DF (v1 and v2) in the tree it is released in.

Tree::

    <root>/Celeb-real/id0_0000.mp4, id1_0007.mp4, ...   celebrities' videos
    <root>/YouTube-real/00000.mp4, ...                  other real videos (no fakes)
    <root>/Celeb-synthesis/id0_id1_0000.mp4, ...        the fakes
    <root>/List_of_testing_videos.txt                   optional: "1 Celeb-real/id1_0007.mp4"

Names: a fake ``idA_idB_NNNN`` is ``Celeb-real/idA_NNNN.mp4`` (the target, celebrity idA)
with the face of celebrity idB.

Ids: ``celebdf-real-id0-0000``, ``celebdf-youtube-00170``, ``celebdf-synthesis-id0-id1-0000``.

Fields: subject: the celebrity idA (of Celeb-real and Celeb-synthesis videos); a
YouTube-real clip names no one, so each is its own subject, ``youtube-NNNNN`` (they have
no fakes; whether two show one person is not known); face_source: idB (None for reals);
original: ``celebdf-real-idA-NNNN`` when read; group: ``Celeb-synthesis`` for fakes,
``real`` for both real folders; n_frames: None; split: with the test list, ``test`` for the
videos it lists and ``train`` for the others (the release has no other split), else None.

Test list: one ``<label> <folder>/<file>`` a line, no header, where label **1 = real,
0 = fake** (the inverse of dfscope's labels). A line that cannot be parsed, that names a
video not read, or whose label contradicts its folder is a skipped input (its path:
``<list>:<line>``); the folder's label is the one kept.

Folds: a fake shows two celebrities, idA's and idB's, so a fold must hold together every
video whose subject or face_source is the same celebrity (the connected parts of the
subject-face_source graph: with many face donors per target these can be large).

Sources: github.com/yuezunli/celeb-deepfakeforensics README.md, Celeb-DF-v2/README.md
(tree, counts, donors per target); its List_of_testing_videos.txt as copied in
github.com/AKASH2907/deepfakes_video_classification (format, 1 = real);
github.com/polimi-ispl/icpr2020dfdc index_celebdf.py (original of idA_idB_NNNN).
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from ..columns import REAL
from ..dataset import TOKEN, Collection, DatasetError, Entry, require_dir, video_files

#: The keys of the config's ``dataset`` section that :func:`read` takes, besides ``root``.
OPTIONS = ("splits",)
#: What ``dataset.root`` is: the folder holding Celeb-real/, YouTube-real/, Celeb-synthesis/.
ROOT = "folder"
#: What ``dataset.splits`` names: the release's list of test videos.
SPLIT_FILES = ("file", "the file List_of_testing_videos.txt")
#: Whether its videos carry an official split (``classifier.split: dataset``).
HAS_SPLIT = True

FAKE_GROUP = "Celeb-synthesis"
#: The order results list its groups in: its one group of fakes.
GROUPS = (FAKE_GROUP,)
#: Folder -> (id part, file-name pattern without the extension, its form); reals first, so that
#: a fake's original is known when the fake is read.
FOLDERS: dict[str, tuple[str, re.Pattern, str]] = {
    "Celeb-real": ("real", re.compile(rf"(?P<target>{TOKEN})_(?P<clip>{TOKEN})"), "idA_NNNN"),
    "YouTube-real": ("youtube", re.compile(rf"(?P<clip>{TOKEN})"), "NNNNN"),
    FAKE_GROUP: (
        "synthesis",
        re.compile(rf"(?P<target>{TOKEN})_(?P<source>{TOKEN})_(?P<clip>{TOKEN})"),
        "idA_idB_NNNN",
    ),
}
#: A line of the test list: its label (1 = real, 0 = fake) and the path under the root.
TEST_LINE = re.compile(r"(?P<label>[01]) (?P<path>\S+)")


def read(root: str | Path, *, splits: str | Path | None = None) -> tuple[list[Entry], pd.DataFrame]:
    """The entries of the Celeb-DF tree at ``root`` and the skipped inputs; ``splits``: the
    release's ``List_of_testing_videos.txt``, which gives the split."""
    root = require_dir(Path(root), "Celeb-DF folder")
    found = Collection()
    listed = _test_list(Path(splits), found) if splits is not None else None
    for folder, (kind, pattern, form) in FOLDERS.items():
        if not (root / folder).is_dir():
            continue
        for path in video_files(root / folder, found.skips):
            name = pattern.fullmatch(path.stem)
            if name is None:
                found.skips.add(path, f"does not match {folder}/{form}.mp4")
                continue
            parts, fake = name.groupdict(), folder == FAKE_GROUP
            original = ["celebdf", "real", parts["target"], parts["clip"]] if fake else None
            split = (
                None if listed is None else "test" if f"{folder}/{path.name}" in listed else "train"
            )
            found.add(
                path,
                ["celebdf", kind, *parts.values()],
                label=int(fake),
                group=FAKE_GROUP if fake else REAL,
                subject=parts.get("target", f"youtube-{parts['clip']}"),
                face_source=parts.get("source"),
                original=found.real(original) if fake else None,
                n_frames=None,
                split=split,
            )
    if listed is not None:
        _check_listed(listed, root, found)
    return found.result(root, "celebdf", f"videos in {', '.join(f'{f}/' for f in FOLDERS)}")


def _test_list(path: Path, found: Collection) -> dict[str, tuple[str, int]]:
    """The videos of the test list: ``<folder>/<file>`` -> (``<list>:<line>``, label, 1 = real).

    Lines that cannot be parsed or repeat a video are recorded as skipped inputs.
    """
    if not path.is_file():
        raise DatasetError(f"{path}: test list not found")
    listed: dict[str, tuple[str, int]] = {}
    for number, line in enumerate(path.read_text().splitlines(), start=1):
        where, parts = f"{path}:{number}", TEST_LINE.fullmatch(line.strip())
        if parts is None:
            if line.strip():
                found.skips.add(Path(where), "not '<label> <folder>/<file>' (label 1 real, 0 fake)")
        elif parts["path"] in listed:
            found.skips.add(
                Path(where), f"{parts['path']} is listed at {listed[parts['path']][0]} too"
            )
        else:
            listed[parts["path"]] = (where, int(parts["label"]))
    return listed


def _check_listed(listed: dict[str, tuple[str, int]], root: Path, found: Collection) -> None:
    """Record each test-list line that names no video read, or gives the other label."""
    by_path = {Path(e.path).relative_to(root).as_posix(): e for e in found.entries.values()}
    for path, (where, label) in listed.items():
        entry = by_path.get(path)
        if entry is None:
            found.skips.add(Path(where), f"{path} is not a video read")
        elif label == entry.label:  # the list's 1 is real, the entry's 1 fake
            said, actual = ("fake", "real") if label == 0 else ("real", "fake")
            found.skips.add(
                Path(where), f"says {said} ({label}) but {path} is {actual}: kept as {actual}"
            )
