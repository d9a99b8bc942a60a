"""Scoring videos with a trained study: ``dfscope score PATH... --model STUDY``.

The videos (files, or every video file in a folder, any container OpenCV reads) are listed in a
CSV without labels and run through the workflow as a study of their own, behind the scenes: its
settings are the trained study's (face detector and its parameters, frames, crops, features),
so that the features are made as the classifier's were, and its classifier is trained on the
trained study's frame table (``classifier.train_on``, which is checked to match before any
job: a mismatched detector or crop setting is a clear error). Each video gets its pooled score,
its label at the threshold of the trained study's development scores, and its frames with a
face; one line each is printed, and a CSV is written.
"""

from __future__ import annotations

import copy
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

import pandas as pd
import yaml

from .atomic import write_csv
from .dataset import is_video_file

#: The columns of the scores CSV.
COLUMNS = ["path", "video", "score", "label", "threshold", "frames_with_face", "n_frames"]


def videos_of(paths: Sequence[str | Path]) -> list[Path]:
    """The video files among ``paths`` and in the folders among them (recursively), sorted, each
    once; a path that is neither is a ValueError naming it."""
    found: set[Path] = set()
    for path in map(Path, paths):
        if path.is_dir():
            found |= {p.absolute() for p in path.rglob("*") if p.is_file() and is_video_file(p)}
        elif path.is_file():
            found.add(path.absolute())
        else:
            raise ValueError(f"{path}: no such file or folder")
    if not found:
        raise ValueError(f"no video file in {', '.join(map(str, paths))}")
    return sorted(found)


def scoring_config(trained: Path, listing: Path) -> dict:
    """The config of the scoring study: the trained study's (``trained``: its folder), reading
    the list ``listing``, its classifier trained on the trained study's frame table; no CNN
    (it needs crops the frame table does not carry), no ablation or controls (no labels)."""
    path = trained / "config/config.yaml"
    if not path.is_file():
        raise ValueError(f"{trained}: not a study folder (no config/config.yaml)")
    config = copy.deepcopy(yaml.safe_load(path.read_text()) or {})
    detector = config.get("detector", {}).get("name", "mtcnn")
    frames = trained / "results/tables" / detector / "frames.parquet"
    if not frames.is_file():
        raise ValueError(f"{trained}: no frame table ({frames}): run that study first")
    config["dataset"] = {"layout": "table", "root": str(listing)}
    classifier = config.setdefault("classifier", {})
    classifier |= {"train_on": str(frames.absolute()), "split": None}
    config["cnn"] = config.get("cnn", {}) | {"enabled": False}
    config.pop("export", None)
    return config


def score(
    paths: Sequence[str | Path],
    trained: str | Path,
    work: str | Path,
    *,
    out: str | Path | None = None,
    cores: int = 2,
    snakefile: str | Path | None = None,
) -> pd.DataFrame:
    """Score the videos of ``paths`` with the study ``trained``, in the study folder ``work``;
    return (and write to ``out``, default ``work/scores.csv``) one row per video."""
    trained, work = Path(trained).absolute(), Path(work).absolute()
    videos = videos_of(paths)
    (work / "config").mkdir(parents=True, exist_ok=True)
    listing = work / "videos.csv"
    write_csv(pd.DataFrame({"path": list(map(str, videos)), "label": ""}), listing)
    config = scoring_config(trained, listing)
    (work / "config/config.yaml").write_text(yaml.safe_dump(config, sort_keys=False))
    repo = Path(snakefile).parent if snakefile else _repository()
    detector = config.get("detector", {}).get("name", "mtcnn")
    target = f"results/metrics/{detector}/classifier/video_scores.parquet"
    command = [
        str(Path(sys.executable).with_name("snakemake")),
        "--cores",
        str(cores),
        "--directory",
        str(work),
        target,
        f"results/tables/{detector}/videos.parquet",
    ]
    subprocess.run(command, cwd=repo, check=True)
    return _table(work, detector, out or work / "scores.csv")


def _repository() -> Path:
    """The dfscope checkout holding the workflow (its Snakefile), where the package runs from."""
    root = Path(__file__).resolve().parents[2]
    if not (root / "Snakefile").is_file():
        raise RuntimeError(
            f"dfscope score runs the workflow of a dfscope checkout, and {root} has no "
            "Snakefile: install dfscope from its repository (pip install -e .)"
        )
    return root


def _table(work: Path, detector: str, out: str | Path) -> pd.DataFrame:
    """One row per listed video: its path, id, score, label at the threshold and face count."""
    scores = pd.read_parquet(work / f"results/metrics/{detector}/classifier/video_scores.parquet")
    videos = pd.read_parquet(work / f"results/tables/{detector}/videos.parquet")
    table = videos[["video", "path", "frames_with_face", "n_decoded"]].merge(
        scores[["video", "score", "threshold", "fake"]], on="video", how="left"
    )
    table["label"] = table.fake.map({1: "fake", 0: "real"}).fillna("no face: not scored")
    table = table.rename(columns={"n_decoded": "n_frames"})[COLUMNS].sort_values("path")
    write_csv(table, out)
    return table


def lines(table: pd.DataFrame) -> list[str]:
    """One printed line per video: score, label at the threshold, frames with a face."""
    return [
        f"{row.path}\t{row.score:.4f}\t{row.label}\t(threshold {row.threshold:.4f}; "
        f"{row.frames_with_face} of {row.n_frames} frames with a face)"
        for row in table.itertuples()
    ]
