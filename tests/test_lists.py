"""The workflow on CSV lists of videos as a new user writes them: two columns, any file names,
fakes without originals or truncated, a list without fakes.

Each list holds videos of the generated sample re-encoded under the names a user's folders
have; the Haar detector keeps the runs short. Every run must end with rc 0 and say, in its
tables, what it could and could not measure.
"""

from __future__ import annotations

import json
from pathlib import Path

import cv2
import numpy as np
import pandas as pd
import pytest
import yaml

from dfscope.sample import SampleSpec, generate
from dfscope.video import open_source

from .conftest import snakemake

pytestmark = pytest.mark.integration


def _write(source: str, target: Path, *, fourcc: str = "mp4v", frames: int | None = None) -> None:
    """The sample video ``source`` (file or frame folder) as ``target``, its first ``frames``."""
    images = list(open_source(source)[0])[:frames]
    target.parent.mkdir(parents=True, exist_ok=True)
    height, width = images[0].shape[:2]
    writer = cv2.VideoWriter(str(target), cv2.VideoWriter_fourcc(*fourcc), 25, (width, height))
    for image in images:
        writer.write(image)
    writer.release()


def _study(base: Path, listing: str, **config) -> tuple[Path, object]:
    """Run the workflow on the list ``listing`` (written to ``base/data/videos.csv``)."""
    (base / "data/videos.csv").write_text(listing, encoding="utf-8")
    settings = {
        "dataset": {"layout": "table", "root": str(base / "data/videos.csv")},
        "detector": {"name": "haar"},
        "classifier": {"n_boot": 100},
    } | config
    (base / "study/config").mkdir(parents=True)
    (base / "study/config/config.yaml").write_text(yaml.safe_dump(settings))
    return base / "study", snakemake(base / "study")


@pytest.fixture(scope="module")
def sample(tmp_path_factory):
    """The sample's videos by id (one swap pair, one sentence, 12 frames)."""
    root = tmp_path_factory.mktemp("sample")
    table = generate(SampleSpec(subjects=("fcol0", "fhop0"), sentences=("sa1",), n_frames=12), root)
    return table.set_index("video").path


@pytest.fixture(scope="module")
def minimal(tmp_path_factory, sample):
    """A list of two columns, path and label, with fakes and names of every kind."""
    base = tmp_path_factory.mktemp("minimal")
    data = base / "data"
    _write(sample["real-fcol0-sa1"], data / "My Videos/clip 1.mp4")
    _write(sample["real-fhop0-sa1"], data / "GRID/Bbaf2n.mpg", fourcc="PIM1")  # MPEG-1, as GRID's
    _write(sample["lq-fcol0-sa1-fhop0"], data / "Vidéos/élon.MP4")
    _write(sample["hq-fhop0-sa1-fcol0"], data / "a,b/x.mp4")
    listing = (
        "path,label\nMy Videos/clip 1.mp4,real\nGRID/Bbaf2n.mpg,real\nVidéos/élon.MP4,fake\n"
        '"a,b/x.mp4",fake\n'
    )
    return _study(base, listing)


def test_any_name_and_container_makes_an_id(minimal):
    """Names with spaces, accents and commas were refused (``cannot be part of an id``), and
    ``.MP4`` and ``.mpg`` (GRID's own clips) were not video files."""
    workdir, _ = minimal
    videos = pd.read_parquet(workdir / "results/tables/videos.parquet")
    assert sorted(videos.video) == [
        "table-a-b-x",
        "table-grid-bbaf2n",
        "table-my-videos-clip-1",
        "table-videos-elon",
    ]
    assert pd.read_csv(workdir / "results/tables/skipped_inputs.csv").empty
    frames = pd.read_parquet(workdir / "results/tables/haar/frames.parquet")
    assert frames.groupby("video").size().eq(12).all() and (frames.face >= 0).mean() > 0.9


def test_a_list_of_path_and_label_with_fakes_without_originals_runs_to_the_end(minimal):
    """It crashed at planning (``KeyError: 'original'``); then its plots crashed (``KeyError:
    'mse'``): no fake has an original, so nothing is paired, and the figure says so."""
    workdir, result = minimal
    assert "dfscope finished" in result.stdout
    figure = workdir / "results/plots/haar/paired_hist.png"
    assert figure.read_bytes()[:4] == b"\x89PNG"
    scores = pd.read_parquet(workdir / "results/metrics/haar/classifier/video_scores.parquet")
    assert len(scores) == 4 and scores.score.notna().all()
    # Every video is its own cohort: the inner folds cannot tune, and the table says so.
    table = pd.read_csv(workdir / "results/tables/haar/classifier.csv")
    assert table.hyperparameters.str.contains("fixed: inner fold").all()
    assert "tuned" not in table.hyperparameters[0]


@pytest.fixture(scope="module")
def truncated(tmp_path_factory, sample):
    """A list with an original and a fake of it cut to 5 of its 12 frames, 4 frames kept."""
    base = tmp_path_factory.mktemp("truncated")
    data = base / "data"
    _write(sample["real-fcol0-sa1"], data / "real/a.mp4")
    _write(sample["lq-fcol0-sa1-fhop0"], data / "fake/a_b.mp4", frames=5)
    _write(sample["real-fhop0-sa1"], data / "real/b.mp4")
    _write(sample["lq-fhop0-sa1-fcol0"], data / "fake/b_a.mp4")
    listing = (
        "path,label,original\nreal/a.mp4,real,\nfake/a_b.mp4,fake,real/a.mp4\n"
        "real/b.mp4,real,\nfake/b_a.mp4,fake,real/b.mp4\n"
    )
    return _study(base, listing, frames={"count": 4})


