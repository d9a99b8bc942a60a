"""Ablation: what each feature family and each classifier model brings, every combination scored
with the classifier's own protocol (its folds, inner-fold tuning, thresholds on development
scores, bootstrap intervals over videos), beside the best single feature.

The single feature is chosen on all the data, in its better direction, so it is an optimistic
yardstick: a classifier below it out of fold does not make use of what its features know.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from pathlib import Path

import pandas as pd
from sklearn.metrics import roc_auc_score

from .atomic import write_csv, write_parquet
from .classifier.fitting import Scores
from .classifier.held_out import read_scores
from .classifier.protocol import Protocol
from .roc import equal_error_rate, per_group

log = logging.getLogger(__name__)

#: The model column of the rows of the best single feature.
SINGLE = "best single feature"
#: Columns that name a row of the ablation table, before the metrics.
KEYS = ["model", "features", "n_features"]


def ablation(
    frames: pd.DataFrame,
    sets: Mapping[str, Sequence[str]],
    models: Sequence[str],
    protocol: Protocol,
) -> pd.DataFrame:
    """One row per model, feature set (``sets``: name -> feature columns), group and level:
    :func:`score_set` of each set, put together by :func:`combine`."""
    parts = [score_set(frames, name, features, models, protocol) for name, features in sets.items()]
    return combine(parts, frames, sets, models, protocol.groups)


def score_set(
    frames: pd.DataFrame,
    name: str,
    features: Sequence[str],
    models: Sequence[str],
    protocol: Protocol,
    scored: Mapping[str, Scores] | None = None,
) -> pd.DataFrame:
    """The rows of one feature set (``name``: its ``features``), model after model: the
    classifier's metrics under ``protocol``. A set is the unit of work of the ablation's jobs,
    so that the sets are fitted side by side. ``scored``: a model's held-out scores on these
    features under this protocol, already fitted (the classify step's), by model name."""
    tables = []
    for model in models:
        if scored and model in scored:
            scores = scored[model]
        else:
            scores = protocol.score(frames, features, model)
        _, _, table = protocol.evaluate(scores)
        tables.append(table.assign(model=model, features=name, n_features=len(features)))
        log.info("%s on %s (%d features) done", model, name, len(features))
    return pd.concat(tables, ignore_index=True)


def combine(
    parts: Sequence[pd.DataFrame],
    frames: pd.DataFrame,
    sets: Mapping[str, Sequence[str]],
    models: Sequence[str],
    groups: Sequence[str],
) -> pd.DataFrame:
    """The ablation table from the rows of each set (:func:`score_set`): model after model,
    set after set in the order of ``models`` and ``sets``, then the rows of the best single
    feature of every set's features (:func:`best_single_feature`). Tables that hold another
    model or set than ``models`` and ``sets`` (made with other settings) are refused, not
    ordered by guess."""
    scored = pd.concat(parts, ignore_index=True)
    expected = {(model, name) for model in models for name in sets}
    found = set(zip(scored.model, scored.features, strict=True))
    if found != expected:
        raise ValueError(
            f"the feature sets' tables hold {sorted(found - expected)} beyond the models and "
            f"sets asked for, and lack {sorted(expected - found)}"
        )
    model_rank = scored.model.map({model: i for i, model in enumerate(models)})
    set_rank = scored.features.map({name: i for i, name in enumerate(sets)})
    scored = scored.iloc[(model_rank * len(sets) + set_rank).argsort(kind="stable")]
    every = sorted({feature for features in sets.values() for feature in features})
    table = pd.concat([scored, best_single_feature(frames, every, groups)], ignore_index=True)
    return table[KEYS + [c for c in table.columns if c not in KEYS]]


def best_single_feature(
    frames: pd.DataFrame, features: Sequence[str], groups: Sequence[str]
) -> pd.DataFrame:
    """Per group and level, the feature of ``features`` that alone separates best (largest AUC
    in its better direction), its AUC and its EER in that direction; the frame table's
    frames, and for the video level each video's mean. No threshold is set beforehand, so the
    columns of the rates at a threshold stay empty."""
    videos = frames.groupby("video", sort=True)[list(features)].mean()
    videos = frames.drop_duplicates("video").set_index("video")[["label", "group"]].join(videos)
    rows = []
    for feature in features:
        levels = {"frame": (frames, feature), "video": (videos, feature)}
        for row, part in per_group(levels, groups):
            labels, values = part.label.to_numpy(dtype=int), part[feature].to_numpy(float)
            if row["n_real"] and row["n_fake"]:
                auc = float(roc_auc_score(labels, values))
                sign = 1.0 if auc >= 0.5 else -1.0
                row |= {"auc": max(auc, 1 - auc), "eer": equal_error_rate(labels, sign * values)[0]}
            rows.append({"model": SINGLE, "features": feature, "n_features": 1} | row)
    table = pd.DataFrame(rows)
    if table.empty or "auc" not in table:
        return table
    best = table.sort_values(["auc", "features"], ascending=[False, True], kind="stable")
    return best.groupby(["group", "level"], sort=False).head(1).round(6)


def run_score_set(
    frames_path: str | Path,
    out: str | Path,
    *,
    name: str,
    features: Sequence[str],
    models: Sequence[str],
    protocol: Protocol,
    classifier_scores: str | Path | None,
    classifier_model: str,
) -> pd.DataFrame:
    """An ablation job of one feature set: :func:`score_set` of the study's frame table,
    written as Parquet (every digit kept for :func:`run_combine`). ``classifier_scores``: where
    the set's features are the classifier's, the classify step's held-out scores
    (:func:`.classifier.held_out.write_scores`) of ``classifier_model``, used as they are."""
    scored = {classifier_model: read_scores(classifier_scores)} if classifier_scores else None
    table = score_set(pd.read_parquet(frames_path), name, features, models, protocol, scored)
    write_parquet(table, out)
    return table


def run_combine(
    frames_path: str | Path,
    parts: Sequence[str | Path],
    out_csv: str | Path,
    *,
    sets: Mapping[str, Sequence[str]],
    models: Sequence[str],
    groups: Sequence[str],
) -> pd.DataFrame:
    """The ablation step: :func:`combine` of the sets' tables (:func:`run_score_set`), with
    the best single feature of the study's frame table, written as CSV."""
    frames = pd.read_parquet(frames_path)
    table = combine([pd.read_parquet(part) for part in parts], frames, sets, models, groups)
    write_csv(table, out_csv)
    return table
