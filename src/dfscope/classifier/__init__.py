"""The deepfake classifier: frame features -> a fake score, evaluated like DeepfakeTIMIT's IQM+SVM.

By concern: :mod:`.splits` (which videos train and which are scored: subject-disjoint folds,
a split file, the dataset's split, another study's frame table), :mod:`.models` (one module
per model), :mod:`.fitting` (a model per fold, hyperparameters searched in inner folds over
cohorts), :mod:`.poolings` (frame scores to a video score, one module each) and
:mod:`.metrics` (AUC, EER and FRR per group and level with bootstrap intervals over videos).
:func:`dfscope.classifier.run.run_classifier` is the workflow's classify step. This package's
file imports nothing, so that planning a run can read its registries without scikit-learn.
"""
