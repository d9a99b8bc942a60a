"""``single``: the one feature that alone separates the training frames best (largest AUC in its
better direction), used as the score. The yardstick a classifier must not fall below out of
fold: chosen on the training data only, so it is an honest baseline, where the ablation's
"best single feature" rows, chosen on all the data, are an optimistic one.
"""

from __future__ import annotations

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.impute import SimpleImputer
from sklearn.metrics import roc_auc_score
from sklearn.pipeline import Pipeline

#: Nothing is searched: the choice of the feature is the fit.
GRID: dict[str, list] = {}
#: Nothing to fix.
FIXED: dict[str, object] = {}


class BestFeature(ClassifierMixin, BaseEstimator):
    """Score = the training frames' best single feature, signed so that higher is more fake."""

    def fit(self, x, y) -> BestFeature:
        x, y = np.asarray(x, float), np.asarray(y, int)
        aucs = np.array([roc_auc_score(y, column) for column in x.T])
        self.feature_ = int(np.argmax(np.abs(aucs - 0.5)))
        self.sign_ = 1.0 if aucs[self.feature_] >= 0.5 else -1.0
        score = self.sign_ * x[:, self.feature_]
        # sklearn asks every classifier for labels; halfway between the classes' medians is
        # the natural cut for one feature (the study's thresholds come from scores, not this).
        self.cut_ = (np.median(score[y == 0]) + np.median(score[y == 1])) / 2
        self.classes_ = np.array([0, 1])
        return self

    def predict(self, x) -> np.ndarray:
        return (self.decision_function(x) > self.cut_).astype(int)

    def decision_function(self, x) -> np.ndarray:
        return self.sign_ * np.asarray(x, float)[:, self.feature_]


def build(seed: int) -> Pipeline:
    # The training median fills a frame's missing feature, as for every model.
    return Pipeline([("impute", SimpleImputer(strategy="median")), ("classify", BestFeature())])
