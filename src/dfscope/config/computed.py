"""What a config computes: its feature families, with their parameters, the per-frame features
the classifier, the histograms and the single-feature AUCs use, and the ablation's feature sets
(planned with the workflow, so kept apart from the ablation's fitting and its imports)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from ..columns import TEMPORAL_FEATURES
from ..features import feature_columns

#: The name of the feature set of every chosen family (and the temporal features) together.
ALL = "all"


def families(cfg: dict) -> dict[str, dict]:
    """The feature families the config chooses, each with its parameters (``features.<name>``)."""
    return {name: cfg["features"][name] for name in cfg["features"]["families"]}


def classifier_features(cfg: dict) -> list[str]:
    """Every per-frame feature the classifier can use without the original: those of the
    chosen families and, when computed, the temporal ones (also the features of the
    histograms and the single-feature AUCs)."""
    temporal = TEMPORAL_FEATURES if cfg["metrics"]["temporal"] else []
    return feature_columns(families(cfg)) + temporal


def feature_sets(
    families: Mapping[str, Mapping], temporal: bool, sets: Mapping[str, Sequence[str]] | None
) -> dict[str, list[str]]:
    """The feature sets to compare, by name: ``sets`` (name -> families, ``temporal`` among
    them for the temporal features) where given, else each chosen family alone, the temporal
    features alone (when computed) and :data:`ALL` of them together."""
    columns = {name: feature_columns({name: params}) for name, params in families.items()}
    if temporal:
        columns["temporal"] = list(TEMPORAL_FEATURES)
    if sets is None:
        sets = {name: [name] for name in columns}
        if len(columns) > 1:
            sets[ALL] = list(columns)
    return {
        name: [c for family in chosen for c in columns[family]] for name, chosen in sets.items()
    }
