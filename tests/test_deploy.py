"""dfscope deployed the way the Snakemake workflow catalog deploys workflows: ``snakedeploy
deploy-workflow`` writes a Snakefile that uses dfscope as a module with the user's own
``config/``; the sample runs there to the end, in an environment without TensorFlow (what
``pip install dfscope[torch]`` gives) with the config's detector ``mtcnn_torch``."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
import yaml

from .conftest import REPO
from .test_workflow import HIDE

pytestmark = pytest.mark.integration

BIN = Path(sys.executable).parent


def checkout_copy(dest: Path) -> Path:
    """The checkout's files as a fresh clone has them (tracked and new, not ignored: no venv,
    no results), with uncommitted edits: what ``snakedeploy`` copies from a local source."""
    files = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=REPO,
        capture_output=True,
        check=True,
    ).stdout.split(b"\0")
    for name in filter(None, (f.decode() for f in files)):
        if (REPO / name).is_file():  # a file deleted but not yet committed is listed too
            (dest / name).parent.mkdir(parents=True, exist_ok=True)
            (dest / name).write_bytes((REPO / name).read_bytes())
    return dest


@pytest.fixture(scope="module")
def deployed(tmp_path_factory):
    """(source, deployment): dfscope deployed from a copy of the checkout, its Snakefile, the
    user's config/ and profiles/ written by snakedeploy."""
    source = checkout_copy(tmp_path_factory.mktemp("dfscope"))
    dest = tmp_path_factory.mktemp("analysis") / "deployed"
    subprocess.run(
        [BIN / "snakedeploy", "deploy-workflow", source, dest, "--branch", "main"],
        check=True,
        capture_output=True,
    )
    return source, dest


def test_snakedeploy_writes_a_module_of_the_workflow_entry(deployed):
    source, dest = deployed
    snakefile = (dest / "workflow/Snakefile").read_text()
    assert 'snakefile: \n        "workflow/Snakefile"' in snakefile
    assert "use rule * from" in snakefile
    assert (dest / "config/config.yaml").read_bytes() == (REPO / "config/config.yaml").read_bytes()
    assert (dest / "profiles/default/config.yaml").is_file()


def test_deployed_workflow_runs_the_sample_with_the_users_config_and_no_tensorflow(
    deployed, tmp_path
):
    source, dest = deployed
    snakefile = dest / "workflow/Snakefile"
    # From a local folder snakedeploy writes the path inside the source ("workflow/Snakefile"),
    # which Snakemake reads from the host's workflow/; from GitHub it writes github(...,
    # path="workflow/Snakefile", tag=...). Point the module at the source, as a user would.
    snakefile.write_text(
        snakefile.read_text().replace('"workflow/Snakefile"', f'"{source}/workflow/Snakefile"')
    )
    config = yaml.safe_load((dest / "config/config.yaml").read_text())
    config["detector"] = config.get("detector", {}) | {"name": "mtcnn_torch"}  # the user's edits
    config["sample"] = config.get("sample", {}) | {"sentences": ["sa1"], "n_frames": 8}
    (dest / "config/config.yaml").write_text(yaml.safe_dump(config))
    (tmp_path / "hide").mkdir()
    (tmp_path / "hide/sitecustomize.py").write_text(HIDE)

    result = subprocess.run(
        [BIN / "snakemake", "--cores", "2"],
        cwd=dest,
        capture_output=True,
        text=True,
        env=os.environ | {"PYTHONPATH": str(tmp_path / "hide"), "HIDDEN_PACKAGES": "tensorflow"},
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert "Using workflow specific profile profiles/default" in result.stdout + result.stderr

    tables = dest / "results/tables/mtcnn_torch"
    frames = pd.read_parquet(tables / "frames.parquet")
    assert frames.video.nunique() == 12 and frames.groupby("video").frame.nunique().max() == 8
    for table in ("classifier.csv", "cnn.csv"):
        scored = pd.read_csv(tables / table)
        assert set(scored.group) == {"LQ", "HQ"} and scored.auc.between(0, 1).all(), table
    assert (dest / "results/plots/mtcnn_torch/roc.png").stat().st_size > 0
    assert not (source / "results").exists()  # the results are the user's, not the source's
