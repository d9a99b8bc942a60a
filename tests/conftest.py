"""Shared fixtures: paths, the read-only ../shared material, a small generated sample."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"

# Keep caches of matplotlib and Keras out of the user's home.
os.environ.setdefault("MPLCONFIGDIR", str(REPO / ".pytest_cache" / "mpl"))
os.environ.setdefault("KERAS_HOME", str(REPO / ".pytest_cache" / "keras"))
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")


def shared(path: str) -> Path:
    """A file of ../shared, or skip the test with the reason when it is absent."""
    target = SHARED / path
    if not target.exists():
        pytest.skip(f"needs ../shared/{path}, which is absent (it exists only in the project's "
                    "own workplace and CI, never in a user's clone)")
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
