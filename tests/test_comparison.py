"""Paired metrics and no-reference features against values known by construction."""

from __future__ import annotations

from types import SimpleNamespace

import cv2
import numpy as np
import pytest
from skimage.metrics import peak_signal_noise_ratio, structural_similarity

from dfscope import comparison
from dfscope.crops import cut
from dfscope.features.quality import face_blur_ratio, face_sharpness, laplacian_variance
from dfscope.geometry import Box, ellipse_mask
from dfscope.images import write_image
from dfscope.paired import original_crop

RNG = np.random.default_rng(0)


def _image(size=64):
    return RNG.integers(0, 256, (size, size, 3), dtype=np.uint8)


def test_mse_and_psnr_of_a_constant_offset():
    a = np.full((8, 8, 3), 100, np.uint8)
    b = a + 10
    assert comparison.mse(a, b) == 100.0
    assert comparison.psnr(a, b) == pytest.approx(10 * np.log10(255**2 / 100))
    assert comparison.psnr(a, a) == float("inf")


def test_psnr_equals_scikit_image():
    rng = np.random.default_rng(3)
    a = rng.integers(0, 256, (40, 50, 3), dtype=np.uint8)
    b = np.clip(a + rng.normal(0, 9, a.shape), 0, 255).astype(np.uint8)
    assert comparison.psnr(a, b) == pytest.approx(
        peak_signal_noise_ratio(a, b, data_range=255), abs=1e-9
    )


def test_ssim_is_one_for_identical_images_and_lower_for_noisy_ones():
    image = _image()
    assert comparison.ssim(image, image) == pytest.approx(1.0)
    assert comparison.ssim(image, image, colour=True) == pytest.approx(1.0)
    smooth = (
        np.repeat(np.linspace(40, 200, 64), 64).reshape(64, 64, 1).repeat(3, 2).astype(np.uint8)
    )
    noisy = np.clip(smooth + RNG.normal(0, 25, smooth.shape), 0, 255).astype(np.uint8)
    assert comparison.ssim(smooth, noisy) < 0.5  # noise is all the structure there is


def test_ssim_matches_the_published_settings():
    a, b = _image(), _image()

    def gray(x):
        return (0.299 * x[..., 2] + 0.587 * x[..., 1] + 0.114 * x[..., 0]).round().astype(np.uint8)

    expected = structural_similarity(
        gray(a),
        gray(b),
        data_range=255,
        gaussian_weights=True,
        sigma=1.5,
        use_sample_covariance=False,
    )
    assert comparison.ssim(a, b) == pytest.approx(expected, abs=1e-3)


def test_ssim_map_is_low_where_images_differ():
    a = np.full((64, 64, 3), 120, np.uint8)
    a[::2, ::2] = 140
    b = a.copy()
    b[20:40, 20:40] = RNG.integers(0, 256, (20, 20, 3))
    score, smap = comparison.ssim(a, b, full=True)
    assert smap.shape == (64, 64) and score < 1
    assert smap[28:32, 28:32].mean() < 0.5 < smap[:8, :8].mean()


def test_laplacian_variance_of_known_images():
    ramp = np.tile(np.arange(32, dtype=float), (32, 1))
    assert laplacian_variance(ramp) == pytest.approx(0.0)
    # A +-a checkerboard: a pixel's 4 neighbours are -v, so the Laplacian is -8v: variance 64 a^2.
    checker = 10.0 * (np.indices((32, 32)).sum(0) % 2 * 2 - 1)
    assert laplacian_variance(checker) == pytest.approx(64 * 100)


def test_face_blur_ratio_sees_a_blurred_face_in_a_sharp_surround():
    import cv2

    crop = _image(96)
    face = Box(24, 24, 48, 48)
    sharp = face_blur_ratio(crop, face)
    blurred = crop.copy()
    blurred[24:72, 24:72] = cv2.GaussianBlur(crop, (0, 0), 2)[24:72, 24:72]
    assert abs(sharp) < 0.1  # same texture inside and out: log ratio near 0
    assert face_blur_ratio(blurred, face) > 1.0  # over 10x less detail inside
    assert face_sharpness(blurred, face) < face_sharpness(crop, face)


