"""dfscope through Snakemake at dataset scale: throughput, start-up share, memory per resolution.

    .venv/bin/python benchmarks/scale.py [--only scale memory dryrun] [--settings defaults png fast]
        [--out benchmarks/results]

Everything runs as a user runs it: from the repository root, ``snakemake --cores 2 --directory
<study>`` (the workstation profile applied by Snakemake itself), each study's settings in its
``config/config.yaml``. Writes ``scale.csv`` (one row per job of every run: rule, seconds, peak
MiB) and ``scale.md`` (the figures docs/speed.md quotes) to ``--out``; the memory stage writes
``memory.csv`` and ``memory.md``.

- ``scale``: the built-in sample scaled to 4 subjects x 4 sentences (48 videos) at 100 and at 25
  frames a video, with the default settings and with the fast ones (FAST), and once more at 25
  frames with batches of at most 3 videos (more jobs, the same work). Sample generation is run
  first and not timed. From the walls: frames/s, the cost of a frame and of a job, the share of
  the wall that does not grow with the frames (per-job start-up, scheduling, study-level jobs),
  a projection of the full DeepfakeTIMIT on 8 cores, and each rule's core ms a frame. Each
  MTCNN alone (two threads, frames in memory) is timed on the defaults' frames: the limit the
  throughput is stated against (times ``detector.every`` for the fast settings).
- ``memory``: GHOST's real clip and its three real face swaps (``../shared/media/ghost``),
  letterboxed into 512x384, 1280x720 and 1920x1080, through the per-video steps with the
  default settings and each face detector of ``--detectors``: every job's peak memory (each
  job logs it when it ends).
- ``dryrun``: ``snakemake -n`` on a stub of the full DeepfakeTIMIT (``stub_dataset.py``, from
  ``../shared/dataset/lq_listing.csv``): planning time and job count; its comparison-figure
  jobs give the figures' cost and share of the projected full run (run first, with ``scale``).
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path

import cv2
import numpy as np
import pandas as pd
import yaml

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
SHARED = REPO.parent / "shared"
SNAKEMAKE = str(Path(sys.executable).with_name("snakemake"))
#: The scaled sample: 4 subjects (2 swap pairs) x 4 sentences, an original and 2 fakes each.
SCALED = {"sentences": ["sa1", "sa2", "si1", "sx1"]}
#: The fast settings: the PyTorch MTCNN on every 4th frame, frames deleted once read.
FAST = {
    "detector": {"name": "mtcnn_torch", "every": 4},
    "frames": {"format": "bmp", "temporary": True},
}
#: Each settings the benchmark can run, as a config over the defaults: ``png`` is the defaults
#: with PNG frames (the same pixels, compressed), to weigh PNG's cost against BMP's disk.
SETTINGS = {"defaults": {}, "png": {"frames": {"format": "png"}}, "fast": FAST}
#: The face detector of each settings and the share of frames it sees (``detector.every``).
DETECTOR = {"defaults": ("mtcnn", 1), "png": ("mtcnn", 1), "fast": ("mtcnn_torch", 4)}
#: The full DeepfakeTIMIT: 640 fakes and their 320 originals, ~34,000 frames a quality.
FULL = {"videos": 960, "frames": 102_000, "subjects": 32}
#: The cores the full run is projected on.
FULL_CORES = 8
RESOLUTIONS = {"512x384": (512, 384), "1280x720": (1280, 720), "1920x1080": (1920, 1080)}


def snakemake(workdir: Path, *args: str) -> float:
    """Run the README's command for the study in ``workdir``; its wall time in seconds."""
    start = time.perf_counter()
    subprocess.run(
        [SNAKEMAKE, "--cores", "2", "--directory", str(workdir), *args],
        cwd=REPO,
        check=True,
        capture_output=True,
    )
    return time.perf_counter() - start


