"""Whether the packages the configured steps need are installed: checked when a run is planned,
before any job, so that a missing framework is one message naming the config key that needs it
rather than a job failing with ``No module named 'torch'`` after every video was decoded.

A module that needs a package beyond the core ones declares it in a literal ``REQUIRES``
(import name -> what pip installs), read from its source without importing it: importing it
would import the very package that may be missing.
"""

from __future__ import annotations

import ast
import importlib.util
import sys

from .codecs import CODECS, NONE
from .detectors import DETECTORS
from .provenance import module_file

#: The module of the CNN, whose ``REQUIRES`` the ``cnn`` steps need: MesoNet's networks (every
#: module of :mod:`dfscope.mesonet` requires no more, tests/test_installed.py).
CNN_MODULE = "mesonet.networks"


def requires(module: str) -> dict[str, str]:
    """The ``REQUIRES`` of dfscope module ``module`` (import name -> pip name); {} if none."""
    tree = ast.parse(module_file(module).read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(
            isinstance(target, ast.Name) and target.id == "REQUIRES" for target in node.targets
        ):
            return ast.literal_eval(node.value)
    return {}


def is_installed(name: str) -> bool:
    """Whether package ``name`` can be found by an import, without importing it."""
    try:
        return importlib.util.find_spec(name) is not None
    except ImportError:
        return False


def check_installed(cfg: dict, *, cnn: bool) -> None:
    """Raise ValueError, naming the config key, if a package that the configured face detector,
    the coding chain of ``frames.recode`` or (where ``cnn``: the CNN is trained in this study)
    the CNN needs is not installed."""
    wanted = [
        (
            f"detector.name: {cfg['detector']['name']!r}",
            DETECTORS.module(cfg["detector"]["name"]),
            "choose another detector",
        )
    ]
    codec = cfg["frames"]["recode"]["codec"]
    if codec != NONE:
        wanted.append((f"frames.recode.codec: {codec!r}", CODECS.module(codec), "another codec"))
    if cnn:
        wanted.append(("cnn.enabled: true", CNN_MODULE, "set cnn.enabled: false"))
    for key, module, otherwise in wanted:
        missing = {name: pip for name, pip in requires(module).items() if not is_installed(name)}
        if missing:
            raise ValueError(
                f"config {key} needs {', '.join(missing)}, which this Python "
                f"({sys.executable}) cannot import: pip install {' '.join(missing.values())}, "
                f"or {otherwise}"
            )
