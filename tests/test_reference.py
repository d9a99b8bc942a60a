"""Restructuring changes no result: this code's tables are those of a reference commit, byte for
byte.

The reference is the last commit before the code was restructured around one planning path
(the sample read as any dataset), registries for every extension point, the classifier as a
package and code versions taken from the scripts' imports. Its tree is taken from git
(``git archive``, nothing of this checkout is touched) and run on the built-in sample with the
session study's config, the same way as this code: from its root, ``snakemake --cores 2
--directory <study>``. Every table is byte-identical; ``summary.csv``, folded into
``feature_auc.csv`` since, is the one table this code no longer writes, and its numbers are
those of ``feature_auc.csv``.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tarfile
from io import BytesIO
from pathlib import Path

import pandas as pd
import pytest

from .conftest import REPO, SNAKEMAKE, table_bytes

pytestmark = pytest.mark.integration

REFERENCE = "76207f59a076df950bfef4abbeb3a0126d5d1775"
SUMMARY = "results/tables/mtcnn/summary.csv"


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


def test_the_tables_are_the_reference_commits(run, tmp_path):
    ours = run[0]
    tree = reference_tree(tmp_path / "reference")
    theirs = tmp_path / "theirs"
    (theirs / "config").mkdir(parents=True)
    shutil.copy(ours / "config/config.yaml", theirs / "config/config.yaml")
    result = subprocess.run(
        [SNAKEMAKE, "--cores", "2", "--directory", str(theirs)],
        cwd=tree,
        capture_output=True,
        text=True,
        env=os.environ | {"PYTHONPATH": str(tree / "src")},
    )
    assert result.returncode == 0, result.stderr[-3000:]
    expected, found = table_bytes(theirs), table_bytes(ours)
    assert sorted(set(expected) - set(found)) == [SUMMARY] and set(found) <= set(expected)
    assert len(found) == 96 and [path for path in found if found[path] != expected[path]] == []
    summary = pd.read_csv(theirs / SUMMARY).rename(columns={"score": "feature"})
    aucs = pd.read_csv(ours / "results/tables/mtcnn/feature_auc.csv")
    keys = ["feature", "group", "level"]
    both = summary.merge(aucs, on=keys, suffixes=("", "_now"), validate="one_to_one")
    assert len(both) == len(summary)
    for column in ("n_real", "n_fake", "auc", "eer"):
        assert (both[column] == both[f"{column}_now"]).all(), column
