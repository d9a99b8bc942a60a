"""Code hashes in params: each rule's hash covers exactly the library modules its step runs."""

from __future__ import annotations

import re

import pytest

from dfscope import provenance
from dfscope.detectors import DETECTORS, module_of
from dfscope.layouts import LAYOUTS
from dfscope.layouts import module_of as layout_module

from .conftest import REPO

#: The modules each rule's code hash covers (the rule's step and all it imports), pinned: a
#: change here is a change of what an edit reruns, and must be meant.
COVERED = {
    "sample": ["dataset", "geometry", "ids", "sample", "schema", "tables"],
    "frames": ["batches", "dataset", "ids", "images", "schema", "tables", "video"],
    "quality_features": ["batches", "features", "geometry", "ids", "images", "schema", "tables"],
    "temporal_features": [
        "batches",
        "crops",
        "geometry",
        "ids",
        "images",
        "metrics",
        "schema",
        "tables",
        "temporal",
    ],
    "paired_metrics": [
        "batches",
        "crops",
        "geometry",
        "ids",
        "images",
        "metrics",
        "paired",
        "schema",
        "tables",
    ],
    "gather": ["batches", "gather", "ids", "images", "schema", "tables"],
    "summary": ["evaluation", "roc", "schema", "tables"],
    "feature_auc": ["evaluation", "roc", "schema", "tables"],
    "plots": ["plots", "plots.study", "roc", "schema", "tables"],
    "compare_figures": [
        "batches",
        "crops",
        "geometry",
        "ids",
        "images",
        "metrics",
        "paired",
        "plots",
        "plots.compare",
        "schema",
        "tables",
    ],
    "classify": ["classifier", "roc", "schema", "tables"],
    "classifier_plot": ["plots", "plots.classifier", "roc", "schema", "tables"],
}
#: A faces job's hash: the faces step and its own detector's module, no other detector's.
FACES = ["batches", "crops", "faces", "geometry", "ids", "images", "schema", "tables"]


def rule_code_modules() -> dict[str, list[str]]:
    """rule -> the modules named in its ``code=code_version(...)`` param, from the rule files."""
    found = {}
    for path in (REPO / "workflow/rules").glob("*.smk"):
        for name, body in re.findall(
            r"^\s*rule (\w+):\n(.*?)(?=^\s*rule |\Z)", path.read_text(), re.M | re.S
        ):
            code = re.search(r"code=code_version\(([^)]*)\)", body)
            if code:
                found[name] = re.findall(r'"([\w.]+)"', code[1])
    return found


def test_each_rule_hashes_exactly_the_modules_its_step_runs():
    named = rule_code_modules()
    assert sorted(named) == sorted(COVERED)
    for rule, modules in named.items():
        assert provenance.dependencies(*modules) == COVERED[rule], rule


@pytest.mark.parametrize("name", sorted(DETECTORS))
def test_a_faces_job_hashes_its_own_detector_only(name):
    covered = provenance.dependencies("faces", module_of(name))
    own = {"detectors", f"detectors.{DETECTORS[name][0]}"} | (
        {"runtime"} if name == "mtcnn" else set()
    )
    assert covered == sorted({*FACES, *own})  # the TensorFlow one quiets TensorFlow's import


@pytest.mark.parametrize("name", sorted(LAYOUTS))
def test_the_video_table_hashes_its_own_layout_reader_only(name):
    covered = provenance.dependencies("layouts", layout_module(name))
    assert covered == ["dataset", "ids", "layouts", f"layouts.{name}", "schema", "tables"]


def test_imports_for_type_checking_only_are_not_followed():
    # crops and faces name Detection in annotations only: no detector's code is theirs.
    assert provenance.dependencies("crops") == ["crops", "geometry"]
    assert "detectors" not in provenance.dependencies("faces")


def test_code_version_changes_with_any_reached_module(monkeypatch, tmp_path):
    before = provenance.code_version("video")
    original = provenance.module_file
    edited = tmp_path / "dataset.py"  # dataset.py with one more comment: an edit video reaches
    edited.write_text(original("dataset").read_text() + "# edited\n")
    monkeypatch.setattr(
        provenance,
        "module_file",
        lambda module: edited if module == "dataset" else original(module),
    )
    assert provenance.code_version("video") != before
    assert provenance.code_version("features") == provenance.code_version("features")
