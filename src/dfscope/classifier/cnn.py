"""The CNN classifier: MesoNet (:mod:`dfscope.mesonet`) trained from scratch per fold on the face
crops, over the feature classifier's own splits; its frame scores go through the same pooling,
development thresholds and metrics, so that the two are reported side by side.

Per fold, the training videos' cohorts are split once more: one inner fold's cohorts (as the
feature classifier's inner folds deal them) are held out as development data, whose scores set
the fold's thresholds, and the network trains on the rest; with a single training cohort it
trains on all and the thresholds come from its own training scores (the table says which).
Training frames are thinned to ``frames_per_video`` evenly spaced frames a video (consecutive
frames are nearly the same image); every frame with a face is scored.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Mapping, Sequence
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.model_selection import GroupKFold

from .. import mesonet
from ..atomic import atomic_dir, write_csv, write_parquet
from ..columns import FRAME_KEY
from ..images import crop_name
from .fitting import INNER_FOLDS, Scores, check_training, scored_frames, thin
from .metrics import classifier_metrics, with_thresholds
from .splits import DatasetSplit, Split, SplitFile, TrainOn, cohorts, folds_of, present

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


def fit_and_score(
    frames: pd.DataFrame,
    paths: pd.Series,
    split: Split,
    *,
    seed: int,
    frames_per_video: int,
    models_dir: str | Path | None = None,
    **training,
) -> Scores:
    """Train a network per fold of ``split`` on the crops ``paths`` (one per row of ``frames``,
    NaN where none) of its training videos and score every crop of its test videos; and each
    fold's development scores. ``training`` goes to :func:`dfscope.mesonet.train` (architecture,
    size, epochs, batch_size, learning_rate, device, threads)."""
    if isinstance(split, TrainOn):
        raise ValueError("the CNN trains on this study's crops: it has no train_on")
    frames = frames.assign(path=paths).sort_values(FRAME_KEY, kind="stable")
    frames = frames.reset_index(drop=True)
    people = cohorts(frames)
    usable = frames.path.notna().to_numpy()
    scores = np.full(len(frames), np.nan)
    fold_of = np.full(len(frames), -1)
    settings, development, models = [], [], []
    saving = atomic_dir(models_dir) if models_dir is not None else contextlib.nullcontext()
    named = isinstance(split, SplitFile | DatasetSplit)
    splits = [present(frames, *fold, named) for fold in folds_of(split, frames, people)]
    check_training(frames, splits, usable)
    with saving as out:
        for i, (train, test) in enumerate(splits):
            rows = frames.video.isin(train).to_numpy() & usable & frames.label.notna().to_numpy()
            fit_rows, dev_rows, dev_how = _development(frames, rows, people)
            fit_rows[fit_rows] = thin(frames.video[fit_rows], frames_per_video)
            dev_rows[dev_rows] = thin(frames.video[dev_rows], frames_per_video)
            model, _ = mesonet.train(
                frames.path[fit_rows].tolist(),
                frames.label[fit_rows].astype(int).tolist(),
                seed=seed,
                **training,
            )
            scoring = {k: training[k] for k in ("batch_size", "device", "threads") if k in training}
            dev = mesonet.score(model, frames.path[dev_rows].tolist(), **scoring)
            development.append(scored_frames(frames[dev_rows], i, dev))
            models.append(model)
            tested = frames.video.isin(test).to_numpy()
            scores[tested & usable] = mesonet.score(
                model, frames.path[tested & usable].tolist(), **scoring
            )
            fold_of[tested] = i
            settings.append(
                f"fold {i}: trained on {int(fit_rows.sum())} crops of "
                f"{frames.video[fit_rows].nunique()} videos; {dev_how}"
            )
            log.info(settings[-1])
            if out is not None:
                mesonet.save(
                    model, Path(out) / f"fold_{i}.pt", {"fold": i, "settings": settings[-1]}
                )
    test_scores = scored_frames(frames[fold_of >= 0], fold_of[fold_of >= 0], scores[fold_of >= 0])
    return Scores(test_scores, pd.concat(development, ignore_index=True), settings, models)


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


def run_cnn(
    frames_path: str | Path,
    faces: Sequence[str | Path],
    out_scores_parquet: str | Path,
    out_table_csv: str | Path,
    models_dir: str | Path,
    *,
    split: Split,
    seed: int,
    pooling: str,
    face_pooling: str = "max",
    groups: Sequence[str],
    n_boot: int,
    frames_per_video: int,
    training: Mapping,
) -> pd.DataFrame:
    """The CNN step: :func:`fit_and_score` over the study's crops; the video scores (with each
    fold's threshold and decision) and the metrics table (as the feature classifier's, its
    settings per fold), written atomically; the fold networks under ``models_dir``."""
    frames = pd.read_parquet(frames_path)
    scores = fit_and_score(
        frames,
        crop_paths(frames, faces),
        split,
        seed=seed,
        frames_per_video=frames_per_video,
        models_dir=models_dir,
        **training,
    )
    frame_scores, videos = with_thresholds(scores, pooling, face_pooling)
    table = classifier_metrics(frame_scores, videos, groups, n_boot=n_boot, seed=seed)
    table["settings"] = "; ".join(scores.settings)
    write_parquet(videos, out_scores_parquet)
    write_csv(table, out_table_csv)
    return table
