"""Time each stage of dfscope, and the seed-style baseline, on the same generated frames.

    .venv/bin/python benchmarks/bench.py [--frames 50] [--out benchmarks/results]
    .venv/bin/python benchmarks/bench.py --device cuda --batch 256 --only detect_only_mtcnn_torch \
        --out benchmarks/results/gpu

Every stage runs in a process of its own, and reports its wall time and peak memory
(``ru_maxrss``): what each step's algorithm costs, without Snakemake. Stages call the library
functions the rules call, on a generated sample of 2 subjects, 1 sentence, ``--frames`` frames
at 512x384: 2 originals, 2 LQ and 2 HQ fakes. Writes ``results.csv`` and ``results.md`` to
``--out``. ``--device`` and ``--batch`` set the PyTorch detector's; ``--only`` runs some
stages (into another ``--out``). What a user waits for, through Snakemake at dataset scale, is
measured by ``scale.py``."""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
SCHEMA = REPO / "workflow/schemas/config.schema.yaml"
#: The PyTorch detector's device and batch (``--device``, ``--batch``): cpu and 16 by default.
TORCH = {"device": "cpu", "batch": 16}


def videos(work: Path) -> pd.DataFrame:
    return pd.read_parquet(work / "videos.parquet")


def frames_dir(work: Path, fmt: str = "png") -> Path:
    """Where stage ``frames`` put the frames in format ``fmt`` (``frames.format``)."""
    return work / ("frames" if fmt == "png" else f"frames_{fmt}")


def stage_frames(work: Path, fmt: str = "png") -> int:
    from dfscope.video import extract_frames

    table, out = videos(work), frames_dir(work, fmt)
    for row in table.itertuples():
        extract_frames(
            row.path,
            out / row.video,
            out / f"{row.video}.json",
            video=row.video,
            expected=row.n_frames,
            ext=fmt,
        )
    return int(table.n_frames.sum())


def batch_size(name: str) -> int:
    """Frames per detector call: ``--batch`` for the PyTorch detector, the config's 16 otherwise."""
    return TORCH["batch"] if name == "mtcnn_torch" else 16


def detector(name: str):
    """Detector ``name`` with the config's defaults (the PyTorch one on ``--device``)."""
    from dfscope.config.schema import defaults
    from dfscope.detectors import build

    params = defaults(SCHEMA)["detector"]["params"][name]
    return build(
        name, threads=2, **params | ({"device": TORCH["device"]} if name == "mtcnn_torch" else {})
    )


def stage_faces(work: Path, name: str, every: int = 1, fmt: str = "png") -> int:
    from dfscope.crops import Cropping
    from dfscope.faces import detect_video

    model, batch = detector(name), batch_size(name)
    out = work / (
        name + (f"_every{every}" if every > 1 else "") + (f"_{fmt}" if fmt != "png" else "")
    )
    total = 0
    for video in videos(work).video:
        table = detect_video(
            frames_dir(work, fmt) / video,
            out / video,
            out / f"{video}.parquet",
            video=video,
            detector=model,
            cropping=Cropping(size=128, margin=0.2),
            every=every,
            batch_size=batch,
        )
        total += len(table)
    return total


def stage_detect_only(work: Path, name: str, repeat: int = 4) -> int:
    """Detection alone, on frames already decoded into memory (``repeat`` passes over them).

    What a GPU detector is measured by: no frame reading, cropping or table writing.
    """
    from dfscope.images import frame_files, read_frame

    frames = [
        read_frame(p) for video in videos(work).video for p in frame_files(work / "frames" / video)
    ]
    model, batch = detector(name), batch_size(name)
    model.detect(frames[:batch])  # warm-up: CUDA context and kernels, CPU allocator
    start = time.perf_counter()
    for _ in range(repeat):
        for i in range(0, len(frames), batch):
            model.detect(frames[i : i + batch])
    print(json.dumps({"detect_seconds": time.perf_counter() - start}))
    return repeat * len(frames)


def stage_features(work: Path) -> int:
    from dfscope.features import measure_video
    from dfscope.features.quality import FEATURES

    total = 0
    for video in videos(work).video:
        total += len(
            measure_video(
                work / "mtcnn" / video,
                work / "mtcnn" / f"{video}.parquet",
                work / "features" / f"{video}.parquet",
                video=video,
                families={"quality": {"names": list(FEATURES)}},
            )
        )
    return total


