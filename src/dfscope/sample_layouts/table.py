"""The built-in sample as a list of videos (the table layout)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from ..atomic import write_csv
from . import write_sample


def export(table: pd.DataFrame, root: Path) -> dict[str, object]:
    """The generated sample (``table``: :func:`dfscope.sample.generate`'s) in this layout under
    ``root``: ``videos.csv`` and the videos beside it, named by their DeepfakeTIMIT ids, the
    HQ fakes as unlabelled rows; the config's ``dataset`` keys that read it."""
    written = write_sample(table, root, lambda r: f"{r.video}.mp4")
    rows = []
    for r in table.itertuples():
        unlabelled = r.group == "HQ"
        fake = r.label == 1 and not unlabelled
        rows.append(
            {
                "path": written[r.video].name,
                "label": "" if unlabelled else "fake" if fake else "real",
                "group": r.group if fake else "",
                "subject": r.subject,
                "face_source": r.face_source if fake else "",
                "original": written[r.original].name if fake else "",
            }
        )
    write_csv(pd.DataFrame(rows), root / "videos.csv")
    return {"root": root / "videos.csv"}
