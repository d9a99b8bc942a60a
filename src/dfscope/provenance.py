"""Which library code an output was made with, so that editing it reruns what it affects."""

from __future__ import annotations

import ast
import hashlib
import importlib.util
from pathlib import Path

PACKAGE = "dfscope"


def module_file(module: str) -> Path:
    """The source file of ``dfscope.<module>``."""
    return Path(importlib.util.find_spec(f"{PACKAGE}.{module}").origin)


def local_imports(module: str) -> set[str]:
    """The dfscope modules that ``module`` imports itself (``from . import x``, ``from .x import y``)."""
    tree = ast.parse(module_file(module).read_text())
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.level == 1:
            found |= {node.module} if node.module else {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.module.startswith(f"{PACKAGE}."):
            found.add(node.module.split(".")[1])
    return found


def dependencies(*modules: str) -> list[str]:
    """``modules`` and every dfscope module they import, directly or not, sorted."""
    seen, todo = set(), list(modules)
    while todo:
        module = todo.pop()
        if module not in seen:
            seen.add(module)
            todo.extend(local_imports(module) - seen)
    return sorted(seen)


def code_version(*modules: str) -> str:
    """Hash of the source of ``modules`` and of all the dfscope code they import.

    Snakemake notices edits of a rule's script but not of the library the
    script calls; with this hash in a rule's ``params:``, editing an
    algorithm reruns exactly the rules whose code reaches it (Snakemake's
    params rerun trigger). Following the imports matters: the frames step
    lists VidTIMIT folders with a function of ``dataset``, which ``video``
    imports, and a hand-kept list of modules misses such a link.
    """
    digest = hashlib.sha256()
    for module in dependencies(*modules):
        digest.update(module.encode() + b"\0" + module_file(module).read_bytes())
    return digest.hexdigest()[:16]
