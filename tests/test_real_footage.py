"""The workflow on real footage: GHOST's real clip and three real face swaps of it.

The clip and its swaps are arranged into the DeepfakeTIMIT/VidTIMIT layout in a temporary
folder (the original as a VidTIMIT frame folder, the fakes linked as
``lower_quality/ghost0/sa1-video-<name>.mp4``) and the workflow runs on it with
``config/real_pairs.yaml``, as a user runs it on a folder of real pairs. One swap pair cannot
be cross-validated over pairs, so its detector is trained on the built-in sample's study.
"""

from __future__ import annotations

import cv2
import numpy as np
import pandas as pd
import pytest
import yaml

from dfscope.video import iter_video

from .conftest import REPO, of_video, shared, snakemake

pytestmark = pytest.mark.integration
FAKES = ("elon", "khabenskii", "mark")


@pytest.fixture(scope="module")
def ghost_run(tmp_path_factory, run):
    ghost = shared("media/ghost")
    root = tmp_path_factory.mktemp("ghost")
    frames = root / "VidTIMIT/ghost0/video/sa1"
    frames.mkdir(parents=True)
    for index, frame in enumerate(iter_video(ghost / "orig.mp4"), start=1):
        ok, data = cv2.imencode(".jpg", frame, [cv2.IMWRITE_JPEG_QUALITY, 95])
        (frames / f"{index:03d}").write_bytes(data.tobytes())
    fakes = root / "DeepfakeTIMIT/lower_quality/ghost0"
    fakes.mkdir(parents=True)
    for name in FAKES:
        (fakes / f"sa1-video-{name}.mp4").symlink_to(ghost / f"{name}.mp4")
    config = yaml.safe_load((REPO / "config/real_pairs.yaml").read_text())
    config["dataset"] |= {
        "fakes_root": str(root / "DeepfakeTIMIT"),
        "originals_root": str(root / "VidTIMIT"),
    }
    config["classifier"]["train_on"] = str(run[0] / "results/tables/mtcnn/frames.parquet")
    (root / "ghost.yaml").write_text(yaml.safe_dump(config))
    snakemake(root, "--configfile", str(root / "ghost.yaml"))
    return root


def test_every_frame_of_the_real_clips_has_its_face(ghost_run):
    frames = pd.read_parquet(ghost_run / "results/tables/mtcnn/frames.parquet")
    assert sorted(frames.video.unique()) == [
        "lq-ghost0-sa1-elon",
        "lq-ghost0-sa1-khabenskii",
        "lq-ghost0-sa1-mark",
        "real-ghost0-sa1",
    ]
    assert frames.groupby("video").size().eq(66).all()
    assert (frames.face >= 0).mean() > 0.95


def test_changed_regions_of_the_real_swaps_fall_on_the_face(ghost_run):
    faces = pd.read_parquet(
        of_video(ghost_run, "results/faces/mtcnn", "real-ghost0-sa1", ".parquet")
    )
    faces = faces.set_index("frame")
    for name in FAKES:
        fake = f"lq-ghost0-sa1-{name}"
        paired = pd.read_parquet(
            of_video(ghost_run, "results/metrics/mtcnn/paired", fake, ".parquet")
        )
        paired = paired[paired.paired & (paired.n_regions > 0)].set_index("frame")
        assert len(paired) > 50, name
        det = faces.loc[paired.index]
        scale = 128 / det.crop_side
        x0, y0 = (det.x - det.crop_x) * scale, (det.y - det.crop_y) * scale
        x1, y1 = x0 + det.w * scale, y0 + det.h * scale
        inside = paired.region_cx.between(x0, x1) & paired.region_cy.between(y0, y1)
        assert inside.mean() > 0.9, (
            f"{name}: largest change off the face in {(~inside).sum()} frames"
        )
        # The swap changes the face, not the rest: differences concentrate inside the face ellipse.
        assert (paired.abs_diff_face > 2 * paired.abs_diff_surround).mean() > 0.9, name


def test_comparison_figures_for_the_real_swaps(ghost_run):
    for name in FAKES:
        fake = f"lq-ghost0-sa1-{name}"
        figures = sorted(of_video(ghost_run, "results/plots/mtcnn/compare", fake).glob("*.png"))
        assert len(figures) == 3
        image = cv2.imread(str(figures[0]))
        assert image is not None and image.shape[1] > 1000 and np.std(image) > 10


def test_the_classifier_trained_on_the_sample_scores_the_real_swaps_above_the_original(ghost_run):
    scores = pd.read_parquet(ghost_run / "results/metrics/mtcnn/classifier/video_scores.parquet")
    scores = scores.set_index("video").score
    original = scores.pop("real-ghost0-sa1")
    assert len(scores) == 3 and (scores > original).all(), (original, scores.to_dict())
    table = pd.read_csv(ghost_run / "results/tables/mtcnn/classifier.csv").set_index("level")
    assert table.loc["video", "auc"] == 1.0 and table.loc["video", "n_real"] == 1
