"""Shared fixtures: paths, the read-only ../shared material, a small generated sample."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"

# Keep caches of matplotlib and Keras out of the user's home.
os.environ.setdefault("MPLCONFIGDIR", str(REPO / ".pytest_cache" / "mpl"))
os.environ.setdefault("KERAS_HOME", str(REPO / ".pytest_cache" / "keras"))
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

N_FRAMES = 20  # frames per sample clip in the workflow tests: fewer than the default 50, for CI


def shared(path: str) -> Path:
    """A file of ../shared, or skip the test with the reason when it is absent."""
    target = SHARED / path
    if not target.exists():
        pytest.skip(
            f"needs ../shared/{path}, which is absent (it exists only in the project's "
            "own workplace and CI, never in a user's clone)"
        )
    return target


@pytest.fixture(scope="session")
def small_sample(tmp_path_factory):
    """A generated sample: 2 subjects (one swap pair), 1 sentence, 6 frames."""
    from dfscope.sample import SampleSpec, generate

    root = tmp_path_factory.mktemp("sample")
    spec = SampleSpec(subjects=("fcol0", "fhop0"), sentences=("sa1",), n_frames=6)
    return spec, root, generate(spec, root)


@pytest.fixture(scope="session")
def mtcnn():
    from dfscope.detectors import build

    return build("mtcnn", threads=2)


#: The ``snakemake`` command of this environment, as the README has users type it.
SNAKEMAKE = str(Path(sys.executable).with_name("snakemake"))


def snakemake_command(workdir: Path, *args: str, cores: int = 2) -> list[str]:
    """The README's command line for a study in ``workdir``: ``snakemake --cores N --directory
    <workdir>``, run from the repository root, where Snakemake finds the Snakefile and applies
    the workflow profile ``profiles/default/`` by itself (no profile flag is ever spelled out)."""
    return [SNAKEMAKE, "--cores", str(cores), "--directory", str(workdir), *args]


def snakemake(workdir: Path, *args: str) -> subprocess.CompletedProcess:
    """Run the workflow for the study in ``workdir`` (which has its own config/); fail with its errors."""
    result = subprocess.run(
        snakemake_command(workdir, *args), cwd=REPO, capture_output=True, text=True
    )
    if result.returncode:
        errors = [line for line in result.stderr.splitlines() if "Error" in line or "error" in line]
        pytest.fail(
            f"snakemake {' '.join(args)} failed in {workdir}:\n"
            + "\n".join(errors[-20:])
            + f"\n...\n{result.stderr[-1500:]}",
            pytrace=False,
        )
    return result


def jobs_planned(result: subprocess.CompletedProcess) -> dict[str, int]:
    """The 'Job stats' table of a dry run: rule -> count."""
    text = result.stdout + result.stderr
    if "Nothing to be done" in text:
        return {}
    table = text.split("Job stats:")[1].split("Reasons:")[0]
    return {
        m[1]: int(m[2]) for m in re.finditer(r"^(\w+)\s+(\d+)$", table, re.M) if m[1] != "total"
    }


def write_config(workdir: Path, **changes) -> dict:
    """The repository's config with ``N_FRAMES`` per sample clip and ``changes`` (section -> keys)."""
    config = yaml.safe_load((REPO / "config/config.yaml").read_text())
    config["sample"]["n_frames"] = N_FRAMES
    for section, values in changes.items():
        config[section] |= values
    (workdir / "config").mkdir(exist_ok=True)
    (workdir / "config/config.yaml").write_text(yaml.safe_dump(config))
    return config


@pytest.fixture(scope="session")
def run(tmp_path_factory):
    """The whole workflow on the sample (default config, ``N_FRAMES`` frames): (workdir, config, result).

    Session-wide: the workflow tests read it, and the real-footage test trains its detector on it.
    """
    workdir = tmp_path_factory.mktemp("workflow")
    config = write_config(workdir)
    result = snakemake(workdir)
    return workdir, config, result
