"""The packages a configured step needs, checked before any job (the workflow's side of it, a
package hidden from a run, is in tests/test_workflow.py; that each module declares what it
imports beyond the core, in tests/test_packaging.py)."""

from __future__ import annotations

import pytest

from dfscope.codecs import CODECS
from dfscope.detectors import DETECTORS
from dfscope.installed import CNN_MODULE, check_installed, requires
from dfscope.provenance import module_file


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


def test_the_cnns_check_covers_every_module_of_mesonet():
    """The check reads one module's ``REQUIRES`` (``CNN_MODULE``); the CNN's steps run the
    whole package, whose modules may require no more than it."""
    package = module_file("mesonet").parent
    modules = [f"mesonet.{path.stem}" for path in sorted(package.glob("[!_]*.py"))]
    assert CNN_MODULE in modules and requires(CNN_MODULE) == {"torch": "torch"}
    for module in modules:
        assert requires(module).items() <= requires(CNN_MODULE).items(), module
