"""The workflow's config: checks that Snakemake's loading and the JSON schema cannot make, and
the defaults, which the schema alone sets."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import yaml

from .schema import TEMPORAL_FEATURES

#: Config keys that were renamed, old -> new: an old config gets a message naming the new key
#: instead of the schema's "Additional properties are not allowed".
RENAMED = {"detection": "classifier (the deepfake classifier; 'detector' is the face detector)"}


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
    """Raise ValueError naming the new key for each renamed top-level key ``cfg`` still uses."""
    for old, new in RENAMED.items():
        if old in cfg:
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
    if not cfg["dataset"]["sample"]:
        for key in ("fakes_root", "originals_root"):
            if not Path(cfg["dataset"][key]).is_dir():
                raise ValueError(
                    f"config dataset.{key}: {cfg['dataset'][key]!r} is not a folder "
                    "(dataset.sample is false, so the dataset is read from there)"
                )
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
