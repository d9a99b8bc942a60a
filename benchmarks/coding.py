"""Detection that sees the swap, not the coding: the background control, the relative features and
one coding chain, on GRID's real talking heads with classes coded as DeepfakeTIMIT's are, and
coded alike. Through Snakemake, as a user runs a study.

    .venv/bin/python benchmarks/coding.py [--out benchmarks/results] [--work DIR]

DeepfakeTIMIT's fakes are H.264 video (x264, CRF 23) and its VidTIMIT originals JPEG frames
(quality 90): a classifier can tell the classes apart by their coding alone. This builds two
datasets of the ten GRID clips of ``../shared/media/grid`` in DeepfakeTIMIT's layout, with the
fakes of ``benchmarks/grid_swaps.py`` (each person's face swapped onto their partner's frames,
through a 64 or 128 px bottleneck, blended), 25 frames a video, 90 videos of 5 swap pairs:

- **coded apart**, as DeepfakeTIMIT: the originals as JPEG frames at quality 90; the fakes made
  from those JPEG frames and written as x264 CRF 23 video;
- **coded alike**: the same fakes, and each original's JPEG frames coded as one x264 CRF 23
  video as the fakes were, so that both classes went through one chain (JPEG 90, then x264)
  and differ by the swap alone; a CSV list (``layout: table``) with each video's group,
  subject, face source and original, since DeepfakeTIMIT's layout wants JPEG originals.

Each is run with the families of the default study and the relative family (the ablation
compares the default families, the relative family, and both), and the coded-apart one again
with ``frames.recode`` (every video's frames through one x264 CRF 23 clip before anything is
measured). The table gives, per run, the background control's AUC (the classifier's protocol on
the frame's corners, where nothing was swapped) and the classifier's video AUC, EER and HTER on
each feature set, per group. Writes ``coding.md`` and ``coding.csv`` to ``--out``.

It is a proxy: the originals are real, the swaps are ours, not faceswap-GAN's; 5 swap pairs give
wide intervals. It is not an accuracy claim about DeepfakeTIMIT.
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
sys.path.insert(0, str(HERE))
import grid_swaps  # noqa: E402  (the landmarks and the pairing of benchmarks/grid_swaps.py)

#: Frames of each GRID clip per sentence, and sentences per person.
SEGMENT, SEGMENTS = 25, 3
#: The x264 coding of DeepfakeTIMIT's fakes, and the JPEG quality of VidTIMIT's frames.
CRF, JPEG_QUALITY = 23, 90
DEFAULT = ["quality", "iqm", "spectral", "residual", "temporal"]
STUDY = {
    "features": {"families": ["quality", "iqm", "spectral", "residual", "relative"]},
    "ablation": {
        "models": ["logistic"],
        "sets": {"default": DEFAULT, "relative": ["relative"], "both": [*DEFAULT, "relative"]},
    },
    "classifier": {"n_boot": 500},
    "cnn": {"enabled": False},
}
#: The classifier's measures reported.
MEASURES = ("auc", "auc_lo", "auc_hi", "eer", "eer_lo", "eer_hi", "hter")
#: The runs: (name, dataset, extra settings).
RUNS = [
    ("coded apart", "apart", {}),
    ("coded alike", "alike", {}),
    ("coded apart, frames.recode h264", "apart", {"frames": {"recode": {"codec": "h264"}}}),
]


def h264(frames: list[np.ndarray]) -> list[np.ndarray]:
    """``frames`` coded as one x264 CRF 23 clip and decoded back (:mod:`dfscope.codecs.h264`)."""
    from dfscope.codecs.h264 import recode

    return [image for _, image in recode(enumerate(frames), crf=CRF, preset="medium")]


def write_h264(frames: list[np.ndarray], path: Path) -> None:
    """``frames`` as an x264 CRF 23 video (yuv420p, 25 fps) at ``path``, as DeepfakeTIMIT's
    fakes were written (through PyAV's FFmpeg)."""
    import av

    path.parent.mkdir(parents=True, exist_ok=True)
    height, width = frames[0].shape[:2]
    with av.open(str(path), "w") as container:
        stream = container.add_stream("libx264", rate=25)
        stream.width, stream.height, stream.pix_fmt = width, height, "yuv420p"
        stream.options = {"crf": str(CRF), "preset": "medium"}
        for frame in frames:
            for packet in stream.encode(av.VideoFrame.from_ndarray(frame, format="bgr24")):
                container.mux(packet)
        for packet in stream.encode():
            container.mux(packet)


def _jpeg_folder(frames: list[np.ndarray], folder: Path) -> list[np.ndarray]:
    """``frames`` as VidTIMIT's JPEG files (001, 002 ...) in ``folder``; the frames decoded."""
    folder.mkdir(parents=True, exist_ok=True)
    decoded = []
    for n, frame in enumerate(frames, start=1):
        data = cv2.imencode(".jpg", frame, [cv2.IMWRITE_JPEG_QUALITY, JPEG_QUALITY])[1]
        (folder / f"{n:03d}").write_bytes(data.tobytes())
        decoded.append(cv2.imdecode(data, cv2.IMREAD_COLOR))
    return decoded


def build_apart(root: Path) -> None:
    """The coded-apart dataset under ``root`` (``VidTIMIT/`` and ``DeepfakeTIMIT/``)."""
    from dfscope.sample import BOTTLENECK
    from dfscope.sample import swap_face as swap
    from dfscope.video import iter_video

    clips = sorted((SHARED / "media/grid").glob("*.mpg"))
    people = {
        f"grid{i}": list(iter_video(clip))[: SEGMENT * SEGMENTS] for i, clip in enumerate(clips)
    }
    marks = {person: grid_swaps.landmarks(frames) for person, frames in people.items()}
    names = sorted(people)
    partner = {
        a: b
        for i in range(0, len(names) - 1, 2)
        for a, b in ((names[i], names[i + 1]), (names[i + 1], names[i]))
    }
    for person, frames in people.items():
        source = partner[person]
        source_image, source_marks = people[source][0].astype(np.float32), marks[source][0]
        for k in range(SEGMENTS):
            part = slice(SEGMENT * k, SEGMENT * (k + 1))
            decoded = _jpeg_folder(frames[part], root / f"VidTIMIT/{person}/video/s{k}")
            for quality, size in BOTTLENECK.items():
                rng = np.random.default_rng([2018, k, names.index(person), size])
                swapped = [
                    swap(frame, mark, source_image, source_marks, size, rng)
                    for frame, mark in zip(decoded, marks[person][part], strict=True)
                ]
                level = "lower_quality" if quality == "LQ" else "higher_quality"
                write_h264(
                    swapped, root / f"DeepfakeTIMIT/{level}/{person}/s{k}-video-{source}.mp4"
                )


def build_alike(apart: Path, root: Path) -> None:
    """The coded-alike dataset under ``root``: the coded-apart one's fakes, and its originals'
    JPEG frames coded as x264 video as the fakes were, listed in ``root/videos.csv``."""
    from dfscope.video import open_source

    listing = []
    for folder in sorted(apart.glob("VidTIMIT/*/video/*")):
        person, sentence = folder.parts[-3], folder.name
        real = root / f"real/{person}-{sentence}.mp4"
        write_h264(list(open_source(folder)[0]), real)
        listing.append((real, "real", "real", person, "", ""))
        for quality, level in (("LQ", "lower_quality"), ("HQ", "higher_quality")):
            for fake in sorted(apart.glob(f"DeepfakeTIMIT/{level}/{person}/{sentence}-video-*")):
                source = fake.stem.rsplit("-", 1)[1]
                listing.append((fake, "fake", quality, person, source, real))
    columns = ["path", "label", "group", "subject", "face_source", "original"]
    pd.DataFrame(listing, columns=columns).to_csv(root / "videos.csv", index=False)


def run_study(work: Path, name: str, dataset: str, extra: dict) -> Path:
    """The study of one run in ``work/<name>``, as a user runs it; its tables' folder."""
    data = work / "data" / dataset
    study = work / name.replace(" ", "_").replace(",", "").replace(".", "_")
    (study / "config").mkdir(parents=True, exist_ok=True)
    settings = {
        "dataset": {"layout": "table", "root": str(data / "videos.csv")}
        if dataset == "alike"
        else {"root": str(data / "DeepfakeTIMIT"), "originals_root": str(data / "VidTIMIT")}
    }
    for section, values in (STUDY | extra).items():
        settings[section] = STUDY.get(section, {}) | values
    (study / "config/config.yaml").write_text(yaml.safe_dump(settings))
    subprocess.run([SNAKEMAKE, "--cores", "2", "--directory", str(study)], cwd=REPO, check=True)
    return study / "results/tables/mtcnn"


def _interval(value: float, lo: float, hi: float, percent: bool = False) -> str:
    scale, digits = (100, 1) if percent else (1, 3)
    return f"{scale * value:.{digits}f} [{scale * lo:.{digits}f}, {scale * hi:.{digits}f}]"


def rows_of(name: str, tables: Path) -> list[dict]:
    """The run's background control and classifier rows (video level), one per feature set and
    group."""
    controls = pd.read_csv(tables / "controls.csv", keep_default_na=False)
    background = controls[controls.control.str.startswith("background")]
    background = background[background.level == "video"]
    ablation = pd.read_csv(tables / "ablation.csv")
    video = ablation[(ablation.level == "video") & (ablation.model == "logistic")]
    rows = []
    for row in video.itertuples():
        control = background[background.group == row.group].iloc[0]
        rows.append(
            {
                "run": name,
                "features": row.features,
                "group": row.group,
                "background_auc": float(control.value),
                "background_lo": float(control.value_lo),
                "background_hi": float(control.value_hi),
                "fires": control.note.startswith("FIRES"),
                **{c: getattr(row, c) for c in MEASURES},
            }
        )
    return rows


def report(table: pd.DataFrame, out: Path, seconds: float) -> None:
    table.to_csv(out / "coding.csv", index=False, float_format="%.6g")
    lines = [
        "# The coding confound: the background control, relative features, one coding chain",
        "",
        f"`benchmarks/coding.py`, {datetime.now():%Y-%m-%d}, through Snakemake on 2 cores "
        f"({seconds / 60:.1f} min this time; a study already run is not run again, and the "
        "three from scratch with the datasets took 16 min). GRID's 10 real clips, 90 videos (30 "
        "real, 30 LQ, 30 HQ fakes; 5 swap pairs), 25 frames each, leave-one-pair-out, logistic "
        "regression; video level, 95 % bootstrap intervals over videos. Background: the "
        "classifier's protocol on the frame's four corners away from the face (fires at AUC "
        ">= 0.75).",
        "",
        "| run | group | background AUC | fires | features | AUC | EER % | HTER % |",
        "| --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for row in table.itertuples():
        lines.append(
            f"| {row.run} | {row.group} | "
            f"{_interval(row.background_auc, row.background_lo, row.background_hi)} | "
            f"{'yes' if row.fires else 'no'} | {row.features} | "
            f"{_interval(row.auc, row.auc_lo, row.auc_hi)} | "
            f"{_interval(row.eer, row.eer_lo, row.eer_hi, percent=True)} | {100 * row.hter:.1f} |"
        )
    (out / "coding.md").write_text("\n".join(lines) + "\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=HERE / "results")
    parser.add_argument("--work", type=Path, default=HERE / "results/work/coding")
    args = parser.parse_args()
    if not (SHARED / "media/grid").is_dir():
        sys.exit(f"needs {SHARED / 'media/grid'} (the project's workplace material)")
    start = time.perf_counter()
    data = args.work / "data"
    if not (data / "apart/DeepfakeTIMIT").is_dir():
        build_apart(data / "apart")
    if not (data / "alike/videos.csv").is_file():
        build_alike(data / "apart", data / "alike")
    rows = []
    for name, dataset, extra in RUNS:
        rows += rows_of(name, run_study(args.work, name, dataset, extra))
    order = {name: i for i, (name, _, _) in enumerate(RUNS)} | {"LQ": 0, "HQ": 1}
    table = pd.DataFrame(rows).sort_values(
        ["run", "features", "group"], key=lambda column: column.map(order).fillna(column)
    )
    report(table, args.out, time.perf_counter() - start)
    print((args.out / "coding.md").read_text())


if __name__ == "__main__":
    main()