def study(workdir: Path, config: dict) -> Path:
    """A fresh study folder with ``config`` as its config file."""
    shutil.rmtree(workdir, ignore_errors=True)
    (workdir / "config").mkdir(parents=True)
    (workdir / "config/config.yaml").write_text(yaml.safe_dump(config))
    return workdir


def job_times(workdir: Path) -> pd.DataFrame:
    """Every job of a study's Snakemake runs: its rule and seconds, from Snakemake's own log
    (when each job started and finished, to the second)."""
    rows, started, rule, stamp = [], {}, None, None
    for log in sorted((workdir / ".snakemake/log").glob("*.log")):
        for line in log.read_text().splitlines():
            if re.fullmatch(r"\[\w{3} \w{3} +\d+ [\d:]{8} \d{4}\]", line):
                stamp = datetime.strptime(line, "[%a %b %d %H:%M:%S %Y]")
            elif match := re.fullmatch(r"(?:local)?(?:rule|checkpoint) (\w+):", line):
                rule = match[1]
            elif match := re.fullmatch(r"\s+jobid: (\d+)", line):
                started[match[1]] = (rule, stamp)
            elif match := re.fullmatch(r"Finished jobid: (\d+) \(Rule: (\w+)\)", line):
                name, begun = started.pop(match[1])
                rows.append({"rule": name, "seconds": (stamp - begun).total_seconds()})
    return pd.DataFrame(rows, columns=["rule", "seconds"])


def job_memory(workdir: Path) -> pd.DataFrame:
    """Every job's peak memory (MiB), as its log's last line says (dfscope.runtime), by step."""
    rows = []
    for log in (workdir / "results/logs").rglob("*.log"):
        found = re.findall(r"peak memory: (\d+) MiB", log.read_text())
        step = log.relative_to(workdir / "results/logs").parts[0].removesuffix(".log")
        rows.append({"step": step, "peak_mib": float(found[-1]) if found else float("nan")})
    return pd.DataFrame(rows, columns=["step", "peak_mib"])


def stage_scale(work: Path, settings_run: list[str]) -> list[dict]:
    """The scaled sample through Snakemake, 100 and 25 frames, with each of ``settings_run``
    (:data:`SETTINGS`)."""
    runs, alone = [], {}
    for settings in settings_run:
        extra = SETTINGS[settings]
        for n_frames, max_videos in ((100, 32), (25, 32), (25, 3)):
            name = f"{settings}_{n_frames}_{max_videos}"
            config = {
                "sample": SCALED | {"n_frames": n_frames},
                "batching": {"max_videos": max_videos},
            } | extra
            workdir = study(work / "scale" / name, config)
            snakemake(workdir, "-n")  # planning generates the sample: not timed
            (workdir / ".snakemake/log").exists() and shutil.rmtree(workdir / ".snakemake/log")
            wall = snakemake(workdir)
            timed = job_times(workdir)
            runs.append(
                {
                    "run": name,
                    "settings": settings,
                    "n_frames": n_frames,
                    "max_videos": max_videos,
                    "frames": 48 * n_frames,
                    "wall": wall,
                    "jobs": len(timed),
                    "times": timed,
                    "memory": job_memory(workdir),
                }
            )
            print(
                json.dumps({k: v for k, v in runs[-1].items() if k not in ("times", "memory")}),
                flush=True,
            )
            if name == "defaults_100_32":
                alone = detector_alone(workdir / "results/frames")
                print(json.dumps({"detector_alone_frames_per_s": alone}), flush=True)
    for run in runs:
        run["detector_alone"] = alone
    return runs


#: Videos of the defaults' 100-frame run whose frames each face detector alone is timed on.
ALONE_VIDEOS = 12


