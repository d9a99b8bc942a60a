"""The report's folder, made before Snakemake writes the report (the report itself is held in
tests/test_workflow.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from dfscope.report import make_report_folder, report_file


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (["snakemake", "--report", "reports/r.html"], "reports/r.html"),
        (["snakemake", "--report=reports/r.zip", "--cores", "2"], "reports/r.zip"),
        (["snakemake", "--report-html-path", "/tmp/x/r.html"], "/tmp/x/r.html"),
        (["snakemake", "--report", "--cores", "2"], None),  # Snakemake's default file
        (["snakemake", "--report"], None),
        (["snakemake", "--cores", "2", "--directory", "study"], None),
    ],
)
def test_the_report_file_is_read_from_the_command_line(argv, expected):
    assert report_file(argv) == (None if expected is None else Path(expected))


def test_the_reports_folder_is_made_in_the_study_folder(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    make_report_folder(["snakemake", "--report", "reports/2026/report.html"])
    assert (tmp_path / "reports/2026").is_dir() and not (
        tmp_path / "reports/2026/report.html"
    ).exists()
    make_report_folder(["snakemake", "--cores", "2"])
