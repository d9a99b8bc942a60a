"""Controls that can fail: checks that the classifier's figures mean what they say.

- **Shuffled labels**: the classifier's whole protocol run again with the labels (and groups) of
  the videos shuffled among them (for a classifier trained on another study, that study's):
  nothing is left to learn, so its AUC should be near 0.5. Far from it, the protocol leaks.
- **People on both sides**: for every fold, the people (subjects and face sources) of its
  training videos that are also in its test videos. Subject-disjoint folds have none; a
  classifier could otherwise learn the people instead of the forgery.
- **Identity in the features**: how well the same features tell *who* a real video shows (a
  multinomial logistic regression, cross-validated over videos so that each person is seen in
  training): features that know the person invite a classifier to learn people. Reported
  against chance, the largest person's share of frames.
- **Background**: the classifier's protocol on the frame's corners, away from every face
  (:mod:`dfscope.background`), where nothing was swapped: near 0.5 where the classes were
  coded and filmed alike; high, the figures may measure how they were.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from .atomic import write_csv
from .classifier.protocol import Protocol
from .classifier.splits import Split, TrainOn, cohorts, folds_of, require
from .columns import BACKGROUND_CONTROL, FIRES

log = logging.getLogger(__name__)

#: The levels an accuracy is given at.
LEVELS = ("frame", "video")
#: Columns of the controls table.
COLUMNS = ["control", "group", "level", "value", "value_lo", "value_hi", "expected", "note"]


def shuffled(frames: pd.DataFrame, seed: int) -> pd.DataFrame:
    """``frames`` with the labels and groups of its labelled videos dealt out again among them
    (seeded): real videos become fakes and fakes real, in the same numbers."""
    videos = frames.drop_duplicates("video").set_index("video")
    labelled = videos[videos.label.notna()]
    order = np.random.default_rng(seed).permutation(len(labelled))
    dealt = labelled[["label", "group"]].iloc[order].set_axis(labelled.index)
    out = frames.copy()
    has = out.video.isin(dealt.index)
    out.loc[has, "label"] = out.video[has].map(dealt.label).to_numpy()
    out.loc[has, "group"] = out.video[has].map(dealt.group).to_numpy()
    return out


def shuffled_labels(
    frames: pd.DataFrame,
    features: Sequence[str],
    *,
    model: str,
    protocol: Protocol,
) -> pd.DataFrame:
    """The classifier's AUC per group and level with shuffled labels (:func:`shuffled`): of the
    study's videos, or of the other study's that a :class:`TrainOn` split trains on."""
    seed = protocol.seed
    if isinstance(protocol.split, TrainOn):
        training = shuffled(pd.read_parquet(protocol.split.path), seed)
        scores = protocol.score(frames, features, model, train=training)
    else:
        scores = protocol.score(shuffled(frames, seed), features, model)
    _, _, table = protocol.evaluate(scores)
    return pd.DataFrame(
        {
            "control": "shuffled labels: AUC",
            "group": table.group,
            "level": table.level,
            "value": table.get("auc"),
            "value_lo": table.get("auc_lo"),
            "value_hi": table.get("auc_hi"),
            "expected": "near 0.5",
            "note": f"{model}, labels and groups of the videos shuffled (seed {seed})",
        }
    )


def people_on_both_sides(frames: pd.DataFrame, split: Split) -> pd.DataFrame:
    """Per fold of ``split``, the people of its training videos that are in its test videos."""
    require(frames, ["video", "label", "subject", "face_source"])
    if isinstance(split, TrainOn):
        training = pd.read_parquet(split.path, columns=["subject", "face_source"])
        folds = [(set(training.subject) | set(training.face_source.dropna()), frames.video)]
    else:
        people = cohorts(frames)
        folds = [(_people(frames, train), test) for train, test in folds_of(split, frames, people)]
    rows = []
    for i, (trained, test) in enumerate(folds):
        shared = sorted(trained & _people(frames, test))
        rows.append(
            {
                "control": "people on both sides of a fold",
                "group": "",
                "level": f"fold {i}",
                "value": float(len(shared)),
                "expected": "0",
                "note": ", ".join(shared[:10]) + (", ..." if len(shared) > 10 else ""),
            }
        )
    return pd.DataFrame(rows)


def _people(frames: pd.DataFrame, videos) -> set[str]:
    part = frames[frames.video.isin(set(videos))]
    return set(part.subject) | set(part.face_source.dropna())


def identity_in_features(
    frames: pd.DataFrame, features: Sequence[str], seed: int, folds: int = 5
) -> pd.DataFrame:
    """How well ``features`` tell which person a real video shows: frame and video accuracy
    (a video's frames vote) of a multinomial logistic regression on standardised features,
    cross-validated over videos (stratified by person, so each is seen in training), against
    chance (the largest person's share). Only people with two real videos or more count; with
    fewer than two such people there is nothing to tell apart (NaN, and the note says why)."""
    from sklearn.impute import SimpleImputer
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import StratifiedGroupKFold, cross_val_predict
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    real = frames[(frames.label == 0)].dropna(subset=list(features), how="all")
    per_person = real.groupby("subject").video.nunique()
    people = per_person.index[per_person >= 2]
    real = real[real.subject.isin(people)]
    base = {"control": "identity from the features: accuracy", "group": "", "expected": "chance"}
    if len(people) < 2:
        note = f"{len(people)} person(s) with two real videos or more: nothing to tell apart"
        rows = [base | {"level": level, "value": np.nan, "note": note} for level in LEVELS]
        return pd.DataFrame(rows)
    splits = min(folds, int(per_person[people].min()))
    model = make_pipeline(
        SimpleImputer(strategy="median"),
        StandardScaler(),
        LogisticRegression(max_iter=2000, random_state=seed),
    )
    predicted = cross_val_predict(
        model,
        real[list(features)].astype("float64"),
        real.subject.astype(str),
        groups=real.video,
        cv=StratifiedGroupKFold(n_splits=splits, shuffle=True, random_state=seed),
    )
    votes = pd.DataFrame({"video": real.video, "subject": real.subject, "predicted": predicted})
    video_vote = votes.groupby("video").agg(
        subject=("subject", "first"), predicted=("predicted", lambda p: p.value_counts().index[0])
    )
    chance = float(real.subject.value_counts(normalize=True).iloc[0])
    note = f"{len(people)} people, {real.video.nunique()} real videos, {splits} folds over videos"
    accuracy = {
        "frame": float((predicted == real.subject).mean()),
        "video": float((video_vote.subject == video_vote.predicted).mean()),
    }
    rows = [base | {"level": level, "value": accuracy[level]} for level in LEVELS]
    return pd.DataFrame(rows).assign(expected=f"chance {chance:.3f}", note=note)


def background_control(
    background: pd.DataFrame,
    features: Sequence[str],
    *,
    videos: Sequence[str],
    threshold: float,
    model: str,
    protocol: Protocol,
) -> pd.DataFrame:
    """The classifier's protocol (model, folds, pooling, thresholds) on the background features
    (:mod:`dfscope.background`) instead of the face's: its AUC per group and level with its
    interval. Where nothing but the face was swapped and both classes were coded alike, the
    background cannot tell them apart (near 0.5); at ``threshold`` or above, the note says the
    control fires: the classes differ outside the face, and the classifier's figures may
    measure that. The notes count the study's ``videos`` that have no background score (no
    corner clear of the faces, or their background step failed). Where the control cannot be
    run (a classifier trained on another study, whose backgrounds are not here; no corner clear
    of the faces in any frame) the rows say why instead of a figure."""
    base = {"control": BACKGROUND_CONTROL, "expected": f"near 0.5, below {threshold:g}"}
    usable = [c for c in features if background[c].notna().any()]
    why = None
    if isinstance(protocol.split, TrainOn):
        why = "classifier.train_on names another study, whose backgrounds are not here"
    elif not usable:
        why = (
            "no frame has a corner patch clear of the faces (frames smaller than two patches "
            "side by side, or faces at every corner): controls.background.size is too large"
        )
    if why is not None:
        row = {"level": "video", "value": np.nan, "note": f"not measured: {why}"}
        return pd.DataFrame([base | row | {"group": group} for group in protocol.groups])
    without = len(set(videos) - set(background.dropna(subset=usable, how="all").video))
    _, _, table = protocol.evaluate(protocol.score(background, usable, model))
    rows = []
    for row in table.itertuples():
        if pd.isna(row.auc):
            note = "not measured: the group has no scored real or no scored fake video"
        elif row.auc >= threshold:
            note = (
                f"{FIRES}: the {row.group} fakes and the real videos differ outside the face (the "
                "frame's corners, where nothing was swapped), so the classifier's figures may "
                "measure how the classes were coded or filmed, not the swap: see frames.recode "
                "and the relative features (docs/detection.md)"
            )
        else:
            note = "the frame outside the face does not tell the classes apart by this threshold"
        rows.append(
            base
            | {
                "group": row.group,
                "level": row.level,
                "value": row.auc,
                "value_lo": row.auc_lo,
                "value_hi": row.auc_hi,
                "note": f"{note} ({model} on {len(usable)} background features; "
                f"{without} video(s) without a background, not scored)",
            }
        )
    return pd.DataFrame(rows)


def run_controls(
    frames_path: str | Path,
    out_csv: str | Path,
    *,
    features: Sequence[str],
    model: str,
    protocol: Protocol,
    background: tuple[str | Path, Sequence[str], float] | None = None,
) -> pd.DataFrame:
    """The controls step: every control of the study's frame table under the classifier's
    ``model`` and ``protocol`` and, where ``background`` is given (the background table, its
    features and the control's threshold), the background control, written as CSV."""
    frames = pd.read_parquet(frames_path)
    fitted = {"model": model, "protocol": protocol}
    outside = []
    if background is not None:
        path, columns, threshold = background
        table = pd.read_parquet(path)
        outside = [
            background_control(
                table, columns, videos=frames.video.unique(), threshold=threshold, **fitted
            )
        ]
    table = pd.concat(
        [
            *outside,
            shuffled_labels(frames, features, **fitted),
            people_on_both_sides(frames, protocol.split),
            identity_in_features(frames, features, protocol.seed),
        ],
        ignore_index=True,
    ).reindex(columns=COLUMNS)
    for row in table.itertuples():
        log.info("%s %s %s: %s (expected %s) %s", *row[1:5], row.expected, row.note)
    write_csv(table.round(6), out_csv)
    return table
