"""Code versions: a rule's code version covers exactly the dfscope modules its script runs, so
that editing a module reruns exactly the rules that run it.

The code version of a rule is derived from its script's imports (and the registry entries it
loads by name) by reading the source (:func:`dfscope.provenance.script_imports`,
:func:`dfscope.provenance.dependencies`); these tests hold that reading to what Python really
imports when the script's imports run (what Snakemake plans after an edit is held in
tests/test_workflow.py).
"""

from __future__ import annotations

import ast
import json
import subprocess
import sys

import pytest

from dfscope import provenance
from dfscope.choices import CHOICES
from dfscope.classifier.models import MODELS
from dfscope.classifier.poolings import POOLINGS
from dfscope.detectors import DETECTORS
from dfscope.features import FAMILIES
from dfscope.layouts import LAYOUTS

from .conftest import REPO

SCRIPTS = sorted((REPO / "workflow/scripts").glob("*.py"))
#: The registries whose entries a script loads by name, at run time (its rule's code version
#: takes the configured entry's module too: ``code_of`` in workflow/rules/common.smk).
LOADED = {
    "detect_faces": (DETECTORS, CHOICES),
    "features": (FAMILIES,),
    "classify": (MODELS, POOLINGS),
    "video_table": (LAYOUTS,),
}


def imported_when_run(script, entries) -> list[str]:
    """The dfscope modules a fresh interpreter holds after running the import statements of
    ``script`` and importing the registry ``entries``: what really runs."""
    tree = ast.parse(script.read_text())
    imports = "\n".join(
        ast.unparse(node) for node in tree.body if isinstance(node, ast.Import | ast.ImportFrom)
    )
    code = (
        f"{imports}\nimport importlib, json, sys\n"
        f"for entry in {entries!r}: importlib.import_module('dfscope.' + entry)\n"
        "print(json.dumps(sorted(m[8:] for m in sys.modules if m.startswith('dfscope.'))))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.splitlines()[-1])


@pytest.mark.parametrize("script", SCRIPTS, ids=lambda path: path.stem)
def test_a_rules_code_version_covers_exactly_what_its_script_imports(script):
    entries = [
        registry.module(name)
        for registry in LOADED.get(script.stem, ())
        for name in registry.names()
    ]
    declared = provenance.dependencies(*provenance.script_imports(script), *entries)
    assert declared == imported_when_run(script, entries)


def test_imports_for_type_checking_only_are_not_followed():
    # The face choices and the faces step name Detection in annotations only: no detector's code
    # is theirs (a faces job's version takes its own detector's module, and no other).
    assert "geometry" in provenance.dependencies("choices.largest")
    assert not [m for m in provenance.dependencies("choices.tracked", "faces") if "detectors" in m]


def test_code_version_changes_with_any_reached_module(monkeypatch, tmp_path):
    before = provenance.code_version("video")
    original = provenance.module_file
    edited = tmp_path / "frame_folders.py"  # one more comment: an edit that video reaches
    edited.write_text(original("frame_folders").read_text() + "# edited\n")
    monkeypatch.setattr(
        provenance,
        "module_file",
        lambda module: edited if module == "frame_folders" else original(module),
    )
    assert provenance.code_version("video") != before
    assert provenance.code_version("features") == provenance.code_version("features")
