"""DeepfakeTIMIT fakes with their VidTIMIT originals: :func:`dfscope.dataset.discover` as entries.

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
(discover's :class:`dfscope.dataset.DatasetError`): this dataset always ships its originals.

Sources: Korshunov & Marcel, "DeepFakes: a New Threat to Face Recognition?" (arXiv 1812.08685;
pairs, qualities); https://www.idiap.ch/dataset/deepfaketimit; :mod:`dfscope.dataset`.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from ..dataset import QUALITY_DIRS, Entry, discover

#: The order results list its groups in: the paper's, lower quality first.
GROUPS = tuple(QUALITY_DIRS)


def read(root: str | Path, *, originals_root: str | Path) -> tuple[list[Entry], pd.DataFrame]:
    """The entries of the DeepfakeTIMIT fakes under ``root`` and of their originals under
    ``originals_root``, and the skipped inputs: :func:`dfscope.dataset.discover`'s."""
    return discover(root, originals_root)
