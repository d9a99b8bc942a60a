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
from sklearn.metrics import roc_curve

from .columns import REAL

#: False-acceptance rates at which the false-rejection rate is reported, by column suffix.
FAR_POINTS = {"far10": 0.10, "far1": 0.01}

#: Measures of the ROC, in the order of :meth:`Scored.measures`; each gets a bootstrap interval.
MEASURES = ("auc", "ap", "eer", *(f"frr_at_{name}" for name in FAR_POINTS))
#: Measures at a threshold fixed beforehand: FAR, FRR, HTER (their mean) and accuracy where
#: each row is called fake when its score reaches its fold's threshold, set before the scores
#: are seen (the EER threshold of development scores), so these rates are what a user of the
#: classifier would meet; the EER of the scores themselves picks its threshold on them.
AT_THRESHOLD = ("far", "frr", "hter", "accuracy")
#: Measures of calibrated probabilities of fake: the log loss (DFDC's official measure; clipped
#: to [1e-15, 1 - 1e-15] as it was).
OF_PROBABILITIES = ("log_loss",)
#: Every measure of :meth:`Scored.measures`, in its order.
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
    i = int(np.nonzero(far - frr >= 0)[0][0])
    return _eer(far, frr), float(thresholds[i])


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


class Scored:
    """Scored rows (``labels`` 1 = fake, ``scores``, whether each was ``called`` fake at its
    fixed threshold, and calibrated ``probabilities``) ranked once, so that every measure of any
    weighting of the rows costs a few cumulative sums (:meth:`measures`).

    A bootstrap replicate draws videos with replacement: a row drawn c times weighs c. The
    rows' order by score and the ties among them are the same in every replicate, so they are
    found once, here; what a replicate changes is only the weights. Measured on the sample's
    720 frames: 0.1 ms a replicate, where repeating the rows into scikit-learn took 3 ms, which
    made the ablation's dozen tables of 1,000 replicates the slowest study step.
    """

    def __init__(
        self,
        labels: np.ndarray,
        scores: np.ndarray,
        called: np.ndarray,
        probabilities: np.ndarray,
    ) -> None:
        scores = np.asarray(scores, float)
        self.order = np.argsort(-scores, kind="stable")
        ranked = scores[self.order]
        #: Index of the last row of each run of equal scores: the ROC's thresholds.
        self.ends = np.r_[np.flatnonzero(np.diff(ranked)), len(ranked) - 1]
        self.fake = np.asarray(labels) == 1
        self.called = np.asarray(called, bool)
        p = np.clip(np.asarray(probabilities, float), 1e-15, 1 - 1e-15)
        self.loss = -np.where(self.fake, np.log(p), np.log(1 - p))

    def measures(self, weights: np.ndarray | None = None) -> np.ndarray:
        """Every measure of :data:`ALL_MEASURES`, in its order, of the rows weighted by
        ``weights`` (counts; None: each row once): as the rows repeated that many times give
        them, with scikit-learn's definitions (``tests/test_classifier.py`` holds them equal)."""
        w = np.ones(len(self.fake)) if weights is None else np.asarray(weights, float)
        ranked_fake = self.fake[self.order]
        ranked_w = w[self.order]
        tps = np.r_[0.0, np.cumsum(ranked_w * ranked_fake)[self.ends]]
        fps = np.r_[0.0, np.cumsum(ranked_w * ~ranked_fake)[self.ends]]
        positives, negatives = tps[-1], fps[-1]
        fpr, tpr = fps / negatives, tps / positives
        frr = 1 - _tpr_at(fpr, tpr, np.array(list(FAR_POINTS.values())))
        with np.errstate(invalid="ignore", divide="ignore"):
            precision = np.where(tps + fps > 0, tps / (tps + fps), 0.0)
        average_precision = float(np.sum(np.diff(tpr) * precision[1:]))
        far = float(np.sum(w * (self.called & ~self.fake)) / negatives)
        frr_fixed = float(np.sum(w * (~self.called & self.fake)) / positives)
        total = positives + negatives
        accuracy = float(np.sum(w * (self.called == self.fake)) / total)
        return np.array(
            [
                float((np.diff(fpr) * (tpr[1:] + tpr[:-1]) / 2.0).sum()),  # trapezoids
                average_precision,
                _eer(fpr, 1 - tpr),
                *frr,
                far,
                frr_fixed,
                (far + frr_fixed) / 2,
                accuracy,
                float(np.sum(w * self.loss) / total),
            ]
        )


def _eer(far: np.ndarray, frr: np.ndarray) -> float:
    """The EER of a ROC given as its FAR and FRR (:func:`equal_error_rate`)."""
    diff = far - frr
    i = int(np.nonzero(diff >= 0)[0][0])  # far rises from 0, frr falls to 0: a crossing exists
    if diff[i] == 0 or i == 0:
        return float(far[i])
    w = diff[i] / (diff[i] - diff[i - 1])  # fraction of the step back to the crossing
    return float(far[i] - w * (far[i] - far[i - 1]))


def resample(labels: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Indices drawn with replacement within each class, as many as the class has."""
    real, fake = np.flatnonzero(labels == 0), np.flatnonzero(labels == 1)
    return np.concatenate([rng.choice(real, len(real)), rng.choice(fake, len(fake))])


def bootstrap(
    scored: Scored,
    codes: np.ndarray,
    video_labels: np.ndarray,
    n_boot: int,
    rng: np.random.Generator,
) -> np.ndarray:
    """:meth:`Scored.measures` of ``n_boot`` replicates that redraw videos (``codes``: row ->
    video), in the order of :data:`ALL_MEASURES`. A video drawn c times weighs each of its rows
    c times."""
    result = np.empty((n_boot, len(ALL_MEASURES)))
    for b in range(n_boot):
        weight = np.bincount(resample(video_labels, rng), minlength=len(video_labels))[codes]
        result[b] = scored.measures(weight)
    return result
