"""The feature families against answers known by construction or computed from each definition."""

from __future__ import annotations

import importlib
import math
import re

import cv2
import numpy as np
import pytest
from scipy import signal, stats
from skimage import data
from skimage.metrics import structural_similarity

from dfscope.features import distortion, iqm, residual, spectral
from dfscope.features._face import face_patch
from dfscope.geometry import Box

RNG = np.random.default_rng(2014)
S = 128
FACE = Box(24, 24, 80, 80)

# Each family with the parameters it is tested at (the recommended defaults) and its prefix.
FAMILIES = {
    "iqm": ({"size": 64}, "iqm_"),
    "distortion": ({"size": 64}, "idf_"),
    "spectral": ({"size": 96, "n_bins": 48}, "spectrum_"),
    "residual": ({}, "residual_"),
}

# What is undefined, so NaN, on a flat grey face, as each module documents.
FLAT_NAN = {
    "iqm": {"iqm_psnr", "iqm_lmse", "iqm_snrv", "iqm_gpe", "iqm_vif"},
    "distortion": {
        "idf_specular_share",
        "idf_specular_mean",
        "idf_specular_std",
        "idf_edge_width",
        "idf_blur_effect",
        *(f"idf_h_{stat}" for stat in ("mean", "std", "skew", "low", "high")),
        "idf_s_skew",
        "idf_v_skew",
    },
    "spectral": {f"spectrum_{k:02d}" for k in range(48)},
    "residual": set(residual.columns()),
}


def astronaut_crop() -> np.ndarray:
    """A real face: scikit-image's astronaut, BGR, a square around her face resized to 128."""
    bgr = cv2.cvtColor(data.astronaut(), cv2.COLOR_RGB2BGR)
    return cv2.resize(bgr[20:220, 140:340], (S, S), interpolation=cv2.INTER_AREA)


def module(name: str):
    return importlib.import_module(f"dfscope.features.{name}")


# --- every family -------------------------------------------------------------------------------


@pytest.mark.parametrize("name", FAMILIES)
def test_columns_are_unique_prefixed_and_plain(name):
    params, prefix = FAMILIES[name]
    cols = module(name).columns(**params)
    assert len(cols) == len(set(cols))
    assert all(re.fullmatch(re.escape(prefix) + r"[a-z0-9_]+", c) for c in cols)


def test_column_counts():
    assert len(iqm.columns(size=64)) == 18
    assert len(distortion.columns(size=64)) == 121
    assert len(spectral.columns(size=96, n_bins=48)) == 48
    assert spectral.columns(size=64, n_bins=4) == [f"spectrum_0{k}" for k in range(4)]
    assert len(residual.columns()) == 12


@pytest.mark.parametrize("name", FAMILIES)
def test_real_face_gives_one_finite_value_per_column(name):
    params, _ = FAMILIES[name]
    values = module(name).measure(astronaut_crop(), FACE, **params)
    assert values.dtype == np.float64
    assert values.shape == (len(module(name).columns(**params)),)
    assert np.isfinite(values).all()


@pytest.mark.parametrize("name", FAMILIES)
@pytest.mark.parametrize("level", [0, 100, 128, 255])
def test_flat_face_is_nan_exactly_where_documented(name, level):
    params, _ = FAMILIES[name]
    cols = module(name).columns(**params)
    values = module(name).measure(np.full((S, S, 3), level, np.uint8), FACE, **params)
    assert values.shape == (len(cols),)
    assert not np.isinf(values).any()
    nan = {c for c, v in zip(cols, values, strict=True) if np.isnan(v)}
    expected = set(FLAT_NAN[name])
    if name == "iqm" and level == 0:  # nothing to divide by on a black face
        expected |= {f"iqm_{m}" for m in ("sc", "nk", "nae", "mas", "mams", "hlfi")}
    if name == "distortion" and level == 0:  # no light, so no highlight: share 0, not NaN
        expected -= {"idf_specular_share"}
    assert nan == expected


@pytest.mark.parametrize("name", FAMILIES)
def test_face_outside_the_crop_is_all_nan(name):
    params, _ = FAMILIES[name]
    values = module(name).measure(astronaut_crop(), Box(200, 200, 40, 40), **params)
    assert np.isnan(values).all()


