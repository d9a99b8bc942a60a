"""Detection on real footage: GRID's real talking heads and DeepfakeTIMIT-style swaps of them,
through Snakemake, every feature family and model compared (the ablation), the CNN beside.

    .venv/bin/python benchmarks/grid_swaps.py [--out benchmarks/results] [--work DIR]

The built-in sample's faces are two photographs; it proves the plumbing, not the accuracy. This
benchmark takes the ten real clips of ``../shared/media/grid`` (ten people, 360x288, 75 frames,
real camera noise and MPEG-1 coding) as VidTIMIT-style originals, three of 25 frames each per
person (JPEG frame folders, as VidTIMIT's), pairs the people (0-1, 2-3, ...) and makes each
original's fakes the way DeepfakeTIMIT's were made (``dfscope.sample.swap_face``: the partner's
face through a 64x64 (LQ) or 128x128 (HQ) bottleneck, colour-matched and blended with a
feathered mask, written as Motion-JPEG), with the landmarks MTCNN finds in each frame. That is
90 videos (30 real, 30 LQ, 30 HQ) of 5 subject-disjoint pairs, in DeepfakeTIMIT's layout, run as
a user runs a study: ``snakemake --cores 2 --directory <study>``.

It is a proxy: the originals are real, the swaps are ours, not faceswap-GAN's. It chose the
defaults (``docs/detection.md``) and is not an accuracy claim about DeepfakeTIMIT. Writes
``grid_swaps.md`` (the classifier, the CNN, the ablation and the controls, video level) and
``grid_swaps.csv`` (the ablation table) to ``--out``.
"""

from __future__ import annotations

import argparse
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
#: Frames of each GRID clip per VidTIMIT-style sentence, and sentences per person.
SEGMENT, SEGMENTS = 25, 3
#: The study's settings besides the dataset: every family computed; the ablation compares every
#: model on each family alone, on the default families (the default classifier) and on all.
DEFAULT = ["quality", "iqm", "spectral", "residual", "temporal"]
STUDY = {
    "features": {"families": ["quality", "iqm", "distortion", "spectral", "residual"]},
    "ablation": {
        "models": ["logistic", "hgb", "svm", "single"],
        "sets": {
            **{name: [name] for name in ["quality", "iqm", "distortion", "spectral", "residual"]},
            "temporal": ["temporal"],
            "default": DEFAULT,
            "all": [*DEFAULT, "distortion"],
        },
    },
    "classifier": {"n_boot": 500},
}


def landmarks(frames: list[np.ndarray]) -> list[np.ndarray]:
    """The five landmarks of the largest face in each frame (MTCNN on PyTorch, full size)."""
    from dfscope.config.schema import defaults
    from dfscope.detectors import build

    params = defaults(REPO / "workflow/schemas/config.schema.yaml")["detector"]["params"]
    detector = build("mtcnn_torch", threads=2, **params["mtcnn_torch"] | {"scale": 1.0})
    found = []
    for faces in detector.detect(frames):
        if not faces:
            raise RuntimeError("a GRID frame without a face: the clips all show one")
        found.append(max(faces, key=lambda f: f.box[2] * f.box[3]).landmarks)
    return found


def build_dataset(root: Path) -> pd.DataFrame:
    """The dataset under ``root`` (``VidTIMIT/``, ``DeepfakeTIMIT/``); a table of what it holds."""
    from dfscope.sample import BOTTLENECK, write_video
    from dfscope.sample import swap_face as swap
    from dfscope.video import iter_video

    clips = sorted((SHARED / "media/grid").glob("*.mpg"))
    people = {
        f"grid{i}": list(iter_video(clip))[: SEGMENT * SEGMENTS] for i, clip in enumerate(clips)
    }
    marks = {person: landmarks(frames) for person, frames in people.items()}
    names = sorted(people)
    partner = {
        a: b
        for i in range(0, len(names) - 1, 2)
        for a, b in ((names[i], names[i + 1]), (names[i + 1], names[i]))
    }
    rows = []
    params = [cv2.IMWRITE_JPEG_QUALITY, 90]
    for person, frames in people.items():
        source = partner[person]
        source_image, source_marks = people[source][0].astype(np.float32), marks[source][0]
        for k in range(SEGMENTS):
            part = slice(SEGMENT * k, SEGMENT * (k + 1))
            folder = root / "VidTIMIT" / person / "video" / f"s{k}"
            folder.mkdir(parents=True, exist_ok=True)
            decoded = []
            for n, frame in enumerate(frames[part], start=1):
                data = cv2.imencode(".jpg", frame, params)[1]
                (folder / f"{n:03d}").write_bytes(data.tobytes())
                decoded.append(cv2.imdecode(data, cv2.IMREAD_COLOR))  # fakes come from the JPEGs
            rows.append({"video": f"real-{person}-s{k}", "label": 0})
            for quality, size in BOTTLENECK.items():
                rng = np.random.default_rng([2018, k, names.index(person), size])
                swapped = [
                    swap(frame, mark, source_image, source_marks, size, rng)
                    for frame, mark in zip(decoded, marks[person][part], strict=True)
                ]
                level = "lower_quality" if quality == "LQ" else "higher_quality"
                write_video(
                    swapped, root / "DeepfakeTIMIT" / level / person / f"s{k}-video-{source}.avi"
                )
                rows.append({"video": f"{quality.lower()}-{person}-s{k}-{source}", "label": 1})
    return pd.DataFrame(rows)


