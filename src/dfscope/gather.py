"""Gathering a study's per-video tables into one frame table, one video table and its problems."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

import pandas as pd

from . import batches
from .atomic import write_csv, write_parquet
from .columns import FACE_ID, FRAME_KEY, FROM_CONTAINER, MADE_WITH, PROBLEM_COLUMNS
from .images import size_mismatch

log = logging.getLogger(__name__)

#: Columns of the detection table carried into the frame table.
DETECTION_KEEP = ["n_faces", "face", "confidence", "interpolated"]


def gather(
    videos: pd.DataFrame,
    faces: Sequence[str | Path],
    features: Sequence[str | Path],
    temporal: Sequence[str | Path],
    paired: Sequence[str | Path],
    frames_out: str | Path,
    videos_out: str | Path,
    *,
    manifests: Sequence[str | Path] = (),
    skipped: str | Path | None = None,
    problems_out: str | Path | None = None,
    made_with: dict | None = None,
) -> pd.DataFrame:
    """One frame table (every face of every frame of every video, and every frame without
    one) and one video table (means per video).

    ``faces``, ``features``, ``temporal``, ``paired`` and ``manifests`` are the batch folders
    of those steps, each holding a table (``<video>.parquet``, a manifest ``<video>.json``)
    per video. The frame table joins, on (video, frame, face_id): the video's row of the video
    table, the detection summary, the no-reference and temporal features and, for fakes, the paired
    metrics (NaN for real videos). Row order is (video, frame, face_id). A video without decoded
    frames, or one a step failed on, has no row in it and NaN means in the video table, so
    it drops out of every score by itself; ``problems_out`` (from the manifests, the
    detections and the failures the steps recorded) says which videos those are, and why,
    after the dataset's skipped inputs (the problems table ``skipped`` of the video-table
    step). ``made_with``, the settings the tables were made with
    (:func:`dfscope.config.made_with`), is recorded in the frame table's metadata, so that
    another study that trains its classifier on it can check it measured the same way.
    """
    failed = batches.failures([*manifests, *faces, *features, *temporal, *paired])
    left_out = {record["video"] for record in failed}
    batch_of = _batch_of(manifests)
    detections = _tables(faces, videos.video, left_out, "faces", batch_of)
    if problems_out is not None:
        found = video_problems(
            [
                json.loads(path.read_text())
                for folder in manifests
                for path in _files(folder, ".json")
            ],
            detections,
            _originals(videos),
            failed,
        )
        write_csv(
            problems_table(read_problems(skipped) if skipped else None, found, videos), problems_out
        )
    frames = _with_videos(videos, detections)
    for name, folders in (("features", features), ("temporal", temporal)):
        if folders:
            per_frame = _tables(folders, videos.video, left_out, name, batch_of)
            frames = frames.merge(per_frame, on=FRAME_KEY, how="left", validate="one_to_one")
    if paired:
        fakes = videos.video[videos.original.isin(videos.video)]  # fakes with their original
        pairs = _tables(paired, fakes, left_out, "paired", batch_of)
        frames = frames.merge(
            pairs.drop(columns="original"), on=FRAME_KEY, how="left", validate="one_to_one"
        )
        frames["paired"] = frames["paired"].fillna(False).astype(bool)
    frames = frames.sort_values(FRAME_KEY, kind="stable").reset_index(drop=True)
    recorded = None if made_with is None else {MADE_WITH: json.dumps(made_with, sort_keys=True)}
    write_parquet(frames, frames_out, recorded)
    per_video = video_means(frames, videos)
    write_parquet(per_video, videos_out)
    log.info("%d frames of %d videos gathered", len(frames), len(per_video))
    return frames


def crop_table(
    videos: pd.DataFrame,
    faces: Sequence[str | Path],
    out: str | Path,
    *,
    manifests: Sequence[str | Path] = (),
) -> pd.DataFrame:
    """The frame table's rows without a measure: every face of every frame (and every frame
    without one) with its video's row of the video table, in (video, frame, face_id) order.

    For the steps that learn from the crops themselves (the CNN), which need the labels,
    people and faces of the frame table but none of its measures: a table of its own, which
    changes only when the videos or the faces do, so that editing a feature or a metric does
    not train the networks again (rewritten, the frame table would redo them). A video the
    frames or faces step failed on has no row, as in the frame table.
    """
    failed = batches.failures([*manifests, *faces])
    left_out = {record["video"] for record in failed}
    detections = _tables(faces, videos.video, left_out, "faces", _batch_of(manifests))
    frames = _with_videos(videos, detections).sort_values(FRAME_KEY, kind="stable")
    frames = frames.reset_index(drop=True)
    write_parquet(frames, out)
    log.info("%d frames of %d videos with their faces", len(frames), frames.video.nunique())
    return frames


def background_table(
    videos: pd.DataFrame,
    background: Sequence[str | Path],
    out: str | Path,
    *,
    manifests: Sequence[str | Path] = (),
) -> pd.DataFrame:
    """The background features of every video (:mod:`dfscope.background`: the frame's corners,
    away from every face), each row with its video's row of the video table, in (video, frame)
    order: what the background control classifies as the classifier does the faces. A video
    the frames or background step failed on has no row."""
    failed = batches.failures([*manifests, *background])
    left_out = {record["video"] for record in failed}
    measured = _tables(background, videos.video, left_out, "background", _batch_of(manifests))
    table = videos.drop(columns=["path", "n_frames"]).merge(
        measured, on="video", validate="one_to_many"
    )
    table = table.sort_values(FRAME_KEY, kind="stable").reset_index(drop=True)
    write_parquet(table, out)
    log.info("background of %d frames of %d videos", len(table), table.video.nunique())
    return table


def _with_videos(videos: pd.DataFrame, detections: pd.DataFrame) -> pd.DataFrame:
    """Each row of the detection tables ``detections`` with its video's row of ``videos``."""
    return videos.drop(columns=["path", "n_frames"]).merge(
        detections[[*FRAME_KEY, *DETECTION_KEEP]], on="video", validate="one_to_many"
    )


