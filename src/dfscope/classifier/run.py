"""The classify step: the classifier trained and evaluated over a study's frame table."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

import joblib
import pandas as pd
import pyarrow.parquet as pq

from ..atomic import atomic_dir, write_csv, write_parquet
from ..columns import MADE_WITH
from .fitting import Scores
from .held_out import write_scores
from .protocol import Protocol


def run_classifier(
    frames_path: str | Path,
    out_scores_parquet: str | Path,
    out_table_csv: str | Path,
    models_dir: str | Path | None,
    out_frame_scores: str | Path,
    *,
    features: Sequence[str],
    model: str,
    protocol: Protocol,
) -> pd.DataFrame:
    """Score the study's videos with the classifier under ``protocol`` (cross-validated over
    its split, or trained on another study's frame table); write the video scores, with
    each one's fold threshold and decision (Parquet), and the metrics table (CSV, with each
    fold's hyperparameters), both atomically and byte-reproducibly, the fold models under
    ``models_dir`` and the frame scores (:func:`.held_out.write_scores`, for the ablation).
    Returns the table.
    """
    scores = protocol.score(pd.read_parquet(frames_path), features, model)
    frame_scores, videos, table = protocol.evaluate(scores)
    table["hyperparameters"] = "; ".join(scores.settings)
    save_models(scores, frame_scores, videos, features, frames_path, models_dir)
    write_scores(scores, out_frame_scores)
    write_parquet(videos, out_scores_parquet)
    write_csv(table, out_table_csv)
    return table


def save_models(
    scores: Scores,
    frames: pd.DataFrame,
    videos: pd.DataFrame,
    features: Sequence[str],
    frames_path: str | Path,
    models_dir: str | Path,
) -> None:
    """Each fold's classifier, as ``models_dir/fold_<i>.joblib`` (the folder replaced as a
    whole, so no stale fold survives a run with fewer folds), with what reusing it needs: a
    dict of ``model`` (its ``decision_function`` is the score), ``features`` (their order),
    ``threshold`` (frame and video level, set on the fold's development scores), ``made_with``
    (the settings of the frames it learned from, as the frame table records them: a model is
    only for features made the same way) and ``settings`` (its hyperparameters, how set)."""
    recorded = pq.read_schema(frames_path).metadata or {}
    made_with = json.loads(recorded.get(MADE_WITH.encode(), b"null"))
    frame_thresholds = frames.groupby("fold").threshold.first()
    video_thresholds = videos.groupby("fold").threshold.first()
    with atomic_dir(models_dir) as out:
        for i, model in enumerate(scores.models):
            saved = {
                "model": model,
                "features": list(features),
                "threshold": {
                    "frame": float(frame_thresholds.get(i, float("nan"))),
                    "video": float(video_thresholds.get(i, float("nan"))),
                },
                "made_with": made_with,
                "settings": scores.settings[i],
            }
            joblib.dump(saved, Path(out) / f"fold_{i}.joblib")
