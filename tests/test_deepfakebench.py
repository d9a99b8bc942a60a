"""The DeepfakeBench export, read back as DeepfakeBench's loader reads it."""

from __future__ import annotations

import json
import os
from pathlib import Path

import cv2
import numpy as np
import pandas as pd
import pytest
import yaml

from dfscope import align, deepfakebench
from dfscope.columns import LANDMARK_COLUMNS
from dfscope.faces import detection_table
from dfscope.images import frame_name, write_image

#: Where the face's five landmarks are in each synthetic frame (frame pixels).
FACE = align.template_points(size=112) * 1.5 + (60, 40)


def synthetic_video(root: Path, video: str, n_frames: int, missing: tuple[int, ...] = ()):
    """A video's frames (a dot on each landmark), its 64 px crops and its detection table;
    the frames in ``missing`` have no face."""
    frames, crops = root / "frames" / video, root / "crops" / video
    frames.mkdir(parents=True)
    crops.mkdir(parents=True)
    square = (50, 30, 180)  # x0, y0, side: around the face
    rows = []
    for number in range(1, n_frames + 1):
        frame = np.full((288, 360, 3), 40, np.uint8)
        for x, y in FACE:
            cv2.circle(frame, (round(x), round(y)), 3, (255, 255, 255), -1)
        write_image(frames / frame_name(number, "png"), frame)
        row = {"frame": number, "face_id": -1, "n_faces": 0, "face": -1, "interpolated": False}
        if number not in missing:
            x0, y0, side = square
            crop = cv2.resize(frame[y0 : y0 + side, x0 : x0 + side], (64, 64))
            write_image(crops / frame_name(number, "png"), crop)
            row |= {"n_faces": 1, "face": 0, "face_id": 0, "confidence": 0.99, "x": 70, "y": 50}
            row |= {"w": 140}
            row |= {"h": 150, "crop_x": x0, "crop_y": y0, "crop_side": side}
            row |= {"crop": frame_name(number, "png")}
            row |= dict(zip(LANDMARK_COLUMNS, FACE.ravel(), strict=True))
        rows.append(row)
    return frames, crops, detection_table([{"video": video} | r for r in rows])


@pytest.fixture
def study(tmp_path):
    videos = pd.DataFrame(
        {
            "video": ["real-a-s1", "real-b-s1", "hq-a-s1-b", "lq-a-s1-b", "real-c-s1", "hq-c-s1-a"],
            "label": [0, 0, 1, 1, None, 1],
            "group": ["real", "real", "hq", "lq", "unlabelled", "hq"],
            "subject": ["a", "b", "a", "a", "c", "c"],
            "split": ["train", "test", "train", None, None, "val"],
        }
    )
    made = {v: synthetic_video(tmp_path, v, 4, missing=(2,)) for v in videos.video}
    made["hq-c-s1-a"] = synthetic_video(tmp_path / "none", "hq-c-s1-a", 2, missing=(1, 2))
    frames = {v: m[0] for v, m in made.items()}
    crops = {v: m[1] for v, m in made.items()}
    tables = {v: m[2] for v, m in made.items()}
    return videos, tables, crops, frames


def read_back(root: Path, name: str, config: dict, mode: str) -> list[dict]:
    """Frames of dataset ``name`` for ``mode`` as DeepfakeBench's abstract_dataset.py finds
    them: the JSON's label -> split (-> compression) -> video, labels through label_dict,
    frames sorted by the number of their name, paths starting with '.' taken from the
    DeepfakeBench root, landmark paths derived by replacing 'frames' and '.png'."""
    index = json.loads((root / config["dataset_json_folder"] / f"{name}.json").read_text())
    found = []
    for label in index[name]:
        videos = index[name][label][mode]
        if name in deepfakebench.COMPRESSED_NAMES:
            videos = videos[config["compression"]]
        for video, info in videos.items():
            paths = sorted(info["frames"], key=lambda p: int(p.split("/")[-1].split(".")[0]))
            assert all(p.startswith(".") for p in paths)
            for path in paths:
                image = cv2.imread(str(root / path))
                landmark = root / path.replace("frames", "landmarks").replace(".png", ".npy")
                found.append(
                    {
                        "video": video,
                        "label": config["label_dict"][info["label"]],
                        "frame": int(Path(path).stem),
                        "image": image,
                        "landmarks": np.load(landmark),
                    }
                )
    return found


