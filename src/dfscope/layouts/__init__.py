"""Readers of deepfake datasets in the trees they are downloaded in, one module per layout.

Each layout is a module of this package (:data:`LAYOUTS`, a :class:`dfscope.registry.Registry`)
that reads one dataset's tree into :class:`dfscope.dataset.Entry` rows (one per video) and a
table of the inputs it did not take, each with why, so that a study can run on
FaceForensics++, Celeb-DF, DFDC or any list of videos as it runs on DeepfakeTIMIT. Readers
only read names and metadata: no video is opened. A layout module declares its own facts:

- ``read(root, **options)``: the entries and the skipped inputs;
- ``OPTIONS``: the keys of the config's ``dataset`` section that ``read`` takes besides root;
- ``ROOT``: what ``dataset.root`` is, ``"folder"`` or ``"file"``;
- ``SPLIT_FILES``: what ``dataset.splits`` names (``(kind, description)``), or None;
- ``HAS_SPLIT``: whether its videos can carry an official split (``classifier.split: dataset``);
- ``GROUPS``: the order results list its groups of fakes in.

The built-in sample written in each layout's tree is :mod:`dfscope.sample_layouts`'s.

A fake whose original is not in the tree read is kept with ``original`` None: fakes
without originals are first-class (only the paired metrics need an original).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path
from types import ModuleType

import pandas as pd

from ..atomic import write_csv, write_parquet
from ..dataset import DatasetError, Entry, video_table
from ..registry import Registry

#: The dataset layouts: the modules of this package.
LAYOUTS = Registry(
    "dataset layout",
    "layouts",
    ("read", "OPTIONS", "ROOT", "SPLIT_FILES", "HAS_SPLIT", "GROUPS"),
)


def layout(name: str) -> ModuleType:
    """The module of layout ``name``, with its facts and its reader."""
    return LAYOUTS.load(name)


def read(name: str, root: str | Path, **options) -> tuple[list[Entry], pd.DataFrame]:
    """The entries of the dataset at ``root`` in layout ``name`` (sorted by id), and its skipped
    inputs (columns of :data:`dfscope.columns.PROBLEM_COLUMNS`); ``options`` go to the reader."""
    return layout(name).read(root, **options)


def group_order(name: str, groups: Iterable[str]) -> list[str]:
    """The distinct ``groups`` in the order results list them: the order layout ``name``
    gives (its ``GROUPS``: DeepfakeTIMIT's LQ before HQ, as its paper reports them), then the
    others by name."""
    known = layout(name).GROUPS
    found = set(groups)
    return [group for group in known if group in found] + sorted(found - set(known))


def read_dataset(dataset: Mapping) -> tuple[list[Entry], pd.DataFrame]:
    """The entries of the dataset a config's ``dataset`` section names, read by its layout's
    reader with the options that layout takes, and its skipped inputs. Of the fakes, those of
    ``groups`` are kept when it is set; a group asked for but not found is an error, since
    every result of it would silently be missing."""
    reader = layout(dataset["layout"])
    options = {key: dataset[key] for key in reader.OPTIONS}
    entries, skipped = reader.read(dataset["root"], **options)
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
