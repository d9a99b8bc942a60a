"""Similarity alignment to a five-point template, and DeepfakeBench's geometry."""

from __future__ import annotations

import cv2
import numpy as np
import pytest
from skimage.transform import SimilarityTransform

from dfscope import align

DEEPFAKEBENCH = align.PRESETS["deepfakebench"]._asdict()


def moved(points: np.ndarray, angle: float, scale: float, shift: tuple[float, float]) -> np.ndarray:
    """``points`` rotated by ``angle`` degrees about the origin, scaled and shifted."""
    a = np.deg2rad(angle)
    rotation = scale * np.array([[np.cos(a), -np.sin(a)], [np.sin(a), np.cos(a)]])
    return points @ rotation.T + shift


def test_landmarks_that_are_the_template_map_to_the_template():
    target = align.template_points(size=256, scale=1.3)
    matrix = align.alignment(target, **DEEPFAKEBENCH)
    np.testing.assert_allclose(matrix, [[1, 0, 0], [0, 1, 0]], atol=1e-12)


@pytest.mark.parametrize("preset", sorted(align.PRESETS))
def test_a_rotated_scaled_shifted_face_is_undone(preset):
    params = align.PRESETS[preset]._asdict()
    target = align.template_points(size=params["size"], scale=params["scale"])
    face = moved(target, angle=23, scale=2.7, shift=(310.5, -42.25))
    matrix = align.alignment(face, **params)
    np.testing.assert_allclose(align.to_crop(face, matrix), target, atol=1e-9)
    np.testing.assert_allclose(align.to_frame(target, matrix), face, atol=1e-9)
    np.testing.assert_allclose(align.invert(align.invert(matrix)), matrix, atol=1e-12)


def test_the_warp_moves_pixels_as_the_matrix_moves_points():
    frame = np.zeros((400, 500, 3), np.uint8)
    target = align.template_points(size=256, scale=1.3)
    face = moved(target, angle=-15, scale=1.4, shift=(90, 40))
    for x, y in face:  # a bright dot on each landmark
        cv2.circle(frame, (round(x), round(y)), 3, (255, 255, 255), -1)
    crop = align.warp(frame, align.alignment(face, **DEEPFAKEBENCH), 256)
    assert crop.shape == (256, 256, 3)
    for x, y in target:
        assert crop[round(y), round(x)].min() > 200


def test_agrees_with_scikit_image():
    rng = np.random.default_rng(0)
    face = moved(align.ARCFACE_112, 8, 1.9, (40, 70)) + rng.normal(0, 1.5, (5, 2))
    matrix = align.alignment(face, size=112)
    reference = SimilarityTransform.from_estimate(face, align.ARCFACE_112)
    np.testing.assert_allclose(matrix, reference.params[:2], atol=1e-10)


def test_deepfakebench_template_is_its_arithmetic():
    """preprocess.py's img_align_crop: 96x112 points + 8 px, times outsize/112, a margin of
    outsize*(scale-1)/2 added, then times outsize/(outsize + 2*margin) (float32 there)."""
    dst = np.array(
        [
            [30.2946, 51.6963],
            [65.5318, 51.5014],
            [48.0252, 71.7366],
            [33.5493, 92.3655],
            [62.7299, 92.2041],
        ]
    )
    dst[:, 0] += 8.0
    dst *= 256 / 112
    margin = 256 * (1.3 - 1) / 2
    dst = (dst + margin) * 256 / (256 + 2 * margin)
    np.testing.assert_allclose(align.template_points(size=256, scale=1.3), dst, atol=1e-12)


def test_deepfakebench_landmarks_pick_its_points():
    shape = np.arange(68 * 2, dtype=float).reshape(68, 2)
    np.testing.assert_array_equal(align.deepfakebench_landmarks(shape), shape[[37, 44, 30, 49, 55]])


def test_bad_landmarks_are_refused():
    with pytest.raises(ValueError, match=r"\(5, 2\) finite points"):
        align.alignment(np.full((5, 2), np.nan), size=112)
    with pytest.raises(ValueError, match=r"\(5, 2\) finite points"):
        align.alignment(np.zeros((68, 2)), size=112)