def detector_alone(frames: Path, names: tuple[str, ...] = ("mtcnn", "mtcnn_torch")) -> dict:
    """Frames a second of each face detector alone (two threads, batches of
    ``detector.batch_size``, frames read beforehand) on the frames of the first
    ``ALONE_VIDEOS`` videos under ``frames``: the limit the pipeline is held against."""
    from dfscope.config.schema import defaults
    from dfscope.detectors import build
    from dfscope.images import frame_files, read_frame

    config = defaults(REPO / "workflow/schemas/config.schema.yaml")["detector"]
    videos = sorted(folder for folder in frames.glob("*/*") if folder.is_dir())
    images = [read_frame(p) for video in videos[:ALONE_VIDEOS] for p in frame_files(video)]
    batch, rates = config["batch_size"], {}
    for name in names:
        detector = build(name, threads=2, **config["params"][name])
        detector.detect(images[:batch])  # warm-up: graphs and allocators
        start = time.perf_counter()
        for i in range(0, len(images), batch):
            detector.detect(images[i : i + batch])
        rates[name] = len(images) / (time.perf_counter() - start)
    return rates


def letterbox(frame: np.ndarray, size: tuple[int, int]) -> np.ndarray:
    """``frame`` scaled to fit ``size`` (width, height) and centred on black: no face stretched."""
    width, height = size
    factor = min(width / frame.shape[1], height / frame.shape[0])
    scaled = cv2.resize(frame, None, fx=factor, fy=factor, interpolation=cv2.INTER_CUBIC)
    canvas = np.zeros((height, width, 3), np.uint8)
    top, left = (height - scaled.shape[0]) // 2, (width - scaled.shape[1]) // 2
    canvas[top : top + scaled.shape[0], left : left + scaled.shape[1]] = scaled
    return canvas


def ghost_dataset(root: Path, size: tuple[int, int]) -> Path:
    """GHOST's clip (as a VidTIMIT JPEG folder) and its three swaps (as .mp4) at ``size``."""
    from dfscope.video import iter_video

    media = SHARED / "media/ghost"
    originals = root / "VidTIMIT/ghost0/video/sa1"
    originals.mkdir(parents=True)
    for n, frame in enumerate(iter_video(media / "orig.mp4"), start=1):
        ok, data = cv2.imencode(".jpg", letterbox(frame, size), [cv2.IMWRITE_JPEG_QUALITY, 95])
        (originals / f"{n:03d}").write_bytes(data.tobytes())
    fakes = root / "DeepfakeTIMIT/lower_quality/ghost0"
    fakes.mkdir(parents=True)
    for name in ("elon", "khabenskii", "mark"):
        writer = cv2.VideoWriter(
            str(fakes / f"sa1-video-{name}.mp4"), cv2.VideoWriter_fourcc(*"mp4v"), 25, size
        )
        for frame in iter_video(media / f"{name}.mp4"):
            writer.write(letterbox(frame, size))
        writer.release()
    return root


def stage_memory(work: Path, detectors: list[str]) -> list[dict]:
    """Peak memory of every per-video step's job on real footage at three resolutions, with
    each face detector of ``detectors`` (its other settings the defaults)."""
    runs = []
    for label, size in RESOLUTIONS.items():
        data = work / "memory" / f"data_{label}"
        if not data.exists():
            ghost_dataset(data, size)
        for detector in detectors:
            config = {
                "dataset": {
                    "root": str(data / "DeepfakeTIMIT"),
                    "originals_root": str(data / "VidTIMIT"),
                },
                "detector": {"name": detector},
            }
            workdir = study(work / "memory" / f"{label}_{detector}", config)
            targets = [
                f"results/tables/{detector}/frames.parquet",
                f"results/plots/{detector}/compare/ghost0",
            ]
            wall = snakemake(workdir, *targets)
            memory = job_memory(workdir)
            memory["step"] = memory.step.where(memory.step != "faces", f"faces ({detector})")
            runs.append({"resolution": label, "detector": detector, "wall": wall, "memory": memory})
            peaks = memory.groupby("step").peak_mib.max().to_dict()
            print(json.dumps({"resolution": label, "detector": detector, "peak_mib": peaks}))
    return runs