def stage_temporal(work: Path, fmt: str = "png") -> int:
    from dfscope.temporal import measure_video

    total = 0
    for video in videos(work).video:
        total += len(
            measure_video(
                frames_dir(work, fmt) / video,
                work / "mtcnn" / f"{video}.parquet",
                work / "temporal" / f"{video}.parquet",
                video=video,
                crop_size=128,
            )
        )
    return total


def stage_paired(work: Path, fmt: str = "png") -> int:
    from dfscope.paired import compare_video

    total, frames = 0, frames_dir(work, fmt)
    for row in videos(work).query("label == 1").itertuples():
        total += len(
            compare_video(
                frames / row.video,
                work / "mtcnn" / f"{row.video}.parquet",
                frames / row.original,
                work / "mtcnn" / f"{row.original}.parquet",
                work / "paired" / f"{row.video}.parquet",
                work / "paired" / f"{row.video}.png",
                video=row.video,
                original=row.original,
                crop_size=128,
            )
        )
    return total


def stage_seed(work: Path) -> int:
    sys.path.insert(0, str(HERE))
    from seed_baseline import seed_style

    from dfscope.images import frame_files, read_frame

    total = 0
    for row in videos(work).itertuples():
        frames = [read_frame(p) for p in frame_files(work / "frames" / row.video)]
        originals = (
            [read_frame(p) for p in frame_files(work / "frames" / row.original)]
            if row.label == 1
            else [None] * len(frames)
        )
        total += len(seed_style(frames, originals))
    return total


STAGES = {
    "frames": stage_frames,
    "faces_mtcnn": lambda w: stage_faces(w, "mtcnn"),
    "faces_mtcnn_every4": lambda w: stage_faces(w, "mtcnn", every=4),
    "faces_mtcnn_torch": lambda w: stage_faces(w, "mtcnn_torch"),
    "faces_mtcnn_torch_every4": lambda w: stage_faces(w, "mtcnn_torch", every=4),
    "detect_only_mtcnn": lambda w: stage_detect_only(w, "mtcnn"),
    "detect_only_mtcnn_torch": lambda w: stage_detect_only(w, "mtcnn_torch"),
    "faces_haar": lambda w: stage_faces(w, "haar"),
    "features": stage_features,
    "temporal": stage_temporal,
    "paired": stage_paired,
    "seed_baseline": stage_seed,
    "frames_bmp": lambda w: stage_frames(w, "bmp"),
    "faces_mtcnn_torch_every4_bmp": lambda w: stage_faces(w, "mtcnn_torch", every=4, fmt="bmp"),
    "temporal_bmp": lambda w: stage_temporal(w, "bmp"),
    "paired_bmp": lambda w: stage_paired(w, "bmp"),
}
#: The workflow's own stages, frames to metrics, with each face stage in turn (default first).
METRICS = ["features", "temporal", "paired"]
PIPELINES = {
    "mtcnn": ["frames", "faces_mtcnn", *METRICS],
    "mtcnn every 4": ["frames", "faces_mtcnn_every4", *METRICS],
    "mtcnn_torch": ["frames", "faces_mtcnn_torch", *METRICS],
    "mtcnn_torch every 4": ["frames", "faces_mtcnn_torch_every4", *METRICS],
    "mtcnn_torch every 4, BMP frames": [
        "frames_bmp",
        "faces_mtcnn_torch_every4_bmp",
        "features",
        "temporal_bmp",
        "paired_bmp",
    ],
}


def run_stage(name: str, work: Path) -> None:
    """Child process: run one stage, print its JSON line (items, seconds, peak MiB)."""
    sys.path.insert(0, str(HERE))
    start = time.perf_counter()
    items = STAGES[name](work)
    seconds = time.perf_counter() - start
    peak = (
        max(
            resource.getrusage(who).ru_maxrss
            for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)
        )
        / 1024
    )
    unit = "frames"
    print(
        json.dumps(
            {"stage": name, "items": items, "unit": unit, "seconds": seconds, "peak_mib": peak}
        )
    )