def _originals(videos: pd.DataFrame) -> dict[str, str]:
    """Each fake with an original in the study: fake -> its original."""
    paired = videos[videos.original.isin(videos.video)]
    return dict(zip(paired.video, paired.original, strict=True))


def _files(folder: str | Path, suffix: str) -> list[Path]:
    """The per-video files ``<video><suffix>`` of a batch folder, in name order."""
    return sorted(Path(folder).glob(f"*{suffix}"))


def _tables(
    folders: Sequence[str | Path],
    expected: Iterable[str],
    left_out: set[str],
    stage: str,
    batch_of: Mapping[str, str],
) -> pd.DataFrame:
    """The per-video tables of one step's batch ``folders``, concatenated.

    Every ``expected`` video has its table, but those a step failed on (``left_out``); a
    video missing without a recorded failure would be a result silently lost, so it stops
    the gather step instead, with the command that redoes the batches that lost it
    (``batch_of``: video -> its batch, the name of its batch folders): a file removed from a
    folder that Snakemake made is something Snakemake does not notice, so a plain rerun
    would stop the same way.
    """
    paths = [path for folder in folders for path in _files(folder, ".parquet")]
    missing = sorted(set(expected) - {path.stem for path in paths} - left_out)
    if missing:
        by_batch = {Path(folder).name: str(folder) for folder in folders}
        lost = {by_batch.get(batch_of.get(video, ""), "") for video in missing}
        redo = sorted(map(str, folders)) if "" in lost else sorted(lost)
        raise ValueError(
            f"{stage}: no table of {len(missing)} video(s) and no recorded failure (e.g. "
            f"{missing[0]}): a file was removed from the step's output, which Snakemake does "
            f"not notice; redo it with: snakemake --cores N --forcerun {' '.join(redo)} "
            "(and your run's other options, such as --directory)"
        )
    return pd.concat([pd.read_parquet(path) for path in paths], ignore_index=True)


def _batch_of(manifests: Sequence[str | Path]) -> dict[str, str]:
    """Each video's batch, from the frames step's batch folders of manifests."""
    return {
        path.stem: Path(folder).name for folder in manifests for path in _files(folder, ".json")
    }


