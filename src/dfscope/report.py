"""The Snakemake report of a study: its file's folder is made before Snakemake writes it.

Snakemake's HTML reporter opens the report file as given and fails with FileNotFoundError
where its folder does not exist yet (``snakemake --report reports/report.html`` in a study
whose ``reports/`` is new). The path is on the command line only: the Snakefile reads it there.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

#: The options that name the report's file (``--report FILE``, ``--report-html-path FILE``).
REPORT_OPTIONS = ("--report", "--report-html-path")


def report_file(argv: Sequence[str]) -> Path | None:
    """The report file a Snakemake command line ``argv`` asks for, or None (no report, or
    ``--report`` without a file: Snakemake's default, in the study's own folder)."""
    for i, arg in enumerate(argv):
        option, given, value = arg.partition("=")
        if option not in REPORT_OPTIONS:
            continue
        if given:
            return Path(value)
        following = argv[i + 1] if i + 1 < len(argv) else ""
        return Path(following) if following and not following.startswith("-") else None
    return None


def make_report_folder(argv: Sequence[str]) -> None:
    """Make the folder of the report file ``argv`` asks for (relative paths: in the study's
    folder, the working directory when the Snakefile is read), where it is missing."""
    path = report_file(argv)
    if path is not None:
        path.absolute().parent.mkdir(parents=True, exist_ok=True)
