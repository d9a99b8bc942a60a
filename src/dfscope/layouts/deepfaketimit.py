"""DeepfakeTIMIT fakes with their VidTIMIT originals.

Tree::

    <root>/lower_quality/fadg0/sa1-video-fram1.avi     (and higher_quality/)
    <originals_root>/fadg0/video/sa1/001, 002, ...     (JPEG frames, no extension)

Ids (discover's): ``lq-fadg0-sa1-fram1``, ``hq-...`` for fakes, ``real-fadg0-sa1`` for originals.

Fields. subject: the VidTIMIT speaker whose video was reused (fadg0); face_source: the pair
partner whose face was put in (fram1), None for a real; original: ``real-<T>-<sentence>``;
group: the quality ``LQ`` / ``HQ`` (the quality folders there), or ``real``; n_frames: the JPEG
count of the original's
folder (a fake is frame-aligned with it); split: None (no official split).

Folds: DeepfakeTIMIT swaps within fixed pairs of speakers (each is the other's face source),
so a fold must hold both speakers of a pair together.

Unlike the other layouts, a fake whose original folder is missing stops the reading
(a :class:`dfscope.dataset.DatasetError`): this dataset always ships its originals.

Sources: Korshunov & Marcel, "DeepFakes: a New Threat to Face Recognition?" (arXiv 1812.08685;
pairs, qualities); https://www.idiap.ch/dataset/deepfaketimit.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from ..columns import REAL
from ..dataset import DatasetError, Entry, Skips, hidden
from ..frame_folders import original_frame_files

#: quality label -> folder name in DeepfakeTIMIT.
QUALITY_DIRS: dict[str, str] = {"LQ": "lower_quality", "HQ": "higher_quality"}

#: The order results list its groups in: the paper's, lower quality first.
GROUPS = tuple(QUALITY_DIRS)
#: The keys of the config's ``dataset`` section that :func:`read` takes, besides ``root``.
OPTIONS = ("originals_root",)
#: What ``dataset.root`` is: the folder holding ``lower_quality/`` and ``higher_quality/``.
ROOT = "folder"
#: What ``dataset.splits`` names: nothing, DeepfakeTIMIT has no official split.
SPLIT_FILES = None
#: Whether its videos carry an official split (``classifier.split: dataset``).
HAS_SPLIT = False

#: Ids are built from subject, sentence and face-source names, so each must be a name of this
#: form: ids stay safe in paths, wildcards and tables, and two inputs never share an id.
NAME_RULE = "lowercase letters and digits only ([a-z0-9]+)"
NAME = re.compile(r"^[a-z0-9]+$")
#: A DeepfakeTIMIT fake's file name, loosely split so that a bad name can be told which part is bad.
FAKE_PARTS = re.compile(r"^(?P<sentence>.+?)-video-(?P<source>.+)\.(?P<ext>[^.]+)$")
#: The containers of DeepfakeTIMIT's fakes (its own are .avi).
VIDEO_EXTENSIONS = ("avi", "mp4")


def real_id(subject: str, sentence: str) -> str:
    """Id of the VidTIMIT original ``<subject>/video/<sentence>``."""
    return f"real-{subject}-{sentence}"


def fake_id(quality: str, subject: str, sentence: str, face_source: str) -> str:
    """Id of the DeepfakeTIMIT fake ``<quality>/<subject>/<sentence>-video-<face_source>``."""
    return f"{quality.lower()}-{subject}-{sentence}-{face_source}"


def _is_companion(path: Path) -> bool:
    """Files DeepfakeTIMIT ships beside each fake (audio, checksums): expected, not videos."""
    return path.suffix == ".wav" or path.name == ".dircksum"


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


def read(root: str | Path, *, originals_root: str | Path) -> tuple[list[Entry], pd.DataFrame]:
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
    fakes_root, originals_root = Path(root), Path(originals_root)
    skips = Skips()
    _skip_strays(fakes_root, set(QUALITY_DIRS.values()), skips)
    rows: dict[str, Entry] = {}
    for quality, qdir in ((q, fakes_root / d) for q, d in QUALITY_DIRS.items()):
        if not qdir.is_dir():
            continue
        for folder in sorted(qdir.iterdir()):
            if hidden(folder):
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
        if entry.name not in expected and not hidden(entry):
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
        if hidden(path) or _is_companion(path):
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
