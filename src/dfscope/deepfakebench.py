"""Export a study's faces as a DeepfakeBench dataset: its JSON index and its folders of frames and
landmarks, so that DeepfakeBench's detectors can be trained or tested on what dfscope found.

The format, as DeepfakeBench reads it (SCLBD/DeepfakeBench, read at commit 8a4a7bf):

- The index is ``<dataset_json_folder>/<name>.json`` (``dataset_json_folder``:
  ``./preprocessing/dataset_json`` in ``training/config/train_config.yaml`` and
  ``test_config.yaml``); ``<name>`` is what a detector config lists in ``train_dataset`` or
  ``test_dataset`` and the JSON's one top-level key
  (``collect_img_and_label_for_one_dataset`` in ``training/dataset/abstract_dataset.py``).
- Nesting: ``name -> label -> split -> video -> {"label": label, "frames": [paths]}``, with one
  more level, the compression (``c23``...), between split and video for the FaceForensics++
  names only (``FF-DF``, ``FF-F2F``, ``FF-FS``, ``FF-NT``, ``FaceForensics++``,
  ``DeepFakeDetection``, ``FaceShifter``): the loader indexes ``[compression]`` for those
  and takes every key as a video for any other name (same function; ``rearrange.py``
  writes the same nesting, e.g. ``FF-real/train/c23/000``). The split is ``train``, ``val``
  or ``test``; the loader reads ``train`` for training and ``test`` for testing, and raises
  KeyError where a label lacks the split, so every label gets all three here.
- A label (``FF-DF``, ``CelebDFv2_real``) is both the second key and each video's ``label``;
  the loader maps it to 0 (real) or 1 (fake) with the config's ``label_dict``
  (``train_config.yaml``, ``test_config.yaml``) and raises ValueError for a label not
  there: this export writes ``label_dict.yaml`` with its labels, to be added to both.
- Frame paths: ``load_rgb`` uses a path that starts with ``.`` as it is (relative to where
  ``training/train.py`` runs, DeepfakeBench's root) and prefixes any other with
  ``./<rgb_dir>\\``, a backslash that only Windows reads as a separator; so the paths here
  start with ``prefix`` (``./datasets/rgb``, the config's ``rgb_dir``), which must start
  with ``.``. Frames are sorted by ``int`` of the file name's stem (``collect_img_and_label_
  for_one_dataset``): names are numbers. The first ``frame_num[mode]`` of them are used (its
  "evenly spaced" step works out as 1), so ``num_frames`` here spreads them instead.
- Landmark and mask paths are not in the JSON: ``__getitem__`` derives them from the frame's
  path by replacing *every* ``frames`` with ``landmarks`` (and ``.png`` with ``.npy``) or
  ``masks``. So frames are PNG and no other part of a path may contain ``frames`` (checked).
- Layout written by DeepfakeBench's ``preprocessing/preprocess.py`` (``facecrop``):
  ``<dataset>/<sub-dataset>/frames/<video>/<NNN>.png`` (the 256 px aligned face),
  ``landmarks/<video>/<NNN>.npy`` and, for FF++ fakes, ``masks/<video>/<NNN>.png``. Its
  landmarks are dlib's 81-point model (``shape_predictor_81_face_landmarks.dat``: the 68
  iBUG points and 13 on the forehead) run again on the aligned crop, as an (81, 2) int array
  in crop pixels (``extract_aligned_face_dlib``).

What is written here, from dfscope's detection tables and crops:

- ``<out>/rgb/<name>/<label>/frames/<video>/<NNNNN>.png``: every frame with a face (dfscope's
  1-based frame number, 5 digits), either dfscope's own square crop (``frames`` not given)
  or, given the full frames, the face aligned as DeepfakeBench aligns
  (:data:`dfscope.align.PRESETS` ``deepfakebench``: 256 px, scale 1.3) from the table's five
  landmarks.
- ``<out>/rgb/<name>/<label>/landmarks/<video>/<NNNNN>.npy``: the landmarks dfscope has, in
  crop pixels, float32: dlib's 68 ((68, 2), the first 68 of DeepfakeBench's 81, from the
  detection table's ``shape``, mapped into the crop rather than detected again in it), else
  the five ((5, 2), order of :data:`dfscope.columns.LANDMARKS`; NaN from the ``haar``
  detector, which has none). Detectors with ``with_landmark: false`` (Xception and most) never
  read them. SBI (``sbi.yaml``) draws face hulls from 68 or 81 points: it works on dlib's 68
  and fails, loudly, on five (its blending prints the error and returns no image, and
  ``sbi_dataset.py`` then fails turning None into a tensor), where a missing file would have
  given it (81, 2) zeros and silently fake-labelled copies of the real faces
  (``load_landmark``; ``training/dataset/sbi_api.py``). The LMDB route (``lmdb: true``)
  reshapes to (81, 2) and is not supported. No masks: ``load_mask`` answers a missing mask
  with zeros, which mask-supervised detectors (``with_mask``) would read as "nothing
  manipulated".
- ``<out>/dataset_json/<name>.json`` and ``<out>/label_dict.yaml``. To use: copy
  ``rgb/<name>`` into DeepfakeBench's ``datasets/rgb/``, the JSON into
  ``preprocessing/dataset_json/``, and the labels into both configs' ``label_dict``.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from .align import PRESETS, alignment, to_crop, warp
from .atomic import atomic_dir
from .columns import LANDMARK_COLUMNS, SHAPE_COLUMN
from .images import frame_files, frame_name, frame_number, read_frame, write_image

log = logging.getLogger(__name__)

#: The dataset names whose index has a compression level between split and video.
COMPRESSED_NAMES = (
    "FF-DF",
    "FF-F2F",
    "FF-FS",
    "FF-NT",
    "FaceForensics++",
    "DeepFakeDetection",
    "FaceShifter",
)
SPLITS = ("train", "val", "test")
#: Where a video without a split goes: every split (as DeepfakeBench's ``rearrange.py`` lists
#: UADFV, which has none), ``test`` only (a dataset for cross-dataset testing), or nowhere.
UNSPLIT = ("all", "test", "skip")
#: What ``__getitem__`` replaces in a frame's path to find its landmarks and mask.
FRAMES = "frames"


def label_names(videos: pd.DataFrame, name: str) -> dict[str, int]:
    """DeepfakeBench labels of the labelled ``videos``' groups, ``<name>_<group>``
    (``DeepfakeTIMIT_real``, ``DeepfakeTIMIT_hq``), with their class (0 real, 1 fake): the
    entries its ``label_dict`` needs.

    Raises ValueError for a group holding both reals and fakes.
    """
    labelled = videos.dropna(subset=["label"])
    classes = {
        group: sorted({int(label) for label in rows.label})
        for group, rows in labelled.groupby("group", sort=True)
    }
    mixed = [group for group, found in classes.items() if len(found) > 1]
    if mixed:
        raise ValueError(f"groups {mixed} hold both real and fake videos: one label each")
    return {f"{name}_{group}": found[0] for group, found in classes.items()}


def export(
    videos: pd.DataFrame,
    tables: Mapping[str, str | Path | pd.DataFrame],
    crops: Mapping[str, str | Path],
    out_dir: str | Path,
    *,
    name: str,
    frames: Mapping[str, str | Path] | None = None,
    prefix: str = "./datasets/rgb",
    compression: str | None = None,
    num_frames: int | None = None,
    unsplit: str = "all",
) -> dict:
    """Write the faces of ``videos`` as DeepfakeBench dataset ``name`` under ``out_dir``
    (replaced as a whole, atomically); return the JSON index written.

    ``videos``: the video table (``video``, ``label``, ``group``, ``split``); unlabelled
    videos are left out. ``tables``: each video's detection table (a DataFrame or its
    Parquet file); ``crops``: each video's crop folder. ``frames``: each video's frame
    folder, to cut aligned crops from instead of copying dfscope's. ``prefix``: what the
    JSON's paths start with, DeepfakeBench's ``rgb_dir`` seen from its root.
    ``compression``: the level (``c23``) for the FaceForensics++ names, which need one and
    only they. ``num_frames``: at most this many frames a video, evenly spaced (as
    DeepfakeBench's ``fixed_num_frames`` preprocessing); None: all with a face.
    ``unsplit``: see :data:`UNSPLIT`. A video with no face in any frame is left out (the
    loader fails on an empty frame list) and logged.
    """
    prefix = prefix.rstrip("/")
    _check_names(name, prefix, compression, unsplit, videos)
    labels = label_names(videos, name)
    index = {
        label: {split: ({compression: {}} if compression else {}) for split in SPLITS}
        for label in labels
    }
    with atomic_dir(out_dir) as tmp:
        for row in videos.dropna(subset=["label"]).itertuples(index=False):
            label = f"{name}_{row.group}"
            splits = _splits(row.split, unsplit)
            if not splits:
                continue
            folder = Path(name, label, FRAMES, row.video)
            table = _read_table(tables[row.video])
            written = _write_video(
                table,
                Path(crops[row.video]),
                None if frames is None else Path(frames[row.video]),
                tmp / "rgb" / folder,
                num_frames,
            )
            if not written:
                log.warning("%s: no face in any frame; left out of %s", row.video, name)
                continue
            entry = {
                "label": label,
                "frames": [f"{prefix}/{folder.as_posix()}/{f}" for f in written],
            }
            for split in splits:
                listed = index[label][split]
                (listed[compression] if compression else listed)[row.video] = entry
        (tmp / "dataset_json").mkdir()
        (tmp / "dataset_json" / f"{name}.json").write_text(json.dumps({name: index}, indent=1))
        (tmp / "label_dict.yaml").write_text(yaml.safe_dump({"label_dict": labels}))
    return {name: index}


def _check_names(
    name: str, prefix: str, compression: str | None, unsplit: str, videos: pd.DataFrame
) -> None:
    if not prefix.startswith("."):
        raise ValueError(
            f"prefix {prefix!r} must start with '.': DeepfakeBench's load_rgb puts "
            "'./<rgb_dir>\\' before any other path, which only Windows reads"
        )
    if (name in COMPRESSED_NAMES) != (compression is not None):
        need = "needs a" if name in COMPRESSED_NAMES else "takes no"
        raise ValueError(f"dataset {name!r} {need} compression level (got {compression!r})")
    if unsplit not in UNSPLIT:
        raise ValueError(f"unsplit: {unsplit!r} is not one of {UNSPLIT}")
    parts = [prefix, name, *videos.video, *(f"{name}_{g}" for g in videos.group.unique())]
    clashing = sorted({p for p in parts if FRAMES in p or ".png" in p})
    if clashing:
        raise ValueError(
            f"{clashing} contain 'frames' or '.png', which DeepfakeBench replaces in every frame "
            "path to find its landmarks and masks"
        )


def _splits(split: object, unsplit: str) -> tuple[str, ...]:
    """The splits a video with dfscope ``split`` is listed under."""
    if isinstance(split, str) and split:
        if split not in SPLITS:
            raise ValueError(f"split {split!r} is not one of {SPLITS}")
        return (split,)
    return {"all": SPLITS, "test": ("test",), "skip": ()}[unsplit]


def _read_table(table: str | Path | pd.DataFrame) -> pd.DataFrame:
    return table if isinstance(table, pd.DataFrame) else pd.read_parquet(table)


def _write_video(
    table: pd.DataFrame,
    crops: Path,
    frames: Path | None,
    out: Path,
    num_frames: int | None,
) -> list[str]:
    """Write one video's face images and landmarks under ``out`` (its ``frames`` folder);
    return the image names written, in frame order."""
    faces = table[table.crop.notna()].sort_values("frame")
    if num_frames is not None and len(faces) > num_frames:
        faces = faces.iloc[np.unique(np.linspace(0, len(faces) - 1, num_frames).astype(int))]
    sources = {frame_number(p): p for p in frame_files(frames)} if frames is not None else {}
    landmarks_dir = out.parents[1] / "landmarks" / out.name
    written = []
    for row in faces.itertuples(index=False):
        points = np.array([getattr(row, c) for c in LANDMARK_COLUMNS], float).reshape(5, 2)
        shape = getattr(row, SHAPE_COLUMN)
        marks = points if shape is None else np.reshape(shape, (-1, 2))
        if frames is None:
            image = read_frame(crops / row.crop)
            scale = image.shape[0] / row.crop_side
            marks = (marks - (row.crop_x, row.crop_y)) * scale
        else:
            if not np.isfinite(points).all():
                raise ValueError(
                    f"{frames}: frame {row.frame} has no landmarks to align with (the haar "
                    "detector has none; export its square crops instead)"
                )
            preset = PRESETS["deepfakebench"]
            matrix = alignment(points, **preset._asdict())
            if row.frame not in sources:
                raise FileNotFoundError(f"{frames}: no frame {row.frame} to align")
            image = warp(read_frame(sources[row.frame]), matrix, preset.size)
            marks = to_crop(marks, matrix)
        image_name = frame_name(int(row.frame), "png")
        out.mkdir(parents=True, exist_ok=True)
        landmarks_dir.mkdir(parents=True, exist_ok=True)
        write_image(out / image_name, image)
        np.save(landmarks_dir / f"{Path(image_name).stem}.npy", marks.astype(np.float32))
        written.append(image_name)
    return written


def export_study(
    videos: str | Path,
    faces: list[str | Path],
    frames: list[str | Path],
    out_dir: str | Path,
    *,
    enabled: bool,
    name: str,
    aligned: bool,
    num_frames: int | None,
) -> dict:
    """The export step: :func:`export` of a study's videos from its batch folders, ``faces``
    (each video's crops and detection table) and ``frames`` (each video's frames, cut again
    when ``aligned``). ``enabled`` is the config's switch, which planning has read."""
    table = pd.read_parquet(videos)
    crops = {path.name: path for batch in faces for path in Path(batch).iterdir() if path.is_dir()}
    tables = {video: folder.with_suffix(".parquet") for video, folder in crops.items()}
    folders = {
        path.name: path for batch in frames for path in Path(batch).iterdir() if path.is_dir()
    }
    return export(
        table[table.video.isin(crops)],
        tables,
        crops,
        out_dir,
        name=name,
        frames=folders if aligned else None,
        num_frames=num_frames,
    )
