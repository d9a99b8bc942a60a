"""Every no-reference feature against a value known by construction on a synthetic crop."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from dfscope.features import quality as F
from dfscope.features.quality import FEATURES
from dfscope.geometry import Box

S = 128
FACE = Box(20, 20, 88, 88)  # an 88 x 88 face box; the 20-pixel ring around it is the surround
X = np.tile(np.arange(S, dtype=float), (S, 1))  # column index of every pixel
CHECKER = np.indices((S, S)).sum(0) % 2 * 2 - 1  # +-1, as many of each in the face as in the ring
RNG = np.random.default_rng(2014)


def grey(values) -> np.ndarray:
    """A (S, S, 3) uint8 BGR crop whose three channels, hence its grey level, are ``values``."""
    return np.repeat(np.clip(np.round(values), 0, 255).astype(np.uint8)[..., None], 3, axis=2)


def colour(bgr) -> np.ndarray:
    return np.full((S, S, 3), bgr, np.uint8)


def in_face(outside, inside) -> np.ndarray:
    """``outside`` with the face box replaced by ``inside`` (a crop or one BGR colour)."""
    crop = outside.copy()
    crop[20:108, 20:108] = inside if np.ndim(inside) == 1 else inside[20:108, 20:108]
    return crop


def ycrcb(bgr) -> tuple[float, float]:
    """Cr and Cb, centred on 0, of one 8-bit BGR colour (ITU-R BT.601, as OpenCV defines them)."""
    b, g, r = bgr
    y = 0.299 * r + 0.587 * g + 0.114 * b
    return 0.713 * (r - y), 0.564 * (b - y)


FLAT = grey(np.full((S, S), 128.0))


@pytest.fixture(scope="module")
def real_crop():
    """A real face: the astronaut of scikit-image, cut around her face and resized like a crop."""
    from skimage import data

    image = cv2.cvtColor(data.astronaut(), cv2.COLOR_RGB2BGR)
    return cv2.resize(image[0:300, 100:400], (S, S), interpolation=cv2.INTER_AREA), Box(
        18, 18, 92, 92
    )


def test_at_least_17_features_each_documented_finite_and_deterministic(real_crop):
    crop, face = real_crop
    assert len(FEATURES) >= 17
    for name, fn in FEATURES.items():
        assert fn.__name__ == name and fn.__doc__ and len(fn.__doc__.strip()) > 40, name
        value = fn(crop, face)
        assert isinstance(value, float) and np.isfinite(value), name
        assert fn(crop.copy(), face) == value, name


def test_features_of_a_crop_without_surround_are_nan_only_where_undefined():
    crop = grey(128 + 20 * CHECKER)
    whole = Box(0, 0, S, S)
    surround = {
        "face_blur_ratio",
        "face_noise_ratio",
        "face_colour_mismatch",
        "face_contrast_ratio",
    }
    for name, fn in FEATURES.items():
        assert np.isnan(fn(crop, whole)) == (name in surround), name


# Sharpness and blur ---------------------------------------------------------------------------


def test_face_sharpness_of_a_checkerboard_and_a_flat_face():
    # Every pixel's 4 neighbours are -v, so the Laplacian is -8 v: variance 64 a^2.
    assert F.face_sharpness(grey(128 + 10 * CHECKER), FACE) == pytest.approx(np.log10(6400))
    assert F.face_sharpness(FLAT, FACE) == pytest.approx(-6)


def test_face_blur_ratio_is_zero_for_the_same_texture_inside_and_out():
    assert F.face_blur_ratio(grey(128 + 10 * CHECKER), FACE) == pytest.approx(0, abs=1e-12)
    assert F.face_blur_ratio(FLAT, FACE) == pytest.approx(0)


def test_face_gradient_energy_of_a_ramp():
    # A ramp rising 2 grey levels per pixel: gradient 2 everywhere, squared 4.
    assert F.face_gradient_energy(grey(2 * X), FACE) == pytest.approx(np.log10(4))
    assert F.face_gradient_energy(FLAT, FACE) == pytest.approx(-6)


def test_face_blur_effect_of_a_step_edge_and_of_blur():
    # A step of h: one difference of h per row; a 9-pixel box blur turns it into 9 steps of h / 9,
    # so 8 h / 9 of it is lost and 1/9 remains. Along y there is nothing: that axis is ignored.
    step = grey(np.where(X < 64, 50.0, 200.0))
    assert F.face_blur_effect(step, FACE) == pytest.approx(1 / 9)
    assert np.isnan(F.face_blur_effect(FLAT, FACE))
    texture = grey(128 + 40 * RNG.standard_normal((S, S)))
    blurred = cv2.GaussianBlur(texture, (0, 0), 3)
    assert F.face_blur_effect(texture, FACE) < 0.2 < 0.4 < F.face_blur_effect(blurred, FACE) < 1


# Noise ---------------------------------------------------------------------------------------


def test_face_noise_finds_the_sigma_of_white_noise():
    noisy = grey(128 + 6 * RNG.standard_normal((S, S)))
    # sqrt(6^2 + 1/12): the noise plus the rounding to integers.
    assert F.face_noise(noisy, FACE) == pytest.approx(np.sqrt(36 + 1 / 12), rel=0.05)


def test_face_noise_ignores_ramps_and_axis_aligned_edges():
    structure = grey(X + np.where(X.T < 64, 0.0, 100.0))  # f(x) + g(y): no residual at all
    assert F.face_noise(structure, FACE) == 0.0


def test_face_noise_ratio_of_a_cleaner_face():
    crop = in_face(
        grey(128 + 12 * RNG.standard_normal((S, S))), grey(128 + 3 * RNG.standard_normal((S, S)))
    )
    assert F.face_noise_ratio(crop, FACE) == pytest.approx(np.log10(4), abs=0.03)
    assert F.face_noise_ratio(FLAT, FACE) == pytest.approx(0)


# Compression and spectrum --------------------------------------------------------------------


def test_face_blockiness_of_a_known_8x8_grid_at_any_phase():
    # Steps of 1 grey level inside the blocks and of 1 + 4 = 5 across every 8th column: ratio 5.
    for phase in (0, 3):
        blocky = grey(X + 4 * ((X + phase) // 8))
        assert F.face_blockiness(blocky, FACE) == pytest.approx(5)
    assert F.face_blockiness(grey(X), FACE) == pytest.approx(1)  # steps everywhere alike: no grid
    assert F.face_blockiness(FLAT, FACE) == 1.0


@pytest.mark.parametrize(("frequency", "high", "mid"), [(0.4, 1, 0), (0.2, 0, 1), (0.05, 0, 0)])
def test_spectral_energy_of_a_pure_cosine(frequency, high, mid):
    # All of a cosine's energy is at its frequency (in cycles/pixel): in one band or the other.
    wave = grey(128 + 100 * np.cos(2 * np.pi * frequency * X))
    assert F.face_high_freq_energy(wave, FACE) == pytest.approx(high, abs=1e-3)
    assert F.face_mid_freq_energy(wave, FACE) == pytest.approx(mid, abs=1e-3)


def test_spectral_energy_of_a_flat_face_is_undefined():
    assert np.isnan(F.face_high_freq_energy(FLAT, FACE))
    assert np.isnan(F.face_mid_freq_energy(FLAT, FACE))


# Colour moments ------------------------------------------------------------------------------


def test_chroma_moments_of_one_colour_and_of_two_halves():
    a, b = (40, 90, 200), (200, 180, 30)
    cr_a, cb_a = ycrcb(a)
    cr_b, cb_b = ycrcb(b)
    assert F.face_cr_mean(colour(a), FACE) == pytest.approx(cr_a, abs=1e-3)
    assert F.face_cb_mean(colour(a), FACE) == pytest.approx(cb_a, abs=1e-3)
    assert F.face_cr_std(colour(a), FACE) == pytest.approx(0, abs=1e-4)
    assert F.face_cb_std(colour(a), FACE) == pytest.approx(0, abs=1e-4)
    halves = colour(a)
    halves[:, 64:] = b  # the face box is split 44 / 44 columns
    assert F.face_cr_mean(halves, FACE) == pytest.approx((cr_a + cr_b) / 2, abs=1e-3)
    assert F.face_cr_std(halves, FACE) == pytest.approx(abs(cr_a - cr_b) / 2, abs=1e-3)
    assert F.face_cb_std(halves, FACE) == pytest.approx(abs(cb_a - cb_b) / 2, abs=1e-3)
    assert F.face_cr_mean(FLAT, FACE) == pytest.approx(0, abs=1e-4)  # grey has no chroma


def test_saturation_moments():
    assert F.face_saturation_mean(colour((100, 100, 200)), FACE) == pytest.approx(
        0.5
    )  # (200-100)/200
    assert F.face_saturation_std(colour((100, 100, 200)), FACE) == pytest.approx(0, abs=1e-6)
    halves = colour((128, 128, 128))
    halves[:, 64:] = (0, 0, 255)  # S = 0 and S = 1, half each
    assert F.face_saturation_mean(halves, FACE) == pytest.approx(0.5)
    assert F.face_saturation_std(halves, FACE) == pytest.approx(0.5)


def test_face_colour_mismatch_is_the_lab_distance_of_two_colours():
    from skimage.color import rgb2lab

    face_bgr, surround_bgr = (40, 90, 200), (200, 180, 30)
    lab = rgb2lab(np.array([[face_bgr[::-1], surround_bgr[::-1]]], np.uint8))[0]
    crop = in_face(colour(surround_bgr), np.array(face_bgr))
    assert F.face_colour_mismatch(crop, FACE) == pytest.approx(
        np.linalg.norm(lab[0] - lab[1]), abs=0.2
    )
    assert F.face_colour_mismatch(colour(face_bgr), FACE) == pytest.approx(0, abs=1e-4)


def test_face_specular_ratio_counts_white_pixels_only():
    crop = grey(np.full((S, S), 128.0))
    crop[30:52, 30:52] = 255  # 22 x 22 white highlight
    crop[60:80, 60:80] = (0, 255, 255)  # bright but saturated yellow: no highlight
    crop[0:10, 0:10] = 255  # white outside the face box: not counted
    assert F.face_specular_ratio(crop, FACE) == pytest.approx(22 * 22 / 88**2)
    assert F.face_specular_ratio(FLAT, FACE) == 0.0


# Face against surround -----------------------------------------------------------------------


def test_face_boundary_edges_of_a_square_inside_and_a_seam_on_the_outline():
    square = np.full((S, S), 60.0)
    square[54:74, 54:74] = 180
    # Canny outlines the 20 x 20 square with 4 * 20 - 4 = 76 pixels, all inside; the inside is the
    # filled circle of radius 44 - 2, whose digital area is pi (42 + 1/2)^2; the band has none.
    assert F.face_boundary_edges(grey(square), FACE) == pytest.approx(
        -76 / (np.pi * 42.5**2), rel=0.01
    )
    seam = np.full((S, S), 60.0)
    seam[(X - 64) ** 2 + (X.T - 64) ** 2 <= 44**2] = 180  # a step exactly on the face's circle
    assert F.face_boundary_edges(grey(seam), FACE) > 0.2  # a 1-pixel line across a 4-pixel band
    assert F.face_boundary_edges(FLAT, FACE) == 0.0


def test_face_contrast_ratio_of_two_checkerboards():
    crop = in_face(grey(128 + 20 * CHECKER), grey(128 + 5 * CHECKER))  # std 20 around, 5 inside
    assert F.face_contrast_ratio(crop, FACE) == pytest.approx(np.log10(4))
    assert F.face_contrast_ratio(FLAT, FACE) == pytest.approx(0)
