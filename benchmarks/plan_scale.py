"""Snakemake's planning of dfscope at 10,000 and 100,000 videos: what limits a run that large.

    .venv/bin/python benchmarks/plan_scale.py [--videos 10000 100000] [--out benchmarks/results]

Each dataset is a CSV list (``dataset.layout: table``) of empty video files: per subject 16
originals, each with one fake, so that batches are whole (32 videos, ``batching.max_videos``).
Planning reads names only, never pixels, so empty files plan as real ones would. For each size
it times ``snakemake -n --cores 8 --directory <study>`` from the repository root and counts the
jobs it plans, with the peak memory of the Snakemake process. Writes ``plan_scale.md``.
"""

from __future__ import annotations

import argparse
import re
import resource
import subprocess
import sys
import time
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
SNAKEMAKE = str(Path(sys.executable).with_name("snakemake"))
#: Videos of one subject: 16 originals and a fake of each, one batch of 32.
PER_SUBJECT = 16


def write_list(root: Path, n_videos: int) -> Path:
    """``n_videos`` empty files under ``root/videos`` and the CSV list naming them."""
    folder = root / "videos"
    folder.mkdir(parents=True, exist_ok=True)
    lines = ["path,label,subject,original"]
    for n in range(n_videos // 2):
        subject = f"s{n // PER_SUBJECT:05d}"
        real, fake = f"videos/{subject}r{n:06d}.mp4", f"videos/{subject}f{n:06d}.mp4"
        (root / real).touch()
        (root / fake).touch()
        lines += [f"{real},real,{subject},", f"{fake},fake,{subject},{real}"]
    (root / "videos.csv").write_text("\n".join(lines) + "\n")
    return root / "videos.csv"


def plan(work: Path, n_videos: int) -> dict:
    """Seconds, jobs and peak MiB of ``snakemake -n`` on a list of ``n_videos``."""
    listing = write_list(work / f"list_{n_videos}", n_videos)
    study = work / f"study_{n_videos}"
    (study / "config").mkdir(parents=True, exist_ok=True)
    config = {"dataset": {"layout": "table", "root": str(listing)}}
    (study / "config/config.yaml").write_text(yaml.safe_dump(config))
    start = time.perf_counter()
    result = subprocess.run(
        [SNAKEMAKE, "-n", "--quiet", "rules", "--cores", "8", "--directory", str(study)],
        cwd=REPO,
        check=True,
        capture_output=True,
        text=True,
    )
    seconds = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    jobs = int(re.search(r"^total\s+(\d+)$", result.stdout + result.stderr, re.M)[1])
    return {"videos": n_videos, "seconds": seconds, "jobs": jobs, "peak_mib": peak}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--videos", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--out", type=Path, default=HERE / "results")
    args = parser.parse_args()
    rows = [plan(args.out / "work/plan", n) for n in sorted(args.videos)]
    lines = [
        "| videos | jobs planned | dry run | peak memory of Snakemake |",
        "| --- | --- | --- | --- |",
        *(
            f"| {r['videos']:,} | {r['jobs']:,} | {r['seconds']:.0f} s | {r['peak_mib']:.0f} MiB |"
            for r in rows
        ),
    ]
    (args.out / "plan_scale.md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
