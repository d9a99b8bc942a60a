"""What a frame table was made with: the settings recorded in it, and whether another study's
table (``classifier.train_on``) was made the same way as this one's."""

from __future__ import annotations

import json
from pathlib import Path

from ..codecs import recoding
from ..columns import MADE_WITH
from .computed import families


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