def stage_dryrun(work: Path) -> dict:
    """``snakemake -n`` on the full-size stub: seconds and jobs planned."""
    sys.path.insert(0, str(HERE))
    from stub_dataset import stub_dataset

    table = stub_dataset(SHARED / "dataset/lq_listing.csv", work / "stubs")
    workdir = study(
        work / "dryrun",
        {
            "dataset": {
                "root": str(work / "stubs/DeepfakeTIMIT"),
                "originals_root": str(work / "stubs/VidTIMIT"),
            }
        },
    )
    start = time.perf_counter()
    result = subprocess.run(
        [SNAKEMAKE, "-n", "--cores", "8", "--directory", str(workdir)],
        cwd=REPO,
        check=True,
        capture_output=True,
        text=True,
    )
    seconds = time.perf_counter() - start
    stats = (result.stdout + result.stderr).split("Job stats:", 1)[1].split("\n\n", 1)[0]
    counts = {rule: int(n) for rule, n in re.findall(r"^(\w+)\s+(\d+)$", stats, re.M)}
    return {
        "videos": len(table),
        "seconds": seconds,
        "jobs": counts.pop("total"),
        "batches": int(table.subject.nunique()),
        "rule_jobs": counts,
    }


#: The per-video steps (one job per batch each); the rest are the study's, one job each.
VIDEO_RULES = ["frames", "faces", "features", "temporal_features", "paired_metrics"]
#: Jobs whose work is a fixed number of fakes (``plots.compare_fakes`` a group), not frames:
#: the comparison figures.
FIXED_RULES = ["compare_figures", "compare_figures_in_report"]
#: The study-level jobs on the longest path after the per-video steps, grown with the frames.
#: The ablation, the controls and the CNN are left out: what they cost at the full size is
#: measured there by ``study_scale.py`` (the CNN's per-crop rate is in docs/detection.md).
STUDY_PATH = [("gather",), ("feature_auc", "plots", "classify"), ("classifier_plot",)]


def derive(runs: list[dict], full_plan: dict | None = None) -> pd.DataFrame:
    """Per settings: frames/s at 100 frames a video, the wall of a frame and of a job, the share
    of the wall that does not grow with the frames, and the projection of the full dataset,
    with the comparison figures' job seconds and share of it (:func:`figures_cost`;
    ``full_plan``: the full-size stub's jobs by rule, from :func:`stage_dryrun`)."""
    rows = []
    for settings in dict.fromkeys(run["settings"] for run in runs):
        by = {(r["n_frames"], r["max_videos"]): r for r in runs if r["settings"] == settings}
        long, short, many = by[100, 32], by[25, 32], by[25, 3]
        per_frame = (long["wall"] - short["wall"]) / (long["frames"] - short["frames"])
        fixed = long["wall"] - per_frame * long["frames"]
        per_job = (many["wall"] - short["wall"]) / (many["jobs"] - short["jobs"])
        name, every = DETECTOR[settings]
        limit = long["detector_alone"].get(name, float("nan")) * every
        figures = figures_cost(long, full_plan)
        projected = project(long, short, figures)
        rows.append(
            {
                "settings": settings,
                "frames_per_s": long["frames"] / long["wall"],
                "detector_limit": limit,
                "share_of_limit": long["frames"] / long["wall"] / limit,
                "wall_100": long["wall"],
                "wall_25": short["wall"],
                "marginal_frames_per_s": 1 / per_frame,
                "fixed_s": fixed,
                "fixed_share": fixed / long["wall"],
                "per_job_s": per_job,
                "jobs_100": long["jobs"],
                "projected_8_cores_s": projected,
                "figures_s_full": figures,
                "figures_share_full": figures / FULL_CORES / projected,
            }
        )
    return pd.DataFrame(rows)


