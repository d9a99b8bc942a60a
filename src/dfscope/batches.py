"""Many videos per job: which videos share a job (a batch), and running a step over a batch.

Every step of a video is a Python process when it is a Snakemake job of its own, and the
process's start-up (Python, pandas, OpenCV, and TensorFlow or PyTorch for the faces) costs more
than the work on a 100-frame clip. So the heavy steps run on a batch of videos in one process:
imports and models are paid once per batch.

A batch is the videos of one subject (the person whose video the fakes were made from: an
original with all its fakes), split into chunks of at most ``max_videos`` when it has more.
Membership depends on the subject's own videos only, so adding or changing a video reruns its
subject's batches and no other. Within a batch each video is a step of its own
(:func:`run_each`): one that fails is recorded for that video, and the others go on.
"""

from __future__ import annotations

import json
import logging
import shutil
import traceback
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

import pandas as pd

log = logging.getLogger(__name__)

#: Suffix of the file that records a video's failed step in that step's output folder.
FAILED = ".failed"


def assign(videos: pd.DataFrame, max_videos: int) -> pd.Series:
    """The batch of each video (index: video id): its subject, or ``<subject>-<i>`` for the
    i-th chunk of a subject with more than ``max_videos`` videos.

    A chunk takes whole units (an original and its fakes, in id order), so that a fake is
    measured in the job that has its original's frames; a unit larger than ``max_videos`` is
    a chunk of its own.
    """
    if max_videos < 1:
        raise ValueError(f"max_videos must be at least 1, got {max_videos}")
    batches = {}
    for subject, part in videos.groupby("subject", sort=True):
        unit = part.original.where(part.original.notna(), part.video)  # an original, its fakes
        chunks = _chunks([list(p.video) for _, p in part.groupby(unit, sort=True)], max_videos)
        for i, chunk in enumerate(chunks, start=1):
            name = subject if len(chunks) == 1 else f"{subject}-{i}"
            batches |= dict.fromkeys(chunk, name)
    return pd.Series(batches, name="batch").reindex(videos.video).rename_axis("video")


def _chunks(units: list[list[str]], size: int) -> list[list[str]]:
    """``units`` packed in order into chunks of at most ``size`` items (a bigger unit alone)."""
    chunks: list[list[str]] = []
    for unit in units:
        if chunks and len(chunks[-1]) + len(unit) <= size:
            chunks[-1] += unit
        else:
            chunks.append(list(unit))
    return chunks


def run_each(
    videos: Iterable[str], step: Callable[[str], object], out: str | Path, *, stage: str
) -> list[str]:
    """Run ``step(video)`` for each video of a batch whose outputs go to folder ``out``.

    A video whose step raises is recorded (:func:`record_failure`: the error and its
    traceback in the log and in ``out/<video>.failed``), whatever it wrote to ``out`` is
    removed, and the batch goes on: one bad video must not cost the others their results.
    Only OSError stops the batch, as a full disk or a lost mount is no fault of the video
    and would fail every video after it. Returns the videos that failed.
    """
    failed = []
    Path(out).mkdir(parents=True, exist_ok=True)  # the batch's output folder, even if all fail
    for video in videos:
        try:
            step(video)
        except OSError:
            raise
        except Exception as error:  # noqa: BLE001 (any failure of one video is recorded)
            record_failure(out, video, stage, error)
            failed.append(video)
    return failed


def ready(videos: Iterable[str], inputs: Callable[[str], Iterable[Path]]) -> list[str]:
    """The videos whose ``inputs`` all exist. Each other one is logged and left out of the
    step: an earlier step failed on it and recorded why (the gather step lists it)."""
    found = []
    for video in videos:
        missing = [str(path) for path in inputs(video) if not Path(path).exists()]
        if missing:
            log.warning("%s: no %s (an earlier step failed on it): left out", video, missing)
        else:
            found.append(video)
    return found


def record_failure(out: str | Path, video: str, stage: str, error: Exception) -> None:
    """Log ``error`` of ``video`` in ``stage``, remove the video's outputs from folder ``out``
    and write ``out/<video>.failed`` (the stage and the error), which the gather step
    turns into a row of problems.csv."""
    out = Path(out)
    log.error(
        "%s: %s failed, left out: %s\n%s",
        video,
        stage,
        error,
        "".join(traceback.format_exception(error)),
    )
    out.mkdir(parents=True, exist_ok=True)
    for path in out.iterdir():
        if path.name.split(".")[0] == video:  # ids have no dot: <video>, <video>.parquet, ...
            shutil.rmtree(path) if path.is_dir() else path.unlink()
    record = {"video": video, "stage": stage, "error": f"{type(error).__name__}: {error}"}
    (out / f"{video}{FAILED}").write_text(json.dumps(record, sort_keys=True) + "\n")


def failures(folders: Sequence[str | Path]) -> list[dict]:
    """Every failure recorded in ``folders`` (the steps' batch output folders), by video."""
    found = [
        json.loads(path.read_text())
        for folder in folders
        for path in Path(folder).glob(f"*{FAILED}")
    ]
    return sorted(found, key=lambda record: (record["video"], record["stage"]))
