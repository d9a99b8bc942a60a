"""The library's own defaults that stand for a config key are the schema's default of that key:
the schema is where a default is decided, and calling the library with its defaults does what a
workflow run with an empty config does."""

from __future__ import annotations

import importlib
import inspect

import pytest

from dfscope.config.schema import defaults
from dfscope.installed import requires

from .conftest import SCHEMA

#: (module, function or class, keyword, config key): a keyword default that mirrors a config key.
KEYWORDS = [
    ("dfscope.video", "extract_frames", "jpeg_quality", "frames.jpeg_quality"),
    ("dfscope.video", "extract_frames", "stride", "frames.stride"),
    ("dfscope.video", "extract_frames", "count", "frames.count"),
    ("dfscope.video", "frame_filter", "stride", "frames.stride"),
    ("dfscope.video", "frame_filter", "count", "frames.count"),
    ("dfscope.faces", "detect_video", "batch_size", "detector.batch_size"),
    ("dfscope.faces", "detect_video", "faces", "detector.faces"),
    ("dfscope.faces", "detect_video", "every", "detector.every"),
    ("dfscope.crops", "Cropping", "margin", "crops.margin"),
    ("dfscope.crops", "Cropping", "align", "crops.align"),
    ("dfscope.crops", "Cropping", "scale", "crops.scale"),
    ("dfscope.comparison", "ssim", "win_size", "metrics.ssim.win_size"),
    ("dfscope.comparison", "ssim", "gaussian_weights", "metrics.ssim.gaussian_weights"),
    ("dfscope.comparison", "ssim_of_levels", "win_size", "metrics.ssim.win_size"),
    ("dfscope.comparison", "ssim_of_levels", "gaussian_weights", "metrics.ssim.gaussian_weights"),
    ("dfscope.comparison", "changed_regions", "threshold", "metrics.regions.threshold"),
    ("dfscope.comparison", "changed_regions", "min_area", "metrics.regions.min_area"),
    ("dfscope.paired", "compare_video", "mask", "metrics.mask"),
    ("dfscope.sample", "SampleSpec", "subjects", "sample.subjects"),
    ("dfscope.sample", "SampleSpec", "sentences", "sample.sentences"),
    ("dfscope.sample", "SampleSpec", "n_frames", "sample.n_frames"),
    ("dfscope.sample", "SampleSpec", "seed", "sample.seed"),
    ("dfscope.sample", "SampleSpec", "jpeg_quality", "sample.jpeg_quality"),
    ("dfscope.layouts.faceforensics", "read", "compression", "dataset.compression"),
    ("dfscope.layouts.faceforensics", "read", "groups", "dataset.groups"),
    ("dfscope.layouts.faceforensics", "read", "splits", "dataset.splits"),
    ("dfscope.layouts.celebdf", "read", "splits", "dataset.splits"),
    ("dfscope.mesonet.training", "train", "architecture", "cnn.architecture"),
    ("dfscope.mesonet.training", "train", "size", "crops.size"),
    ("dfscope.mesonet.training", "train", "epochs", "cnn.epochs"),
    ("dfscope.mesonet.training", "train", "batch_size", "cnn.batch_size"),
    ("dfscope.mesonet.training", "train", "learning_rate", "cnn.learning_rate"),
    ("dfscope.mesonet.training", "train", "device", "cnn.device"),
    ("dfscope.mesonet.training", "train", "threads", "cnn.threads"),
    ("dfscope.mesonet.scoring", "score", "batch_size", "cnn.batch_size"),
    ("dfscope.mesonet.scoring", "score", "device", "cnn.device"),
    ("dfscope.mesonet.scoring", "score", "threads", "cnn.threads"),
]

#: (module, constant, config key): a module constant documented as the workflow's default.
CONSTANTS = [
    ("dfscope.mesonet.settings", "SIZE", "crops.size"),
    ("dfscope.mesonet.settings", "EPOCHS", "cnn.epochs"),
    ("dfscope.mesonet.settings", "BATCH_SIZE", "cnn.batch_size"),
    ("dfscope.mesonet.settings", "LEARNING_RATE", "cnn.learning_rate"),
    ("dfscope.mesonet.settings", "FRAMES_PER_VIDEO", "cnn.frames_per_video"),
]


@pytest.fixture(scope="module")
def default():
    return defaults(SCHEMA)


def _schema_default(default: dict, key: str):
    for part in key.split("."):
        default = default[part]
    return default


def _module(name: str):
    if "torch" in requires(name.removeprefix("dfscope.")):
        pytest.importorskip("torch")
    return importlib.import_module(name)


def _same(ours, schemas) -> bool:
    """Equal, a tuple default standing for the schema's list."""
    return (list(ours) if isinstance(ours, tuple) else ours) == schemas


@pytest.mark.parametrize(("module", "name", "keyword", "key"), KEYWORDS)
def test_a_keyword_default_is_the_schemas(default, module, name, keyword, key):
    parameter = inspect.signature(getattr(_module(module), name)).parameters[keyword]
    assert parameter.default is not inspect.Parameter.empty, f"{name}({keyword}) has no default"
    assert _same(parameter.default, _schema_default(default, key)), (
        f"{module}.{name}({keyword}={parameter.default!r}), but the schema's {key} is "
        f"{_schema_default(default, key)!r}"
    )


@pytest.mark.parametrize(("module", "name", "key"), CONSTANTS)
def test_a_documented_default_constant_is_the_schemas(default, module, name, key):
    assert _same(getattr(_module(module), name), _schema_default(default, key)), (module, name)
