"""``hgb``: a tree ensemble, scikit-learn's histogram gradient boosting: non-linear, indifferent to
the features' scales, and missing features are a branch of their own (no imputation). Its
learning rate and tree size are searched by AUC in inner folds over cohorts; early stopping is
off, so that the same data and seed give the same trees.

Classes are weighted as balanced: fakes (LQ and HQ) outnumber real videos two to one.
"""

from __future__ import annotations

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.pipeline import Pipeline

#: The grid its inner folds search.
GRID = {"classify__learning_rate": [0.03, 0.1], "classify__max_leaf_nodes": [7, 31]}
#: Where the inner folds cannot tune: a middle of the grid.
FIXED = {"classify__learning_rate": 0.1, "classify__max_leaf_nodes": 15}


class KeepObserved(TransformerMixin, BaseEstimator):
    """Drop the features no training frame has: the tree's binning fails on an all-missing
    column (scikit-learn 1.9), where the other models' imputer drops it."""

    def fit(self, x, y=None) -> KeepObserved:
        self.keep_ = ~np.isnan(np.asarray(x, float)).all(axis=0)
        return self

    def transform(self, x) -> np.ndarray:
        return np.asarray(x, float)[:, self.keep_]


def build(seed: int) -> Pipeline:
    return Pipeline(
        [
            ("observed", KeepObserved()),
            (
                "classify",
                HistGradientBoostingClassifier(
                    max_iter=200,
                    l2_regularization=1.0,
                    early_stopping=False,
                    class_weight="balanced",
                    random_state=seed,
                ),
            ),
        ]
    )
