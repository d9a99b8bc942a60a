"""The workflow's config: checks that Snakemake's loading and the JSON schema cannot make, and
the defaults, which the schema alone sets."""

from __future__ import annotations

import copy
import difflib
import json
from pathlib import Path

import yaml

from .codecs import recoding
from .columns import DATASET_SPLIT, MADE_WITH, TEMPORAL_FEATURES
from .features import feature_columns
from .layouts import layout
from .sample import is_sample

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


def has_settings(path: str | Path) -> bool:
    """Whether the config file ``path`` holds any setting: False for an empty file or one of
    comments only, which means every default (Snakemake would refuse it as "not keys at top
    level"), True otherwise (a missing file too: Snakemake's own message names it).
    Call it after :func:`check_yaml`."""
    path = Path(path)
    if not path.is_file():
        return True
    return yaml.safe_load(path.read_text(encoding="utf-8")) is not None


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


def families(cfg: dict) -> dict[str, dict]:
    """The feature families the config chooses, each with its parameters (``features.<name>``)."""
    return {name: cfg["features"][name] for name in cfg["features"]["families"]}


def classifier_features(cfg: dict) -> list[str]:
    """Every per-frame feature the classifier can use without the original: those of the
    chosen families and, when computed, the temporal ones (also the features of the
    histograms and the single-feature AUCs)."""
    temporal = TEMPORAL_FEATURES if cfg["metrics"]["temporal"] else []
    return feature_columns(families(cfg)) + temporal


def check_config(cfg: dict) -> None:
    """Cross-key rules JSON schema cannot say (``cfg`` is validated, defaults filled in);
    the message names the key and the value."""
    spectral = cfg["features"]["spectral"]
    if spectral["n_bins"] > spectral["size"] // 2:
        raise ValueError(
            f"config features.spectral.n_bins: {spectral['n_bins']} is more than half "
            f"features.spectral.size ({spectral['size']}): some rings would hold no frequency"
        )
    features = classifier_features(cfg)
    if cfg["evaluation"]["roc_score"] not in features:
        raise ValueError(
            f"config evaluation.roc_score: {cfg['evaluation']['roc_score']!r} is not computed "
            f"(the features of features.families, and temporal: {features})"
        )
    _check_dataset(cfg["dataset"])
    known = [*cfg["features"]["families"], *(["temporal"] if cfg["metrics"]["temporal"] else [])]
    for name, chosen in (cfg["ablation"]["sets"] or {}).items():
        unknown = [family for family in chosen if family not in known]
        if unknown:
            raise ValueError(
                f"config ablation.sets.{name}: {unknown} are not computed (features.families "
                f"and temporal: {known})"
            )
    if cfg["crops"]["align"] == "similarity" and cfg["detector"]["name"] == "haar":
        raise ValueError(
            "config crops.align: 'similarity' needs five landmarks a face, and detector.name "
            "'haar' finds none: use another detector, or align: none"
        )
    if cfg["metrics"]["mask"] == "hull" and cfg["detector"]["name"] != "dlib":
        raise ValueError(
            "config metrics.mask: 'hull' needs the 68 landmarks of detector.name 'dlib', and "
            f"detector.name is {cfg['detector']['name']!r}: use dlib, or mask: ellipse"
        )
    bench = cfg["export"]["deepfakebench"]
    if bench["enabled"] and cfg["detector"]["faces"] == "all":
        raise ValueError(
            "config export.deepfakebench.enabled: true exports one face a frame, as "
            "DeepfakeBench reads them, and detector.faces is 'all': use largest or tracked"
        )
    if bench["enabled"] and bench["aligned"] and cfg["detector"]["name"] == "haar":
        raise ValueError(
            "config export.deepfakebench.aligned: true needs five landmarks a face, and "
            "detector.name 'haar' finds none: use another detector, or aligned: false"
        )
    win_size, crop_size = cfg["metrics"]["ssim"]["win_size"], cfg["crops"]["size"]
    if win_size >= crop_size:
        raise ValueError(
            f"config metrics.ssim.win_size: {win_size} is not smaller than crops.size "
            f"({crop_size}): the SSIM window must fit inside the face crop"
        )
    frames = cfg["frames"]
    if frames["count"] is not None and frames["stride"] > 1:
        raise ValueError(
            f"config frames.count ({frames['count']}) and frames.stride ({frames['stride']}): "
            "give one of the two (count spreads its frames over the whole video; stride keeps "
            "every stride-th)"
        )
    classifier = cfg["classifier"]
    if classifier["split"] and classifier["train_on"]:
        raise ValueError(
            f"config classifier.split ({classifier['split']!r}) and "
            f"classifier.train_on ({classifier['train_on']!r}): give one of the two"
        )
    _check_dataset_split(cfg["dataset"], classifier["split"])
    if classifier["split"] not in (None, DATASET_SPLIT) and not Path(classifier["split"]).is_file():
        raise ValueError(
            f"config classifier.split: {classifier['split']!r} is not a file (a CSV with "
            f"columns video and split, or {DATASET_SPLIT!r} for the dataset's own split)"
        )
    if classifier["train_on"]:
        check_training_table(classifier["train_on"], made_with(cfg), features)


