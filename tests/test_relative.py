"""The relative family's known answers on small arrays: a crop of one texture gives 0 whatever it
is coded with; a face cleaner than its surround, or pasted with an edge, gives what the
statistics say."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from dfscope.features import relative
from dfscope.geometry import Box, ellipse_mask

SIZE = 128
FACE = Box(18, 18, 92, 92)  # crops.margin 0.2: the face box in a 128-pixel crop
NAMES = relative.columns()


def _noise(sigma: float, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    return rng.normal(0, sigma, (SIZE, SIZE, 1)) * np.ones(3)


def _crop(values: np.ndarray) -> np.ndarray:
    return np.clip(np.rint(values), 0, 255).astype(np.uint8)


def _measured(crop: np.ndarray) -> dict[str, float]:
    return dict(zip(NAMES, relative.measure(crop, FACE), strict=True))


def _jpeg(image: np.ndarray, quality: int) -> np.ndarray:
    data = cv2.imencode(".jpg", image, [cv2.IMWRITE_JPEG_QUALITY, quality])[1]
    return cv2.imdecode(data, cv2.IMREAD_COLOR)


def _textured(seed: int = 0) -> np.ndarray:
    """One texture throughout: smooth shapes, colour and sensor noise."""
    rng = np.random.default_rng(seed)
    base = cv2.resize(rng.uniform(60, 200, (8, 8, 3)), (SIZE, SIZE), interpolation=cv2.INTER_CUBIC)
    return _crop(base + rng.normal(0, 5, (SIZE, SIZE, 3)))


def test_one_texture_throughout_gives_no_difference():
    values = _measured(_textured())
    for name in NAMES:
        assert abs(values[name]) < 0.1, (name, values[name])


def test_a_face_four_times_cleaner_than_its_surround():
    """White noise of sigma 2 in the face's ellipse, 8 around it: energies a sixteenth."""
    inside = ellipse_mask((SIZE, SIZE), FACE)[..., None]
    crop = _crop(128 + np.where(inside, _noise(2, 1), _noise(8, 2)))
    values = _measured(crop)
    assert values["relative_detail"] == pytest.approx(np.log10(1 / 16), abs=0.08)
    assert values["relative_sharpness"] == pytest.approx(np.log10(1 / 16), abs=0.08)


def test_a_coding_of_the_whole_crop_cancels():
    """JPEG at quality 20 or 95 of one texture: the face's own detail changes several-fold, its
    ratio to the surround's hardly."""
    texture = _textured(3)
    coarse, fine = _measured(_jpeg(texture, 20)), _measured(_jpeg(texture, 95))
    for name in ("relative_sharpness", "relative_detail", "relative_blockiness", "seam_gradient"):
        assert abs(coarse[name] - fine[name]) < 0.15, (name, coarse[name], fine[name])
    detail = [texture.astype(float) - cv2.GaussianBlur(texture.astype(float), (0, 0), 1.0)]
    coded = _jpeg(texture, 20).astype(float)
    detail.append(coded - cv2.GaussianBlur(coded, (0, 0), 1.0))
    assert np.mean(detail[0] ** 2) > 3 * np.mean(detail[1] ** 2)  # the absolute measure moves


def test_a_face_pasted_with_an_edge_shows_at_the_seam():
    texture = _textured(4).astype(float)
    inside = ellipse_mask((SIZE, SIZE), FACE)[..., None]
    pasted = _measured(_crop(texture + np.where(inside, 40, 0)))
    plain = _measured(_crop(texture))
    assert pasted["seam_gradient"] > plain["seam_gradient"] + 0.5
    assert pasted["seam_colour"] == pytest.approx(plain["seam_colour"], abs=0.1)  # grey: no hue
    tinted = _measured(_crop(texture + np.where(inside, [-30, 0, 60], 0)))  # BGR: redder face
    assert tinted["seam_colour"] > plain["seam_colour"] + 0.4


def test_a_face_resized_after_the_frames_coding_loses_the_grid():
    """The frame JPEG-coded (8 x 8 blocks everywhere), then the face's box resized and pasted
    back: the block grid is the surround's only."""
    coded = _jpeg(_crop(128 + _noise(10, 5)), 15)
    assert abs(_measured(coded)["relative_blockiness"]) < 0.05
    pasted = coded.copy()
    x, y, w, h = (int(v) for v in FACE)
    box = coded[y : y + h, x : x + w]
    pasted[y : y + h, x : x + w] = cv2.resize(cv2.resize(box, (w - 7, h - 7)), (w, h))
    assert _measured(pasted)["relative_blockiness"] < -0.02


def test_a_flat_crop_has_nothing_to_compare():
    assert np.isnan(relative.measure(np.full((SIZE, SIZE, 3), 90, np.uint8), FACE)).all()