def test_parameters_out_of_range_are_refused():
    with pytest.raises(ValueError):
        iqm.columns(size=32)
    with pytest.raises(ValueError):
        distortion.measure(astronaut_crop(), FACE, size=8)
    with pytest.raises(ValueError):
        spectral.columns(size=64, n_bins=33)


def test_face_patch_clips_the_box_to_the_crop():
    crop = np.zeros((S, S, 3), np.uint8)
    crop[:, 100:] = 255
    patch = face_patch(crop, Box(100, -10, 40, 40), 16)  # reaches past the right and top edges
    assert patch.shape == (16, 16, 3) and (patch == 255).all()
    assert face_patch(crop, Box(-50, 0, 40, 40), 16) is None


# --- iqm: each measure against its definition on a hand-made pair ------------------------------

REF = RNG.integers(0, 256, (6, 7)).astype(float)
TEST = np.clip(REF + RNG.normal(0, 12, REF.shape), 0, 255)


def pixels(a):
    return [a[y, x] for y in range(a.shape[0]) for x in range(a.shape[1])]


def test_smooth_is_the_3x3_gaussian_of_sigma_half_with_a_mirrored_border():
    w = np.array([[math.exp(-(dx * dx + dy * dy) / 0.5) for dx in (-1, 0, 1)] for dy in (-1, 0, 1)])
    w /= w.sum()
    padded = np.pad(REF, 1, mode="symmetric")
    expected = np.array(
        [
            [np.sum(w * padded[y : y + 3, x : x + 3]) for x in range(REF.shape[1])]
            for y in range(REF.shape[0])
        ]
    )
    np.testing.assert_allclose(iqm.smooth(REF), expected, atol=1e-12)


def test_pixel_difference_measures():
    n = REF.size
    d = [a - b for a, b in zip(pixels(REF), pixels(TEST), strict=True)]
    mse = sum(x * x for x in d) / n
    assert iqm.mse(REF, TEST) == pytest.approx(mse)
    assert iqm.psnr(REF, TEST) == pytest.approx(10 * math.log10(255**2 / mse))
    assert iqm.average_difference(REF, TEST) == pytest.approx(sum(d) / n)
    assert iqm.maximum_difference(REF, TEST) == pytest.approx(max(abs(x) for x in d))
    top = sorted((abs(x) for x in d), reverse=True)[:10]
    assert iqm.r_averaged_maximum_difference(REF, TEST) == pytest.approx(sum(top) / 10)
    ref2 = sum(x * x for x in pixels(REF))
    assert iqm.structural_content(REF, TEST) == pytest.approx(
        ref2 / sum(x * x for x in pixels(TEST))
    )
    assert iqm.normalized_cross_correlation(REF, TEST) == pytest.approx(
        sum(a * b for a, b in zip(pixels(REF), pixels(TEST), strict=True)) / ref2
    )
    assert iqm.normalized_absolute_error(REF, TEST) == pytest.approx(
        sum(abs(x) for x in d) / sum(abs(x) for x in pixels(REF))
    )
    assert iqm.snr(REF, TEST) == pytest.approx(10 * math.log10(ref2 / sum(x * x for x in d)))


def test_hand_made_pair_small_values():
    ref = np.array([[10.0, 20], [30, 40]])
    test = np.array([[12.0, 20], [27, 40]])
    assert iqm.mse(ref, test) == pytest.approx((4 + 9) / 4)
    assert iqm.average_difference(ref, test) == pytest.approx((-2 + 3) / 4)
    assert iqm.maximum_difference(ref, test) == 3
    assert iqm.normalized_absolute_error(ref, test) == pytest.approx(5 / 100)
    assert iqm.r_averaged_maximum_difference(ref, test) == pytest.approx(5 / 4)  # R > 4 pixels


def test_laplacian_mse():
    def laplacian(a):
        p = np.pad(a, 1, mode="symmetric")
        return np.array(
            [
                [
                    p[y, x + 1]
                    + p[y + 2, x + 1]
                    + p[y + 1, x]
                    + p[y + 1, x + 2]
                    - 4 * p[y + 1, x + 1]
                    for x in range(a.shape[1])
                ]
                for y in range(a.shape[0])
            ]
        )

    h, h_test = laplacian(REF), laplacian(TEST)
    assert iqm.laplacian_mse(REF, TEST) == pytest.approx(
        np.sum((h - h_test) ** 2) / np.sum(h**2), rel=1e-10
    )