def _check_dataset_split(dataset: dict, split: str | None) -> None:
    """``classifier.split: dataset`` needs a layout whose videos carry an official split, told
    where its split files are where it has them (a CSV list carries a ``split`` column)."""
    if split != DATASET_SPLIT:
        return
    reader = layout(dataset["layout"])
    if not reader.HAS_SPLIT:
        raise ValueError(
            f"config classifier.split: {DATASET_SPLIT!r}, but the {dataset['layout']} layout "
            "has no official split: give a split CSV, or leave it null for k-fold"
        )
    if reader.SPLIT_FILES and not dataset["splits"]:
        raise ValueError(
            f"config classifier.split: {DATASET_SPLIT!r} needs dataset.splits: "
            f"{reader.SPLIT_FILES[1]}"
        )


def _check_dataset(dataset: dict) -> None:
    """The dataset the config names must be there, in a form its layout reads (the built-in
    sample is generated where it is missing: it is checked once made)."""
    reader = layout(dataset["layout"])
    wanted = {"root": (reader.ROOT, f"the {dataset['layout']} dataset is read from there")}
    wanted |= {
        key: ("folder", "the originals are read from there")
        for key in reader.OPTIONS
        if key.endswith("root")
    }
    if dataset["splits"] and reader.SPLIT_FILES:
        wanted["splits"] = (reader.SPLIT_FILES[0], f"it should be {reader.SPLIT_FILES[1]}")
    if is_sample(dataset):
        wanted.pop("root"), wanted.pop("originals_root")
    for key, (kind, why) in wanted.items():
        path = Path(dataset[key])
        if not (path.is_file() if kind == "file" else path.is_dir()):
            raise ValueError(f"config dataset.{key}: {dataset[key]!r} is not a {kind} ({why})")


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


def made_with(cfg: dict) -> dict:
    """The settings a study's frame table depends on, besides the videos: the face detector and
    its parameters, how frames are sampled and stored, the crops, the parameters of each
    feature family and the SSIM of the temporal features. Recorded in the table
    (:data:`MADE_WITH`), so that a classifier trained on it (``classifier.train_on``) is only
    used on features made the same way: a crop of another detector or size shifts every
    feature, the IQMs of a face resized to 48 px are not those of one at 64 (0.7 to 2.3
    standard deviations apart), and such a classifier's scores would be wrong without a sign.
    Which faces a frame keeps (``detector.faces``) is not among them, nor which features of a
    family are computed (``names``): they choose what is measured, not how (a feature that
    is not there is told by its missing column)."""
    detector, frames = cfg["detector"], cfg["frames"]
    # PNG and BMP frames hold the decoded pixels alike; JPEG frames are the pixels changed.
    pixels = f"jpg {frames['jpeg_quality']}" if frames["format"] == "jpg" else "lossless"
    return {
        "detector.name": detector["name"],
        "detector.params": detector["params"][detector["name"]],
        "detector.every": detector["every"],
        "frames.pixels": pixels,
        "frames.recode": recoding(frames["recode"]),
        "frames.stride": frames["stride"],
        "frames.count": frames["count"],
        "crops.margin": cfg["crops"]["margin"],
        "crops.size": cfg["crops"]["size"],
        "crops.align": cfg["crops"]["align"],
        "crops.scale": cfg["crops"]["scale"] if cfg["crops"]["align"] == "similarity" else None,
        "metrics.ssim": cfg["metrics"]["ssim"],
    } | {
        f"features.{family}": {key: value for key, value in params.items() if key != "names"}
        for family, params in families(cfg).items()
    }


def check_training_table(path: str | Path, ours: dict, features: list[str]) -> None:
    """Raise ValueError, naming ``classifier.train_on``, unless ``path`` is a frame table made
    with the settings ``ours`` (:func:`made_with`) that has every one of ``features``."""
    key = "config classifier.train_on"
    path = Path(path)
    if not path.is_file():
        kind = "a folder" if path.is_dir() else "not found"
        raise ValueError(
            f"{key}: {str(path)!r} is {kind}: it should be another study's frame table, "
            "results/tables/<detector>/frames.parquet"
        )
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        schema = pq.read_schema(path)
    except (pa.ArrowInvalid, OSError) as error:
        raise ValueError(f"{key}: {path} is not a Parquet table: {error}") from None
    recorded = (schema.metadata or {}).get(MADE_WITH.encode())
    if recorded is None:
        raise ValueError(
            f"{key}: {path} does not record how it was made (a frame table of an older "
            "dfscope, or another table): run that study's gather step again"
        )
    theirs = json.loads(recorded)
    differ = [
        f"{name}: {theirs.get(name)!r} there, {value!r} here"
        for name, value in ours.items()
        if theirs.get(name) != value
    ]
    if differ:
        raise ValueError(
            f"{key}: {path} was made with other settings than this study's, so its classifier "
            f"would score features of another kind: {'; '.join(differ)}"
        )
    missing = [name for name in features if name not in schema.names]
    if missing:
        raise ValueError(f"{key}: {path} has no column of the features {missing}")
