"""The built-in sample written in each dataset layout's tree, one module per layout (named as
the layout, :data:`SAMPLE_LAYOUTS`): what ``dfscope sample --layout`` and the tests of the
readers use to try a layout on real files. Apart from the readers (:mod:`dfscope.layouts`),
which read datasets and never write one, so that a reader's code version covers reading only.

A module declares ``export(table, root)``: the generated sample (``table``:
:func:`dfscope.sample.generate`'s) written under ``root`` in its layout; it returns the config's
``dataset`` keys that read it.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pandas as pd

from ..registry import Registry
from ..sample import SampleSpec, generate, write_video
from ..video import open_source

#: The layouts the sample can be written in: the modules of this package.
SAMPLE_LAYOUTS = Registry("sample layout", "sample_layouts", ("export",))


def in_layout(name: str, spec: SampleSpec, root: str | Path) -> dict[str, object]:
    """Generate the sample under ``root`` (``VidTIMIT/``, ``DeepfakeTIMIT/``) and write it in
    layout ``name`` under ``root/<name>``; return the config's ``dataset`` keys that read it."""
    return export(name, generate(spec, root), Path(root) / name)


def export(name: str, table: pd.DataFrame, root: Path) -> dict[str, object]:
    """The generated sample ``table`` written in layout ``name`` under ``root``; the config's
    ``dataset`` keys that read it."""
    return SAMPLE_LAYOUTS.load(name).export(table, root)


def sentence(video: str) -> str:
    """The VidTIMIT sentence of a sample video, from its id (``lq-fcol0-sa1-fhop0``: ``sa1``)."""
    return video.split("-")[2]


def write_sample(
    table: pd.DataFrame, root: Path, place: Callable[[object], str]
) -> dict[str, Path]:
    """Write the video of each row of ``table`` (the generated sample's video table) to
    ``root / place(row)``, re-encoded by :func:`dfscope.sample.write_video`; return the files
    by id."""
    written = {}
    for row in table.itertuples():
        written[row.video] = root / place(row)
        frames, _ = open_source(row.path)
        write_video(list(frames), written[row.video])
    return written
