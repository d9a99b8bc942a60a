"""How well the deepfake classifier tells fakes from real videos: its frame scores pooled into video
scores, each fold's decision thresholds set on its development scores, and per group and level
AUC, EER, FRR at fixed FARs and, at those thresholds, FAR, FRR and HTER, with bootstrap
intervals over videos (:mod:`dfscope.roc`)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score

from ..columns import FACE_ID
from ..roc import ALL_MEASURES, Scored, bootstrap, equal_error_rate, per_group
from .fitting import Scores
from .poolings import POOLINGS


def video_scores(frame_scores: pd.DataFrame, pooling: str, face_pooling: str) -> pd.DataFrame:
    r"""One score per video from its frames' scores: video, group, label, fold, n_frames, score.

    Each face's frame scores are pooled by the pooling module ``pooling``
    (:mod:`dfscope.classifier.poolings`), then a video's faces (its ``face_id``\ s, several with
    ``detector.faces: all``) by ``face_pooling``. Frames without a score are skipped
    (``n_frames`` counts the scored ones); a video with none gets NaN.
    """
    how, across = POOLINGS.load(pooling).pool, POOLINGS.load(face_pooling).pool
    videos = frame_scores.drop_duplicates("video").set_index("video")[["group", "label", "fold"]]
    scored = frame_scores.dropna(subset=["score"])
    faces = scored.groupby(["video", FACE_ID]).score.agg(lambda s: how(s.to_numpy()))
    pooled = faces.groupby(level="video").agg(lambda s: across(s.to_numpy()))
    n_frames = scored.groupby("video").frame.nunique()
    videos["n_frames"] = n_frames.reindex(videos.index, fill_value=0).astype("int64")
    videos["score"] = pooled.reindex(videos.index)
    return videos.sort_index().reset_index()


def with_thresholds(
    scores: Scores, pooling: str, face_pooling: str
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The held-out frame scores and the pooled video scores (:func:`video_scores`), each with
    its fold's decision threshold (``threshold``) and the decision (``fake``: 1 where the
    score reaches it), the thresholds set as the field reports them: the EER threshold of the
    fold's development scores (frame level: the development frames'; video level: their
    videos', pooled the same way), applied to the held-out scores. ``pooling`` and
    ``face_pooling``: :func:`video_scores`'."""
    frames, videos = scores.test.copy(), video_scores(scores.test, pooling, face_pooling)
    by_fold = {fold: dev for fold, dev in scores.dev.groupby("fold", sort=True)}
    levels = (
        (frames, by_fold),
        (
            videos,
            {fold: video_scores(dev, pooling, face_pooling) for fold, dev in by_fold.items()},
        ),
    )
    for table, development in levels:
        thresholds = {fold: _eer_threshold(dev) for fold, dev in development.items()}
        table["threshold"] = table.fold.map(thresholds).astype("float64")
        table["fake"] = (table.score >= table.threshold).astype("Int8").mask(table.score.isna())
        table["calibrated"] = _calibrated(table, development)
        table["probability"] = 1 / (1 + np.exp(-table.calibrated))
    return frames, videos


def _calibrated(table: pd.DataFrame, development: dict[int, pd.DataFrame]) -> np.ndarray:
    """The calibrated score of each row of ``table``: the log-odds of fake its score maps to by
    a logistic curve fitted, per fold, to that fold's development scores (Platt scaling).

    Each fold's model scores on a scale of its own (a margin, a network's logit: fold means
    of the CNN's scores on DeepfakeTIMIT's HQ ran from -53 to +66), so scores pooled over
    folds are not comparable, and a ROC of them measures the folds' offsets as much as the
    detector (pooled AUC 0.676 where every fold's was 0.92 or more). Mapped by the fold's own
    curve, set on its development scores alone, they are; the log-odds rather than the
    probability, which rounds to 0 or 1 far from the threshold and would tie there.
    """
    calibrated = np.full(len(table), np.nan)
    for fold, dev in development.items():
        dev = dev.dropna(subset=["score", "label"])
        curve = LogisticRegression(C=1e4).fit(dev[["score"]], dev.label.astype(int))
        rows = (table.fold == fold).to_numpy() & table.score.notna().to_numpy()
        if rows.any():  # a fold whose test videos have no face has no score to map
            calibrated[rows] = curve.decision_function(table.loc[rows, ["score"]])
    return calibrated


