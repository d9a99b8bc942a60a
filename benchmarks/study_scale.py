"""The study steps (classify, ablation, controls) at the full DeepfakeTIMIT's size, on a
synthesised frame table, each as its rule runs it: one process, one thread, the defaults; the
ablation as its jobs run it, one a feature set (side by side where there are cores), then one
that puts their rows together.

    .venv/bin/python benchmarks/study_scale.py [--out benchmarks/results] [--frames 104]

DeepfakeTIMIT holds 32 people in 16 swap pairs, 10 sentences each: 320 real videos and 640
fakes (LQ and HQ), about 100,000 frames. Decoding and measuring that many frames is what the
throughput benchmark (``scale.py``) times; what grows differently is the study side, whose
models see every frame at once. This writes a frame table of that shape with the default
feature families' columns (Gaussian noise, a small shift for fakes, an offset per person: the
features carry identity, as real ones do) and runs each study step's library function on it in
a fresh process with the rule's thread count, recording its wall time and peak memory (the
process's maximum resident set). Snakemake adds its own start-up of a few seconds a job,
measured by ``scale.py``. Writes ``study_scale.md`` and ``study_scale.csv`` to ``--out``.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

import numpy as np
import pandas as pd

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
STEPS = ("classify", "ablation", "controls")
#: The ablation job that puts the feature sets' rows together (rule ``ablation``).
COMBINE = "combine"


def default_config() -> dict:
    """The config a study runs with when it sets nothing but its dataset."""
    from dfscope.config.schema import with_defaults

    return with_defaults({}, REPO / "workflow/schemas/config.schema.yaml")


def synthesise(features: list[str], frames: int, seed: int = 0) -> pd.DataFrame:
    """A frame table shaped like the full DeepfakeTIMIT's: 16 pairs, 10 sentences a person, a
    real video of each and an LQ and an HQ fake of it with the partner's face."""
    rng = np.random.default_rng(seed)
    people = [f"p{i:02d}" for i in range(32)]
    offset = {person: rng.normal(0, 0.5, len(features)) for person in people}
    parts = []
    for index, person in enumerate(people):
        partner = people[index ^ 1]
        for sentence in range(10):
            for group, label, source in (
                ("real", 0, person),
                ("LQ", 1, partner),
                ("HQ", 1, partner),
            ):
                video = f"{group.lower()}-{person}-s{sentence}"
                values = rng.normal(size=(frames, len(features))) + offset[person] + 0.3 * label
                part = pd.DataFrame(values, columns=features)
                part.insert(0, "face_source", source)
                part.insert(0, "subject", person)
                part.insert(0, "label", label)
                part.insert(0, "group", group)
                part.insert(0, "face_id", np.int16(0))
                part.insert(0, "frame", np.arange(1, frames + 1, dtype="int32"))
                part.insert(0, "video", video)
                parts.append(part)
    table = pd.concat(parts, ignore_index=True)
    return table.astype({"video": "string", "group": "string", "subject": "string"})


def ablation_sets(config: dict) -> dict[str, list[str]]:
    """The ablation's feature sets with the defaults, by name."""
    from dfscope.config.computed import families, feature_sets

    return feature_sets(families(config), config["metrics"]["temporal"], None)


