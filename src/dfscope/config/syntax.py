"""The config file's syntax, checked before Snakemake reads it: Snakemake names neither the file
nor the line of a YAML error, and refuses a file with no setting."""

from __future__ import annotations

import json
from pathlib import Path

import yaml


def check_yaml(path: str | Path) -> None:
    """Raise ValueError naming the file, line, column and problem if ``path`` is not valid YAML.

    Snakemake answers a config file it cannot parse with only "Config file is
    not valid JSON or YAML", naming neither the file nor the line, so a missing
    bracket in a long config is a hunt. Only the syntax is checked here (the
    schema checks the content): JSON, which Snakemake tries first, passes as is,
    and a missing file is left to Snakemake's own message, which names it.
    """
    path = Path(path)
    if not path.is_file():
        return
    text = path.read_text(encoding="utf-8")
    try:
        json.loads(text)
        return
    except ValueError:
        pass
    try:
        yaml.compose(text, Loader=yaml.SafeLoader)  # parse only: tags are the loader's business
    except yaml.MarkedYAMLError as error:
        raise ValueError(f"{path.resolve()}: not valid YAML: {_where(error)}") from None


def has_settings(path: str | Path) -> bool:
    """Whether the config file ``path`` holds any setting: False for an empty file or one of
    comments only, which means every default (Snakemake would refuse it as "not keys at top
    level"), True otherwise (a missing file too: Snakemake's own message names it).
    Call it after :func:`check_yaml`."""
    path = Path(path)
    if not path.is_file():
        return True
    return yaml.safe_load(path.read_text(encoding="utf-8")) is not None


def _where(error: yaml.MarkedYAMLError) -> str:
    """``line L, column C: problem (context, at line L', column C')``, 1-based as editors count."""
    mark = error.problem_mark or error.context_mark
    message = f"line {mark.line + 1}, column {mark.column + 1}: {error.problem or error.context}"
    if error.context and error.problem and error.context_mark is not None:
        context = error.context_mark
        message += f" ({error.context}, at line {context.line + 1}, column {context.column + 1})"
    return message