def figures_cost(run: dict, full_plan: dict | None) -> float:
    """The comparison figures' job seconds at the full size: the run's seconds a comparison job
    times the jobs the full-size stub's plan has (``full_plan``, jobs by rule), or the run's own
    seconds without a plan. Each job draws the ``plots.compare_fakes`` fakes of a group that
    fall in its batch (16 in all at either size), so its cost is a job's start-up and a few
    fakes' figures, not the frames; a full-size job draws fewer fakes than one of the sample,
    so the estimate errs high. NaN, not 0, where the plan has comparison jobs but the run none
    to time them by: the projection then says it cannot be made."""
    times = run["times"][run["times"].rule.isin(FIXED_RULES)]
    if full_plan is None:
        return float(times.seconds.sum())
    jobs = sum(full_plan.get(rule, 0) for rule in FIXED_RULES)
    return float(times.seconds.mean() * jobs) if jobs else 0.0


def project(long: dict, short: dict, figures: float, cores: int = FULL_CORES) -> float:
    """The full DeepfakeTIMIT's wall on ``cores`` cores, from two runs that differ in frames.

    The per-video steps' job seconds (single-threaded jobs) are a cost per frame and a cost
    per job (one a step and subject), and spread over the cores, as are the comparison
    figures' ``figures`` job seconds (:func:`figures_cost`); the study-level jobs after them
    run one after the other along their longest path, each grown from 1,200 to 4,800 frames
    and extrapolated to the full dataset by the power of the frames that growth shows.
    """
    video = [run["times"][run["times"].rule.isin(VIDEO_RULES)] for run in (long, short)]
    per_frame = (video[0].seconds.sum() - video[1].seconds.sum()) / (
        long["frames"] - short["frames"]
    )
    per_job = (video[1].seconds.sum() - per_frame * short["frames"]) / len(video[1])
    jobs = FULL["subjects"] * len(VIDEO_RULES)
    path = 0.0
    for step in STUDY_PATH:
        times = []
        for rule in step:
            grown = [run["times"].seconds[run["times"].rule == rule].sum() for run in (long, short)]
            power = np.log(max(grown[0], 1) / max(grown[1], 1)) / np.log(
                long["frames"] / short["frames"]
            )
            times.append(grown[0] * (FULL["frames"] / long["frames"]) ** power)
        path += max(times)
    return (per_frame * FULL["frames"] + per_job * jobs + figures) / cores + path


def step_costs(runs: list[dict]) -> pd.DataFrame:
    """Per settings and rule: core ms a frame (the job seconds of the 100-frame run less the
    25-frame run's, over the frames between) and the 100-frame run's job seconds."""
    rows = []
    for settings in dict.fromkeys(run["settings"] for run in runs):
        by = {(r["n_frames"], r["max_videos"]): r for r in runs if r["settings"] == settings}
        long, short = by[100, 32]["times"], by[25, 32]["times"]
        frames = by[100, 32]["frames"] - by[25, 32]["frames"]
        for rule in long.rule.unique():
            seconds = long.seconds[long.rule == rule].sum()
            grown = seconds - short.seconds[short.rule == rule].sum()
            rows.append(
                {
                    "settings": settings,
                    "rule": rule,
                    "ms_a_frame": 1000 * grown / frames,
                    "seconds_100": seconds,
                }
            )
    return pd.DataFrame(rows)