def test_changed_regions_find_a_known_square():
    difference = np.zeros((100, 100), np.float32)
    difference[20:40, 50:80] = 0.8  # a 30 x 20 change
    difference[90, 5] = 1.0  # one noisy pixel: below min_area
    level, regions, mask = comparison.changed_regions(difference)
    assert 0 <= level < 0.8  # Otsu cuts between the empty background and the change
    assert len(regions) == 1
    r = regions[0]
    assert (r.x, r.y, r.w, r.h) == (50, 20, 30, 20)
    assert (r.cx, r.cy) == pytest.approx((64.5, 29.5))
    assert mask.sum() == 600


def test_changed_regions_of_identical_images_are_none():
    level, regions, mask = comparison.changed_regions(np.zeros((64, 64), np.float32))
    assert regions == [] and not mask.any()


def test_changed_regions_with_a_fixed_threshold_and_largest_first():
    difference = np.zeros((100, 100), np.float32)
    difference[10:20, 10:20] = 0.5
    difference[50:80, 50:80] = 0.3
    _, regions, _ = comparison.changed_regions(difference, threshold=0.2)
    assert [(r.w, r.h) for r in regions] == [(30, 30), (10, 10)]
    _, regions, _ = comparison.changed_regions(difference, threshold=0.4)
    assert [(r.w, r.h) for r in regions] == [(10, 10)]


@pytest.mark.parametrize("measure", [comparison.mse, comparison.psnr, comparison.ssim])
def test_images_of_two_shapes_are_refused_before_any_work(measure):
    a = np.zeros((8, 8, 3), np.uint8)
    with pytest.raises(ValueError, match=r"differ in shape: \(8, 8, 3\) and \(1, 8, 3\)"):
        measure(a, a[:1])  # NumPy would broadcast the row over the image


def test_mean_abs_difference_refuses_a_mask_of_another_shape():
    a = np.zeros((8, 8, 3), np.uint8)
    with pytest.raises(ValueError, match="mask's shape"):
        comparison.mean_abs_difference(a, a, np.ones((8, 7), bool))


def test_mean_abs_difference_inside_and_outside_an_ellipse():
    a = np.zeros((40, 40, 3), np.uint8)
    b = a.copy()
    mask = ellipse_mask((40, 40), Box(10, 10, 20, 20))
    assert mask[20, 20] and not mask[0, 0] and not mask[11, 11]  # corner of the box is outside
    b[mask] = 30
    assert comparison.mean_abs_difference(a, b, mask) == (30.0, 0.0)


def test_diff_map_strip_round_trip(tmp_path):
    from dfscope.images import write_image
    from dfscope.paired import read_diff_maps

    maps = RNG.random((3, 16, 16)).astype(np.float32)
    write_image(tmp_path / "strip.png", np.vstack([comparison.to_uint8(m) for m in maps]))
    back = read_diff_maps(tmp_path / "strip.png", 16)
    assert back.shape == (3, 16, 16)
    assert np.abs(back - maps).max() <= 0.5 / 255 + 1e-6


def test_landmark_jitter_ignores_head_motion_and_measures_the_rest():
    from dfscope.sample import TEMPLATE
    from dfscope.temporal import landmark_jitter

    before = TEMPLATE * 100  # eyes 35.2 px apart
    angle = np.deg2rad(10)
    rot = 1.2 * np.array([[np.cos(angle), -np.sin(angle)], [np.sin(angle), np.cos(angle)]])
    moved = before @ rot.T + [7, -4]
    assert landmark_jitter(before, moved) == pytest.approx(0, abs=1e-9)
    # Move only the nose by d pixels: the best similarity absorbs part of it, the residual
    # RMS is between d/sqrt(5) * 0.8 and d/sqrt(5) (the similarity can only shrink it).
    shaken = before.copy()
    shaken[2, 0] += 4.0
    eyes = np.linalg.norm(shaken[1] - shaken[0])
    assert 0.8 * 4 / np.sqrt(5) / eyes < landmark_jitter(before, shaken) <= 4 / np.sqrt(5) / eyes
    assert np.isnan(landmark_jitter(before, np.full((5, 2), np.nan)))