def deepfakebench_root(tmp_path: Path, out: Path) -> Path:
    """A DeepfakeBench checkout as its README lays the data out: ``datasets/rgb`` and
    ``preprocessing/dataset_json``, here links into the export."""
    root = tmp_path / "DeepfakeBench"
    (root / "datasets").mkdir(parents=True)
    (root / "preprocessing").mkdir()
    os.symlink(out / "rgb", root / "datasets" / "rgb")
    os.symlink(out / "dataset_json", root / "preprocessing" / "dataset_json")
    return root


def loader_config(out: Path, **more) -> dict:
    labels = yaml.safe_load((out / "label_dict.yaml").read_text())["label_dict"]
    return {"dataset_json_folder": "./preprocessing/dataset_json", "label_dict": labels} | more


def test_an_exported_study_reads_back_as_deepfakebench_reads_it(tmp_path, study):
    videos, tables, crops, _ = study
    out = tmp_path / "export"
    deepfakebench.export(videos, tables, crops, out, name="TinyTIMIT")
    root = deepfakebench_root(tmp_path, out)
    config = loader_config(out)
    assert config["label_dict"] == {"TinyTIMIT_hq": 1, "TinyTIMIT_lq": 1, "TinyTIMIT_real": 0}

    train = read_back(root, "TinyTIMIT", config, "train")
    test = read_back(root, "TinyTIMIT", config, "test")
    # real-a and hq-a are train, real-b test; lq-a has no split: every split. real-c is
    # unlabelled, hq-c has no face: neither is listed.
    assert {(r["video"], r["label"]) for r in train} == {
        ("real-a-s1", 0),
        ("hq-a-s1-b", 1),
        ("lq-a-s1-b", 1),
    }
    assert {r["video"] for r in test} == {"real-b-s1", "lq-a-s1-b"}
    for rows in (train, test):
        for video in {r["video"] for r in rows}:
            assert [r["frame"] for r in rows if r["video"] == video] == [1, 3, 4]
    for row in train + test:
        assert row["image"].shape == (64, 64, 3)
        assert row["landmarks"].shape == (5, 2)
        # The landmarks are in crop pixels: the dots drawn on them are there in the crop.
        for x, y in row["landmarks"]:
            assert row["image"][round(y), round(x)].min() > 120


def test_every_label_has_every_split(tmp_path, study):
    videos, tables, crops, _ = study
    index = deepfakebench.export(videos, tables, crops, tmp_path / "out", name="TinyTIMIT")
    for label, splits in index["TinyTIMIT"].items():
        assert sorted(splits) == ["test", "train", "val"], label


def test_aligned_crops_put_the_landmarks_on_deepfakebenchs_template(tmp_path, study):
    videos, tables, crops, frames = study
    out = tmp_path / "export"
    deepfakebench.export(
        videos, tables, crops, out, name="FF-DF", frames=frames, compression="c23", num_frames=2
    )
    root = deepfakebench_root(tmp_path, out)
    rows = read_back(root, "FF-DF", loader_config(out, compression="c23"), "train")
    assert rows and all(r["image"].shape == (256, 256, 3) for r in rows)
    assert {r["frame"] for r in rows} == {1, 4}  # two of 1, 3, 4, evenly spaced
    target = align.template_points(size=256, scale=1.3)
    for row in rows:
        np.testing.assert_allclose(row["landmarks"], target, atol=1e-3)
        for x, y in target:
            assert row["image"][round(y), round(x)].min() > 120


