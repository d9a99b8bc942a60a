"""The library's import graph: modules of one concept import downwards only, so that a rule's code
version (the modules its script imports, :mod:`dfscope.provenance`) covers what it runs."""

from __future__ import annotations

import ast
from graphlib import CycleError, TopologicalSorter
from pathlib import Path

import pytest

LIBRARY = Path(__file__).parents[1] / "src/dfscope"


def _name(path: Path) -> str:
    parts = path.relative_to(LIBRARY.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _is_module(name: str) -> bool:
    path = LIBRARY.parent.joinpath(*name.split("."))
    return path.with_suffix(".py").is_file() or (path / "__init__.py").is_file()


def imports(path: Path) -> set[str]:
    """The dfscope modules the file at ``path`` imports, wherever in it (relative imports
    resolved; ``from . import x`` is module ``x`` where there is one, else the package)."""
    package = _name(path) if path.name == "__init__.py" else _name(path).rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name.split(".")[0] == "dfscope"}
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = ".".join(package.split(".")[: len(package.split(".")) - node.level + 1])
                base = f"{base}.{node.module}" if node.module else base
            elif (node.module or "").split(".")[0] == "dfscope":
                base = node.module
            else:
                continue
            for alias in node.names:
                sub = f"{base}.{alias.name}"
                found.add(sub if _is_module(sub) else base)
    return found - {_name(path)}


GRAPH = {_name(path): imports(path) for path in sorted(LIBRARY.rglob("*.py"))}


def test_the_import_graph_has_no_cycle():
    try:
        tuple(TopologicalSorter(GRAPH).static_order())
    except CycleError as error:
        pytest.fail(f"an import runs back up: {' -> '.join(error.args[1])}")


@pytest.mark.parametrize("reader", [m for m in GRAPH if m.startswith("dfscope.layouts")])
def test_a_dataset_reader_imports_no_sample_writer(reader):
    """The readers read datasets; writing the built-in sample in a layout's tree is
    :mod:`dfscope.sample_layouts`' (it was each reader's ``export``, which imported the
    generator into the production readers)."""
    assert not {m for m in GRAPH[reader] if m.startswith("dfscope.sample")}
