"""Time each stage of dfscope, and the seed-style baseline, on the same generated frames.

    .venv/bin/python benchmarks/bench.py [--frames 50] [--out benchmarks/results]

Every stage runs in a process of its own, as a Snakemake job would, and reports its wall
time and peak memory (``ru_maxrss``). Stages call the library functions the rules call, on a
generated sample of 2 subjects, 1 sentence, ``--frames`` frames at 512x384: 2 originals, 2 LQ
and 2 HQ fakes. Writes ``results.csv`` and ``results.md`` to ``--out``. With
``../shared/dataset/lq_listing.csv`` present it also times ``snakemake -n`` on a stub dataset
of the full DeepfakeTIMIT's size (960 videos; see ``stub_dataset.py``).
"""

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
DETECTOR_PARAMS = {"mtcnn": {"scale": 0.5, "min_face_size": 20, "min_confidence": 0.9},
                   "haar": {"scale": 0.5, "min_face_size": 20, "min_neighbors": 5}}


def videos(work: Path) -> pd.DataFrame:
    return pd.read_parquet(work / "videos.parquet")


def stage_frames(work: Path) -> int:
    from dfscope.video import extract_frames

    table = videos(work)
    for row in table.itertuples():
        extract_frames(row.path, work / "frames" / row.video, work / "frames" / f"{row.video}.json",
                       video=row.video, expected=row.n_frames)
    return int(table.n_frames.sum())


def stage_faces(work: Path, name: str, every: int = 1) -> int:
    from dfscope.detectors import build
    from dfscope.faces import detect_video

    detector = build(name, threads=2, **DETECTOR_PARAMS[name])
    out = work / (name if every == 1 else f"{name}_every{every}")
    total = 0
    for video in videos(work).video:
        table = detect_video(work / "frames" / video, out / video, out / f"{video}.parquet",
                             video=video, detector=detector, margin=0.2, crop_size=128, every=every)
        total += len(table)
    return total


def stage_features(work: Path) -> int:
    from dfscope.analysis import quality_video
    from dfscope.features import FEATURES

    total = 0
    for video in videos(work).video:
        total += len(quality_video(work / "mtcnn" / video, work / "mtcnn" / f"{video}.parquet",
                                   work / "features" / f"{video}.parquet", video=video,
                                   features=list(FEATURES)))
    return total


def stage_temporal(work: Path) -> int:
    from dfscope.analysis import temporal_video

    total = 0
    for video in videos(work).video:
        total += len(temporal_video(work / "frames" / video, work / "mtcnn" / f"{video}.parquet",
                                    work / "temporal" / f"{video}.parquet", video=video, crop_size=128))
    return total


def stage_paired(work: Path) -> int:
    from dfscope.analysis import compare_video

    total = 0
    for row in videos(work).query("label == 1").itertuples():
        total += len(compare_video(work / "frames" / row.video, work / "frames" / row.original,
                                   work / "mtcnn" / f"{row.original}.parquet",
                                   work / "paired" / f"{row.video}.parquet",
                                   work / "paired" / f"{row.video}.png",
                                   video=row.video, original=row.original, crop_size=128))
    return total


def stage_seed(work: Path) -> int:
    sys.path.insert(0, str(HERE))
    from seed_baseline import seed_style

    from dfscope.video import frame_files, read_frame

    total = 0
    for row in videos(work).itertuples():
        frames = [read_frame(p) for p in frame_files(work / "frames" / row.video)]
        originals = ([read_frame(p) for p in frame_files(work / "frames" / row.original)]
                     if row.label == 1 else [None] * len(frames))
        total += len(seed_style(frames, originals))
    return total


def stage_dryrun(work: Path) -> int:
    from stub_dataset import stub_dataset

    table = stub_dataset(REPO.parent / "shared/dataset/lq_listing.csv", work / "stubs")
    config = work / "stubs.yaml"
    config.write_text(json.dumps({"dataset": {"sample": False,
                                              "fakes_root": str(work / "stubs/DeepfakeTIMIT"),
                                              "originals_root": str(work / "stubs/VidTIMIT")}}))
    command = [sys.executable, "-m", "snakemake", "-n", "--quiet", "--snakefile", str(REPO / "Snakefile"),
               "--directory", str(work / "dryrun"), "--configfile", str(config), "--cores", "8"]
    subprocess.run(command, check=True, capture_output=True)
    return len(table)