@pytest.mark.parametrize(
    ("changes", "error"),
    [
        ({"prefix": "/data/rgb"}, "must start with '.'"),
        ({"name": "FF-DF"}, "'FF-DF' needs a compression level"),
        ({"compression": "c23"}, "'TinyTIMIT' takes no compression level"),
        ({"name": "myframes"}, "contain 'frames'"),
        ({"unsplit": "some"}, "unsplit: 'some'"),
    ],
)
def test_what_deepfakebench_cannot_read_is_refused(tmp_path, study, changes, error):
    videos, tables, crops, _ = study
    with pytest.raises(ValueError, match=error):
        deepfakebench.export(
            videos, tables, crops, tmp_path / "out", **{"name": "TinyTIMIT"} | changes
        )


@pytest.mark.integration
def test_the_deepfakebench_preset_runs_end_to_end_and_exports_what_the_loader_reads(tmp_path):
    """config/deepfakebench.yaml given with --configfile, as the docs tell a user, on a tiny
    dataset: dlib's detector, faces aligned at 256 px (the detection table holds each matrix,
    the paired step compares a fake with its original through the original's), 32 frames a
    video at most, and the export, read back by the loader's rules."""
    from .conftest import REPO, snakemake, tiny_dataset, write_config

    root, split = tiny_dataset(tmp_path / "data")
    dataset = {"root": str(root / "DeepfakeTIMIT"), "originals_root": str(root / "VidTIMIT")}
    write_config(
        tmp_path,
        dataset=dataset,
        classifier={"split": str(split), "n_boot": 100},
        cnn={"enabled": False},
        metrics={"mask": "hull"},
    )
    snakemake(tmp_path, "--configfile", str(REPO / "config/deepfakebench.yaml"))
    faces = pd.read_parquet(tmp_path / "results/faces/dlib/fcol0/real-fcol0-sa1.parquet")
    assert faces.crop_m00.notna().all() and faces.crop_side.isna().all()
    assert faces["shape"].map(len).eq(136).all()  # dlib's 68 points, x and y
    crop = cv2.imread(str(tmp_path / "results/faces/dlib/fcol0/real-fcol0-sa1/00001.png"))
    assert crop.shape == (256, 256, 3)
    frames = pd.read_parquet(tmp_path / "results/tables/dlib/frames.parquet")
    fakes = frames[frames.label == 1]
    assert fakes.paired.all() and fakes.ssim.between(0.2, 0.99).all()
    # Measured inside the hull of the original's 68 landmarks: every face was detected.
    assert fakes.abs_diff_face.notna().all() and fakes.abs_diff_surround.notna().all()
    out = tmp_path / "results/deepfakebench/dlib"
    index = json.loads((out / "dataset_json/dfscope.json").read_text())["dfscope"]
    assert sorted(index) == ["dfscope_HQ", "dfscope_LQ", "dfscope_real"]
    videos = {v for label in index.values() for v in label["train"]}
    assert len(videos) == 6
    for label, splits in index.items():
        for video, entry in splits["test"].items():
            assert entry["label"] == label and len(entry["frames"]) == 6, video
            for frame in entry["frames"]:
                path = out / "rgb" / frame.removeprefix("./datasets/rgb/")
                assert cv2.imread(str(path)).shape == (256, 256, 3), path
                landmarks = np.load(
                    str(path).replace("frames", "landmarks").replace(".png", ".npy")
                )
                assert landmarks.shape == (68, 2) and np.isfinite(landmarks).all()
                assert ((landmarks > -10) & (landmarks < 266)).all()  # on the face, in the crop
    labels = yaml.safe_load((out / "label_dict.yaml").read_text())["label_dict"]
    assert labels == {"dfscope_HQ": 1, "dfscope_LQ": 1, "dfscope_real": 0}
