"""FaceForensics++ (with DeepFakeDetection and FaceShifter) in the tree its download script writes.

Tree (``<c>`` the compression: ``raw`` (older copies: ``c0``), ``c23`` or ``c40``)::

    <root>/original_sequences/youtube/<c>/videos/000.mp4, 001.mp4, ...
    <root>/original_sequences/actors/<c>/videos/01__exit_phone_room.mp4, ...
    <root>/manipulated_sequences/Deepfakes/<c>/videos/000_003.mp4, 003_000.mp4, ...
           (Face2Face, FaceSwap, NeuralTextures, FaceShifter alike)
    <root>/manipulated_sequences/DeepFakeDetection/<c>/videos/01_02__exit_phone_room__YVGY8LOK.mp4
    <splits>/train.json, val.json, test.json     (optional; [["071", "054"], ...])

Names: a fake ``NNN_MMM`` is YouTube video NNN (the target: frames, background, body)
with the face (Deepfakes, FaceSwap, FaceShifter) or the expressions (Face2Face,
NeuralTextures) of video MMM; its original is ``NNN``. A DeepFakeDetection fake
``AA_BB__<scene>__<experiment>`` is actor AA's recording ``AA__<scene>`` with actor BB's face.

Ids: ``ff-real-c23-000``; ``ff-real-c23-01-exit-phone-room`` (actors); ``ff-<method>-c23-000-003``
with the method folder lowered (``ff-deepfakes-c23-000-003``);
``ff-deepfakedetection-c23-01-02-exit-phone-room-yvgy8lok`` (the experiment id lowered).

Fields: subject: NNN or the actor AA (FF++ numbers videos, not people: the same person
is in a few videos, 043 and 343 for one); face_source: MMM or BB (None for reals);
original: the id of NNN's or ``AA__<scene>``'s real video when it is read; group: the
method folder (``Deepfakes``), or ``real``; n_frames: None (a FaceSwap fake may be
shorter than its original); split: from the split files, the split both ids of a fake
(or a real's id) are in; None without them, for ids they do not list, and for
DeepFakeDetection, which has no official split.

Folds: a fake shows two videos' people, NNN's and MMM's, so a fold must hold together
every video whose subject or face_source is NNN or MMM, i.e. group videos by the connected
parts of the subject-face_source graph. In FF++ these are the 500 pairs [NNN, MMM] of the
file list (each video is the target of one fake and the source of one, ``NNN_MMM`` and
``MMM_NNN``), and the official splits keep each pair in one split; in DeepFakeDetection
the actors. Different numbers showing one person are not known from the files.

Sources: github.com/ondyari/FaceForensics dataset/README.md (naming),
dataset/splits/{train,val,test}.json, download-FaceForensics.py (folders),
dataset/FaceSwapKowalski/faceswap.py (FaceSwap length), issue #18 (target first);
github.com/polimi-ispl/icpr2020dfdc index_ffpp.py (originals of fakes and of DFD fakes);
github.com/SCLBD/DeepfakeBench preprocessing/rearrange.py (how the splits apply).
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from ..columns import REAL
from ..dataset import TOKEN, Collection, DatasetError, Entry, require_dir, video_files

#: The order results list its groups in: by name (no order is the paper's).
GROUPS: tuple[str, ...] = ()
#: The keys of the config's ``dataset`` section that :func:`read` takes, besides ``root``.
OPTIONS = ("compression", "groups", "splits")
#: What ``dataset.root`` is: the folder holding original_sequences/ and manipulated_sequences/.
ROOT = "folder"
#: What ``dataset.splits`` names: the release's split files.
SPLIT_FILES = ("folder", "the folder with train.json, val.json and test.json")
#: Whether its videos carry an official split (``classifier.split: dataset``).
HAS_SPLIT = True
ORIGINALS, MANIPULATED = "original_sequences", "manipulated_sequences"
#: The method whose fakes are made from the actors' recordings, not from YouTube videos.
ACTORS_METHOD = "DeepFakeDetection"
#: Compression folder names that mean the same: ``c0`` is what older copies call ``raw``.
ALIASES = {"raw": ("raw", "c0"), "c0": ("c0", "raw")}
SPLITS = ("train", "val", "test")
_SCENE = rf"{TOKEN}(?:_{TOKEN})*"
#: (originals folder, fake?) -> the file-name pattern (without the extension) and its form.
NAMES: dict[tuple[str, bool], tuple[re.Pattern, str]] = {
    ("youtube", False): (re.compile(rf"(?P<target>{TOKEN})"), "NNN.mp4"),
    ("youtube", True): (re.compile(rf"(?P<target>{TOKEN})_(?P<source>{TOKEN})"), "NNN_MMM.mp4"),
    ("actors", False): (
        re.compile(rf"(?P<target>{TOKEN})__(?P<scene>{_SCENE})"),
        "AA__<scene>.mp4",
    ),
    ("actors", True): (
        re.compile(
            rf"(?P<target>{TOKEN})_(?P<source>{TOKEN})__(?P<scene>{_SCENE})__(?P<id>{TOKEN})"
        ),
        "AA_BB__<scene>__<experiment>.mp4",
    ),
}


def read(
    root: str | Path,
    *,
    compression: str = "c23",
    groups: Sequence[str] | None = None,
    splits: str | Path | None = None,
) -> tuple[list[Entry], pd.DataFrame]:
    """The entries of the FF++ tree at ``root`` in one ``compression``, and the skipped inputs.

    ``groups``: the method folders to read (all there by default); the originals read are
    those the methods were made from (``youtube``, or ``actors`` for DeepFakeDetection; by
    default every originals folder there). ``splits``: a folder with the official
    ``train.json``, ``val.json``, ``test.json``.
    """
    root = require_dir(Path(root), "FaceForensics++ folder")
    split_of = _splits(Path(splits)) if splits is not None else {}
    found = Collection()
    fakes = _method_folders(root / MANIPULATED, groups, compression, found)
    sources = {_source(m) for m in groups} if groups is not None else ("youtube", "actors")
    for source in sorted(sources):
        folder = _videos(root / ORIGINALS / source, compression)
        if folder is not None:
            _read_folder(found, folder, REAL, source, compression, split_of)
    for method, folder in fakes:
        _read_folder(found, folder, method, _source(method), compression, split_of)
    return found.result(
        root,
        "faceforensics",
        f"videos in original_sequences/<youtube|actors>/{compression}/videos/ and "
        f"manipulated_sequences/<method>/{compression}/videos/",
    )


def _source(method: str) -> str:
    return "actors" if method == ACTORS_METHOD else "youtube"


def _videos(folder: Path, compression: str) -> Path | None:
    """``<folder>/<compression>/videos`` (or the same under the other name of ``raw``), if there."""
    for name in ALIASES.get(compression, (compression,)):
        if (folder / name / "videos").is_dir():
            return folder / name / "videos"
    return None


def _method_folders(
    manipulated: Path, methods: Sequence[str] | None, compression: str, found: Collection
) -> list[tuple[str, Path]]:
    """(method, videos folder) of each method read. A method named but not there in this
    compression is an error; one found by listing without it is a skipped input."""
    listed = methods is None
    if listed:
        methods = [p.name for p in sorted(manipulated.glob("[!.]*")) if p.is_dir()]
    folders = []
    for method in methods:
        folder = _videos(manipulated / method, compression)
        if folder is None and not listed:
            raise DatasetError(f"{manipulated / method / compression / 'videos'}: not found")
        if folder is None:
            found.skips.add(manipulated / method, f"no {compression}/videos folder: not read")
        else:
            folders.append((method, folder))
    return folders


def _read_folder(
    found: Collection,
    folder: Path,
    group: str,
    source: str,
    compression: str,
    split_of: dict[str, str],
) -> None:
    """Add the videos of one ``videos`` folder: originals (``group`` real) or one method's fakes."""
    fake = group != REAL
    pattern, form = NAMES[(source, fake)]
    for path in video_files(folder, found.skips):
        name = pattern.fullmatch(path.stem)
        if name is None:
            found.skips.add(path, f"does not match {form}")
            continue
        parts = name.groupdict()
        scene = [parts["scene"]] if "scene" in parts else []
        original = ["ff", REAL, compression, parts["target"], *scene]
        found.add(
            path,
            ["ff", group, compression, *parts.values()] if fake else original,
            label=int(fake),
            group=group,
            subject=parts["target"],
            face_source=parts.get("source"),
            original=found.real(original) if fake else None,
            n_frames=None,
            split=_split(parts, source, split_of),
        )