def _eer_threshold(scored: pd.DataFrame) -> float:
    """The EER threshold of a fold's development scores (frames or videos with a score)."""
    part = scored.dropna(subset=["score", "label"])
    return equal_error_rate(part.label.to_numpy(dtype=int), part.score.to_numpy())[1]


def classifier_metrics(
    frame_scores: pd.DataFrame,
    video_scores: pd.DataFrame,
    groups: Sequence[str],
    *,
    n_boot: int,
    seed: int,
) -> pd.DataFrame:
    """AUC, average precision, EER and FRR at 10 % / 1 % FAR; FAR, FRR, HTER and accuracy at
    each fold's threshold; the log loss of the calibrated probabilities (:func:`with_thresholds`,
    :data:`dfscope.roc.ALL_MEASURES`); with bootstrap 95 % intervals, per group and level.

    For group q the real videos are compared with q's fakes, at frame
    level (every scored frame) and at video level (pooled scores). The
    interval resamples videos, not frames, because frames of a video are
    far from independent; it resamples real and fake videos separately
    (stratified) so every replicate has both classes, takes all frames of a
    drawn video at frame level, and reports the 2.5 and 97.5 percentiles.
    Each (group, level) row draws from a fresh generator seeded with
    ``seed``, so a row does not depend on which other rows are computed.
    ``n_real``/``n_fake`` count frames or videos as the level says. Floats
    are rounded to 6 decimals so the written table is byte-stable.
    """
    rows = []
    levels = {"frame": (frame_scores, "calibrated"), "video": (video_scores, "calibrated")}
    for row, part in per_group(levels, groups):
        if row["n_real"] and row["n_fake"]:
            scored = Scored(
                part.label.to_numpy(dtype=int),
                part.calibrated.to_numpy(dtype=float),
                part.fake.to_numpy(dtype=bool),
                part.probability.to_numpy(dtype=float),
            )
            point = scored.measures()
            codes, names = pd.factorize(part.video, sort=True)
            video_labels = part.groupby("video").label.first().reindex(names).to_numpy(dtype=int)
            rng = np.random.default_rng(seed)
            boot = bootstrap(scored, codes, video_labels, n_boot, rng)
            for j, measure in enumerate(ALL_MEASURES):
                lo, hi = np.percentile(boot[:, j], [2.5, 97.5]) if n_boot else (np.nan, np.nan)
                row |= {measure: point[j], f"{measure}_lo": lo, f"{measure}_hi": hi}
            row |= fold_aucs(part)
        rows.append(row)
    columns = [
        "group",
        "level",
        "n_real",
        "n_fake",
        *(c for m in ALL_MEASURES for c in (m, f"{m}_lo", f"{m}_hi")),
        *FOLD_AUC_COLUMNS,
    ]
    return pd.DataFrame(rows, columns=columns).round(6)


#: The columns of :func:`fold_aucs`.
FOLD_AUC_COLUMNS = ["folds_with_both", "auc_fold_mean", "auc_fold_sd", "auc_fold_min"]


def fold_aucs(part: pd.DataFrame) -> dict[str, float]:
    """The AUC of each fold's own scores (rows ``part`` of one group and level; only the folds
    that hold out real and fake ones): how many such folds, the mean of their AUCs, its
    standard deviation and the lowest. Beside the AUC of the pooled calibrated scores, it
    says whether pooling lost something (a pooled AUC well below the folds' mean: scores not
    comparable after all) and how much the folds differ."""
    aucs = [
        roc_auc_score(fold.label.astype(int), fold.score)
        for _, fold in part.groupby("fold", sort=True)
        if fold.label.nunique() == 2
    ]
    return dict(
        zip(
            FOLD_AUC_COLUMNS,
            [
                len(aucs),
                *(
                    (float(np.mean(aucs)), float(np.std(aucs)), float(np.min(aucs)))
                    if aucs
                    else (np.nan,) * 3
                ),
            ],
            strict=True,
        )
    )
