"""``frames.count: 32`` on long 720p clips through Snakemake: videos a minute, and what decoding
costs.

    .venv/bin/python benchmarks/sampling.py [--videos 10] [--out benchmarks/results]

FaceForensics++, Celeb-DF and DFDC clips are 300-500 frames at 720p or more, and the field samples
32 frames of each (DeepfakeBench). Decoding is then most of the frames step: every frame must be
decoded (each depends on the ones before), but a frame not kept need not be converted to BGR,
copied out or written, and a video need not be decoded twice to learn its length
(``dfscope.video``). This makes ``--videos`` clips of 500 frames at 1280x720 from GRID's real
talking heads (``../shared/media/grid``, looped and upscaled; MPEG-4 in .mp4, as the datasets
ship them), lists them as a CSV (``layout: table``, unlabelled) and runs ``snakemake --cores 2``
with ``frames.count: 32``, as a user would; and times, on one clip, decoding every frame with its
conversion against decoding with only the kept frames converted. Writes ``sampling.md`` and
``sampling.csv`` to ``--out``.
"""

from __future__ import annotations

import argparse
import itertools
import time
from datetime import datetime
from pathlib import Path

import cv2
import pandas as pd
from scale import job_times, letterbox, snakemake, study

from dfscope.video import frame_filter, iter_video

HERE = Path(__file__).resolve().parent
SHARED = HERE.parent.parent / "shared"
#: Frames a clip, its size, and the frames a video keeps.
LENGTH, SIZE, COUNT = 500, (1280, 720), 32


def make_clip(source: Path, out: Path) -> Path:
    """``LENGTH`` frames of ``source`` looped, letterboxed to ``SIZE``, as MPEG-4."""
    loop = list(iter_video(source))
    writer = cv2.VideoWriter(str(out), cv2.VideoWriter_fourcc(*"mp4v"), 25, SIZE)
    for frame in itertools.islice(itertools.cycle(loop), LENGTH):
        writer.write(letterbox(frame, SIZE))
    writer.release()
    return out


def decode_times(clip: Path) -> dict:
    """Seconds to decode ``clip`` converting every frame, and converting only the kept ones."""
    start = time.perf_counter()
    every = sum(1 for _ in iter_video(clip))
    middle = time.perf_counter()
    keep = frame_filter(every, count=COUNT)
    kept = sum(frame is not None for frame in iter_video(clip, keep))
    end = time.perf_counter()
    return {"all_converted_s": middle - start, "kept_converted_s": end - middle, "kept": kept}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--videos", type=int, default=10)
    parser.add_argument("--out", type=Path, default=HERE / "results")
    parser.add_argument("--work", type=Path, default=HERE / "results/work/sampling")
    args = parser.parse_args()
    data = args.work / "data"
    data.mkdir(parents=True, exist_ok=True)
    sources = sorted((SHARED / "media/grid").glob("*.mpg"))[: args.videos]
    clips = [make_clip(source, data / f"{source.stem}.mp4") for source in sources]
    (data / "videos.csv").write_text("path,label\n" + "".join(f"{clip.name},\n" for clip in clips))
    config = {
        "dataset": {"layout": "table", "root": str(data / "videos.csv")},
        "frames": {"count": COUNT},
    }
    workdir = study(args.work / "study", config)
    wall = snakemake(workdir)
    jobs = job_times(workdir)
    frames_s = float(jobs.seconds[jobs.rule == "frames"].sum())
    decoding = decode_times(clips[0])
    logs = (workdir / "results/logs/frames").rglob("*.log")
    twice = sum(log.read_text().count("decoded again") for log in logs)
    row = {
        "videos": len(clips),
        "frames_a_video": LENGTH,
        "kept": COUNT,
        "size": f"{SIZE[0]}x{SIZE[1]}",
        "wall_s": round(wall, 1),
        "videos_per_minute": round(60 * len(clips) / wall, 1),
        "frames_jobs_s": frames_s,
        "frames_share_of_core_time": round(frames_s / (2 * wall), 3),
        "decoded_twice": twice,
        **{k: round(v, 2) if isinstance(v, float) else v for k, v in decoding.items()},
    }
    write(args.out, row, jobs)


def write(out: Path, row: dict, jobs: pd.DataFrame) -> None:
    """``sampling.csv`` (the run's figures) and ``sampling.md``."""
    out.mkdir(parents=True, exist_ok=True)
    pd.DataFrame([row]).to_csv(out / "sampling.csv", index=False)
    per_rule = jobs.groupby("rule").seconds.agg(["count", "sum"]).sort_values("sum")[::-1]
    saved = 1 - row["kept_converted_s"] / row["all_converted_s"]
    lines = [
        "# `frames.count: 32` on long 720p clips",
        "",
        f"`benchmarks/sampling.py`, {datetime.now():%Y-%m-%d}: {row['videos']} clips of "
        f"{row['frames_a_video']} frames at {row['size']} (GRID, looped and upscaled, MPEG-4), "
        f"a CSV list, `frames.count: {row['kept']}`, the other settings the defaults, "
        "`snakemake --cores 2`.",
        "",
        f"- Whole run: {row['wall_s']} s, **{row['videos_per_minute']} videos a minute**.",
        f"- The frames step (decoding, and writing the {row['kept']} kept frames): "
        f"{row['frames_jobs_s']:.0f} job-seconds, {100 * row['frames_share_of_core_time']:.0f} % "
        f"of the run's core time (2 cores x wall). Videos decoded a second time (a container "
        f"that states a wrong length): {row['decoded_twice']}.",
        f"- One clip decoded converting every frame: {row['all_converted_s']} s; converting only "
        f"the {row['kept']} kept: {row['kept_converted_s']} s ({100 * saved:.0f} % less).",
        "",
        "| rule | jobs | job-seconds |",
        "| --- | --- | --- |",
        *(f"| {rule} | {int(r['count'])} | {r['sum']:.0f} |" for rule, r in per_rule.iterrows()),
        "",
    ]
    (out / "sampling.md").write_text("\n".join(lines))


if __name__ == "__main__":
    main()
