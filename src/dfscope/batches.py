"""Many videos per job: which videos share a job (a batch), and running a step over a batch.

Every step of a video is a Python process when it is a Snakemake job of its own, and the
process's start-up (Python, pandas, OpenCV, and TensorFlow or PyTorch for the faces) costs more
than the work on a 100-frame clip. So the heavy steps run on a batch of videos in one process:
imports and models are paid once per batch.

A batch is the videos of one subject (the person whose video the fakes were made from: an
original with all its fakes), split into chunks of at most ``max_videos`` when it has more.
Membership depends on the subject's own videos only, so adding or changing a video reruns its
subject's batches and no other. A *lone* video, the only one of its subject (a list that names
no subject, Celeb-DF's YouTube clips, a fake without its original), shares a batch with other
lone videos, since a batch of one would pay a job's start-up (seconds, TensorFlow's most) for
a clip's work; which ones, the ids decide (:func:`_lone_chunks`), so that a lone video added
redoes its own batch and, almost always, no other. Within a batch each video is a step of its own
(:func:`run_each`): one that fails is recorded for that video, and the others go on.
"""

from __future__ import annotations

import json
import logging
import shutil
import traceback
import zlib
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

import pandas as pd

from .ids import id_piece

log = logging.getLogger(__name__)

#: Suffix of the file that records a video's failed step in that step's output folder.
FAILED = ".failed"


def assign(videos: pd.DataFrame, max_videos: int) -> pd.Series:
    """The batch of each video (index: video id): its subject, or ``<subject>-<i>`` for the
    i-th chunk of a subject with more than ``max_videos`` videos; lone videos (the only one of
    their subject) together in chunks of :func:`_lone_chunks`, each named after its first.

    A chunk takes whole units (an original and its fakes, in id order), so that a fake is
    measured, and its frames checked against its original's, in the job that has its
    original's frames; a unit larger than ``max_videos`` is a chunk of its own. A unit is
    its original's subject's, even where a list gives a fake another subject. Names are
    made id pieces of the subject (:func:`dfscope.ids.id_piece`: a subject of a CSV list
    may be any text), and one that another batch already has gets the subject's CRC-32 too.
    """
    if max_videos < 1:
        raise ValueError(f"max_videos must be at least 1, got {max_videos}")
    table = videos.set_index("video", drop=False)
    paired = table.original.notna() & table.original.isin(table.index)
    unit = table.original.where(paired, table.video)  # an original, its fakes
    subject = table.subject[unit].set_axis(table.index)
    named: list[tuple[str, list[str]]] = []
    lone: list[str] = []
    for person, part in table.groupby(subject, sort=True):
        if len(part) == 1:
            lone += list(part.video)
            continue
        chunks = _chunks(
            [list(p.video) for _, p in part.groupby(unit[part.index], sort=True)], max_videos
        )
        named += [
            (id_piece(person) + (f"-{i}" if len(chunks) > 1 else ""), chunk)
            for i, chunk in enumerate(chunks, start=1)
        ]
    named += [(id_piece(chunk[0]), chunk) for chunk in _lone_chunks(sorted(lone), max_videos)]
    batches: dict[str, str] = {}
    used: set[str] = set()
    for name, chunk in named:
        batches |= dict.fromkeys(chunk, _unique(name, subject[chunk[0]], used))
    return pd.Series(batches, name="batch").reindex(videos.video).rename_axis("video")


def _lone_chunks(videos: list[str], size: int) -> list[list[str]]:
    """Lone ``videos`` (in id order) in chunks of at most ``size`` whose ends are set by their
    content: a chunk ends after a video whose id's CRC-32 is a multiple of ``size // 4``. A
    video added or removed changes its own chunk (splits or joins it at most), not the others,
    as packing them in order would: every later chunk would shift and be redone. Chunks hold
    ``size // 4`` videos on average (8 of the default 32: a job's start-up shared eight ways),
    so that a run of more than ``size`` ids without an end, which is cut at ``size`` by
    position and so shifts when a video joins it, is rare (1 in 70 at 32)."""
    period = max(1, size // 4)
    chunks: list[list[str]] = [[]]
    for video in videos:
        if len(chunks[-1]) == size:
            chunks.append([])
        chunks[-1].append(video)
        if zlib.crc32(video.encode()) % period == 0:
            chunks.append([])
    return [chunk for chunk in chunks if chunk]


def _unique(name: str, person: str, used: set[str]) -> str:
    """``name``, or ``name`` and ``person``'s CRC-32 where another batch has it already (and a
    count after that, should that be taken too: two batches never share a name)."""
    if name in used:
        base, n = f"{name}-{zlib.crc32(person.encode()):08x}", 1
        name = base
        while name in used:
            n += 1
            name = f"{base}-{n}"
    used.add(name)
    return name


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


def ready(
    videos: Iterable[str],
    inputs: Callable[[str], Iterable[Path]],
    out: str | Path,
    *,
    stage: str,
) -> list[str]:
    """The videos whose ``inputs`` all exist. Each other one is left out of the step: an
    earlier step failed on it (or on its original) and recorded why; the leaving out is
    recorded too (:func:`record_skip` in folder ``out``), so that the gather step finds a
    record for every video that has no table, and says which input was missing."""
    found = []
    for video in videos:
        missing = [str(path) for path in inputs(video) if not Path(path).exists()]
        if missing:
            record_skip(out, video, stage, f"no {', '.join(missing)} (an earlier step failed)")
        else:
            found.append(video)
    return found


def record_skip(out: str | Path, video: str, stage: str, why: str) -> None:
    """Log that ``stage`` left ``video`` out, and why, and write ``out/<video>.failed`` saying so
    (``skipped``: not this step's failure but an earlier one's consequence)."""
    log.warning("%s: %s left out: %s", video, stage, why)
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    record = {"video": video, "stage": stage, "error": why, "skipped": True}
    (out / f"{video}{FAILED}").write_text(json.dumps(record, sort_keys=True) + "\n")


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
