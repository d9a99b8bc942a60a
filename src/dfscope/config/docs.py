"""config/README.md's table of every key, generated from the schema, where each key is described
once: its default, its ``description`` (what it does) and its ``x-reruns`` (which steps run
again when it changes; a section's holds for its keys that give none).

Run from the repository's root after editing the schema (``--check`` only says whether the
README's table is the schema's)::

    python -m dfscope.config.docs [--check]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import yaml

from .schema import _properties

SCHEMA = Path("workflow/schemas/config.schema.yaml")
README = Path("config/README.md")
#: The lines the table stands between in the README.
BEGIN = (
    "<!-- The table is generated from workflow/schemas/config.schema.yaml by "
    "`python -m dfscope.config.docs`: edit the schema, then run that. -->"
)
END = "<!-- End of the generated table. -->"
#: Characters of a default beyond which a list of every allowed name is written ``all N``.
LONG = 60
HEADER = "| key | default | what it does | reruns |\n| --- | --- | --- | --- |"


def rows(document: dict) -> list[tuple[str, str, str, str]]:
    """One ``(key, default, what it does, reruns)`` a key of the config, in the schema's order;
    keys of sibling sections alike in all but the section's name are one row, the sections
    named in braces (``detector.params.{mtcnn,haar}.scale``)."""
    flat: list[tuple[list[str], str, str, str]] = []
    _walk(document, document, [], None, flat)
    merged: dict[tuple, list[str]] = {}  # what makes a row -> its sections' names
    for path, default, text, reruns in flat:
        row = (tuple(path[:-2]), path[-1], default, text, reruns)
        merged.setdefault(row, []).extend(path[-2:-1])
    table = []
    for (parent, leaf, default, text, reruns), sections in merged.items():
        if len(sections) > 1:
            sections = ["{" + ",".join(sections) + "}"]
        table.append((".".join([*parent, *sections, leaf]), default, text, reruns))
    return table


def _walk(node: dict, document: dict, path: list[str], reruns: str | None, out: list) -> None:
    """Every key under the section ``node`` (at ``path``) into ``out``, with its reruns or the
    nearest section's (``reruns``)."""
    for key, value in _properties(node, document).items():
        where = [*path, key]
        mine = value.get("x-reruns", reruns)
        if value.get("type") == "object" and ("properties" in value or "$ref" in value):
            _walk(value, document, where, mine, out)
            continue
        name = ".".join(where)
        if "description" not in value or mine is None:
            raise ValueError(f"{SCHEMA}: {name} has no description or no x-reruns")
        text = " ".join(value["description"].split())
        if "|" in text:
            raise ValueError(f"{SCHEMA}: {name}'s description has a '|', which ends a table cell")
        out.append((where, _default(value), text, mine))


def _default(node: dict) -> str:
    """The default as the config would write it, or ``all N`` for a list of every allowed name
    too long for the table (``features.quality.names``)."""
    default = node["default"]
    text = yaml.safe_dump(default, default_flow_style=True, width=float("inf"))
    text = text.removesuffix("...\n").strip()
    if len(text) > LONG and default == node.get("items", {}).get("enum"):
        return f"all {len(default)}"
    return f"`{text}`"


def table(document: dict) -> str:
    """The README's table of ``document`` (the schema), its header first."""
    lines = [
        f"| `{key}` | {default} | {text} | {reruns} |"
        for key, default, text, reruns in rows(document)
    ]
    return "\n".join([HEADER, *lines])


def with_table(readme: str, document: dict) -> str:
    """``readme`` with the table between :data:`BEGIN` and :data:`END` the schema's."""
    start, end = readme.find(BEGIN), readme.find(END)
    if start < 0 or end < start:
        raise ValueError(f"{README}: no lines {BEGIN!r} and {END!r} to put the table between")
    return f"{readme[: start + len(BEGIN)]}\n{table(document)}\n{readme[end:]}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m dfscope.config.docs", description=__doc__)
    parser.add_argument("--schema", type=Path, default=SCHEMA)
    parser.add_argument("--readme", type=Path, default=README)
    parser.add_argument("--check", action="store_true", help="write nothing; fail if it differs")
    args = parser.parse_args(argv)
    readme = args.readme.read_text(encoding="utf-8")
    wanted = with_table(readme, yaml.safe_load(args.schema.read_text(encoding="utf-8")))
    if wanted == readme:
        return 0
    if args.check:
        print(f"{args.readme}: the table is not the schema's: run python -m dfscope.config.docs")
        return 1
    args.readme.write_text(wanted, encoding="utf-8")
    print(f"{args.readme}: table written from {args.schema}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