STAGES = {"frames": stage_frames, "faces_mtcnn": lambda w: stage_faces(w, "mtcnn"),
          "faces_mtcnn_every4": lambda w: stage_faces(w, "mtcnn", every=4),
          "faces_haar": lambda w: stage_faces(w, "haar"), "features": stage_features,
          "temporal": stage_temporal, "paired": stage_paired, "seed_baseline": stage_seed,
          "dryrun_960": stage_dryrun}
#: The workflow's own stages, frames to metrics, with the default detector.
PIPELINE = ["frames", "faces_mtcnn", "features", "temporal", "paired"]


def run_stage(name: str, work: Path) -> None:
    """Child process: run one stage, print its JSON line (items, seconds, peak MiB)."""
    sys.path.insert(0, str(HERE))
    start = time.perf_counter()
    items = STAGES[name](work)
    seconds = time.perf_counter() - start
    peak = max(resource.getrusage(who).ru_maxrss for who in (resource.RUSAGE_SELF,
                                                              resource.RUSAGE_CHILDREN)) / 1024
    unit = "videos" if name == "dryrun_960" else "frames"
    print(json.dumps({"stage": name, "items": items, "unit": unit, "seconds": seconds,
                      "peak_mib": peak}))


def measure(name: str, work: Path) -> dict:
    result = subprocess.run([sys.executable, __file__, "--stage", name, "--work", str(work)],
                            check=True, capture_output=True, text=True)
    return json.loads(result.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--frames", type=int, default=50, help="frames per generated clip")
    parser.add_argument("--out", type=Path, default=HERE / "results")
    parser.add_argument("--work", type=Path, default=None, help="scratch folder (default: OUT/work)")
    parser.add_argument("--stage", choices=sorted(STAGES), help=argparse.SUPPRESS)
    args = parser.parse_args()
    work = args.work or args.out / "work"
    if args.stage:
        return run_stage(args.stage, work)

    from dfscope.sample import SampleSpec, generate

    spec = SampleSpec(subjects=("fcol0", "fhop0"), sentences=("sa1",), n_frames=args.frames)
    generate(spec, work / "sample").to_parquet(work / "videos.parquet")
    stages = [s for s in STAGES if s != "dryrun_960"]
    if (REPO.parent / "shared/dataset/lq_listing.csv").exists():
        stages.append("dryrun_960")
    rows = []
    for name in stages:
        rows.append(measure(name, work))
        print(f"{name}: {rows[-1]}", flush=True)
    table = pd.DataFrame(rows)
    table["per_second"] = table["items"] / table.seconds
    frames = int(table.set_index("stage").loc["frames", "items"])
    pipeline = table[table.stage.isin(PIPELINE)]
    seed = table.set_index("stage").loc["seed_baseline"]
    summary = {"pipeline_frames_per_s": frames / pipeline.seconds.sum(),
               "seed_frames_per_s": seed["items"] / seed.seconds,
               "pipeline_peak_mib": pipeline.peak_mib.max()}
    summary["speedup_vs_seed"] = summary["pipeline_frames_per_s"] / summary["seed_frames_per_s"]
    args.out.mkdir(parents=True, exist_ok=True)
    table.round(3).to_csv(args.out / "results.csv", index=False)
    lines = ["| stage | items | seconds | items/s | peak MiB |", "| --- | --- | --- | --- | --- |"]
    lines += [f"| {r.stage} | {r.items} {r.unit} | {r.seconds:.1f} | {r.per_second:.1f} | {r.peak_mib:.0f} |"
              for r in table.itertuples()]
    lines += ["", f"Pipeline (frames, MTCNN faces, features, temporal, paired) on {frames} frames: "
              f"{summary['pipeline_frames_per_s']:.1f} frames/s, peak {summary['pipeline_peak_mib']:.0f} MiB; "
              f"seed-style baseline {summary['seed_frames_per_s']:.2f} frames/s; "
              f"speed-up {summary['speedup_vs_seed']:.1f}x."]
    (args.out / "results.md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