def _split(parts: dict[str, str], source: str, split_of: dict[str, str]) -> str | None:
    """The split both numbers of a YouTube name are in; None if not one (or for the actors)."""
    if source != "youtube":
        return None
    splits = {split_of.get(parts["target"]), split_of.get(parts.get("source", parts["target"]))}
    return splits.pop() if len(splits) == 1 else None


def _splits(folder: Path) -> dict[str, str]:
    """Video number -> split, from the official split files in ``folder``.

    Each file is a list of [target, source] pairs; both numbers of a pair, and both fakes made
    of them, are in its split. A number in two splits leaves the split of its videos unknown,
    so it is an error naming the files.
    """
    split_of: dict[str, str] = {}
    for split in SPLITS:
        path = folder / f"{split}.json"
        for number in (n for pair in _pairs(path) for n in pair):
            if split_of.setdefault(number, split) != split:
                raise DatasetError(
                    f"{path}: video {number} is in {folder / split_of[number]}.json too"
                )
    return split_of


def _pairs(path: Path) -> list[list[str]]:
    """The [target, source] pairs of an official split file, checked."""
    try:
        pairs = json.loads(path.read_text())
    except FileNotFoundError:
        raise DatasetError(f"{path}: split file not found") from None
    except (OSError, ValueError) as error:
        raise DatasetError(f"{path}: cannot be read as JSON ({error})") from None
    if not isinstance(pairs, list) or not all(
        isinstance(p, list) and len(p) == 2 and all(isinstance(n, str) for n in p) for p in pairs
    ):
        raise DatasetError(f'{path}: not a JSON list of ["NNN", "MMM"] pairs')
    return pairs
