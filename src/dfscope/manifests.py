"""What the frames step's manifest of a video (``results/manifests/<batch>/<video>.json``,
:func:`dfscope.video.extract_frames`) says, for the steps that read its frames again, and how
such a step runs over a batch."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from pathlib import Path

from .batches import ready, run_each


def sampled_frames(manifest: str | Path) -> list[int]:
    """The numbers of the frames the frames step sampled from a video, in order: those it kept
    and those it left out for their size (:func:`dfscope.video.extract_frames`)."""
    info = json.loads(Path(manifest).read_text())
    return sorted(info["kept"] + info.get("odd_size", []))


def measure_each(
    videos: Sequence[str],
    frames: str | Path,
    manifests: str | Path,
    faces: str | Path,
    out: str | Path,
    *,
    stage: str,
    measure: Callable[..., object],
    **options,
) -> list[str]:
    """A batch's step that reads each video's frames again with its faces (the temporal and
    the background steps): ``measure(frames/<video>, faces/<video>.parquet,
    out/<video>.parquet, video=..., sampled=..., **options)`` for each of ``videos`` whose
    frames and faces exist (:func:`dfscope.batches.ready`), ``sampled`` its manifest's
    :func:`sampled_frames`. Returns the videos that failed (:func:`dfscope.batches.run_each`)."""
    frames, manifests, faces, out = Path(frames), Path(manifests), Path(faces), Path(out)

    def step(video: str) -> None:
        measure(
            frames / video,
            faces / f"{video}.parquet",
            out / f"{video}.parquet",
            video=video,
            sampled=sampled_frames(manifests / f"{video}.json"),
            **options,
        )

    inputs = ready(
        videos, lambda video: [frames / video, faces / f"{video}.parquet"], out, stage=stage
    )
    return run_each(inputs, step, out, stage=stage)
