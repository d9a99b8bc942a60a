"""Restructuring changes no result: this code's tables are those of a reference commit.

The reference is the last commit before the library was split into one module per concern, the
classifier got its own name, the per-video steps ran on batches of videos (one job per batch,
each video's tables in a folder per batch) and the video table became the same for every
dataset layout. Its tree is taken from git (``git archive``, nothing of this checkout is
touched) and run on the same tiny dataset, with the default face detector, the same way as
this code: from its root, ``snakemake --cores 2 --directory <study>``.

Every video's tables (faces, features, temporal, paired) are byte-identical. The study's tables
differ only as the video table's schema does, and hold the same values after that mapping
(:func:`as_now`): ``quality`` is now ``group``, ``sentence`` is gone (it is in the id), a real
video has no face source and no original (it was its own), and a ``split`` column is new.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tarfile
from io import BytesIO
from pathlib import Path

import pandas as pd
import pytest

from .conftest import REPO, SNAKEMAKE, snakemake, table_bytes, tiny_dataset, write_config

pytestmark = pytest.mark.integration

REFERENCE = "118236b32e00b80db3264c7aefbdee2f2cc2892d"
#: Outputs renamed since the reference: its path -> ours.
RENAMED = {
    "results/tables/mtcnn/detection.csv": "results/tables/mtcnn/classifier.csv",
    "results/metrics/mtcnn/detection/video_scores.parquet": (
        "results/metrics/mtcnn/classifier/video_scores.parquet"
    ),
}


def moved(path: str) -> str:
    """Where this code writes what the reference wrote at ``path``: renamed outputs, and each
    video's table in its batch's folder (here, its subject's)."""
    path = RENAMED.get(path, path)
    folder, name = path.rsplit("/", 1)
    video = name.split(".")[0]
    if folder.startswith("results/tables") or not re.fullmatch(r"(real|lq|hq)-[a-z0-9-]+", video):
        return path
    return f"{folder}/{video.split('-')[1]}/{name}"


def as_now(table: pd.DataFrame) -> pd.DataFrame:
    """A study table of the reference in today's schema (see the module's docstring)."""
    table = table.rename(columns={"quality": "group"}).drop(columns="sentence", errors="ignore")
    if "original" in table and "label" in table:
        real = table.label == 0
        table["face_source"] = table.face_source.mask(real)
        table["original"] = table.original.mask(real)
    return table


def read(path: Path) -> pd.DataFrame:
    return pd.read_parquet(path) if path.suffix == ".parquet" else pd.read_csv(path)


def reference_tree(target: Path) -> Path:
    """The reference commit's files under ``target``, or skip where git cannot give them."""
    if shutil.which("git") is None:
        pytest.skip("needs git to take the reference commit's tree")
    archive = subprocess.run(["git", "archive", REFERENCE], cwd=REPO, capture_output=True)
    if archive.returncode:
        pytest.skip(
            f"reference commit {REFERENCE[:10]} is not in this clone (a shallow clone or "
            f"an export): {archive.stderr.decode().strip()}"
        )
    with tarfile.open(fileobj=BytesIO(archive.stdout)) as tar:
        tar.extractall(target, filter="data")
    return target


def test_the_tables_are_the_reference_commits(tmp_path):
    root, split = tiny_dataset(tmp_path / "data")
    dataset = {
        "sample": False,
        "root": str(root / "DeepfakeTIMIT"),
        "originals_root": str(root / "VidTIMIT"),
    }
    ours = tmp_path / "ours"
    ours.mkdir()
    write_config(ours, dataset=dataset, classifier={"split": str(split), "n_boot": 100})
    snakemake(ours)

    tree = reference_tree(tmp_path / "reference")
    theirs = tmp_path / "theirs"
    (theirs / "config").mkdir(parents=True)
    config = (ours / "config/config.yaml").read_text().replace("classifier:", "detection:")
    config = config.replace("  root:", "  fakes_root:").replace("  groups: null\n", "")
    (theirs / "config/config.yaml").write_text(config)
    result = subprocess.run(
        [SNAKEMAKE, "--cores", "2", "--directory", str(theirs)],
        cwd=tree,
        capture_output=True,
        text=True,
        env=os.environ | {"PYTHONPATH": str(tree / "src")},
    )
    assert result.returncode == 0, result.stderr[-3000:]

    expected = {moved(path): data for path, data in table_bytes(theirs).items()}
    found = table_bytes(ours)
    assert sorted(found) == sorted(expected)
    per_video = [
        path
        for path in found
        if not path.startswith("results/tables/") and "/classifier/" not in path
    ]
    assert len(per_video) == 4 * 6 - 2 and [p for p in per_video if found[p] != expected[p]] == []
    theirs_by_path = {
        moved(str(p.relative_to(theirs))): p for p in (theirs / "results").rglob("*") if p.is_file()
    }
    for path in sorted(set(found) - set(per_video)):
        now, then = read(ours / path), as_now(read(theirs_by_path[path]))
        now = now.drop(columns=[c for c in now if c not in then])  # the new split column
        pd.testing.assert_frame_equal(now, then, check_dtype=False, obj=path)
