"""The version is written in three places, and they agree."""

from __future__ import annotations

import tomllib

import yaml

import dfscope

from .conftest import REPO


def test_the_package_pyproject_and_citation_give_one_version():
    project = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]["version"]
    citation = yaml.safe_load((REPO / "CITATION.cff").read_text())["version"]
    assert dfscope.__version__ == project == str(citation)