def test_a_fake_shorter_than_its_original_is_reported_and_keeps_its_frame_numbers(truncated):
    """Where the layout gives no frame count, a fake cut short had ``count_ok: null`` and no
    problem row, and ``frames.count`` spread its kept frames over its own length (1, 2, 4, 5
    instead of the original's 1, 5, 8, 12): only frame 1 could be paired."""
    workdir, _ = truncated
    batch = "table-real-a"  # its original's subject, which is the original's own id

    def manifest(video):
        return json.loads((workdir / f"results/manifests/{batch}/{video}.json").read_text())

    original, fake = manifest("table-real-a"), manifest("table-fake-a-b")
    assert original["kept"] == [1, 5, 8, 12] and original["n_expected"] == 12  # its container's
    assert original["expected_from"] == "its container" and original["count_ok"]
    assert fake["n_decoded"] == 5 and fake["n_expected"] == 12 and fake["count_ok"] is False
    assert fake["expected_from"] == "its original table-real-a" and fake["kept"] == [1, 5]
    problems = pd.read_csv(workdir / "results/tables/haar/problems.csv")
    assert problems.set_index("video").problem["table-fake-a-b"] == (
        "decoded 5 of 12 frames (paired by number)"
    )
    frames = pd.read_parquet(workdir / "results/tables/haar/frames.parquet")
    assert frames[frames.video == "table-fake-a-b"].paired.tolist() == [True, True]


@pytest.fixture(scope="module")
def reals_only(tmp_path_factory, sample):
    base = tmp_path_factory.mktemp("reals")
    _write(sample["real-fcol0-sa1"], base / "data/a.mp4")
    _write(sample["real-fhop0-sa1"], base / "data/b.mp4")
    return _study(base, "path,label\na.mp4,real\nb.mp4,real\n")


def test_a_list_without_fakes_says_so_at_the_start_and_makes_all_else(reals_only):
    """It ran every job and failed at the classifier with "use fewer folds", which cannot help."""
    workdir, result = reals_only
    assert "classifier: the dataset has no fake video with a label (2 real, 0 fake" in (
        result.stderr
    )
    assert result.stderr.index("the dataset has no fake") < result.stderr.index("rule frames")
    assert not (workdir / "results/tables/haar/classifier.csv").exists()
    assert "classifier (AUC/EER, CIs)" not in result.stdout
    for made in ("tables/haar/feature_auc.csv", "plots/haar/roc.png", "tables/haar/videos.parquet"):
        assert (workdir / "results" / made).exists(), made


@pytest.fixture(scope="module")
def faceless(tmp_path_factory, sample):
    """A list in leave-one-out folds (each video its own cohort) with a fake in which no face
    can be found, alone in its fold, and a real video cut short of its container's length."""
    base = tmp_path_factory.mktemp("faceless")
    data = base / "data"
    names = ["real-fcol0-sa1", "real-fhop0-sa1", "lq-fcol0-sa1-fhop0", "hq-fcol0-sa1-fhop0"]
    names += ["lq-fhop0-sa1-fcol0", "hq-fhop0-sa1-fcol0"]
    for name in names:
        _write(sample[name], data / f"{name}.mp4")
    _write(sample["real-fcol0-sa1"], data / "cut.avi", fourcc="MJPG")
    whole = (data / "cut.avi").read_bytes()
    (data / "cut.avi").write_bytes(whole[: len(whole) // 2])  # a download that stopped
    blank = cv2.VideoWriter(
        str(data / "blank.mp4"), cv2.VideoWriter_fourcc(*"mp4v"), 25, (512, 384)
    )
    for _ in range(12):
        blank.write(np.full((384, 512, 3), 128, np.uint8))
    blank.release()
    listing = "path,label\n" + "".join(
        f"{name}.mp4,{'real' if name.startswith('real') else 'fake'}\n" for name in names
    )
    listing += "cut.avi,real\nblank.mp4,fake\n"
    return _study(base, listing, classifier={"n_boot": 100, "folds": 8}, cnn={"epochs": 2})


def test_a_fold_whose_only_test_video_has_no_face_stops_no_classifier(faceless):
    """A fold whose only test video had no face stopped classify, every ablation set, the
    controls and the CNN (``Found array with 0 sample(s)``; issue #29, case 5): that video gets
    no score, its row in problems.csv says why, and every other video is scored."""
    workdir, _ = faceless
    tables = workdir / "results/tables/haar"
    for made in ("classifier.csv", "cnn.csv", "controls.csv", "ablation.csv"):
        assert (tables / made).is_file(), made
    for kind in ("classifier", "cnn"):
        scores = pd.read_parquet(workdir / f"results/metrics/haar/{kind}/video_scores.parquet")
        unscored = scores.set_index("video").score.isna()
        assert unscored[unscored].index.tolist() == ["table-blank"], kind
    table = pd.read_csv(tables / "classifier.csv").set_index("level")
    assert (table.loc["video", "n_real"], table.loc["video", "n_fake"]) == (3, 4)
    problems = pd.read_csv(tables / "problems.csv").set_index("video").problem
    assert problems["table-blank"] == "no face in any of 12 frames"


def test_a_video_cut_short_of_its_containers_count_is_a_problem(faceless):
    """Its header said 12 frames and it decoded fewer: it was scored as a whole video with
    ``count_ok: null`` and no word (issue #29, case 3)."""
    workdir, _ = faceless
    problems = pd.read_csv(workdir / "results/tables/haar/problems.csv").set_index("video")
    manifest = json.loads(
        next((workdir / "results/manifests").glob("*/table-cut.json")).read_text()
    )
    assert manifest["count_ok"] is False and manifest["n_expected"] == 12
    assert 0 < manifest["n_decoded"] < 11
    assert problems.problem["table-cut"] == (
        f"decoded {manifest['n_decoded']} of the 12 frames its container states: cut short"
    )