def run_step(step: str, table: Path, out: Path, feature_set: str | None = None) -> dict:
    """Run ``step`` as its rule does (one thread); its wall time and peak memory. For the
    ablation, ``feature_set`` is the set its job scores, or :data:`COMBINE`."""
    from dfscope.ablation import run_combine, run_score_set
    from dfscope.classifier.protocol import Protocol
    from dfscope.classifier.run import run_classifier
    from dfscope.config.computed import classifier_features
    from dfscope.controls import run_controls
    from dfscope.runtime import limit_threads

    limit_threads(1)
    config = default_config()
    o = config["classifier"]
    protocol = Protocol.from_config(o, ["LQ", "HQ"])
    features = classifier_features(config)
    held_out = table.parent / "classifier_frame_scores.parquet"  # classify's, for the ablation
    start = time.perf_counter()
    if step == "classify":
        run_classifier(
            table, out / "scores.parquet", out / "classifier.csv", out / "models", held_out,
            features=features, model=o["model"], protocol=protocol,
        )  # fmt: skip
    elif step == "ablation":
        sets = ablation_sets(config)
        models = config["ablation"]["models"] or list(dict.fromkeys([o["model"], "single"]))
        parts = table.parent / "ablation"  # beside the table: the sets' jobs write, one reads
        if feature_set == COMBINE:
            run_combine(
                table, [parts / f"{name}.parquet" for name in sets], out / "ablation.csv",
                sets=sets, models=models, groups=protocol.groups,
            )  # fmt: skip
        else:
            # As the workflow does: the set of the classifier's features reads its scores.
            reused = sets[feature_set] == features and o["model"] in models and held_out.exists()
            run_score_set(
                table, parts / f"{feature_set}.parquet", name=feature_set,
                features=sets[feature_set], models=models, protocol=protocol,
                classifier_scores=held_out if reused else None, classifier_model=o["model"],
            )  # fmt: skip
    else:
        run_controls(
            table, out / "controls.csv", features=features, model=o["model"], protocol=protocol
        )
    wall = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"step": step, "wall_s": round(wall, 1), "peak_mib": round(peak)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=HERE / "results")
    parser.add_argument("--frames", type=int, default=104, help="frames a video")
    parser.add_argument("--step", choices=STEPS, help=argparse.SUPPRESS)
    parser.add_argument("--table", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--set", help=argparse.SUPPRESS)
    parser.add_argument(
        "--steps", nargs="+", choices=STEPS, default=list(STEPS), help="the steps to time"
    )
    args = parser.parse_args()
    if args.step:  # the child: one step, its figures as JSON on the last line
        with tempfile.TemporaryDirectory() as work:
            print(json.dumps(run_step(args.step, args.table, Path(work), args.set)))
        return
    config = default_config()
    from dfscope.config.computed import classifier_features

    features = classifier_features(config)
    rows = []
    with tempfile.TemporaryDirectory() as work:
        table = Path(work) / "frames.parquet"
        frames = synthesise(features, args.frames)
        frames.to_parquet(table)
        for step in args.steps:
            jobs = [*ablation_sets(config), COMBINE] if step == "ablation" else [None]
            for feature_set in jobs:
                command = [sys.executable, __file__, "--step", step, "--table", str(table)]
                command += ["--set", feature_set] if feature_set else []
                done = subprocess.run(command, check=True, capture_output=True, text=True)
                row = json.loads(done.stdout.strip().splitlines()[-1])
                row |= {"job": feature_set or step, "frames": len(frames)}
                rows.append(row | {"features": len(features)})
                print(row, flush=True)
    write(rows, config, args.out)


def write(rows: list[dict], config: dict, out: Path) -> None:
    """``study_scale.csv`` and ``.md``: each step's wall time and peak memory."""
    out.mkdir(parents=True, exist_ok=True)
    table = pd.DataFrame(rows)
    table.to_csv(out / "study_scale.csv", index=False)
    o = config["classifier"]
    lines = [
        "# The study steps at DeepfakeTIMIT's size",
        "",
        f"`benchmarks/study_scale.py`, {datetime.now():%Y-%m-%d}: a synthesised frame table of "
        f"{table.frames[0]:,} frames (960 videos, {table.features[0]} features of the default "
        f"families), the defaults ({o['model']}, {o['folds']} folds, {o['n_boot']} bootstrap "
        "replicates), each step's library function in a fresh process with one thread, as its "
        "rule runs it.",
        "",
        "| step | job | wall (s) | peak memory (MiB) |",
        "| --- | --- | --- | --- |",
        *(f"| {r.step} | {r.job} | {r.wall_s} | {r.peak_mib} |" for r in table.itertuples()),
        "",
        *side_by_side(table),
    ]
    (out / "study_scale.md").write_text("\n".join(lines))


def side_by_side(table: pd.DataFrame) -> list[str]:
    """What the ablation's jobs take one after the other and side by side (its longest set's
    job, then the one that puts them together)."""
    jobs = table[table.step == "ablation"]
    if jobs.empty:
        return []
    sets, combine = jobs[jobs.job != COMBINE], jobs[jobs.job == COMBINE]
    total = jobs.wall_s.sum()
    longest = sets.wall_s.max() + combine.wall_s.sum()
    return [
        f"The ablation's {len(sets)} feature-set jobs and the one that puts them together: "
        f"{total:.1f} s one after the other, {longest:.1f} s with the sets side by side "
        f"(on {len(sets)} cores or more).",
        "",
    ]


if __name__ == "__main__":
    main()