@pytest.mark.parametrize("colour", [False, True])
@pytest.mark.parametrize(
    "options",
    [
        {"gaussian_weights": True},
        {"gaussian_weights": False, "win_size": 7},
        {"gaussian_weights": False, "win_size": 9},
    ],
)
def test_ssim_with_opencv_filters_equals_scikit_image(colour, options):
    rng = np.random.default_rng(3)
    a = cv2.GaussianBlur(rng.integers(0, 256, (96, 80, 3), dtype=np.uint8), (5, 5), 1.2)
    b = np.clip(a + rng.normal(0, 12, a.shape), 0, 255).astype(np.uint8)
    score, smap = comparison.ssim(a, b, colour=colour, full=True, **options)
    x, y = (
        (a, b)
        if colour
        else (cv2.cvtColor(a, cv2.COLOR_BGR2GRAY), cv2.cvtColor(b, cv2.COLOR_BGR2GRAY))
    )
    reference = {"win_size": options.get("win_size", 7)}
    if options["gaussian_weights"]:
        reference = {"gaussian_weights": True, "sigma": 1.5, "use_sample_covariance": False}
    expected, expected_map = structural_similarity(
        x, y, data_range=255.0, full=True, channel_axis=-1 if colour else None, **reference
    )
    assert score == pytest.approx(expected, abs=1e-6)
    expected_map = expected_map.mean(axis=-1) if colour else expected_map
    assert np.abs(smap - expected_map).max() < 1e-6


@pytest.mark.parametrize(
    ("a_shape", "b_shape", "options", "message"),
    [
        (
            (32, 32, 3),
            (32, 32, 3),
            {"gaussian_weights": False, "win_size": 8},
            "win_size must be odd",
        ),
        (
            (32, 32, 3),
            (32, 32, 3),
            {"gaussian_weights": True, "win_size": 6},
            "win_size must be odd",
        ),
        ((32, 32, 3), (32, 32, 3), {"gaussian_weights": False, "win_size": 1}, "at least 3, got 1"),
        (
            (32, 40, 3),
            (32, 40, 3),
            {"gaussian_weights": False, "win_size": 33},
            "33x33 window is larger than the 40x32 image",
        ),
        ((8, 8, 3), (8, 8, 3), {}, "11x11 window is larger than the 8x8 image"),
        ((32, 32, 3), (30, 32, 3), {}, r"differ in shape: \(32, 32, 3\) and \(30, 32, 3\)"),
    ],
)
@pytest.mark.parametrize("colour", [False, True])
def test_ssim_refuses_arguments_that_give_no_valid_value(
    a_shape, b_shape, options, message, colour
):
    """As scikit-image does, not an even window's skewed value, a NaN or a broadcast error."""
    a = RNG.integers(0, 256, a_shape, dtype=np.uint8)
    b = RNG.integers(0, 256, b_shape, dtype=np.uint8)
    with pytest.raises(ValueError, match=message):
        comparison.ssim(a, b, colour=colour, **options)


def test_ssim_takes_a_window_as_large_as_the_image():
    """The largest window skimage accepts leaves one pixel away from the border."""
    a, b = _image(31), _image(31)
    expected = structural_similarity(
        cv2.cvtColor(a, cv2.COLOR_BGR2GRAY),
        cv2.cvtColor(b, cv2.COLOR_BGR2GRAY),
        data_range=255.0,
        win_size=31,
    )
    score = comparison.ssim(a, b, gaussian_weights=False, win_size=31)
    assert score == pytest.approx(expected, abs=1e-6)


@pytest.mark.parametrize(
    ("ext", "size", "read"),
    [("png", 32, True), ("bmp", 32, True), ("jpg", 32, False), ("png", 16, False)],
)
def test_the_originals_side_is_its_lossless_crop_else_cut_from_its_frame(tmp_path, ext, size, read):
    """The paired step reads the crop the faces step wrote instead of decoding the original's
    frame, but only where that crop holds the very pixels a cut gives: a lossless file of the
    size asked for."""
    frame = _image(96)
    square = (16, 8, 64)
    stored = np.zeros((size, size, 3), np.uint8)  # not what a cut gives: shows which was used
    write_image(tmp_path / f"00001.{ext}", stored)
    write_image(tmp_path / "frame.png", frame)
    det = SimpleNamespace(crop=f"00001.{ext}")
    crop = original_crop(det, tmp_path, tmp_path / "frame.png", square, 32)
    assert np.array_equal(crop, stored if read else cut(frame, square, 32))
