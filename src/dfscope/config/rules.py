"""The config's rules across keys, which JSON schema cannot say: each message names the key and
the value (``cfg`` is validated, its defaults filled in)."""

from __future__ import annotations

from pathlib import Path

from ..columns import DATASET_SPLIT
from ..layouts import layout
from ..sample import is_sample
from .computed import classifier_features
from .made_with import check_training_table, made_with


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
