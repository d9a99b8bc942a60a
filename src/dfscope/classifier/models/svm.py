"""``svm``: an RBF support-vector machine on standardised features, C and gamma searched by AUC in
inner folds over cohorts: the image-quality baseline of the DeepfakeTIMIT paper (Korshunov &
Marcel 2018), whose grid it takes (Idiap's IQM + SVM recipe: C over 2^-3 .. 2^13 and gamma
over 2^-15 .. 2^-1, in steps of 2^2).

Its training cost grows faster than its training set: with tens of thousands of frames, train
on a few frames a video (``classifier.frames_per_video``). Classes are weighted as balanced:
fakes (LQ and HQ) outnumber real videos two to one.
"""

from __future__ import annotations

from sklearn.pipeline import Pipeline
from sklearn.svm import SVC

from . import standardised

#: The grid its inner folds search: the baseline's.
GRID = {
    "classify__C": [2.0**e for e in range(-3, 14, 2)],
    "classify__gamma": [2.0**e for e in range(-15, 0, 2)],
}
#: Where the inner folds cannot tune: scikit-learn's defaults (gamma "scale" is
#: 1 / (n_features * variance), which suits standardised features).
FIXED = {"classify__C": 1.0, "classify__gamma": "scale"}


def build(seed: int) -> Pipeline:
    return standardised(SVC(kernel="rbf", class_weight="balanced", random_state=seed))
