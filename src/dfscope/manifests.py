"""What the frames step's manifest of a video (``results/manifests/<batch>/<video>.json``,
:func:`dfscope.video.extract_frames`) says, for the steps that read its frames again."""

from __future__ import annotations

import json
from pathlib import Path


def sampled_frames(manifest: str | Path) -> list[int]:
    """The numbers of the frames the frames step sampled from a video, in order: those it kept
    and those it left out for their size (:func:`dfscope.video.extract_frames`)."""
    info = json.loads(Path(manifest).read_text())
    return sorted(info["kept"] + info.get("odd_size", []))
