"""The config against its JSON schema: keys that were renamed, one short message for the first
thing the schema refuses, and the defaults, which the schema alone sets."""

from __future__ import annotations

import copy
import difflib
from pathlib import Path

import yaml

#: Config keys that were renamed, old -> new: an old config gets a message naming the new key
#: instead of the schema's "Additional properties are not allowed".
RENAMED = {
    "detector.choose": "detector.faces (largest, tracked, or all: every face)",
    "detection": "classifier (the deepfake classifier; 'detector' is the face detector)",
    "dataset.fakes_root": "dataset.root (the dataset, in whichever layout)",
    "dataset.qualities": "dataset.groups (DeepfakeTIMIT's qualities are its groups of fakes)",
    "dataset.sample": (
        "gone: the built-in sample is the default dataset (dataset.root and "
        "dataset.originals_root under resources/sample, generated when missing); point "
        "dataset.root at your data to read it instead"
    ),
    "sample.root": "gone: the built-in sample is generated under resources/sample",
    "metrics.features": (
        "features.quality.names (the no-reference features come in families now, "
        "features.families, and quality is the family of the 19 hand-made ones)"
    ),
    "evaluation.scores": (
        "gone: feature_auc.csv has the AUC and EER of every feature (summary.csv is no more)"
    ),
}


def check_renamed(cfg: dict) -> None:
    """Raise ValueError naming the new key for each renamed key (``section.key``) ``cfg`` still
    uses."""
    for old, new in RENAMED.items():
        section, _, key = old.rpartition(".")
        if key in (cfg.get(section) or {} if section else cfg):
            raise ValueError(f"config key {old!r} is now {new}: rename it in your config file")


def check_schema(cfg: dict, schema: str | Path) -> None:
    """Raise ValueError with one short message for the first thing in ``cfg`` that the JSON
    ``schema`` refuses: a key it does not know (with the key most like it and the keys that
    section has), or a value (its key, what is wrong).

    Snakemake's own validation prints the whole schema (about a thousand lines) under the
    error, in which a misspelt ``classifer:`` is hard to find.
    """
    from jsonschema import Draft202012Validator
    from jsonschema.exceptions import best_match

    document = yaml.safe_load(Path(schema).read_text(encoding="utf-8"))
    _check_keys(cfg, document, document, "")
    error = best_match(Draft202012Validator(document).iter_errors(cfg))
    if error is not None:
        where = ".".join(str(part) for part in error.absolute_path) or "(top level)"
        raise ValueError(f"config {where}: {error.message}")


def _check_keys(cfg: object, node: dict, document: dict, prefix: str) -> None:
    """Every key of ``cfg`` (a section of the config) must be one its schema ``node`` names,
    where the schema closes the section; and so on in each section below."""
    if not isinstance(cfg, dict):
        return
    known = _properties(node, document)
    closed = node.get("additionalProperties") is False or any(
        part.get("unevaluatedProperties") is False for part in _parts(node, document)
    )
    for key, value in cfg.items():
        if key not in known:
            if closed:
                raise ValueError(_unknown_key(prefix, str(key), sorted(known)))
            continue
        _check_keys(value, known[key], document, f"{prefix}{key}.")


def _parts(node: dict, document: dict) -> list[dict]:
    """``node`` and the schemas its ``$ref`` names (``#/$defs/...``), the referred ones first."""
    ref = node.get("$ref")
    if ref is None:
        return [node]
    target = document
    for part in ref.removeprefix("#/").split("/"):
        target = target[part]
    return [*_parts(target, document), node]


def _properties(node: dict, document: dict) -> dict[str, dict]:
    """The properties ``node`` names, its ``$ref``'s too (a later schema's refine them)."""
    merged: dict[str, dict] = {}
    for part in _parts(node, document):
        for key, value in part.get("properties", {}).items():
            merged[key] = {**merged.get(key, {}), **value}
    return merged


def _unknown_key(prefix: str, key: str, known: list[str]) -> str:
    """The message for an unknown config key: the key, the likely one meant, the known keys."""
    section = f"section {prefix.rstrip('.')}" if prefix else "top level"
    close = difflib.get_close_matches(key, known, n=1, cutoff=0.6)
    meant = f"; did you mean {prefix + close[0]!r}?" if close else ""
    return (
        f"config key {prefix + key!r} is not known{meant} The {section} has: "
        f"{', '.join(known)} (config/README.md says what each does)"
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
