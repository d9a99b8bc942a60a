"""Which library code and which input data an output was made with, so that editing either
reruns what it affects."""

from __future__ import annotations

import ast
import hashlib
import importlib.util
from pathlib import Path

import pandas as pd

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
        elif (
            isinstance(node, ast.ImportFrom)
            and node.module
            and node.module.startswith(f"{PACKAGE}.")
        ):
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


def folder_fingerprint(folder: str | Path) -> str:
    """Hash of the names, sizes and modification times of a folder's files (hidden ones aside).

    Snakemake decides reruns by the mtime of an input, and a folder's mtime does not change
    when one of its files is overwritten in place: put this into the ``params`` of a rule
    that reads a frame folder, and overwriting, adding or removing a frame reruns it. It
    stats each file, never reads one, so the full DeepfakeTIMIT's ~430 folders cost well
    under a second of planning. A missing folder has the fingerprint of an empty one.
    """
    digest = hashlib.sha256()
    entries = sorted(Path(folder).iterdir()) if Path(folder).is_dir() else []
    for entry in entries:
        if not entry.name.startswith("."):
            stat = entry.stat()
            digest.update(f"{entry.name}\0{stat.st_size}\0{stat.st_mtime_ns}\n".encode())
    return digest.hexdigest()[:16]


def table_digest(*tables: pd.DataFrame) -> str:
    """Hash of the content of ``tables``: a rule whose output is made from them reruns when it
    changes (e.g. the video table and the skipped inputs, from names on disk)."""
    digest = hashlib.sha256()
    for table in tables:
        digest.update(table.to_csv(index=False).encode() + b"\0")
    return digest.hexdigest()[:16]
