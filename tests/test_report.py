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


def test_the_figures_the_report_embeds_are_small_and_drawn_again_to_the_same_bytes(tmp_path):
    """A comparison figure is a JPEG of some 50 KB (a PNG of it took 550 KB, issue #31), a chart
    a PNG in a 256-colour palette; neither holds a time stamp, so both are drawn again to the
    same file."""
    import matplotlib.pyplot as plt
    import numpy as np
    from PIL import Image

    from dfscope.comparison import changed_regions
    from dfscope.plots import save
    from dfscope.plots.compare import ComparisonFigure

    rng = np.random.default_rng(0)
    original = (rng.random((128, 128, 3)) * 255).astype(np.uint8)
    fake = original.copy()
    fake[40:90, 30:100] //= 2
    difference = np.abs(fake.astype(float) - original).mean(-1) / 255
    _, regions, _ = changed_regions(difference, threshold="otsu", min_area=0.002)
    figure = ComparisonFigure(128)
    for name in ("a.jpg", "b.jpg"):
        save(figure.draw(original, fake, difference, regions, "x"), tmp_path / name, close=False)
    plt.close(figure.fig)
    jpeg = (tmp_path / "a.jpg").read_bytes()
    assert jpeg[:3] == b"\xff\xd8\xff" and jpeg == (tmp_path / "b.jpg").read_bytes()
    with Image.open(tmp_path / "a.jpg") as image:
        assert image.size == (1020, 252)

    for name in ("a.png", "b.png"):  # a chart drawn twice from the same data
        values = np.random.default_rng(1).normal(size=(2, 500))
        fig, ax = plt.subplots(figsize=(5.5, 5))
        ax.hist(values[0], bins=25, alpha=0.45, color="tab:red")
        ax.hist(values[1] + 1, bins=25, alpha=0.45, color="tab:blue")
        save(fig, tmp_path / name)
    chart = (tmp_path / "a.png").read_bytes()
    assert chart == (tmp_path / "b.png").read_bytes() and b"tEXt" not in chart
    with Image.open(tmp_path / "a.png") as image:
        assert image.mode == "P" and image.size == (660, 600)