def test_angle_similarities_over_rows():
    alphas, mams = [], []
    for a, b in zip(REF, TEST, strict=True):
        cos = sum(a * b) / math.sqrt(sum(a * a) * sum(b * b))
        alpha = 2 / math.pi * math.acos(min(1.0, cos))
        length = math.sqrt(sum((a - b) ** 2)) / (255 * math.sqrt(len(a)))
        alphas.append(alpha)
        mams.append(1 - (1 - alpha) * (1 - length))
    assert iqm.mean_angle_similarity(REF, TEST) == pytest.approx(1 - sum(alphas) / len(alphas))
    assert iqm.mean_angle_magnitude_similarity(REF, TEST) == pytest.approx(sum(mams) / len(mams))
    # A row scaled keeps its direction: only the magnitude term remains.
    assert iqm.mean_angle_similarity(REF, 0.5 * REF) == pytest.approx(1)


def dft(a, ortho=False):
    """The DFT straight from its definition, F[u, v] = sum a[y, x] exp(-2 pi i (uy/N + vx/M))."""
    rows, cols = a.shape
    wy = np.exp(-2j * np.pi * np.outer(np.arange(rows), np.arange(rows)) / rows)
    wx = np.exp(-2j * np.pi * np.outer(np.arange(cols), np.arange(cols)) / cols)
    return wy @ a @ wx.T / (np.sqrt(a.size) if ortho else 1)


def test_spectral_magnitude_error():
    expected = np.mean((np.abs(dft(REF, True)) - np.abs(dft(TEST, True))) ** 2)
    assert iqm.spectral_magnitude_error(REF, TEST) == pytest.approx(expected)
    assert iqm.spectral_magnitude_error(REF, TEST) <= iqm.mse(REF, TEST)


def test_gradient_errors():
    def gradient(a):
        g = np.zeros(a.shape, complex)
        rows, cols = a.shape
        for y in range(rows):
            for x in range(cols):
                left, right = max(x - 1, 0), min(x + 1, cols - 1)
                up, down = max(y - 1, 0), min(y + 1, rows - 1)
                gx = (a[y, right] - a[y, left]) / (right - left)
                gy = (a[down, x] - a[up, x]) / (down - up)
                g[y, x] = complex(gx, gy)
        return g

    g, g_test = gradient(REF), gradient(TEST)
    assert iqm.gradient_magnitude_error(REF, TEST) == pytest.approx(
        np.mean((np.abs(g) - np.abs(g_test)) ** 2)
    )
    phase = [
        (math.remainder(np.angle(a) - np.angle(b), 2 * math.pi)) ** 2
        for a, b in zip(g.ravel(), g_test.ravel(), strict=True)
        if a != 0 and b != 0
    ]
    assert iqm.gradient_phase_error(REF, TEST) == pytest.approx(sum(phase) / len(phase))


def test_high_low_frequency_index():
    image = RNG.integers(0, 256, (20, 20)).astype(float)
    amplitude = np.abs(dft(image))
    k = np.fft.fftfreq(20) * 20  # 0.075 * 20 = 1.5: the low band is |k| <= 1 on both axes
    low = sum(
        amplitude[u, v] for u in range(20) for v in range(20) if abs(k[u]) <= 1 and abs(k[v]) <= 1
    )
    high = amplitude.sum() - low
    assert iqm.high_low_frequency_index(image) == pytest.approx((low - high) / (low + high))
    assert iqm.high_low_frequency_index(np.full((20, 20), 7.0)) == 1  # all in DC


def test_ssim_against_its_definition_and_scikit_image():
    ref = RNG.uniform(0, 255, (11, 11))
    test = np.clip(ref + RNG.normal(0, 20, ref.shape), 0, 255)
    # 11 x 11: one window, the whole image, weights the normalised 2-D Gaussian of sigma 1.5.
    offsets = np.arange(11) - 5
    w = np.exp(-(offsets[:, None] ** 2 + offsets[None, :] ** 2) / (2 * 1.5**2))
    w /= w.sum()
    mr, mt = np.sum(w * ref), np.sum(w * test)
    vr, vt = np.sum(w * (ref - mr) ** 2), np.sum(w * (test - mt) ** 2)
    cov = np.sum(w * (ref - mr) * (test - mt))
    c1, c2 = (0.01 * 255) ** 2, (0.03 * 255) ** 2
    expected = (2 * mr * mt + c1) * (2 * cov + c2) / ((mr**2 + mt**2 + c1) * (vr + vt + c2))
    assert iqm.ssim(ref, test) == pytest.approx(expected, rel=1e-9)

    ref = RNG.uniform(0, 255, (40, 40))
    test = cv2.GaussianBlur(ref, (5, 5), 1.0)
    expected = structural_similarity(
        ref, test, data_range=255, gaussian_weights=True, sigma=1.5, use_sample_covariance=False
    )
    assert iqm.ssim(ref, test) == pytest.approx(expected, rel=1e-7)
    assert iqm.ssim(ref, ref) == pytest.approx(1)


