"""The packages a configured step needs, checked before any job (the workflow's side of it, a
package hidden from a run, is in tests/test_workflow.py)."""

from __future__ import annotations

import ast
import sys

import pytest

from dfscope.codecs import CODECS
from dfscope.detectors import DETECTORS
from dfscope.installed import CNN_MODULE, check_installed, requires
from dfscope.provenance import module_file

#: The packages every install of dfscope has (pyproject's dependencies), by import name.
CORE = {
    "numpy",
    "cv2",
    "pandas",
    "pyarrow",
    "sklearn",
    "joblib",
    "skimage",
    "scipy",
    "matplotlib",
    "yaml",
}
MODULES = [
    *(DETECTORS.module(name) for name in DETECTORS.names()),
    *(CODECS.module(name) for name in CODECS.names()),
    CNN_MODULE,
]


def _imported(module: str) -> set[str]:
    """Every top-level package ``module`` imports, wherever in it, but the standard library's
    and dfscope's own."""
    names = set()
    for node in ast.walk(ast.parse(module_file(module).read_text())):
        if isinstance(node, ast.Import):
            names |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and not node.level and node.module:
            names.add(node.module.split(".")[0])
    return names - set(sys.stdlib_module_names) - {"dfscope"}


@pytest.mark.parametrize("module", MODULES)
def test_a_module_declares_every_package_it_imports_beyond_the_core(module):
    assert _imported(module) - CORE <= set(requires(module))


def test_a_missing_package_names_the_key_that_needs_it(monkeypatch):
    from dfscope import installed

    monkeypatch.setattr(installed, "is_installed", lambda name: name != "torch")
    config = {"detector": {"name": "mtcnn"}, "frames": {"recode": {"codec": "none"}}}
    check_installed(config, cnn=False)
    with pytest.raises(ValueError, match=r"^config cnn.enabled: true needs torch, which"):
        check_installed(config, cnn=True)
    with pytest.raises(ValueError, match=r"^config detector.name: 'mtcnn_torch' needs torch"):
        check_installed(config | {"detector": {"name": "mtcnn_torch"}}, cnn=False)


def test_every_declared_package_is_installed_here():
    """The pinned environment (requirements.txt) runs every detector and the CNN."""
    for name in DETECTORS.names():
        for codec in ("none", *CODECS.names()):
            config = {"detector": {"name": name}, "frames": {"recode": {"codec": codec}}}
            check_installed(config, cnn=True)
