"""ROC statistics of a score, per group of fakes against the real videos: EER, FRR at a fixed
FAR, bootstrap intervals and bands over videos.

Fake is the positive class throughout and a higher score means more
fake-like; on the ROC, FAR (real called fake) is the false-positive rate and
FRR (fake called real) one minus the true-positive rate.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence

import numpy as np
import pandas as pd
from sklearn.metrics import auc as area_under_curve
from sklearn.metrics import average_precision_score, log_loss, roc_curve

from .columns import REAL

#: False-acceptance rates at which the false-rejection rate is reported, by column suffix.
FAR_POINTS = {"far10": 0.10, "far1": 0.01}

#: Measures of :func:`roc_measures`, in its order; each gets a bootstrap interval.
MEASURES = ("auc", "ap", "eer", *(f"frr_at_{name}" for name in FAR_POINTS))
#: Measures at a threshold fixed beforehand (:func:`threshold_rates`), in its order.
AT_THRESHOLD = ("far", "frr", "hter", "accuracy")
#: Measures of probabilities (:func:`probability_measures`), in its order.
OF_PROBABILITIES = ("log_loss",)
#: Every measure of :func:`measures`, in its order.
ALL_MEASURES = (*MEASURES, *AT_THRESHOLD, *OF_PROBABILITIES)


def compared(table: pd.DataFrame, group: str, column: str) -> pd.DataFrame:
    """The rows of ``table`` (videos, frames or scores) that a ROC of ``group``'s fakes against
    the real videos compares: the real videos' and ``group``'s fakes' that have a value of
    ``column``; never a video whose label is unknown."""
    part = table[table.label.notna() & table.group.isin([REAL, group])]
    return part.dropna(subset=[column])


def per_group(
    levels: Mapping[str, tuple[pd.DataFrame, str]], groups: Sequence[str]
) -> Iterator[tuple[dict, pd.DataFrame]]:
    """For each group and then each level (``levels``: level -> (table, the score's column)):
    the row that starts its results (group, level, and the numbers of real and fake rows
    compared) and the rows :func:`compared`. The one loop behind every per-group table."""
    for group in groups:
        for level, (table, column) in levels.items():
            part = compared(table, group, column)
            labels = part.label.to_numpy(dtype=int)
            row = {
                "group": group,
                "level": level,
                "n_real": int((labels == 0).sum()),
                "n_fake": int((labels == 1).sum()),
            }
            yield row, part


def equal_error_rate(labels: np.ndarray, scores: np.ndarray) -> tuple[float, float]:
    """(EER, threshold): the error rate where false acceptance equals false rejection.

    ``labels`` 1 = fake (positive), ``scores`` higher = more fake-like. On
    the ROC, FAR = false-positive rate and FRR = 1 - true-positive rate; the
    EER is read where FAR - FRR changes sign, interpolating linearly
    between the two ROC points that straddle it (both rates are piecewise
    linear in between). The threshold is the score threshold of the first
    ROC point where FAR >= FRR.
    """
    far, tpr, thresholds = roc_curve(labels, scores)
    frr = 1 - tpr
    diff = far - frr
    i = int(np.nonzero(diff >= 0)[0][0])  # far rises from 0, frr falls to 0: a crossing exists
    if diff[i] == 0 or i == 0:
        return float(far[i]), float(thresholds[i])
    w = diff[i] / (diff[i] - diff[i - 1])  # fraction of the step back to the crossing
    return float(far[i] - w * (far[i] - far[i - 1])), float(thresholds[i])


def roc_band(
    labels: np.ndarray,
    scores: np.ndarray,
    *,
    n_boot: int = 1000,
    seed: int = 0,
    n_points: int = 101,
) -> pd.DataFrame:
    """A video-level ROC on a fixed FAR grid with a bootstrap 95 % band, for a figure.

    ``labels`` and ``scores`` are one per video (NaN scores are dropped).
    Columns: ``fpr`` (the grid, 0 to 1), ``tpr`` (the observed ROC),
    ``tpr_mean`` (mean over replicates), ``tpr_lo``/``tpr_hi`` (2.5 and
    97.5 percentiles). Videos are resampled per class as in
    :func:`dfscope.classifier.classifier_metrics`. The TPR at a grid FAR is the best TPR among
    ROC points with FAR <= it, i.e. the ROC read as a staircase of
    thresholds that exist, not interpolated between them.
    """
    labels, scores = np.asarray(labels, dtype=int), np.asarray(scores, dtype=float)
    keep = ~np.isnan(scores)
    labels, scores = labels[keep], scores[keep]
    grid = np.linspace(0, 1, n_points)
    fpr, tpr, _ = roc_curve(labels, scores, drop_intermediate=False)
    rng = np.random.default_rng(seed)
    curves = np.empty((n_boot, n_points))
    for b in range(n_boot):
        drawn = resample(labels, rng)
        fpr_b, tpr_b, _ = roc_curve(labels[drawn], scores[drawn], drop_intermediate=False)
        curves[b] = _tpr_at(fpr_b, tpr_b, grid)
    return pd.DataFrame(
        {
            "fpr": grid,
            "tpr": _tpr_at(fpr, tpr, grid),
            "tpr_mean": curves.mean(axis=0),
            "tpr_lo": np.percentile(curves, 2.5, axis=0),
            "tpr_hi": np.percentile(curves, 97.5, axis=0),
        }
    ).round(6)


def _tpr_at(fpr: np.ndarray, tpr: np.ndarray, far: np.ndarray) -> np.ndarray:
    """Best TPR among ROC points with FPR <= far (both rates rise along the curve)."""
    return tpr[np.searchsorted(fpr, far, side="right") - 1]


def roc_measures(labels: np.ndarray, scores: np.ndarray) -> np.ndarray:
    """AUC, average precision (fake the positive class), EER, then the FRR at each FAR of
    :data:`FAR_POINTS` (the order of :data:`MEASURES`)."""
    fpr, tpr, _ = roc_curve(labels, scores, drop_intermediate=False)
    frr = 1 - _tpr_at(fpr, tpr, np.array(list(FAR_POINTS.values())))
    precision = average_precision_score(labels, scores)
    return np.array(
        [area_under_curve(fpr, tpr), precision, equal_error_rate(labels, scores)[0], *frr]
    )


def threshold_rates(labels: np.ndarray, scores: np.ndarray, thresholds: np.ndarray) -> np.ndarray:
    """FAR, FRR and HTER (their mean) where each row is called fake when its score reaches its
    threshold (the order of :data:`AT_THRESHOLD`).

    The thresholds are set before the scores are seen (the EER threshold of development
    scores, one a fold), so these rates are what a user of the classifier would meet; the
    EER of the scores themselves picks its threshold on them, which is optimistic.
    """
    fake = np.asarray(scores) >= np.asarray(thresholds)
    far = float(fake[labels == 0].mean())
    frr = float((~fake[labels == 1]).mean())
    return np.array([far, frr, (far + frr) / 2, float((fake == (labels == 1)).mean())])


def probability_measures(labels: np.ndarray, probabilities: np.ndarray) -> np.ndarray:
    """The log loss of calibrated probabilities of fake (DFDC's official measure; clipped to
    [1e-15, 1 - 1e-15] as it was): the order of :data:`OF_PROBABILITIES`."""
    clipped = np.clip(np.asarray(probabilities, float), 1e-15, 1 - 1e-15)
    return np.array([log_loss(labels, clipped, labels=[0, 1])])


def resample(labels: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Indices drawn with replacement within each class, as many as the class has."""
    real, fake = np.flatnonzero(labels == 0), np.flatnonzero(labels == 1)
    return np.concatenate([rng.choice(real, len(real)), rng.choice(fake, len(fake))])


def bootstrap(
    labels: np.ndarray,
    scores: np.ndarray,
    thresholds: np.ndarray,
    probabilities: np.ndarray,
    codes: np.ndarray,
    video_labels: np.ndarray,
    n_boot: int,
    rng: np.random.Generator,
) -> np.ndarray:
    """:func:`measures` of ``n_boot`` replicates that redraw videos (``codes``: row -> video), in
    the order of :data:`ALL_MEASURES`. A video drawn c times contributes each of its rows c
    times."""
    result = np.empty((n_boot, len(ALL_MEASURES)))
    for b in range(n_boot):
        weight = np.bincount(resample(video_labels, rng), minlength=len(video_labels))[codes]
        drawn = (
            np.repeat(values, weight) for values in (labels, scores, thresholds, probabilities)
        )
        result[b] = measures(*drawn)
    return result


def measures(
    labels: np.ndarray, scores: np.ndarray, thresholds: np.ndarray, probabilities: np.ndarray
) -> np.ndarray:
    """:func:`roc_measures`, :func:`threshold_rates`, then :func:`probability_measures`."""
    return np.concatenate(
        [
            roc_measures(labels, scores),
            threshold_rates(labels, scores, thresholds),
            probability_measures(labels, probabilities),
        ]
    )