def vif_reference(ref, test):
    """Sheikh & Bovik's pixel-domain VIF written out with scipy's 'valid' 2-D convolution."""
    num = den = 0.0
    for scale in range(1, 5):
        n = 2 ** (5 - scale) + 1
        offsets = np.arange(n) - n // 2
        win = np.exp(-(offsets[:, None] ** 2 + offsets[None, :] ** 2) / (2 * (n / 5) ** 2))
        win /= win.sum()
        if scale > 1:
            ref = signal.convolve2d(ref, win, mode="valid")[::2, ::2]
            test = signal.convolve2d(test, win, mode="valid")[::2, ::2]
        mu1, mu2 = signal.convolve2d(ref, win, "valid"), signal.convolve2d(test, win, "valid")
        s1 = np.maximum(signal.convolve2d(ref * ref, win, "valid") - mu1**2, 0)
        s2 = np.maximum(signal.convolve2d(test * test, win, "valid") - mu2**2, 0)
        s12 = signal.convolve2d(ref * test, win, "valid") - mu1 * mu2
        for i in np.ndindex(s1.shape):
            g = s12[i] / (s1[i] + 1e-10)
            sv = s2[i] - g * s12[i]
            if s1[i] < 1e-10:
                g, sv, s1[i] = 0.0, s2[i], 0.0
            if s2[i] < 1e-10:
                g, sv = 0.0, 0.0
            if g < 0:
                g, sv = 0.0, s2[i]
            sv = max(sv, 1e-10)
            num += math.log10(1 + g * g * s1[i] / (sv + 2))
            den += math.log10(1 + s1[i] / 2)
    return num / den


def test_vif():
    ref = cv2.GaussianBlur(RNG.uniform(0, 255, (48, 48)), (3, 3), 1.0)
    test = iqm.smooth(ref) + RNG.normal(0, 3, ref.shape)
    assert iqm.vif(ref, test) == pytest.approx(vif_reference(ref, test), rel=1e-6)
    assert iqm.vif(ref, ref) == pytest.approx(1, abs=1e-6)
    assert iqm.vif(ref, ref + 40) == pytest.approx(1, abs=1e-6)  # a shift carries no loss
    assert iqm.vif(ref, np.full_like(ref, 90.0)) == 0  # a flat copy keeps no information
    assert iqm.vif(ref, 1.5 * ref) > 1  # more contrast than the reference
    assert np.isnan(iqm.vif(np.full_like(ref, 90.0), ref))


def test_identical_images():
    assert np.isnan(iqm.psnr(REF, REF)) and np.isnan(iqm.snr(REF, REF))
    assert iqm.mse(REF, REF) == 0 and iqm.structural_content(REF, REF) == 1
    assert iqm.gradient_phase_error(REF, REF) == 0 and iqm.laplacian_mse(REF, REF) == 0


# --- spectral -----------------------------------------------------------------------------------


def wave(fy: int, fx: int, size: int = 64) -> np.ndarray:
    """A pure sinusoid of (fy, fx) cycles per image: grey levels around 128."""
    y, x = np.indices((size, size))
    return 128 + 60 * np.cos(2 * np.pi * (fy * y + fx * x) / size)


@pytest.mark.parametrize(
    ("fy", "fx", "ring"),
    [(0, 9, 4), (21, 0, 10), (12, 5, 6)],  # rings of width 2: (8, 10], (20, 22], (12, 14]
)
def test_a_sinusoid_peaks_in_the_ring_of_its_frequency(fy, fx, ring):
    profile = spectral.profile(wave(fy, fx), 16)
    assert np.nanargmax(profile) == ring
    # Through measure: a grey crop whose face box is the whole crop, at its own size.
    crop = np.repeat(np.round(wave(fy, fx)).astype(np.uint8)[..., None], 3, axis=2)
    values = spectral.measure(crop, Box(0, 0, 64, 64), size=64, n_bins=16)
    assert np.nanargmax(values) == ring


