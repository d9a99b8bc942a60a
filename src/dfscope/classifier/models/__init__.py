"""The deepfake classifier's models, one module each (:data:`MODELS`).

A model module has ``build(seed)``, the unfitted scikit-learn pipeline whose
``decision_function`` is the score (higher = more fake); ``GRID``, the hyperparameters its
inner folds search (none: ``{}``); and ``FIXED``, those it takes where nothing is searched or
the inner folds cannot tune (:func:`dfscope.classifier.fitting.fit_model`). Parameter names
are the pipeline's (``classify__C``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ...registry import Registry

if TYPE_CHECKING:
    from sklearn.base import BaseEstimator
    from sklearn.pipeline import Pipeline

#: The classifier models: the modules of this package.
MODELS = Registry("classifier model", "classifier.models", ("build", "GRID", "FIXED"))


def standardised(classifier: BaseEstimator) -> Pipeline:
    """``classifier`` after the training median fills missing features (a temporal feature is
    undefined on a video's first frame) and the features are standardised, as kernels and
    penalties assume comparable scales."""
    # Imported here: planning a run reads this package's registry, and needs no scikit-learn.
    from sklearn.impute import SimpleImputer
    from sklearn.pipeline import Pipeline
    from sklearn.preprocessing import StandardScaler

    return Pipeline(
        [
            ("impute", SimpleImputer(strategy="median")),
            ("scale", StandardScaler()),
            ("classify", classifier),
        ]
    )
