"""Restructuring changes no result: this code's tables are byte-identical to a reference commit's.

The reference is the last commit before the library was split into one module per concern, the
classifier got its own name and the per-video steps ran on batches of videos (one job per
batch, each video's tables in a folder per batch). Its tree is taken from git (``git
archive``, nothing of this checkout is touched) and run on the same tiny dataset, with the
default face detector, the same way as this code: from its root, ``snakemake --cores 2
--directory <study>``.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tarfile
from io import BytesIO
from pathlib import Path

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


def test_the_tables_are_byte_identical_to_the_reference_commits(tmp_path):
    root, split = tiny_dataset(tmp_path / "data")
    dataset = {
        "sample": False,
        "fakes_root": str(root / "DeepfakeTIMIT"),
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
    assert [path for path in found if found[path] != expected[path]] == []
