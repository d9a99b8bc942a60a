"""What a config computes: its feature families, with their parameters, and the per-frame
features the classifier, the histograms and the single-feature AUCs use."""

from __future__ import annotations

from ..columns import TEMPORAL_FEATURES
from ..features import feature_columns


def families(cfg: dict) -> dict[str, dict]:
    """The feature families the config chooses, each with its parameters (``features.<name>``)."""
    return {name: cfg["features"][name] for name in cfg["features"]["families"]}


def classifier_features(cfg: dict) -> list[str]:
    """Every per-frame feature the classifier can use without the original: those of the
    chosen families and, when computed, the temporal ones (also the features of the
    histograms and the single-feature AUCs)."""
    temporal = TEMPORAL_FEATURES if cfg["metrics"]["temporal"] else []
    return feature_columns(families(cfg)) + temporal
