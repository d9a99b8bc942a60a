"""Paired metrics and no-reference features against values known by construction."""

from __future__ import annotations

import numpy as np
import pytest
from skimage.metrics import structural_similarity

from dfscope import metrics
from dfscope.features import FEATURES, face_blur_ratio, face_sharpness, laplacian_variance

RNG = np.random.default_rng(0)


def _image(size=64):
    return RNG.integers(0, 256, (size, size, 3), dtype=np.uint8)


def test_mse_and_psnr_of_a_constant_offset():
    a = np.full((8, 8, 3), 100, np.uint8)
    b = a + 10
    assert metrics.mse(a, b) == 100.0
    assert metrics.psnr(a, b) == pytest.approx(10 * np.log10(255**2 / 100))
    assert metrics.psnr(a, a) == float("inf")


def test_ssim_is_one_for_identical_images_and_lower_for_noisy_ones():
    image = _image()
    assert metrics.ssim(image, image) == pytest.approx(1.0)
    assert metrics.ssim(image, image, colour=True) == pytest.approx(1.0)
    smooth = np.repeat(np.linspace(40, 200, 64), 64).reshape(64, 64, 1).repeat(3, 2).astype(np.uint8)
    noisy = np.clip(smooth + RNG.normal(0, 25, smooth.shape), 0, 255).astype(np.uint8)
    assert metrics.ssim(smooth, noisy) < 0.5  # noise is all the structure there is


def test_ssim_matches_the_published_settings():
    a, b = _image(), _image()
    gray = lambda x: (0.299 * x[..., 2] + 0.587 * x[..., 1] + 0.114 * x[..., 0]).round().astype(np.uint8)
    expected = structural_similarity(gray(a), gray(b), data_range=255, gaussian_weights=True,
                                     sigma=1.5, use_sample_covariance=False)
    assert metrics.ssim(a, b) == pytest.approx(expected, abs=1e-3)


def test_ssim_map_is_low_where_images_differ():
    a = np.full((64, 64, 3), 120, np.uint8)
    a[::2, ::2] = 140
    b = a.copy()
    b[20:40, 20:40] = RNG.integers(0, 256, (20, 20, 3))
    score, smap = metrics.ssim(a, b, full=True)
    assert smap.shape == (64, 64) and score < 1
    assert smap[28:32, 28:32].mean() < 0.5 < smap[:8, :8].mean()


def test_laplacian_variance_of_known_images():
    ramp = np.tile(np.arange(32, dtype=float), (32, 1))
    assert laplacian_variance(ramp) == pytest.approx(0.0)
    # A +-a checkerboard: every pixel's 4 neighbours are -v, so the Laplacian is -8v: variance 64 a^2.
    checker = 10.0 * (np.indices((32, 32)).sum(0) % 2 * 2 - 1)
    assert laplacian_variance(checker) == pytest.approx(64 * 100)


def test_face_blur_ratio_sees_a_blurred_face_in_a_sharp_surround():
    import cv2

    crop = _image(96)
    face = (24, 24, 72, 72)
    sharp = face_blur_ratio(crop, face)
    blurred = crop.copy()
    blurred[24:72, 24:72] = cv2.GaussianBlur(crop, (0, 0), 2)[24:72, 24:72]
    assert abs(sharp) < 0.1  # same texture inside and out: log ratio near 0
    assert face_blur_ratio(blurred, face) > 1.0  # over 10x less detail inside
    assert face_sharpness(blurred, face) < face_sharpness(crop, face)


def test_every_registered_feature_is_in_the_config_schema():
    import yaml

    from .conftest import REPO

    schema = yaml.safe_load((REPO / "workflow/schemas/config.schema.yaml").read_text())
    listed = schema["properties"]["metrics"]["properties"]["features"]["items"]["enum"]
    assert sorted(listed) == sorted(FEATURES)
