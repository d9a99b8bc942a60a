"""The built-in sample in the Celeb-DF layout."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from . import sentence, write_sample


def export(table: pd.DataFrame, root: Path) -> dict[str, object]:
    """The generated sample (``table``: :func:`dfscope.sample.generate`'s) in this layout under
    ``root``: ``Celeb-real/<T>_<s>.mp4`` and the HQ fakes as
    ``Celeb-synthesis/<T>_<S>_<s>.mp4`` (Celeb-DF has one fake per target video and donor; no
    YouTube-real videos); the config's ``dataset`` keys that read it."""
    write_sample(
        table[table.group != "LQ"],
        root,
        lambda r: (
            f"Celeb-real/{r.subject}_{sentence(r.video)}.mp4"
            if r.label == 0
            else f"Celeb-synthesis/{r.subject}_{r.face_source}_{sentence(r.video)}.mp4"
        ),
    )
    return {"root": root}