def test_profile_ignores_brightness_and_contrast():
    image = RNG.uniform(0, 100, (32, 32))
    np.testing.assert_allclose(
        spectral.profile(image, 8), spectral.profile(2 * image + 30, 8), atol=1e-12
    )


def test_profile_of_white_noise_is_flat():
    # White noise has the same power at every frequency: every bin near log10(1) = 0, but the
    # lowest, which loses what the window spread from the (removed) mean.
    profile = np.mean([spectral.profile(RNG.normal(0, 10, (64, 64)), 8) for _ in range(20)], 0)
    np.testing.assert_allclose(profile[1:], 0, atol=0.05)
    assert -0.3 < profile[0] < 0


# --- residual -----------------------------------------------------------------------------------


def noisy(face_sigma: float, surround_sigma: float) -> np.ndarray:
    """A grey crop at 128 with Gaussian noise of one sigma in the face box, another outside."""
    sigma = np.full((S, S), float(surround_sigma))
    sigma[FACE.y : FACE.y1, FACE.x : FACE.x1] = face_sigma
    values = np.clip(np.round(128 + RNG.normal(0, 1, (S, S)) * sigma), 0, 255).astype(np.uint8)
    return np.repeat(values[..., None], 3, axis=2)


def test_gaussian_noise_gives_its_sigma_through_every_filter():
    values = dict(zip(residual.columns(), residual.measure(noisy(5, 5), FACE), strict=True))
    sigma = math.sqrt(25 + 1 / 12)  # 8-bit rounding adds a uniform error of variance 1/12
    for name in residual.FILTERS:
        assert 10 ** values[f"residual_{name}_log_sigma"] == pytest.approx(sigma, rel=0.03)
        assert values[f"residual_{name}_kurtosis"] == pytest.approx(0, abs=0.3)
        assert values[f"residual_{name}_surround_ratio"] == pytest.approx(0, abs=0.03)


def test_a_cleaner_face_than_its_surround():
    values = dict(zip(residual.columns(), residual.measure(noisy(2, 8), FACE), strict=True))
    for name in residual.FILTERS:
        assert values[f"residual_{name}_surround_ratio"] == pytest.approx(math.log10(4), abs=0.05)


def test_filter_gains():
    # The first- and second-order differences and the KV kernels: |k| = sqrt 2, sqrt 6, 3/2, ...
    gains = {name: np.linalg.norm(kernels[0]) for name, kernels in residual.FILTERS.items()}
    assert gains["d1"] == pytest.approx(math.sqrt(2))
    assert gains["d2"] == pytest.approx(math.sqrt(6))
    assert gains["kv3"] == pytest.approx(1.5)
    assert gains["kv5"] == pytest.approx(math.sqrt(596) / 12)
    for kernels in residual.FILTERS.values():
        assert all(k.sum() == pytest.approx(0) for k in kernels)  # constants cancel


def test_kurtosis_and_noise_level_from_their_definitions():
    # scipy.stats.kurtosis's value, which the module does not call for speed (see its docstring).
    for values in (RNG.laplace(0, 1, 10_000), RNG.normal(3, 0.1, 7), RNG.standard_t(3, 13_000)):
        assert residual.excess_kurtosis(values) == pytest.approx(stats.kurtosis(values), rel=1e-12)
    for undefined in (np.zeros(5), np.full(9, 4.0), np.array([]), np.array([1.0, np.nan])):
        assert np.isnan(residual.excess_kurtosis(undefined))
    r = np.array([1.0, -2.0, 3.0])
    assert residual.noise_sigma(r, 2.0) == pytest.approx(math.sqrt(math.pi / 2) * 2 / 2)


def test_a_face_filling_the_crop_has_no_surround_ratio():
    values = residual.measure(noisy(5, 5), Box(0, 0, S, S))
    assert np.isnan(values[2::3]).all() and np.isfinite(values[0::3]).all()


# --- distortion ---------------------------------------------------------------------------------


