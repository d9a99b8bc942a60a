"""The PyTorch port of MTCNN against the ``mtcnn`` package it was ported from."""

from __future__ import annotations

import re
import shutil

import numpy as np
import pandas as pd
import pytest

torch = pytest.importorskip(
    "torch", reason="the mtcnn_torch detector needs PyTorch (requirements.txt)"
)

from dfscope.detectors import FrameTooSmall, mtcnn_torch  # noqa: E402
from dfscope.sample import load_photo  # noqa: E402

from .conftest import detector, of_video, snakemake, write_config  # noqa: E402


@pytest.fixture(scope="module")
def ported():
    return detector("mtcnn_torch")


def photographs() -> list[np.ndarray]:
    """Faces at several places and sizes in one batch, and a frame with none."""
    photo = load_photo("astronaut")
    shifted = np.roll(photo, (37, -51), axis=(0, 1))
    small = np.zeros_like(photo)
    small[100:356, 200:456] = photo[::2, ::2]
    return [photo, photo[:, ::-1].copy(), shifted, np.zeros_like(photo), small]


def assert_same_faces(found, expected, atol=0.05):
    assert [len(f) for f in found] == [len(f) for f in expected]
    for faces, reference in zip(found, expected, strict=False):
        for face, ref in zip(faces, reference, strict=False):
            np.testing.assert_allclose(face.box, ref.box, atol=atol)
            np.testing.assert_allclose(face.landmarks, ref.landmarks, atol=atol)
            assert face.confidence == pytest.approx(ref.confidence, abs=1e-4)


def test_same_faces_as_the_mtcnn_package(mtcnn, ported):
    frames = photographs()
    expected = mtcnn.detect(frames)
    assert [len(f) for f in expected] == [1, 1, 1, 0, 1]  # the comparison is not vacuous
    assert_same_faces(ported.detect(frames), expected)


def test_frames_of_different_sizes_in_one_call(mtcnn, ported):
    # The package pads a mixed batch to its largest frame, which moves the boxes of the
    # smaller ones a little; the port runs each size as its own batch, i.e. as if alone.
    frames = [load_photo("grace_hopper"), load_photo("astronaut")]
    found = ported.detect(frames)
    assert_same_faces(found, [mtcnn.detect([frame])[0] for frame in frames])
    assert found[0][0].box != found[1][0].box


def test_suppression_is_the_package_rule_on_many_images(monkeypatch):
    from mtcnn.utils.bboxes import smart_nms_from_bboxes

    rng = np.random.default_rng(0)
    corner = rng.uniform(0, 80, (300, 2))
    rows = np.column_stack(
        [
            rng.integers(0, 7, 300),
            corner,
            corner + rng.uniform(5, 40, (300, 2)),
            rng.uniform(size=300),
        ]
    )
    monkeypatch.setattr(mtcnn_torch, "IOU_BLOCK", 3 * 64 * 64)  # several blocks of images
    for method, threshold in (("union", 0.5), ("min", 0.7)):
        kept = mtcnn_torch.suppress(torch.from_numpy(rows), 7, threshold, method).numpy()
        expected = smart_nms_from_bboxes(rows, threshold, method=method, initial_sort=True)
        assert 30 < len(kept) < 300
        key = np.lexsort((-expected[:, 5], expected[:, 0]))
        np.testing.assert_array_equal(kept, expected[key])


def test_area_resize_is_tensorflows():
    import tensorflow as tf

    image = np.random.default_rng(1).uniform(-1, 1, (2, 3, 61, 83)).astype(np.float32)
    ours = mtcnn_torch.resize_area(torch.from_numpy(image), 26, 35).numpy()
    theirs = tf.image.resize(image.transpose(0, 2, 3, 1), (26, 35), method="area").numpy()
    np.testing.assert_allclose(ours, theirs.transpose(0, 3, 1, 2), atol=1e-5)


def test_keras_same_pooling_pads_at_the_end():
    x = torch.arange(5.0).view(1, 1, 1, 5)
    np.testing.assert_array_equal(mtcnn_torch.SamePool(2, 2)(x).numpy().ravel(), [1, 3, 4])
    np.testing.assert_array_equal(mtcnn_torch.SamePool(3, 2)(x).numpy().ravel(), [1, 3, 4])


def test_frames_without_faces_or_too_small_for_the_pyramid(ported):
    assert ported.detect([np.zeros((384, 512, 3), np.uint8)] * 3) == [[], [], []]
    # Below min_face_size (20) at full size: no face fits, and the video, not the scale, is at
    # fault (halved, it would have no level in the pyramid: P-Net's window is 12 px).
    with pytest.raises(FrameTooSmall, match="frames of 16x16 px"):
        ported.detect([np.full((16, 16, 3), 128, np.uint8)])


@pytest.mark.skipif(torch.cuda.is_available(), reason="this machine has CUDA")
def test_cuda_without_a_gpu_is_a_clear_error():
    with pytest.raises(RuntimeError, match="device 'cuda' asked for, but PyTorch .* sees no CUDA"):
        detector("mtcnn_torch", device="cuda")


@pytest.mark.parametrize(("device", "gpus"), [("cpu", "gpu=0"), ("cuda", "gpu=1")])
def test_faces_jobs_ask_for_a_gpu_only_on_cuda(tmp_path, device, gpus):
    write_config(
        tmp_path, detector={"name": "mtcnn_torch", "params": {"mtcnn_torch": {"device": device}}}
    )
    plan = snakemake(tmp_path, "-n").stdout
    faces = [job for job in plan.split("rule ")[1:] if job.startswith("faces:")]
    asked = [re.search(r"resources: .*\b(gpu=\d+)", job)[1] for job in faces]
    assert len(faces) == 4 and set(asked) == {gpus}  # one job per batch: a subject's videos


@pytest.mark.integration
def test_the_workflow_runs_it_and_gets_the_mtcnn_tables(run, tmp_path):
    """The faces rule with ``mtcnn_torch`` (a wildcard away from the default) on sample videos.

    On a copy of the session's study (mtimes kept, so nothing upstream reruns): other tests
    compare that study's whole results folder with a run of the default config.
    """
    workdir = tmp_path / "study"
    shutil.copytree(run[0], workdir, symlinks=True)
    snakemake(workdir, "results/faces/mtcnn_torch/fcol0")  # the batch of fcol0's videos
    for video in ["hq-fcol0-sa1-fhop0", "real-fcol0-sa1"]:
        ported = pd.read_parquet(of_video(workdir, "results/faces/mtcnn_torch", video, ".parquet"))
        reference = pd.read_parquet(of_video(workdir, "results/faces/mtcnn", video, ".parquet"))
        assert len(ported) == len(reference) > 0 and (ported.n_faces == 1).all()
        floats = reference.select_dtypes("float").columns
        np.testing.assert_allclose(ported[floats], reference[floats], atol=0.05)
        # Whole-pixel crop corners may round the other way on a 0.05 px difference.
        crop = ["crop_x", "crop_y", "crop_side"]
        np.testing.assert_allclose(ported[crop].astype(int), reference[crop].astype(int), atol=1)
        crops = sorted(of_video(workdir, "results/faces/mtcnn_torch", video).glob("*.png"))
        assert len(crops) == len(reference)
