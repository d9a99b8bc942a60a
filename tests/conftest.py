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


#: A tiny DeepfakeTIMIT-layout dataset: one swap pair, one sentence, 6 frames (6 videos).
TINY = {"subjects": ("fcol0", "fhop0"), "sentences": ("sa1",), "n_frames": 6}
#: Its classifier trains on the fhop0 side and scores the rest: one swap pair has no k-fold.
TINY_TRAIN = ("real-fhop0-sa1", "hq-fhop0-sa1-fcol0")


def tiny_dataset(root: Path) -> tuple[Path, Path]:
    """The tiny dataset generated under ``root``, and a train/test split file for its classifier."""
    from dfscope.sample import SampleSpec, generate

    table = generate(SampleSpec(**TINY), root)
    split = root / "split.csv"
    split.write_text(
        "video,split\n"
        + "".join(f"{v},{'train' if v in TINY_TRAIN else 'test'}\n" for v in table.video)
    )
    return root, split


@pytest.fixture(scope="session")
def small_sample(tmp_path_factory):
    """A generated sample: 2 subjects (one swap pair), 1 sentence, 6 frames."""
    from dfscope.sample import SampleSpec, generate

    root = tmp_path_factory.mktemp("sample")
    spec = SampleSpec(subjects=("fcol0", "fhop0"), sentences=("sa1",), n_frames=6)
    return spec, root, generate(spec, root)


#: The workflow's config schema: the one place its defaults are written.
SCHEMA = REPO / "workflow/schemas/config.schema.yaml"


def detector(name: str, **changes):
    """Detector ``name`` as the workflow builds it: its config defaults, with ``changes``."""
    from dfscope.config.schema import defaults
    from dfscope.detectors import build

    return build(name, threads=2, **defaults(SCHEMA)["detector"]["params"][name] | changes)


@pytest.fixture(scope="session")
def mtcnn():
    return detector("mtcnn")


#: The ``snakemake`` command of this environment, as the README has users type it.
SNAKEMAKE = str(Path(sys.executable).with_name("snakemake"))


def snakemake_command(workdir: Path, *args: str, cores: int = 2) -> list[str]:
    """The README's command line for a study in ``workdir``: ``snakemake --cores N --directory
    <workdir>``, run from the repository root, where Snakemake finds the Snakefile and applies
    the workflow profile ``profiles/default/`` by itself (no profile flag is ever spelled out)."""
    return [SNAKEMAKE, "--cores", str(cores), "--directory", str(workdir), *args]


def snakemake(workdir: Path, *args: str) -> subprocess.CompletedProcess:
    """Run the workflow for the study in ``workdir`` (own config/); fail with its errors."""
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


def of_video(workdir: Path, folder: str, video: str, suffix: str = "") -> Path:
    """A video's output in a step's batch folder, ``<workdir>/<folder>/<batch>/<video><suffix>``:
    the batch is the video's subject, as the tests' studies have fewer videos a subject than a
    batch holds (``batching.max_videos``)."""
    return workdir / folder / video.split("-")[1] / f"{video}{suffix}"


def table_bytes(workdir: Path) -> dict[str, bytes]:
    """Every Parquet and CSV under a study's results/tables, results/faces and results/metrics,
    by relative path: what byte-identical results are compared by."""
    return {
        str(path.relative_to(workdir)): path.read_bytes()
        for folder in ("results/tables", "results/faces", "results/metrics")
        for path in sorted((workdir / folder).rglob("*"))
        if path.suffix in (".parquet", ".csv")
    }


def write_config(workdir: Path, **changes) -> dict:
    """Write the repository's config with ``N_FRAMES`` per sample clip and ``changes`` (section ->
    keys) as the study's config file, as a user edits it; return what was written."""
    config = yaml.safe_load((REPO / "config/config.yaml").read_text())
    changes = {"sample": {"n_frames": N_FRAMES}} | changes
    for section, values in changes.items():
        config[section] = config.get(section, {}) | values
    (workdir / "config").mkdir(exist_ok=True)
    (workdir / "config/config.yaml").write_text(yaml.safe_dump(config))
    return config


@pytest.fixture(scope="session")
def run(tmp_path_factory):
    """The whole workflow on the sample (default config, ``N_FRAMES`` frames): (workdir, config
    with every default filled in, result).

    Session-wide: the workflow tests read it, and the real-footage test trains its classifier on it.
    """
    from dfscope.config.schema import with_defaults

    workdir = tmp_path_factory.mktemp("workflow")
    config = with_defaults(write_config(workdir), SCHEMA)  # what the workflow runs with
    result = snakemake(workdir)
    return workdir, config, result