def test_chromatic_moments_of_a_constant_colour():
    crop = np.full((S, S, 3), (60, 120, 250), np.uint8)  # BGR: red is the largest
    values = dict(
        zip(distortion.columns(size=64), distortion.measure(crop, FACE, size=64), strict=True)
    )
    hue = (60 * (120 - 60) / (250 - 60) / 360 + 0.5) % 1  # HSV hue of the red sector, shifted
    assert values["idf_h_mean"] == pytest.approx(hue, abs=1e-6)
    assert values["idf_s_mean"] == pytest.approx((250 - 60) / 250, abs=1e-6)
    assert values["idf_v_mean"] == pytest.approx(250 / 255, abs=1e-6)
    for channel in "hsv":
        assert values[f"idf_{channel}_std"] == 0
        assert np.isnan(values[f"idf_{channel}_skew"])
        assert values[f"idf_{channel}_low"] == 0
    assert values["idf_v_high"] == 1 and values["idf_s_high"] == 0


def test_moments_against_their_definitions():
    values = RNG.uniform(0, 1, 1000) ** 2
    mean, std, skew, low, high = distortion.moments(values)
    assert mean == pytest.approx(values.mean()) and std == pytest.approx(values.std())
    assert skew == pytest.approx(stats.skew(values))
    assert low == pytest.approx(np.mean(values < 0.125))
    assert high == pytest.approx(np.mean(values >= 0.925))
    assert np.isnan(distortion.moments(np.array([]))).all()


def test_colour_diversity_counts_known_colours():
    image = np.zeros((10, 10, 3), np.uint8)
    image[:4] = (200, 10, 10)
    image[4:7] = (10, 200, 10)
    image[7:9] = (10, 10, 200)
    image[9] = (3, 5, 7)  # same 32-level bin as...
    image[9, :5] = (0, 0, 0)  # ... black: one colour
    values = distortion.colour_diversity(image)
    np.testing.assert_allclose(values[:5], [0.4, 0.3, 0.2, 0.1, 0])
    assert values[:100].sum() == pytest.approx(1)
    assert values[100] == 4
    image[9] = (200, 10, 10)  # now 50 / 30 / 20 %
    rare = np.full((20, 100, 3), 50, np.uint8)
    rare[0, :10] = 250  # 10 pixels of 2000, 0.5 %: 99 % are covered by one colour
    assert distortion.colour_diversity(rare)[100] == 1
    assert distortion.colour_diversity(image)[100] == 3


def test_specular_share_of_a_known_white_highlight():
    skin = np.full((64, 64, 3), (90, 120, 200), np.uint8)  # BGR
    lit = skin.copy()
    lit[:, ::3] += 50  # every third column gets 50 grey levels of white light: 22 of 64 columns
    component = distortion.specular_component(lit)
    np.testing.assert_allclose(component[:, ::3], 50, atol=1e-9)
    np.testing.assert_allclose(np.delete(component, np.s_[::3], axis=1), 0, atol=1e-9)
    # mean m = 50 * 22 / 64 = 17.2: the lit pixels, at 50, lie in [1.5 m, 4 m).
    share, mean, std = distortion.specular_features(component)
    assert share == pytest.approx(22 / 64) and mean == pytest.approx(50) and std < 1e-9
    assert distortion.specular_features(distortion.specular_component(skin))[0] == 0
    grey_lit = np.full((64, 64, 3), 128, np.uint8)
    assert np.isnan(distortion.specular_component(grey_lit)).all()


def test_edge_width_of_a_step_and_a_ramp():
    step = np.zeros((8, 32))
    step[:, 16:] = 100
    assert distortion.edge_width(step) == 1
    ramp = np.zeros((8, 32))
    ramp[:, 10:15] = [20, 40, 60, 80, 100]
    ramp[:, 15:] = 100
    assert distortion.edge_width(ramp) == 5
    assert distortion.edge_width(ramp[:, ::-1].copy()) == 5  # falling
    assert np.isnan(distortion.edge_width(np.full((8, 32), 50.0)))


def test_blur_effect_of_a_step():
    step = np.zeros((32, 32))
    step[:, 16:] = 100
    # The 9-pixel re-blur turns a step of h into nine steps of h / 9: 1 - (h - h / 9) / h.
    assert distortion.blur_effect(step) == pytest.approx(1 / 9)
    assert distortion.blur_effect(cv2.blur(step, (9, 1))) > 0.5
    assert np.isnan(distortion.blur_effect(np.full((32, 32), 50.0)))
