"""The workflow on real footage: GHOST's real clip and three real face swaps of it.

The clip and its swaps are arranged into the DeepfakeTIMIT/VidTIMIT layout in a temporary
folder (the original as a VidTIMIT frame folder, the fakes linked as
``lower_quality/ghost0/sa1-video-<name>.mp4``) and the workflow runs on it with
``config/real_pairs.yaml``, as a user runs it on a folder of real pairs. One swap pair cannot
be cross-validated over pairs, so its classifier is trained on the built-in sample's study.
The same clips are then read as FaceForensics++ lays them out (the original a video file) and
as a CSV list of unlabelled videos, with no original at all.
"""

from __future__ import annotations

from pathlib import Path

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
        # Lossless (PNG in VidTIMIT's extensionless names): the pixels of the .mp4 itself, as the
        # FF++ layout's run below reads them.
        ok, data = cv2.imencode(".png", frame)
        (frames / f"{index:03d}").write_bytes(data.tobytes())
    fakes = root / "DeepfakeTIMIT/lower_quality/ghost0"
    fakes.mkdir(parents=True)
    for name in FAKES:
        (fakes / f"sa1-video-{name}.mp4").symlink_to(ghost / f"{name}.mp4")
    config = yaml.safe_load((REPO / "config/real_pairs.yaml").read_text())
    config["dataset"] |= {
        "root": str(root / "DeepfakeTIMIT"),
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
        figures = sorted(of_video(ghost_run, "results/plots/mtcnn/compare", fake).glob("*.jpg"))
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


def study(root: Path, dataset: dict, train_on: Path) -> Path:
    """Run the workflow for ``dataset`` (a config's dataset section) in ``root``, its classifier
    trained on the frame table ``train_on``."""
    config = {"dataset": dataset, "classifier": {"train_on": str(train_on)}}
    (root / "config").mkdir(parents=True)
    (root / "config/config.yaml").write_text(yaml.safe_dump(config))
    snakemake(root)
    return root


@pytest.fixture(scope="module")
def ghost_faceforensics(tmp_path_factory, run):
    """GHOST in FaceForensics++ layout: the original a video file, each swap a fake of it."""
    ghost = shared("media/ghost")
    root = tmp_path_factory.mktemp("ghost_ff")
    originals = root / "data/original_sequences/youtube/c23/videos"
    fakes = root / "data/manipulated_sequences/Deepfakes/c23/videos"
    originals.mkdir(parents=True)
    fakes.mkdir(parents=True)
    (originals / "000.mp4").symlink_to(ghost / "orig.mp4")
    for n, name in enumerate(FAKES, start=1):
        (fakes / f"000_{n:03d}.mp4").symlink_to(ghost / f"{name}.mp4")
    dataset = {"layout": "faceforensics", "root": str(root / "data")}
    return study(root, dataset, run[0] / "results/tables/mtcnn/frames.parquet")


def test_the_faceforensics_layout_gives_the_same_faces_and_paired_metrics(
    ghost_faceforensics, ghost_run
):
    ids = {"ff-real-c23-000": "real-ghost0-sa1"} | {
        f"ff-deepfakes-c23-000-{n:03d}": f"lq-ghost0-sa1-{name}"
        for n, name in enumerate(FAKES, start=1)
    }
    frames = pd.read_parquet(ghost_faceforensics / "results/tables/mtcnn/frames.parquet")
    assert sorted(frames.video.unique()) == sorted(ids)
    assert frames.groupby("video").size().eq(66).all() and (frames.face >= 0).all()
    assert set(frames.group) == {"real", "Deepfakes"}
    there = pd.read_parquet(ghost_run / "results/tables/mtcnn/frames.parquet")
    measures = ["face", "mse", "ssim", "ssim_colour", "n_regions", "face_noise_ratio"]
    here = frames.assign(video=frames.video.map(ids)).set_index(["video", "frame"])[measures]
    pd.testing.assert_frame_equal(
        here.sort_index(), there.set_index(["video", "frame"])[measures], check_index_type=False
    )


@pytest.fixture(scope="module")
def ghost_unlabelled(tmp_path_factory, run):
    """The three swaps as a CSV list without labels or an original: a folder to be scored."""
    ghost = shared("media/ghost")
    root = tmp_path_factory.mktemp("ghost_list")
    (root / "data").mkdir()
    for name in FAKES:
        (root / "data" / f"{name}.mp4").symlink_to(ghost / f"{name}.mp4")
    lines = ["path,label"] + [f"{name}.mp4," for name in FAKES]
    (root / "data/videos.csv").write_text("\n".join(lines) + "\n")
    dataset = {"layout": "table", "root": str(root / "data/videos.csv")}
    return study(root, dataset, run[0] / "results/tables/mtcnn/frames.parquet")


def test_unlabelled_videos_without_an_original_are_each_scored(ghost_unlabelled):
    frames = pd.read_parquet(ghost_unlabelled / "results/tables/mtcnn/frames.parquet")
    assert frames.label.isna().all() and set(frames.group) == {"unlabelled"}
    assert frames.groupby("video").size().eq(66).all() and (frames.face >= 0).mean() > 0.95
    assert "ssim" not in frames or frames.ssim.isna().all()  # no original: nothing paired
    scores = pd.read_parquet(
        ghost_unlabelled / "results/metrics/mtcnn/classifier/video_scores.parquet"
    )
    assert sorted(scores.video) == [f"table-{name}" for name in FAKES]
    assert scores.score.notna().all() and scores.label.isna().all()
    assert (ghost_unlabelled / "results/plots/mtcnn/scores.png").read_bytes()[:4] == b"\x89PNG"
    assert not list((ghost_unlabelled / "results/plots/mtcnn").glob("compare/*"))


#: Frames of the two-person clips: enough for tracks and figures, few enough to stay quick.
TWO_FRAMES = 30


def side_by_side(left: Path, right: Path, n: int) -> list[np.ndarray]:
    """``n`` frames of two real clips put side by side at GRID's height (288 px): two people in
    one frame, as a DFDC clip of two speakers has them."""
    frames = []
    for a, b in zip(iter_video(left), iter_video(right), strict=False):
        frames.append(np.hstack([cv2.resize(a, (240, 288), interpolation=cv2.INTER_AREA), b]))
        if len(frames) == n:
            break
    return frames


@pytest.fixture(scope="module")
def two_people(tmp_path_factory, run):
    """GHOST beside a GRID speaker, as a VidTIMIT-style original (a PNG frame folder), and the
    same with GHOST's face swapped (``elon``) as its fake (lossless FFV1, so that the GRID side
    is the original's pixels): one fake face and one real face in each of the fake's frames.
    Run with ``detector.faces: all``, the classifier trained on the sample's study."""
    ghost, grid = shared("media/ghost"), shared("media/grid")
    root = tmp_path_factory.mktemp("two_people")
    frames = root / "VidTIMIT/pair0/video/sa1"
    frames.mkdir(parents=True)
    for index, frame in enumerate(
        side_by_side(ghost / "orig.mp4", grid / "bbaf2n.mpg", TWO_FRAMES), start=1
    ):
        ok, data = cv2.imencode(".png", frame)
        (frames / f"{index:03d}").write_bytes(data.tobytes())
    fakes = root / "DeepfakeTIMIT/lower_quality/pair0"
    fakes.mkdir(parents=True)
    fake = side_by_side(ghost / "elon.mp4", grid / "bbaf2n.mpg", TWO_FRAMES)
    writer = cv2.VideoWriter(
        str(fakes / "sa1-video-elon.avi"), cv2.VideoWriter_fourcc(*"FFV1"), 25, (600, 288)
    )
    for frame in fake:
        writer.write(frame)
    writer.release()
    config = {
        "dataset": {"root": str(root / "DeepfakeTIMIT"), "originals_root": str(root / "VidTIMIT")},
        "detector": {"faces": "all"},
        "classifier": {"train_on": str(run[0] / "results/tables/mtcnn/frames.parquet")},
    }
    (root / "two.yaml").write_text(yaml.safe_dump(config))
    snakemake(root, "--configfile", str(root / "two.yaml"))
    return root


def test_each_of_two_people_is_tracked_on_its_side_through_the_clip(two_people):
    for video in ("real-pair0-sa1", "lq-pair0-sa1-elon"):
        faces = pd.read_parquet(of_video(two_people, "results/faces/mtcnn", video, ".parquet"))
        faces = faces[faces.face_id >= 0]
        centre = faces.x + faces.w / 2
        side = (centre > 240).groupby(faces.face_id).agg(["min", "max", "size"])
        # Two identities, each on one side of the seam in every frame it has, in nearly all.
        assert len(side) == 2 and (side["min"] == side["max"]).all(), side
        assert side["min"].nunique() == 2 and (side["size"] >= TWO_FRAMES - 2).all(), side
        crops = {path.name for path in of_video(two_people, "results/faces/mtcnn", video).iterdir()}
        assert crops == set(faces.crop), video
    videos = pd.read_parquet(two_people / "results/tables/mtcnn/videos.parquet")
    assert videos.identities.tolist() == [2, 2]
    problems = pd.read_csv(two_people / "results/tables/mtcnn/problems.csv")
    assert not problems.problem.str.contains("several faces").any()  # every one was kept


def test_the_swapped_face_differs_from_its_original_and_the_untouched_one_does_not(two_people):
    paired = pd.read_parquet(
        of_video(two_people, "results/metrics/mtcnn/paired", "lq-pair0-sa1-elon", ".parquet")
    )
    faces = pd.read_parquet(
        of_video(two_people, "results/faces/mtcnn", "lq-pair0-sa1-elon", ".parquet")
    )
    paired = paired[paired.paired].merge(faces[["frame", "face_id", "x", "w"]])
    swapped = (paired.x + paired.w / 2) < 240
    assert swapped.sum() >= TWO_FRAMES - 2 and (~swapped).sum() >= TWO_FRAMES - 2
    # The GRID side is the original's own pixels (lossless): SSIM 1; the swapped side is not.
    assert paired.ssim[~swapped].min() > 0.999, paired.ssim[~swapped].describe()
    assert paired.ssim[swapped].mean() < 0.95 and paired.mse[swapped].min() > 1
    figures = of_video(two_people, "results/plots/mtcnn/compare", "lq-pair0-sa1-elon")
    assert len(list(figures.glob("frame_*.jpg"))) == 3


def test_a_videos_score_is_its_most_suspicious_faces(two_people, run):
    """The video score is each face's frame scores pooled (mean), then the maximum over faces:
    recomputed here from the frame table and the saved model."""
    import joblib

    frames = pd.read_parquet(two_people / "results/tables/mtcnn/frames.parquet")
    saved = joblib.load(two_people / "results/models/mtcnn/fold_0.joblib")
    faced = frames[frames.face >= 0].copy()
    faced["score"] = saved["model"].decision_function(faced[saved["features"]])
    per_face = faced.groupby(["video", "face_id"]).score.mean()
    expected = per_face.groupby(level="video").max()
    scores = pd.read_parquet(two_people / "results/metrics/mtcnn/classifier/video_scores.parquet")
    scores = scores.set_index("video").score
    np.testing.assert_allclose(scores.sort_index(), expected.sort_index(), rtol=1e-9)
    assert per_face.groupby(level="video").size().tolist() == [2, 2]
