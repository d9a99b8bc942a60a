"""The built-in sample in the DeepfakeTIMIT layout, which it is generated in."""

from __future__ import annotations

from pathlib import Path

import pandas as pd


def export(table: pd.DataFrame, root: Path) -> dict[str, object]:
    """The config's ``dataset`` keys that read the generated sample (``table``, what
    :func:`dfscope.sample.generate` returned), which is in this layout already."""
    fakes, reals = (Path(table.path[table.label == label].iloc[0]) for label in (1, 0))
    return {"root": fakes.parents[2], "originals_root": reals.parents[2]}
