"""The workflow on the sample written in every dataset layout, as a user runs it on that dataset.

The sample (2 swap pairs, one sentence, 6 frames) is written by each layout's sample writer in
its tree and read with ``dataset.layout`` set to it; the Haar detector keeps each run
short. What differs between layouts is checked on the tables: the groups, which fakes are
measured against an original, and which videos are scored without a label.
"""

from __future__ import annotations

import pandas as pd
import pytest
import yaml

from dfscope.layouts import group_order
from dfscope.sample import SampleSpec
from dfscope.sample_layouts import in_layout

from .conftest import snakemake

pytestmark = pytest.mark.integration
SPEC = SampleSpec(sentences=("sa1",), n_frames=6)  # fcol0-fhop0 and fcol1-fhop1: 12 videos
#: Per layout: the groups of fakes, and whether the study has unlabelled videos.
EXPECTED = {
    "deepfaketimit": ({"LQ", "HQ"}, False),
    "faceforensics": ({"LQ", "HQ"}, False),
    "celebdf": ({"Celeb-synthesis"}, False),
    "dfdc": ({"FAKE"}, False),
    "table": ({"LQ"}, True),  # its sample lists the HQ fakes without a label
}


@pytest.fixture(scope="module", params=sorted(EXPECTED))
def layout_run(request, tmp_path_factory):
    """The study of the sample in one layout: (layout, workdir, Snakemake's result)."""
    name = request.param
    base = tmp_path_factory.mktemp(name)
    options = in_layout(name, SPEC, base / "data")
    config = {
        "dataset": {"layout": name} | {k: str(v) for k, v in options.items()},
        "detector": {"name": "haar"},
        "classifier": {"n_boot": 100},
        # The CNN's folds are the classifier's (dfscope.classifier.splits): trained on the one
        # layout whose cohorts are not people (dfdc's: an original and its fakes), off elsewhere
        # to keep CI short; so is the background control.
        "cnn": {"enabled": name == "dfdc"},
        "controls": {"background": {"enabled": False}},
    }
    (base / "study/config").mkdir(parents=True)
    (base / "study/config/config.yaml").write_text(yaml.safe_dump(config))
    return name, base / "study", snakemake(base / "study")


def test_each_layout_gives_its_groups_pairs_and_scores(layout_run):
    name, workdir, result = layout_run
    groups, unlabelled = EXPECTED[name]
    videos = pd.read_parquet(workdir / "results/tables/videos.parquet")
    assert set(videos.group[videos.label == 1]) == groups
    assert videos.label.isna().any() == unlabelled
    frames = pd.read_parquet(workdir / "results/tables/haar/frames.parquet")
    # Paired rows only for fakes whose original is in the study, every frame of those.
    with_original = videos.video[videos.original.isin(videos.video)]
    measured = frames[frames.paired].video.unique()
    assert len(with_original) and set(measured) <= set(with_original)
    assert not frames.paired[~frames.video.isin(with_original)].any()
    # Every video gets a score, the unlabelled too; ROC tables hold the labelled groups only.
    scores = pd.read_parquet(workdir / "results/metrics/haar/classifier/video_scores.parquet")
    assert set(scores.video) == set(videos.video) and scores.score.notna().mean() > 0.9
    aucs = pd.read_csv(workdir / "results/tables/haar/feature_auc.csv")
    assert set(aucs.group) == groups
    problems = pd.read_csv(workdir / "results/tables/haar/problems.csv")
    assert problems[problems.stage == "dataset"].empty, problems
    listed = " and ".join(group_order(name, groups))  # DeepfakeTIMIT's LQ first, then by name
    assert f"ROC curves ({listed}):" in result.stdout


def test_a_fold_holds_what_the_layout_says_belongs_together(layout_run):
    name, workdir, _ = layout_run
    scores = pd.read_parquet(workdir / "results/metrics/haar/classifier/video_scores.parquet")
    videos = pd.read_parquet(workdir / "results/tables/videos.parquet").set_index("video")
    fold = scores.set_index("video").fold
    if name == "dfdc":  # no people named: an original clip with its fakes, nothing more
        together = videos.original.fillna(pd.Series(videos.index, index=videos.index))
    else:  # both people of a swap pair (the sample's speaker is in every subject id)
        together = videos.subject.str.extract(r"(f\w{3}\d)")[0].map(pair_of)
    for _, part in fold.groupby(together.reindex(fold.index)):
        assert part.nunique() == 1, part
    assert fold.nunique() > 1


def pair_of(person: str) -> str:
    """The sample's swap pair of a speaker: fcol0 and fhop0, fcol1 and fhop1."""
    return person[-1]
