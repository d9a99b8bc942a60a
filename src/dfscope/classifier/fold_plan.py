"""The CNN's fold plan as a file (``{"folds": [{"train": [...], "test": [...]}, ...]}``): what
the checkpoint writes and the fold jobs and the workflow's planning read. Apart from
:mod:`.cnn_folds`, which fixes the folds with the classifier's splits, so that reading the plan,
as every planning of the workflow after the checkpoint does, imports no scikit-learn."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from ..atomic import atomic_path
from .splits import Fold


def write_fold_plan(folds: list[Fold], path: str | Path) -> None:
    """Write ``folds`` to ``path`` atomically."""
    content = {"folds": [{"train": list(train), "test": list(test)} for train, test in folds]}
    with atomic_path(path) as tmp:
        tmp.write_text(json.dumps(content, indent=1) + "\n")


def read_folds(path: str | Path) -> list[Fold]:
    """The folds :func:`write_fold_plan` wrote."""
    folds = json.loads(Path(path).read_text())["folds"]
    return [(np.array(f["train"], dtype=str), np.array(f["test"], dtype=str)) for f in folds]
