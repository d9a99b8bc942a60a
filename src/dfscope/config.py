"""The workflow's config: checks that Snakemake's loading and the JSON schema cannot make, and
the defaults, which the schema alone sets."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import yaml

from .schema import DATASET_SPLIT, TEMPORAL_FEATURES

#: The layouts whose official split ``dataset.splits`` reads, and what it must point at.
SPLIT_FILES = {
    "faceforensics": "the folder with train.json, val.json and test.json",
    "celebdf": "the file List_of_testing_videos.txt",
}

#: Config keys that were renamed, old -> new: an old config gets a message naming the new key
#: instead of the schema's "Additional properties are not allowed".
RENAMED = {
    "detection": "classifier (the deepfake classifier; 'detector' is the face detector)",
    "dataset.fakes_root": "dataset.root (the dataset, in whichever layout)",
    "dataset.qualities": "dataset.groups (DeepfakeTIMIT's qualities are its groups of fakes)",
}


def check_yaml(path: str | Path) -> None:
    """Raise ValueError naming the file, line, column and problem if ``path`` is not valid YAML.

    Snakemake answers a config file it cannot parse with only "Config file is
    not valid JSON or YAML", naming neither the file nor the line, so a missing
    bracket in a long config is a hunt. Only the syntax is checked here (the
    schema checks the content): JSON, which Snakemake tries first, passes as is,
    and a missing file is left to Snakemake's own message, which names it.
    """
    path = Path(path)
    if not path.is_file():
        return
    text = path.read_text(encoding="utf-8")
    try:
        json.loads(text)
        return
    except ValueError:
        pass
    try:
        yaml.compose(text, Loader=yaml.SafeLoader)  # parse only: tags are the loader's business
    except yaml.MarkedYAMLError as error:
        raise ValueError(f"{path.resolve()}: not valid YAML: {_where(error)}") from None


def _where(error: yaml.MarkedYAMLError) -> str:
    """``line L, column C: problem (context, at line L', column C')``, 1-based as editors count."""
    mark = error.problem_mark or error.context_mark
    message = f"line {mark.line + 1}, column {mark.column + 1}: {error.problem or error.context}"
    if error.context and error.problem and error.context_mark is not None:
        context = error.context_mark
        message += f" ({error.context}, at line {context.line + 1}, column {context.column + 1})"
    return message


def check_renamed(cfg: dict) -> None:
    """Raise ValueError naming the new key for each renamed key (``section.key``) ``cfg`` still
    uses."""
    for old, new in RENAMED.items():
        section, _, key = old.rpartition(".")
        if key in (cfg.get(section) or {} if section else cfg):
            raise ValueError(f"config key {old!r} is now {new}: rename it in your config file")


def classifier_features(cfg: dict) -> list[str]:
    """Every per-frame feature the classifier can use without the original: the no-reference
    features and, when computed, the temporal ones (also the features of the histograms and
    the single-feature AUCs)."""
    return cfg["metrics"]["features"] + (TEMPORAL_FEATURES if cfg["metrics"]["temporal"] else [])


def check_config(cfg: dict) -> None:
    """Cross-key rules JSON schema cannot say (``cfg`` is validated, defaults filled in);
    the message names the key and the value."""
    features = classifier_features(cfg)
    for key, names in (
        ("evaluation.scores", cfg["evaluation"]["scores"]),
        ("evaluation.roc_score", [cfg["evaluation"]["roc_score"]]),
    ):
        for name in names:
            if name not in features:
                raise ValueError(
                    f"config {key}: {name!r} is not computed (metrics.features "
                    f"and temporal: {features})"
                )
    _check_dataset(cfg["dataset"])
    win_size, crop_size = cfg["metrics"]["ssim"]["win_size"], cfg["crops"]["size"]
    if win_size >= crop_size:
        raise ValueError(
            f"config metrics.ssim.win_size: {win_size} is not smaller than crops.size "
            f"({crop_size}): the SSIM window must fit inside the face crop"
        )
    classifier = cfg["classifier"]
    if classifier["split"] and classifier["train_on"]:
        raise ValueError(
            f"config classifier.split ({classifier['split']!r}) and "
            f"classifier.train_on ({classifier['train_on']!r}): give one of the two"
        )
    _check_dataset_split(cfg["dataset"], classifier["split"])


def _check_dataset_split(dataset: dict, split: str | None) -> None:
    """``classifier.split: dataset`` needs a layout that records an official split, told where
    its files are (a CSV list carries its own ``split`` column)."""
    if split != DATASET_SPLIT:
        return
    layout = "deepfaketimit" if dataset["sample"] else dataset["layout"]
    if layout in SPLIT_FILES and not dataset["splits"]:
        raise ValueError(
            f"config classifier.split: {DATASET_SPLIT!r} needs dataset.splits: "
            f"{SPLIT_FILES[layout]}"
        )
    if layout not in SPLIT_FILES and layout != "table":
        raise ValueError(
            f"config classifier.split: {DATASET_SPLIT!r}, but the {layout} layout has no "
            "official split: give a split CSV, or leave it null for k-fold"
        )


def _check_dataset(dataset: dict) -> None:
    """The dataset the config names must be there, in a form its layout reads."""
    if dataset["sample"]:
        if dataset["layout"] != "deepfaketimit":
            raise ValueError(
                f"config dataset.layout: {dataset['layout']!r} with dataset.sample true: the "
                "built-in sample is generated in the deepfaketimit layout (`dfscope sample "
                f"--layout {dataset['layout']} DIR` writes it in that one, to read with "
                "dataset.sample false)"
            )
        return
    wanted = {"root": "a file" if dataset["layout"] == "table" else "a folder"}
    if dataset["layout"] == "deepfaketimit":
        wanted["originals_root"] = "a folder"
    for key, kind in wanted.items():
        path = Path(dataset[key])
        if not (path.is_file() if kind == "a file" else path.is_dir()):
            raise ValueError(
                f"config dataset.{key}: {dataset[key]!r} is not {kind} (dataset.sample is "
                f"false, so the {dataset['layout']} dataset is read from there)"
            )


def defaults(schema: str | Path) -> dict:
    """The config that an empty config file gives: every default of the JSON ``schema``.

    The schema is the one place a default is written; code that needs one (a benchmark, a
    test building a detector) takes it from here.
    """
    return with_defaults({}, schema)


def with_defaults(cfg: dict, schema: str | Path) -> dict:
    """A copy of ``cfg``, validated against ``schema``, with every key it leaves out at its
    default: the config a workflow run with ``cfg`` works with."""
    from snakemake.utils import validate

    config = copy.deepcopy(cfg)
    validate(config, str(schema), set_default=True)
    return config
