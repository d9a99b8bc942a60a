"""``svm``: an RBF support-vector machine on standardised features, C and gamma searched in inner
folds over cohorts (the image-quality baseline of the DeepfakeTIMIT paper used an RBF SVM).

Classes are weighted as balanced: fakes (LQ and HQ) outnumber real videos two to one.
"""

from __future__ import annotations

from sklearn.pipeline import Pipeline
from sklearn.svm import SVC

from . import standardised

#: The grid its inner folds search.
GRID = {"classify__C": [0.1, 1.0, 10.0, 100.0], "classify__gamma": ["scale", 0.01, 0.1]}
#: Where the inner folds cannot tune: scikit-learn's defaults (gamma "scale" is
#: 1 / (n_features * variance), which suits standardised features).
FIXED = {"classify__C": 1.0, "classify__gamma": "scale"}


def build(seed: int) -> Pipeline:
    return standardised(SVC(kernel="rbf", class_weight="balanced", random_state=seed))