def run_study(work: Path) -> Path:
    """The study of the dataset under ``work/data`` in ``work/study``, as a user runs it."""
    data = work / "data"
    if not (data / "DeepfakeTIMIT").is_dir():
        build_dataset(data)
    study = work / "study"
    (study / "config").mkdir(parents=True, exist_ok=True)
    dataset = {"root": str(data / "DeepfakeTIMIT"), "originals_root": str(data / "VidTIMIT")}
    (study / "config/config.yaml").write_text(yaml.safe_dump({"dataset": dataset} | STUDY))
    subprocess.run([SNAKEMAKE, "--cores", "2", "--directory", str(study)], cwd=REPO, check=True)
    return study / "results/tables/mtcnn"


def _row(row: pd.Series, measure: str) -> str:
    """``0.969 [0.91, 1.00]``: a measure and its interval, as percent for error rates."""
    scale, digits = (1, 3) if measure == "auc" else (100, 1)
    value, lo, hi = (row[f"{measure}{end}"] * scale for end in ("", "_lo", "_hi"))
    return f"{value:.{digits}f} [{lo:.{digits}f}, {hi:.{digits}f}]"


def report(tables: Path, out: Path, seconds: float) -> None:
    """``grid_swaps.md`` and ``grid_swaps.csv`` under ``out``."""
    ablation = pd.read_csv(tables / "ablation.csv")
    ablation.to_csv(out / "grid_swaps.csv", index=False, float_format="%.6g")
    lines = [
        "# Detection on GRID's real talking heads and DeepfakeTIMIT-style swaps of them",
        "",
        f"`benchmarks/grid_swaps.py`, {datetime.now():%Y-%m-%d}, {seconds / 60:.1f} min through "
        "Snakemake on 2 cores. 90 videos (30 real, 30 LQ, 30 HQ fakes; 5 swap pairs), "
        "leave-one-pair-out; each fold's threshold is the EER threshold of its development "
        "scores. Video level; 95 % bootstrap intervals over videos.",
        "",
        "| classifier | features | group | AUC | EER % | HTER % |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    video = ablation[ablation.level == "video"]
    for row in video.itertuples(index=False):
        row = pd.Series(row._asdict())
        if row.model == "best single feature":
            lines.append(
                f"| best single feature | `{row.features}` | {row.group} | {row.auc:.3f} | "
                f"{100 * row.eer:.1f} | |"
            )
        else:
            lines.append(
                f"| {row.model} | {row.features} ({row.n_features}) | {row.group} | "
                f"{_row(row, 'auc')} | {_row(row, 'eer')} | {_row(row, 'hter')} |"
            )
    for name, title in (("classifier", "the classifier on every family"), ("cnn", "the CNN")):
        table = pd.read_csv(tables / f"{name}.csv")
        lines += ["", f"## {title.capitalize()} (`{name}.csv`)", ""]
        lines += ["| group | level | AUC | EER % | HTER % |", "| --- | --- | --- | --- | --- |"]
        for row in table.itertuples(index=False):
            row = pd.Series(row._asdict())
            lines.append(
                f"| {row.group} | {row.level} | {_row(row, 'auc')} | {_row(row, 'eer')} | "
                f"{_row(row, 'hter')} |"
            )
    controls = pd.read_csv(tables / "controls.csv", keep_default_na=False)
    lines += ["", "## Controls (`controls.csv`, the classifier on every family)", ""]
    lines += ["| control | group | level | value | expected |", "| --- | --- | --- | --- | --- |"]
    for row in controls.itertuples():
        lines.append(
            f"| {row.control} | {row.group} | {row.level} | {row.value} | {row.expected} |"
        )
    (out / "grid_swaps.md").write_text("\n".join(lines) + "\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=HERE / "results")
    parser.add_argument("--work", type=Path, default=HERE / "results/work/grid_swaps")
    args = parser.parse_args()
    if not (SHARED / "media/grid").is_dir():
        sys.exit(f"needs {SHARED / 'media/grid'} (the project's workplace material)")
    start = time.perf_counter()
    tables = run_study(args.work)
    report(tables, args.out, time.perf_counter() - start)
    print((args.out / "grid_swaps.md").read_text())


if __name__ == "__main__":
    main()
