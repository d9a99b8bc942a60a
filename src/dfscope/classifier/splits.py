"""Subject-disjoint splits: which videos a classifier trains on and which it scores.

A DeepfakeTIMIT fake of pair (A, B) shows A's body and B's face, so a classifier tested on a
video of A (or B) must not have seen A or B in training, or it could learn the people
instead of the forgery. Videos are therefore put in cohorts by :func:`cohorts` (whole pairs:
all real videos of A and B and every fake involving either) and every split keeps cohorts
whole.

The split is a value, decided when the config is read (:func:`split_of`): k-fold over cohorts
(:class:`KFold`), one fixed train/test split read from a file (:class:`SplitFile`), the
dataset's official split (:class:`DatasetSplit`), or a classifier trained on another study's
frame table and scoring every video of this one (:class:`TrainOn`).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from ..columns import DATASET_SPLIT

log = logging.getLogger(__name__)

#: One fold: the training videos and the test videos, sorted.
Fold = tuple[np.ndarray, np.ndarray]


@dataclass(frozen=True)
class KFold:
    """k folds over cohorts, dealt with ``seed`` (:func:`folds`)."""

    k: int
    seed: int


@dataclass(frozen=True)
class SplitFile:
    """One fold read from a CSV file of ``video, split`` (:func:`read_split`)."""

    path: Path


@dataclass(frozen=True)
class DatasetSplit:
    """One fold: the dataset's official split, the video table's ``split`` column
    (:func:`dataset_split`)."""


@dataclass(frozen=True)
class TrainOn:
    """No fold: a classifier trained on another study's frame table at ``path`` scores every
    video of this one."""

    path: Path


Split = KFold | SplitFile | DatasetSplit | TrainOn


#: The keys of a config's ``classifier`` section that :func:`split_of` reads: what decides the
#: folds (and so what the CNN's folds, planned apart from its evaluation, are redone for).
SPLIT_KEYS = ("train_on", "split", "folds", "seed")


def split_of(options: Mapping) -> Split:
    """The split a config's ``classifier`` section says: ``train_on`` a frame table, a
    ``split`` file or ``dataset``, or k-fold with ``folds`` and ``seed``."""
    if options["train_on"]:
        return TrainOn(Path(options["train_on"]))
    if options["split"] == DATASET_SPLIT:
        return DatasetSplit()
    if options["split"]:
        return SplitFile(Path(options["split"]))
    return KFold(options["folds"], options["seed"])


def folds_of(split: Split, frames: pd.DataFrame, people: pd.Series) -> list[Fold]:
    """The folds of ``split`` (not :class:`TrainOn`) over the videos of ``frames``, whose
    cohorts are ``people``."""
    match split:
        case KFold(k, seed):
            return folds(people, k, seed)
        case SplitFile(path):
            return read_split(path)
        case DatasetSplit():
            return dataset_split(frames)
    raise TypeError(f"{split!r} has no folds")


def cohorts(frames: pd.DataFrame) -> pd.Series:
    """Cohort of each video (index: video, sorted): the people its split must keep together.

    People are linked when one's face was put on the other's body, i.e. by
    the (subject, face_source) edge of every fake; a cohort is a connected
    component of that graph with all videos (real and fake) of its people.
    In DeepfakeTIMIT that is one swap pair, but chains of swaps are merged
    too, so no person ever lands on both sides of a split. A subject in no
    fake is a cohort of its own. The id is the cohort's people joined by "+"
    in sorted order, so it reads as the pair and does not depend on row
    order. Real videos may have face_source NA or equal to subject. A fake
    whose face source is unknown (DFDC names no people) links nothing: it
    stays with its subject, the person whose video it was made from.
    """
    require(frames, ["video", "label", "subject", "face_source"])
    videos = frames.drop_duplicates("video").set_index("video").sort_index()
    parent: dict[str, str] = {}

    def root(person: str) -> str:
        while parent[person] != person:
            parent[person] = parent[parent[person]]  # path halving keeps the trees flat
            person = parent[person]
        return person

    for person in videos.subject:
        parent.setdefault(person, person)
    fakes = videos[(videos.label == 1) & videos.face_source.notna()]
    for subject, source in zip(fakes.subject, fakes.face_source, strict=True):
        parent.setdefault(source, source)
        a, b = root(subject), root(source)
        if a != b:
            parent[max(a, b)] = min(a, b)
    members: dict[str, list[str]] = {}
    for person in sorted(parent):
        members.setdefault(root(person), []).append(person)
    names = {r: "+".join(people) for r, people in members.items()}
    return pd.Series([names[root(s)] for s in videos.subject], index=videos.index, name="cohort")


def folds(cohorts: pd.Series, k: int, seed: int) -> list[Fold]:
    """k folds (train videos, test videos) over the cohorts of :func:`cohorts`.

    Cohorts are shuffled with ``seed`` and dealt into k nearly equal parts,
    so the folds are the same for the same seed. With k at least the number
    of cohorts each cohort is held out alone (leave-one-pair-out), in sorted
    order of cohort id, which is what small data sets need.
    """
    names = np.array(sorted(cohorts.unique()))
    if len(names) < 2:
        raise ValueError(
            f"cross-validation needs at least 2 cohorts of people, got "
            f"{names.tolist()}; with a single swap pair, train on another study "
            "(classifier.train_on)"
        )
    if k < 2:
        raise ValueError(f"k must be at least 2, got {k}")
    if k >= len(names):
        held_out = [names[i : i + 1] for i in range(len(names))]
    else:
        held_out = np.array_split(np.random.default_rng(seed).permutation(names), k)
    result = []
    for part in held_out:
        test = cohorts.index[cohorts.isin(part)]
        train = cohorts.index[~cohorts.isin(part)]
        result.append((np.sort(train.to_numpy(dtype=str)), np.sort(test.to_numpy(dtype=str))))
    return result


def read_split(path: str | Path) -> list[Fold]:
    """A fixed train/test split as a single fold, for the paper's style of evaluation.

    The CSV has columns ``video`` and ``split`` (``train`` or ``test``). A
    video listed twice or a side left empty is an error: either would make
    the reported numbers mean something other than the user intended.
    """
    table = pd.read_csv(path, dtype=str)
    require(table, ["video", "split"], what=f"split file {path}")
    bad = sorted(set(table.split) - {"train", "test"})
    if bad:
        raise ValueError(f"split file {path}: split must be 'train' or 'test', got {bad}")
    twice = sorted(table.video[table.video.duplicated()])
    if twice:
        raise ValueError(f"split file {path}: videos listed more than once: {twice}")
    train = np.sort(table.video[table.split == "train"].to_numpy(dtype=str))
    test = np.sort(table.video[table.split == "test"].to_numpy(dtype=str))
    if not len(train) or not len(test):
        raise ValueError(f"split file {path}: needs both train and test videos")
    return [(train, test)]


def dataset_split(frames: pd.DataFrame) -> list[Fold]:
    """The dataset's official split (FaceForensics++'s JSON files, Celeb-DF's test list: the
    ``split`` column) as a single fold: train and val videos are trained on (the inner folds
    tune, so val needs no role of its own), test videos are scored; videos the split does not
    name are left out."""
    require(frames, ["video", "split"])
    videos = frames.drop_duplicates("video").set_index("video").split
    train = np.sort(videos.index[videos.isin(["train", "val"])].to_numpy(dtype=str))
    test = np.sort(videos.index[videos.eq("test").fillna(False)].to_numpy(dtype=str))
    if not len(train) or not len(test):
        raise ValueError(
            f"classifier.split: {DATASET_SPLIT} needs the dataset's official split with train "
            f"and test videos; it names {len(train)} train or val and {len(test)} test videos "
            "(set dataset.splits to the split's files)"
        )
    return [(train, test)]


def present_folds(split: Split, frames: pd.DataFrame, people: pd.Series) -> list[Fold]:
    """The folds of ``split`` (:func:`folds_of`, not :class:`TrainOn`) over the videos of
    ``frames`` that are in it (:func:`present`), what a split that names its videos (a file or
    the dataset's) leaves out said."""
    named = isinstance(split, SplitFile | DatasetSplit)
    return [present(frames, *fold, named) for fold in folds_of(split, frames, people)]


def present(frames: pd.DataFrame, train: np.ndarray, test: np.ndarray, named: bool) -> Fold:
    """The videos of a fold that are in ``frames``; for a split that names videos (``named``:
    a file or the dataset's), say what it leaves out and who is on both sides."""
    known = set(frames.video)
    if named:
        unknown = sorted((set(train) | set(test)) - known)
        if unknown:
            log.warning(
                "the split: %d videos not in the frame table, ignored (e.g. %s)",
                len(unknown),
                unknown[0],
            )
        unlisted = known - set(train) - set(test)
        if unlisted:
            log.warning(
                "the split: %d videos of the frame table not listed, left out",
                len(unlisted),
            )
    train = np.array([v for v in train if v in known], dtype=str)
    test = np.array([v for v in test if v in known], dtype=str)
    if not len(test):
        raise ValueError("no test video of the split is in the frame table")
    shared = _people(frames, train) & _people(frames, test)
    if shared:
        log.warning(
            "people on both sides of the split (the classifier may learn them): %s", sorted(shared)
        )
    return train, test


def _people(frames: pd.DataFrame, videos: np.ndarray) -> set[str]:
    """Everyone shown in ``videos``: their subjects (bodies) and face sources (faces)."""
    part = frames[frames.video.isin(videos)]
    return set(part.subject) | set(part.face_source.dropna())


def require(table: pd.DataFrame, columns: Sequence[str], what: str = "frame table") -> None:
    missing = [c for c in columns if c not in table.columns]
    if missing:
        raise ValueError(f"{what}: missing columns {missing}")
