"""``logistic``: a logistic regression on standardised features (L2, C = 1, nothing searched):
a linear score, fast at any number of frames.

Classes are weighted as balanced: fakes (LQ and HQ) outnumber real videos two to one.
"""

from __future__ import annotations

from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline

from . import standardised

#: Nothing is searched.
GRID: dict[str, list] = {}
#: scikit-learn's default penalty.
FIXED = {"classify__C": 1.0}


def build(seed: int) -> Pipeline:
    return standardised(
        LogisticRegression(class_weight="balanced", max_iter=1000, random_state=seed)
    )
