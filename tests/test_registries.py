"""Every extension point is a package whose modules are its entries, and the config schema lists
exactly those names: adding a detector, a layout, a feature family, a classifier model, a
pooling or a face choice is one module (and its schema entry, which these tests ask for)."""

from __future__ import annotations

import pytest
import yaml

from dfscope.choices import CHOICES
from dfscope.classifier.models import MODELS
from dfscope.classifier.poolings import POOLINGS
from dfscope.detectors import DETECTORS
from dfscope.features import FAMILIES
from dfscope.features.quality import FEATURES
from dfscope.layouts import LAYOUTS
from dfscope.sample_layouts import SAMPLE_LAYOUTS

from .conftest import SCHEMA

PROPERTIES = yaml.safe_load(SCHEMA.read_text())["properties"]


def _enum(*keys: str) -> list[str]:
    node = {"properties": PROPERTIES}
    for key in keys:
        node = node["properties"][key]
    return sorted((node.get("items") or node)["enum"])


#: Each registry, the schema keys that list its names, and the names they list besides (every
#: face, ``all``, is no single face's choice: it is :mod:`dfscope.tracks`).
LISTED = [
    (DETECTORS, ("detector", "name"), []),
    (CHOICES, ("detector", "faces"), ["all"]),
    (LAYOUTS, ("dataset", "layout"), []),
    (SAMPLE_LAYOUTS, ("dataset", "layout"), []),  # the sample can be written in every layout
    (FAMILIES, ("features", "families"), []),
    (MODELS, ("classifier", "model"), []),
    (POOLINGS, ("classifier", "pooling"), []),
    (POOLINGS, ("classifier", "face_pooling"), []),
]


@pytest.mark.parametrize(
    ("registry", "keys", "besides"), LISTED, ids=lambda v: getattr(v, "kind", "")
)
def test_the_schema_lists_exactly_the_registered_names(registry, keys, besides):
    assert registry.names() and _enum(*keys) == sorted(registry.names() + besides)
    for name in registry.names():  # each entry has its interface
        registry.load(name)


def test_each_detector_and_family_has_its_parameters_section():
    assert sorted(PROPERTIES["detector"]["properties"]["params"]["properties"]) == DETECTORS.names()
    assert set(FAMILIES.names()) <= set(PROPERTIES["features"]["properties"])
    assert _enum("features", "quality", "names") == sorted(FEATURES)


def test_an_unknown_name_is_refused_with_the_known_ones():
    with pytest.raises(
        ValueError, match="unknown pooling 'mode'; known: max, mean, median, trimmed_mean"
    ):
        POOLINGS.module("mode")