def video_means(frames: pd.DataFrame, videos: pd.DataFrame) -> pd.DataFrame:
    """Per video: its video-table row, decoded frames, frames with a face, faces (identities,
    ``detector.faces: all``; else 1 or 0), mean of each measure.

    Means skip frames without a face (NaN), so a video's score is the
    average over the frames where it could be measured; with several faces, over every face
    of every frame.
    """
    measures = [
        c
        for c in frames.columns
        if c not in videos.columns
        and c not in ("frame", "face", FACE_ID, "original_face", "n_faces", "paired")
        and pd.api.types.is_float_dtype(frames[c])
    ]
    grouped = frames.groupby("video", sort=True)
    summary = grouped[measures].mean().add_prefix("mean_")
    faced = frames[frames.face >= 0].groupby("video")
    summary.insert(0, "identities", faced[FACE_ID].nunique())
    summary.insert(0, "frames_with_face", faced.frame.nunique())
    summary.insert(0, "n_decoded", grouped.frame.nunique())
    table = videos.merge(summary.reset_index(), on="video", how="left", validate="one_to_one")
    counts = ["n_decoded", "frames_with_face", "identities"]  # a video without frames: 0, not NaN
    table[counts] = table[counts].fillna(0).astype("int64")
    return table


def video_problems(
    manifests: Sequence[dict],
    detections: pd.DataFrame,
    originals: Mapping[str, str],
    failed: Sequence[dict] = (),
) -> pd.DataFrame:
    """Every problem met on the way to the study tables, one row per video, stage and problem.

    From the frames step's manifests: a video that could not be decoded
    (its error names the file), a decoded count other than the original's,
    odd files or numbering gaps in a frame folder, and a fake whose frame
    size is not its original's (``originals``: video -> its original), which
    the paired step leaves unpaired. From the detections:
    no face in any frame, no face in some, several faces in a frame of which one was kept
    (by ``detector.faces``; with ``all`` every one is kept, which is no problem). And every
    step that ``failed`` on a video (:func:`dfscope.batches.failures`). Each is also logged, so that
    the gather log and ``problems.csv`` tell the same story. Sorted by video.
    """
    rows = []
    for info in manifests:
        video = info["video"]
        if info.get("error"):
            rows.append((video, "frames", f"unreadable, left out: {info['error']}"))
        elif info["count_ok"] is False:  # None: no count to check against
            rows.append((video, "frames", _count_problem(info)))
        rows.extend((video, "frames", note) for note in info.get("notes", []))
    by_video = {info["video"]: info for info in manifests}
    rows += _size_problems(by_video, originals)
    rows += _unpaired_frames(by_video, originals)
    own = {record["video"] for record in failed if not record.get("skipped")}
    rows += [
        (record["video"], record["stage"], _failure(record))
        for record in failed
        if not (record.get("skipped") and record["video"] in own)  # told by its own failure
    ]
    for video, part in detections.groupby("video", sort=True):
        kept = part.groupby("frame").agg(found=("n_faces", "max"), kept=("face", "size"))
        n_frames, missing = len(kept), int((part.face < 0).sum())
        several = int(((kept.found > 1) & (kept.kept < kept.found)).sum())
        if missing == n_frames:
            rows.append((video, "faces", f"no face in any of {n_frames} frames"))
        elif missing:
            rows.append((video, "faces", f"no face in {missing} of {n_frames} frames"))
        if several:
            rows.append(
                (
                    video,
                    "faces",
                    f"several faces in {several} of {n_frames} frames (one kept by detector.faces)",
                )
            )
    table = (
        pd.DataFrame(rows, columns=["video", "stage", "problem"])
        .sort_values(["video", "stage", "problem"], kind="stable")
        .reset_index(drop=True)
    )
    for row in table.itertuples():
        log.warning("%s (%s): %s", row.video, row.stage, row.problem)
    return table


