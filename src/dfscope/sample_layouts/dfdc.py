"""The built-in sample in the DFDC layout: one part folder with its metadata.json."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from ..atomic import atomic_path
from ..layouts.dfdc import METADATA
from . import sentence, write_sample

#: The part folder the generated sample is written to.
SAMPLE_PART = "dfdc_train_part_0"


def export(table: pd.DataFrame, root: Path) -> dict[str, object]:
    """The generated sample (``table``: :func:`dfscope.sample.generate`'s) in this layout under
    ``root``: one part, :data:`SAMPLE_PART`, with ``<T><s>.mp4``, ``<T><s><S><quality>.mp4``
    and a ``metadata.json`` (split ``train``); the config's ``dataset`` keys that read it."""
    written = write_sample(
        table,
        root / SAMPLE_PART,
        lambda r: (
            f"{r.subject}{sentence(r.video)}.mp4"
            if r.label == 0
            else f"{r.subject}{sentence(r.video)}{r.face_source}{r.group.lower()}.mp4"
        ),
    )
    metadata = {
        written[r.video].name: {
            "label": "FAKE" if r.label else "REAL",
            "split": "train",
            "original": written[r.original].name if r.label else None,
        }
        for r in table.itertuples()
    }
    with atomic_path(root / SAMPLE_PART / METADATA) as tmp:
        tmp.write_text(json.dumps(metadata, indent=1, sort_keys=True))
    return {"root": root}