def write(out: Path, scale: list[dict], dry: dict | None) -> None:
    """scale.csv (every job) and scale.md (the derived figures) under ``out``."""
    out.mkdir(parents=True, exist_ok=True)
    if scale:
        rows = [run["times"].assign(run=run["run"]) for run in scale]
        pd.concat(rows, ignore_index=True).to_csv(out / "scale.csv", index=False)
    lines = []
    if scale:
        table = derive(scale, dry and dry["rule_jobs"])
        lines += [
            "| settings | frames/s (100 a video) | detector alone (x every) | share of it "
            "| wall 100 / 25 frames | frames/s of the frames alone | fixed s | start-up share "
            "| s a job | jobs | full DeepfakeTIMIT, 8 cores | its comparison figures |",
            "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
        ]
        lines += [
            f"| {r.settings} | {r.frames_per_s:.1f} | {r.detector_limit:.1f} "
            f"| {100 * r.share_of_limit:.0f} % | {r.wall_100:.0f} s / {r.wall_25:.0f} s "
            f"| {r.marginal_frames_per_s:.1f} | {r.fixed_s:.1f} | {100 * r.fixed_share:.0f} % "
            f"| {r.per_job_s:.2f} | {r.jobs_100} | {r.projected_8_cores_s / 60:.1f} min "
            f"| {r.figures_s_full:.0f} job s, {100 * r.figures_share_full:.1f} % of it |"
            for r in table.itertuples()
        ]
        costs = step_costs(scale).pivot(index="rule", columns="settings")
        lines += [
            "",
            "Job seconds of each rule at 100 frames a video, and the core ms a frame they grow "
            "by (100 less 25 frames):",
            "",
            "| rule | " + " | ".join(f"{s}: s, ms a frame" for s in costs.ms_a_frame) + " |",
            "| --- |" + " --- |" * len(costs.ms_a_frame.columns),
        ]
        lines += [
            f"| {rule} | "
            + " | ".join(
                f"{costs.seconds_100[s][rule]:.0f} s, {costs.ms_a_frame[s][rule]:.1f}"
                for s in costs.ms_a_frame
            )
            + " |"
            for rule in costs.index
        ]
    if dry:
        lines += [
            "",
            f"Dry run of the {dry['videos']}-video stub: {dry['seconds']:.1f} s, "
            f"{dry['jobs']} jobs planned ({dry['batches']} subjects).",
        ]
    if lines:
        (out / "scale.md").write_text("\n".join(lines) + "\n")


def write_memory(out: Path, memory: list[dict]) -> None:
    """memory.csv (every job's peak) and memory.md (the largest per step and resolution)."""
    peaks = pd.concat(
        [run["memory"].assign(resolution=run["resolution"]) for run in memory], ignore_index=True
    )
    peaks.to_csv(out / "memory.csv", index=False)
    pivot = peaks.groupby(["step", "resolution"]).peak_mib.max().unstack()[list(RESOLUTIONS)]
    lines = ["| step | " + " | ".join(RESOLUTIONS) + " |", "| --- |" + " --- |" * len(RESOLUTIONS)]
    lines += [
        f"| {step} | " + " | ".join(f"{v:.0f} MiB" for v in row) + " |"
        for step, row in pivot.iterrows()
    ]
    (out / "memory.md").write_text("\n".join(lines) + "\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--only",
        nargs="+",
        choices=["scale", "memory", "dryrun"],
        default=["scale", "memory", "dryrun"],
    )
    parser.add_argument(
        "--settings", nargs="+", choices=list(SETTINGS), default=["defaults", "fast"]
    )
    parser.add_argument(
        "--detectors", nargs="+", default=["mtcnn", "dlib"], help="face detectors (memory)"
    )
    parser.add_argument("--out", type=Path, default=HERE / "results")
    parser.add_argument("--work", type=Path, default=None, help="scratch folder (OUT/work)")
    args = parser.parse_args()
    work = args.work or args.out / "work"
    dry = stage_dryrun(work) if "dryrun" in args.only and (SHARED / "dataset").exists() else None
    scale = stage_scale(work, args.settings) if "scale" in args.only else []
    if "memory" in args.only and (SHARED / "media").exists():
        write_memory(args.out, stage_memory(work, args.detectors))
        print((args.out / "memory.md").read_text())
    write(args.out, scale, dry)
    if scale or dry:
        print((args.out / "scale.md").read_text())


if __name__ == "__main__":
    main()