def _count_problem(info: dict) -> str:
    """The problem of a frames manifest whose decoded count is not the expected one."""
    n, expected = info["n_decoded"], info["n_expected"]
    if info["expected_from"] == FROM_CONTAINER:
        return f"decoded {n} of the {expected} frames its container states: cut short"
    return f"decoded {n} of {expected} frames (paired by number)"


def _failure(record: dict) -> str:
    """The problem a step's failure record (:mod:`dfscope.batches`) tells: its own failure, or
    a video it left out because an earlier step failed on it or on its original."""
    if record.get("skipped"):
        return f"left out: {record['error']}"
    return f"failed, left out: {record['error']} (traceback in its {record['stage']} log)"


def _size_problems(manifests: Mapping[str, dict], originals: Mapping[str, str]) -> list[tuple]:
    """(video, "paired", problem) for each fake whose decoded frames are not its original's size.

    Rescaling the fake to pair it would measure the rescaling, so no frame of
    it is paired. An unreadable video (on either side) is listed as such
    already, and none of its frames is paired: nothing more is said of it.
    """
    rows = []
    for video, original in originals.items():
        fake, real = manifests.get(video), manifests.get(original)
        if fake is None or real is None or fake["error"] or real["error"]:
            continue
        size, original_size = (fake["width"], fake["height"]), (real["width"], real["height"])
        if size != original_size:
            rows.append((video, "paired", size_mismatch(size, original, original_size)))
    return rows


def _unpaired_frames(manifests: Mapping[str, dict], originals: Mapping[str, str]) -> list[tuple]:
    """(video, "paired", problem) for each fake with frames that its original has no frame of
    that number for, within the original's length: left out for their size, or missing from
    its frame folder. Those frames of the fake are not paired; frames past the original's end
    are told by the count check already, and a fake of another size is not paired at all."""
    rows = []
    for video, original in originals.items():
        fake, real = manifests.get(video), manifests.get(original)
        if fake is None or real is None or fake["error"] or real["error"]:
            continue
        if (fake["width"], fake["height"]) != (real["width"], real["height"]):
            continue
        missing = sorted(set(fake["kept"]) - set(real["kept"]))
        missing = [n for n in missing if n <= real["n_decoded"]]
        if missing:
            numbers = ", ".join(f"{n:03d}" for n in missing)
            rows.append(
                (
                    video,
                    "paired",
                    f"frame(s) {numbers} not paired: its original {original} has no frame of "
                    "that number (see its frames problems)",
                )
            )
    return rows


def problems_table(
    skipped: pd.DataFrame | None, found: pd.DataFrame, videos: pd.DataFrame
) -> pd.DataFrame:
    """problems.csv: the dataset's skipped inputs first, then the videos' problems (``found``,
    from :func:`video_problems`) with each video's dataset path, so that every row says
    which file to look at."""
    skipped = pd.DataFrame(columns=PROBLEM_COLUMNS) if skipped is None else skipped
    for row in skipped.itertuples():
        log.warning("%s (%s): %s", row.path, row.stage, row.problem)
    found = found.assign(path=found.video.map(videos.set_index("video").path))
    table = pd.concat([skipped, found[PROBLEM_COLUMNS]], ignore_index=True)
    return table.astype("string").fillna("")


def read_problems(path: str | Path) -> pd.DataFrame:
    """A problems table as written (empty cells stay empty strings, never NaN)."""
    return pd.read_csv(path, dtype="string", keep_default_na=False)


def problems_message(path: str | Path) -> str:
    """One line for the end of a run: how many inputs were skipped and how many videos had
    problems, and where they are listed."""
    path = Path(path)
    if not path.exists():
        return ""
    problems = read_problems(path)
    if problems.empty:
        return f"  no problem with any video or input  ({path})"
    skipped = problems[problems.stage == "dataset"]
    videos = problems[problems.stage != "dataset"]
    counts = [f"{len(skipped)} input(s) skipped"] if len(skipped) else []
    counts += [f"{videos.video.nunique()} video(s) had problems"] if len(videos) else []
    first = problems.iloc[0]
    return (
        f"  {' and '.join(counts)} ({len(problems)} rows in all, e.g. "
        f"{first.video or first.path}: {first.problem}): see {path}"
    )
