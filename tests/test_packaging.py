"""What pip installs agrees with what the code imports: pyproject's core and extras, the pinned
requirements files and environment.yml, so that ``pip install dfscope[torch]`` runs a study with
``mtcnn_torch`` and no TensorFlow, and ``dfscope[all]`` every step."""

from __future__ import annotations

import ast
import sys
import tomllib
from importlib.metadata import packages_distributions

import pytest
import yaml
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from dfscope.codecs import CODECS
from dfscope.detectors import DETECTORS
from dfscope.installed import CNN_MODULE, requires

from .conftest import REPO

PROJECT = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
LIBRARY = REPO / "src/dfscope"


def _names(requirements) -> set[str]:
    return {canonicalize_name(Requirement(r).name) for r in requirements}


def extra(name: str) -> set[str]:
    """The distributions pyproject's extra ``name`` installs, through the extras it names."""
    found = set()
    for text in PROJECT["optional-dependencies"][name]:
        requirement = Requirement(text)
        if requirement.name == "dfscope":
            found |= set().union(*(extra(e) for e in requirement.extras))
        else:
            found.add(canonicalize_name(requirement.name))
    return found


CORE = _names(PROJECT["dependencies"])


def pins(name: str) -> dict[str, str]:
    """The ``name==version`` lines of a requirements file, by distribution."""
    lines = [line.split("#")[0].strip() for line in (REPO / name).read_text().splitlines()]
    return {canonicalize_name(p.split("==")[0]): p.split("==")[1] for p in lines if p}


def imported(path) -> set[str]:
    """Every top-level package the file at ``path`` imports, wherever in it, but the standard
    library's and dfscope's own."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and not node.level and node.module:
            names.add(node.module.split(".")[0])
    return names - set(sys.stdlib_module_names) - {"dfscope"}


#: Import name -> the installed distributions that provide it.
PROVIDERS = packages_distributions()


def distributions(package: str) -> set[str]:
    """The installed distributions that provide import name ``package``."""
    return {canonicalize_name(d) for d in PROVIDERS.get(package, [])}


@pytest.mark.parametrize(
    "path", sorted(LIBRARY.rglob("*.py")), ids=lambda p: str(p.relative_to(LIBRARY))
)
def test_a_module_imports_the_core_and_what_it_declares_only(path):
    """A package beyond pyproject's dependencies is imported only by a module that declares it
    in ``REQUIRES`` (checked before any job, dfscope.installed): nothing else pulls a framework
    in."""
    module = ".".join(path.relative_to(LIBRARY).with_suffix("").parts)
    beyond = {p for p in imported(path) if not distributions(p) & CORE}
    assert beyond <= set(requires(module)), f"{module} imports {beyond - set(requires(module))}"


@pytest.mark.parametrize(
    ("modules", "name"),
    [
        ([DETECTORS.module("mtcnn")], "tf"),  # the default detector
        ([DETECTORS.module("mtcnn_torch"), CNN_MODULE], "torch"),  # a study without TensorFlow
        ([DETECTORS.module("dlib")], "dlib"),
        ([CODECS.module("h264")], "h264"),
    ],
)
def test_an_extra_installs_what_its_modules_require(modules, name):
    wanted = {canonicalize_name(pip) for module in modules for pip in requires(module).values()}
    assert wanted <= extra(name)
    assert "tensorflow-cpu" not in extra("torch") and "torch" not in extra("tf")


def test_all_is_every_extra_of_the_workflow():
    every = {n for n in PROJECT["optional-dependencies"] if n not in ("all", "test", "lint")}
    assert extra("all") == set().union(*(extra(n) for n in every))


@pytest.mark.parametrize(
    ("requirements", "wanted"),
    [
        ("requirements.txt", CORE | extra("all")),
        ("requirements-test.txt", extra("test")),
        ("requirements-lint.txt", extra("lint")),
    ],
)
def test_the_pinned_files_pin_pyprojects_lists_within_its_ranges(requirements, wanted):
    pinned = pins(requirements)
    assert set(pinned) == wanted
    every = PROJECT["dependencies"] + sum(PROJECT["optional-dependencies"].values(), [])
    for requirement in map(Requirement, every):
        name = canonicalize_name(requirement.name)
        if name in pinned:
            assert requirement.specifier.contains(pinned[name]), (requirement, pinned[name])


def test_environment_yml_is_the_pinned_workflow_and_dfscope():
    environment = yaml.safe_load((REPO / "environment.yml").read_text())
    pip = next(d["pip"] for d in environment["dependencies"] if isinstance(d, dict))
    pinned = [line.split("#")[0].strip() for line in (REPO / "requirements.txt").open()]
    assert pip == [*filter(None, pinned), "-e ."]
