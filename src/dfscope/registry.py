"""Extension points by name: face detectors, dataset layouts, feature families, classifier models,
poolings and face choices.

Each extension point is a package of dfscope, and each of its entries is one module of that
package, named as the config names it (``detectors/mtcnn.py`` is the face detector
``mtcnn``). Adding an entry is adding a module: nothing else lists it. Names are read from the
package's folder, never by importing it, so that planning a run (which checks names and takes
code versions) imports no model; an entry's module is imported only when it is used, so that
a step's code version covers the entries it runs and no other (:mod:`dfscope.provenance`).
Modules whose names start with ``_`` are the package's helpers, not entries.

The config schema lists each point's names as an enum (a test holds the two equal), so a
misspelt name stops a run before any job with the key that holds it; the library itself only
says which names it knows.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from types import ModuleType

from .provenance import ROOT


@dataclass(frozen=True)
class Registry:
    """The entries of one extension point: the modules of ``package`` (dotted, below dfscope),
    each of which has every attribute of ``interface``. ``kind`` names an entry in messages."""

    kind: str
    package: str
    interface: tuple[str, ...]

    def names(self) -> list[str]:
        """Every entry's name, sorted: the modules of the package's folder but its helpers."""
        folder = ROOT.joinpath(*self.package.split("."))
        return sorted(
            path.stem
            for path in folder.glob("*.py")
            if not path.stem.startswith("_") and path.stem != "__init__"
        )

    def module(self, name: str) -> str:
        """The module of entry ``name``, below dfscope (``detectors.mtcnn``): what the code
        version of a step that runs it covers."""
        if name not in self.names():
            raise ValueError(f"unknown {self.kind} {name!r}; known: {', '.join(self.names())}")
        return f"{self.package}.{name}"

    def load(self, name: str) -> ModuleType:
        """Entry ``name``'s module, imported, with every attribute of :attr:`interface`."""
        module = importlib.import_module(f"dfscope.{self.module(name)}")
        missing = [attribute for attribute in self.interface if not hasattr(module, attribute)]
        if missing:
            raise TypeError(f"{module.__name__}: a {self.kind} module without {missing}")
        return module
