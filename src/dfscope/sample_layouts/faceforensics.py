"""The built-in sample in the FaceForensics++ layout."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from . import sentence, write_sample


def export(table: pd.DataFrame, root: Path) -> dict[str, object]:
    """The generated sample (``table``: :func:`dfscope.sample.generate`'s) in this layout under
    ``root``: originals ``original_sequences/youtube/c23/videos/<T><s>.mp4``, the fakes of
    each quality as a method, ``manipulated_sequences/{LQ,HQ}/c23/videos/<T><s>_<S><s>.mp4``
    (the face source's video of the same sentence stands for MMM); the config's ``dataset``
    keys that read it."""
    write_sample(
        table,
        root,
        lambda r: (
            f"original_sequences/youtube/c23/videos/{r.subject}{sentence(r.video)}.mp4"
            if r.label == 0
            else f"manipulated_sequences/{r.group}/c23/videos/"
            f"{r.subject}{sentence(r.video)}_{r.face_source}{sentence(r.video)}.mp4"
        ),
    )
    return {"root": root, "compression": "c23"}
