"""The CNN classifier: MesoNet (:mod:`dfscope.mesonet`) trained from scratch per fold on the face
crops, over the feature classifier's own splits; its frame scores go through the same pooling,
development thresholds and metrics, so that the two are reported side by side.

Per fold, the training videos' cohorts are split once more: one inner fold's cohorts (as the
feature classifier's inner folds deal them) are held out as development data, whose scores set
the fold's thresholds, and the network trains on the rest; with a single training cohort it
trains on all and the thresholds come from its own training scores (the table says which).
Training frames are thinned to ``frames_per_video`` evenly spaced frames a video (consecutive
frames are nearly the same image); every frame with a face is scored.

The workflow trains each fold in a job of its own (:func:`run_fold`, over the folds
:mod:`dfscope.classifier.cnn_folds` fixed), side by side, and
:func:`dfscope.classifier.cnn_evaluation.run_cnn` evaluates them together.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.model_selection import GroupKFold

from ..columns import FRAME_KEY
from ..images import crop_name
from ..mesonet import persistence
from ..mesonet.networks import MesoNet
from ..mesonet.scoring import score
from ..mesonet.training import train as train_network
from .cnn_folds import DEVELOPMENT, TEST, write_fold_scores
from .fitting import INNER_FOLDS, scored_frames, thin
from .fold_plan import read_folds
from .splits import Fold, cohorts

log = logging.getLogger(__name__)

#: The crops' file format, as the faces step writes them.
CROP_FORMAT = "png"


def crop_paths(frames: pd.DataFrame, faces: Sequence[str | Path]) -> pd.Series:
    """The crop file of every row of the frame table ``frames`` (NaN for a frame without a
    face), found in the faces step's batch folders ``faces`` (``<batch>/<video>/00001.png``,
    :func:`dfscope.images.crop_name`)."""
    folder = {path.name: path for batch in faces for path in Path(batch).iterdir() if path.is_dir()}
    paths = [
        str(folder[video] / crop_name(int(frame), int(face_id), CROP_FORMAT)) if face >= 0 else None
        for video, frame, face_id, face in zip(
            frames.video, frames.frame, frames.face_id, frames.face, strict=True
        )
    ]
    return pd.Series(paths, index=frames.index, dtype=object)


def train_fold(
    frames: pd.DataFrame,
    fold: Fold,
    index: int,
    *,
    seed: int,
    frames_per_video: int,
    **training,
) -> tuple[pd.DataFrame, str, MesoNet]:
    """Fold ``index`` (its ``(train, test)`` videos) of the frame table ``frames``, whose
    ``path`` column holds each row's crop (NaN where none): a network trained on the thinned
    crops of its training videos, less its development cohorts (:func:`_development`).
    ``training`` goes to :func:`dfscope.mesonet.training.train` (architecture, size, epochs,
    batch_size, learning_rate, device, threads), its batch_size, device and threads to
    :func:`dfscope.mesonet.scoring.score` too.

    Returns the fold's scores (the frame score columns of the feature classifier and ``role``:
    every row of its test videos, NaN where no crop, and its development rows), what it was
    trained on, and the network.
    Seeded by ``seed`` alone, so a fold trained in a job of its own is the fold trained after
    others in one process."""
    frames = frames.sort_values(FRAME_KEY, kind="stable").reset_index(drop=True)
    usable = frames.path.notna().to_numpy()
    train, test = fold
    rows = frames.video.isin(train).to_numpy() & usable & frames.label.notna().to_numpy()
    fit_rows, dev_rows, dev_how = _development(frames, rows, cohorts(frames))
    fit_rows[fit_rows] = thin(frames.video[fit_rows], frames_per_video)
    dev_rows[dev_rows] = thin(frames.video[dev_rows], frames_per_video)
    model, _ = train_network(
        frames.path[fit_rows].tolist(),
        frames.label[fit_rows].astype(int).tolist(),
        seed=seed,
        **training,
    )
    scoring = {k: training[k] for k in ("batch_size", "device", "threads") if k in training}
    dev = score(model, frames.path[dev_rows].tolist(), **scoring)
    tested = frames.video.isin(test).to_numpy()
    scores = np.full(int(tested.sum()), np.nan)
    scores[usable[tested]] = score(model, frames.path[tested & usable].tolist(), **scoring)
    settings = (
        f"fold {index}: trained on {int(fit_rows.sum())} crops of "
        f"{frames.video[fit_rows].nunique()} videos; {dev_how}"
    )
    log.info(settings)
    part = pd.concat(
        [
            scored_frames(frames[tested], index, scores).assign(role=TEST),
            scored_frames(frames[dev_rows], index, dev).assign(role=DEVELOPMENT),
        ],
        ignore_index=True,
    )
    return part, settings, model


def _development(
    frames: pd.DataFrame, rows: np.ndarray, people: pd.Series
) -> tuple[np.ndarray, np.ndarray, str]:
    """The training rows split into those trained on and those held out as development data:
    the cohorts of the first inner fold (:data:`INNER_FOLDS` of them over the training
    cohorts) that leaves both classes on both sides, or all trained on and scored again where
    none does (a network cannot learn from one class, an EER threshold needs both)."""
    cohort = people.reindex(frames.video).to_numpy()
    names = np.unique(cohort[rows])
    if len(names) >= 2:
        inner = GroupKFold(n_splits=min(INNER_FOLDS, len(names)))
        for _, held in inner.split(cohort[rows], groups=cohort[rows]):
            held_names = np.unique(cohort[rows][held])
            dev = rows & np.isin(cohort, held_names)
            if frames.label[rows & ~dev].nunique() == 2 and frames.label[dev].nunique() == 2:
                why = f"threshold on held-out training cohorts {', '.join(held_names)}"
                return rows & ~dev, dev, why
        why = f"no inner fold of the {len(names)} training cohorts keeps both classes on both sides"
    else:
        why = f"one training cohort, {names[0]}"
    return rows.copy(), rows.copy(), f"threshold on the training scores ({why})"


def run_fold(
    frames_path: str | Path,
    folds_json: str | Path,
    faces: Sequence[str | Path],
    index: int,
    out_scores_parquet: str | Path,
    out_model: str | Path,
    *,
    seed: int,
    frames_per_video: int,
    training: Mapping,
) -> pd.DataFrame:
    """The job of fold ``index`` of the checkpoint's ``folds_json``
    (:func:`dfscope.classifier.cnn_folds.write_folds`): :func:`train_fold` on the study's
    crops; its scores and its network (with what it was trained on) written atomically."""
    frames = pd.read_parquet(frames_path)
    frames = frames.assign(path=crop_paths(frames, faces))
    part, settings, model = train_fold(
        frames,
        read_folds(folds_json)[index],
        index,
        seed=seed,
        frames_per_video=frames_per_video,
        **training,
    )
    persistence.save(model, out_model, {"fold": index, "settings": settings})
    write_fold_scores(part, settings, out_scores_parquet)
    return part
