"""Which library code and which input data an output was made with, so that editing either
reruns what it affects."""

from __future__ import annotations

import ast
import functools
import hashlib
import importlib.util
from collections.abc import Iterator
from pathlib import Path

import pandas as pd

PACKAGE = "dfscope"
#: The package's folder, found without importing it (or any of its modules).
ROOT = Path(importlib.util.find_spec(PACKAGE).origin).parent


def module_file(module: str) -> Path:
    """The source file of ``dfscope.<module>`` (``detectors.haar``; a package's ``__init__.py``).

    Found by path, never by importing: modules import NumPy, OpenCV or matplotlib, which
    the planning of a workflow run, where code versions are taken, should not pay for.
    """
    base = ROOT.joinpath(*module.split("."))
    for candidate in (base.with_suffix(".py"), base / "__init__.py"):
        if candidate.is_file():
            return candidate
    raise ModuleNotFoundError(f"no module {PACKAGE}.{module}")


def _is_module(module: str) -> bool:
    try:
        module_file(module)
    except ModuleNotFoundError:
        return False
    return True


def local_imports(module: str) -> set[str]:
    """The dfscope modules that ``module`` imports (relative or absolute imports), and the
    packages holding it, whose ``__init__`` runs before it.

    Imports under ``if TYPE_CHECKING:`` are left out: they never run, so the code they name
    cannot change what the module computes (a step that only reads a detection does not
    depend on the detectors' code).
    """
    package = module if module_file(module).name == "__init__.py" else module.rpartition(".")[0]
    parts = module.split(".")
    found = {".".join(parts[:i]) for i in range(1, len(parts))}
    return (found | _imports(module_file(module), package)) - {module, ""}


def script_imports(path: str | Path) -> list[str]:
    """The dfscope modules a workflow script (a file outside the package) imports, sorted:
    with :func:`code_version`, the code a rule's script runs, found from the script itself,
    so that no list kept by hand can miss a module."""
    return sorted(_imports(Path(path), None) - {""})


def _imports(path: Path, package: str | None) -> set[str]:
    """The dfscope modules the file ``path`` imports at run time; ``package``: the dfscope
    package that holds it (for relative imports), or None for a file outside dfscope."""
    return set(_imports_of_source(path.read_text(), package))


@functools.lru_cache(maxsize=1024)
def _imports_of_source(source: str, package: str | None) -> frozenset[str]:
    """:func:`_imports` of a file's text, kept by that text: planning takes the code version of
    every rule, and the rules share most of their modules (each parsed once, not once a rule);
    a file edited is new text, so a new answer. Whether ``from . import x`` names a module is
    asked of the files once per text: a module added or removed later in the same process (never
    during a workflow's planning) is not seen for a text already parsed."""
    found = set()
    for node in _runtime_nodes(ast.parse(source)):
        if isinstance(node, ast.ImportFrom):
            base = _resolve(node, package or "")
            if base is not None:
                found |= {_submodule_or(base, alias.name) for alias in node.names}
        elif isinstance(node, ast.Import):
            found |= {
                alias.name[len(PACKAGE) + 1 :]
                for alias in node.names
                if alias.name.startswith(f"{PACKAGE}.")
            }
    return frozenset(found)


def _resolve(node: ast.ImportFrom, package: str) -> str | None:
    """The module ``from <...> import`` reads from, relative to dfscope ("" for dfscope
    itself), or None when it is another package's."""
    if node.level:
        parts = package.split(".") if package else []
        parts = parts[: len(parts) - (node.level - 1)]
        return ".".join(parts + ([node.module] if node.module else []))
    if node.module == PACKAGE:
        return ""
    if node.module and node.module.startswith(f"{PACKAGE}."):
        return node.module[len(PACKAGE) + 1 :]
    return None


def _submodule_or(base: str, name: str) -> str:
    """``base.name`` if that is a module (``from . import metrics``), else ``base`` (``from
    .columns import square_of``)."""
    candidate = f"{base}.{name}" if base else name
    return candidate if _is_module(candidate) else base


def _runtime_nodes(tree: ast.AST) -> Iterator[ast.AST]:
    """Every node of ``tree`` but those under an ``if TYPE_CHECKING:`` block."""
    todo = [tree]
    while todo:
        node = todo.pop()
        yield node
        if isinstance(node, ast.If) and _is_type_checking(node.test):
            todo.extend(node.orelse)
        else:
            todo.extend(ast.iter_child_nodes(node))


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


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