def measure(name: str, work: Path) -> dict:
    command = [
        sys.executable,
        __file__,
        "--stage",
        name,
        "--work",
        str(work),
        "--device",
        TORCH["device"],
        "--batch",
        str(TORCH["batch"]),
    ]
    result = subprocess.run(command, capture_output=True, text=True)
    if result.returncode:
        sys.exit(f"stage {name} failed:\n{result.stderr[-3000:]}")
    lines = [json.loads(line) for line in result.stdout.splitlines() if line.startswith("{")]
    return {k: v for line in lines for k, v in line.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--frames", type=int, default=50, help="frames per generated clip")
    parser.add_argument("--out", type=Path, default=HERE / "results")
    parser.add_argument(
        "--work", type=Path, default=None, help="scratch folder (default: OUT/work)"
    )
    parser.add_argument("--device", default="cpu", help="PyTorch device of mtcnn_torch (cpu, cuda)")
    parser.add_argument("--batch", type=int, default=16, help="frames per mtcnn_torch call")
    parser.add_argument(
        "--only",
        nargs="+",
        choices=list(STAGES),
        metavar="STAGE",
        help=f"run these stages only (of: {', '.join(STAGES)})",
    )
    parser.add_argument("--stage", choices=sorted(STAGES), help=argparse.SUPPRESS)
    args = parser.parse_args()
    TORCH.update(device=args.device, batch=args.batch)
    work = (args.work or args.out / "work").resolve()
    if args.stage:
        return run_stage(args.stage, work)

    from dfscope.sample import SampleSpec, generate

    spec = SampleSpec(subjects=("fcol0", "fhop0"), sentences=("sa1",), n_frames=args.frames)
    generate(spec, work / "sample").to_parquet(work / "videos.parquet")
    stages = args.only or list(STAGES)
    rows = []
    for name in stages:
        rows.append(measure(name, work))
        print(f"{name}: {rows[-1]}", flush=True)
    table = pd.DataFrame(rows)
    table["per_second"] = table["items"] / table.seconds
    args.out.mkdir(parents=True, exist_ok=True)
    table.round(3).to_csv(args.out / "results.csv", index=False)
    report = (
        "\n".join([*stage_lines(table), "", *pipeline_lines(table), *detection_lines(table)]) + "\n"
    )
    (args.out / "results.md").write_text(report)
    print(report)


def stage_lines(table: pd.DataFrame) -> list[str]:
    lines = ["| stage | items | seconds | items/s | peak MiB |", "| --- | --- | --- | --- | --- |"]
    for r in table.itertuples():
        seconds = f"{r.seconds:.1f}"
        if (
            isinstance(getattr(r, "detect_seconds", None), float)
            and r.detect_seconds == r.detect_seconds
        ):
            seconds += f" ({r.detect_seconds:.1f} detecting)"
        lines.append(
            f"| {r.stage} | {r.items} {r.unit} | {seconds} | {r.per_second:.1f} "
            f"| {r.peak_mib:.0f} |"
        )
    return lines


def pipeline_lines(table: pd.DataFrame) -> list[str]:
    """Frames to metrics, each stage's process included, per face stage; and the ratio to the
    seed."""
    by_stage = table.set_index("stage")
    if not {"frames", "seed_baseline"} <= set(by_stage.index):
        return []
    frames = int(by_stage.loc["frames", "items"])
    seed = by_stage.loc["seed_baseline", "items"] / by_stage.loc["seed_baseline", "seconds"]
    lines = [
        f"End to end (frames, faces, features, temporal, paired; each stage a process) on {frames} "
        f"frames, against the seed-style baseline's {seed:.2f} frames/s:",
        "",
        "| detector | frames/s | x seed | peak MiB |",
        "| --- | --- | --- | --- |",
    ]
    for name, stages in PIPELINES.items():
        if not set(stages) <= set(by_stage.index):
            continue
        part = by_stage.loc[stages]
        rate = frames / part.seconds.sum()
        lines.append(f"| {name} | {rate:.1f} | {rate / seed:.1f} | {part.peak_mib.max():.0f} |")
    return lines


def detection_lines(table: pd.DataFrame) -> list[str]:
    """Frames/s of detection alone (frames in memory), where those stages ran."""
    by_stage, lines = table.set_index("stage"), []
    for name, device in (("mtcnn", "cpu"), ("mtcnn_torch", TORCH["device"])):
        if f"detect_only_{name}" in by_stage.index:
            row = by_stage.loc[f"detect_only_{name}"]
            lines += [
                "",
                f"{name} detection alone on {device}, batch {batch_size(name)}: "
                f"{row['items'] / row['detect_seconds']:.1f} frames/s.",
            ]
    return lines


if __name__ == "__main__":
    main()
