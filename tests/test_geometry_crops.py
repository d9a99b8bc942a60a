"""Similarity transforms, crop squares, face choice and cutting."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest

from dfscope.choices import CHOICES
from dfscope.crops import cut
from dfscope.detectors import Detection
from dfscope.geometry import (
    Box,
    apply_affine,
    box_in_crop,
    crop_square,
    ellipse_mask,
    iou,
    similarity_transform,
)


def test_similarity_transform_recovers_a_known_one():
    angle, scale, shift = np.deg2rad(20), 1.7, np.array([5.0, -3.0])
    rot = scale * np.array([[np.cos(angle), -np.sin(angle)], [np.sin(angle), np.cos(angle)]])
    src = np.array([[0, 0], [10, 0], [5, 8], [1, 12], [9, 12]], float)
    dst = src @ rot.T + shift
    matrix = similarity_transform(src, dst)
    np.testing.assert_allclose(matrix[:, :2], rot, atol=1e-9)
    np.testing.assert_allclose(apply_affine(matrix, src), dst, atol=1e-9)


def test_similarity_transform_is_the_least_squares_fit_and_nan_where_there_is_none():
    rng = np.random.default_rng(0)
    src = rng.uniform(0, 200, (68, 2))
    dst = src @ np.array([[0.8, 0.5], [-0.5, 0.8]]) + [40, -7] + rng.normal(0, 3, (68, 2))
    # The fit as linear least squares in (a, b, tx, ty) of x' = a x - b y + tx, y' = b x + a y + ty.
    x, y = src.T
    one, zero = np.ones_like(x), np.zeros_like(x)
    design = np.vstack([np.c_[x, -y, one, zero], np.c_[y, x, zero, one]])
    (a, b, tx, ty), *_ = np.linalg.lstsq(design, np.r_[dst[:, 0], dst[:, 1]], rcond=None)
    np.testing.assert_allclose(similarity_transform(src, dst), [[a, -b, tx], [b, a, ty]], atol=1e-9)
    assert np.isnan(similarity_transform(np.ones((5, 2)), src[:5])).all()


def test_crop_square_is_centred_and_grown_by_the_margin():
    assert crop_square((100, 50, 40, 60), margin=0.0) == (90, 50, 60)
    assert crop_square((100, 50, 40, 60), margin=0.5) == (60, 20, 120)


def test_cut_pads_outside_the_frame_and_keeps_alignment():
    frame = np.arange(20 * 30 * 3, dtype=np.uint8).reshape(20, 30, 3)
    crop = cut(frame, (-5, -5, 10), 10)
    assert (crop[:5] == 0).all() and (crop[:, :5] == 0).all()
    np.testing.assert_array_equal(crop[5:, 5:], frame[:5, :5])
    assert cut(frame, (0, 0, 20), 10).shape == (10, 10, 3)


def test_choose_face():
    big = Detection(Box(0, 0, 50, 50), 0.95)
    small = Detection(Box(200, 200, 20, 20), 0.99)
    largest, tracked = CHOICES.load("largest").choose, CHOICES.load("tracked").choose
    assert largest([small, big]) == 1 and largest([big, small], previous=Box(198, 202, 20, 20)) == 0
    assert tracked([small, big], previous=Box(198, 202, 20, 20)) == 0
    assert tracked([small, big], previous=Box(500, 500, 5, 5)) == 1  # no overlap: the largest
    assert tracked([small, big]) == 1  # no previous face: the largest
    twins = [Detection(Box(0, 0, 50, 50), 0.9), Detection(Box(60, 0, 50, 50), 0.95)]
    assert largest(twins) == 1  # a tie of sizes: the more confident
    with pytest.raises(ValueError, match="unknown face choice 'closest'; known: largest, tracked"):
        CHOICES.load("closest")


def test_iou():
    assert iou((0, 0, 10, 10), (0, 0, 10, 10)) == 1.0
    assert iou((0, 0, 10, 10), (5, 0, 10, 10)) == pytest.approx(50 / 150)
    assert iou((0, 0, 10, 10), (20, 20, 5, 5)) == 0.0


def test_a_box_in_its_crop_keeps_its_edges_whole():
    # A 40x60 face in the 120-px square at (60, 20), the crop resized to 64 px: scale 8/15.
    face = box_in_crop(Box(100, 50, 40, 60), (60, 20, 120), 64)
    assert face == Box(21, 16, 22, 32) and (face.x1, face.y1) == (43, 48)
    assert box_in_crop(Box(0.4, 0.4, 10, 10), (0, 0, 64), 64) == Box(0, 0, 10, 10)


def test_the_face_ellipse_grows_and_shrinks_by_whole_pixels():
    box = Box(10, 10, 20, 20)
    inner, mask, outer = (ellipse_mask((40, 40), box, grow) for grow in (-2, 0, 2))
    assert mask[20, 20] and not mask[0, 0] and not mask[11, 11]  # the box's corner is outside
    assert (
        inner.sum() < mask.sum() < outer.sum() and (inner <= mask).all() and (mask <= outer).all()
    )
    assert mask[20, 10] and not mask[20, 9]  # semi-axis 10 from the centre (20, 20)
    assert outer[20, 8] and not outer[20, 7] and inner[20, 12] and not inner[20, 11]


def test_an_aligned_crop_is_cut_again_by_its_matrix_and_finds_its_face():
    """The faces step records the aligning matrix; every later step cuts with it: the same
    pixels, and the face's box mapped into the crop."""
    from dfscope.align import alignment
    from dfscope.columns import MATRIX_COLUMNS
    from dfscope.crops import Cropping, cut_face, face_in_crop, geometry_of
    from dfscope.sample import IDENTITIES, load_photo

    photo = load_photo("astronaut")
    marks = np.array(IDENTITIES["fcol0"].landmarks)
    cropping = Cropping(size=256, align="similarity", scale=1.3)
    matrix = cropping.geometry(Box(180, 60, 90, 110), marks)
    np.testing.assert_allclose(matrix, alignment(marks, size=256, scale=1.3))
    row = SimpleNamespace(**dict(zip(MATRIX_COLUMNS, matrix.ravel(), strict=True)))
    row.crop_x = row.crop_y = row.crop_side = np.nan
    again = geometry_of(row)
    np.testing.assert_array_equal(cut_face(photo, again, 256), cut_face(photo, matrix, 256))
    face = face_in_crop(Box(180, 60, 90, 110), again, 256)
    assert 0 < face.x < 128 < face.x1 < 256 and 0 < face.y < 128 < face.y1 < 256
    square = Cropping(size=64).geometry(Box(10, 10, 20, 20), None)
    assert square == (6, 6, 28) and face_in_crop(Box(10, 10, 20, 20), square, 64) == Box(
        9, 9, 46, 46
    )


def test_the_face_hull_of_the_shape_is_cut_like_the_crop_and_none_without_a_shape():
    """``metrics.mask: hull``: the convex hull of the 68 landmarks mapped into the crop by its
    geometry; a row without a shape (an interpolated face) has no hull, not an ellipse."""
    from dfscope.crops import face_mask, points_in_crop
    from dfscope.geometry import hull_mask

    square = (10, 20, 40)  # a 40-px square at (10, 20), cut to 80 px: scale 2
    points = np.array([[20, 30], [40, 30], [40, 50], [20, 50], [30, 40]], float)
    np.testing.assert_allclose(points_in_crop(points, square, 80), (points - (10, 20)) * 2)
    matrix = np.array([[2.0, 0.0, -20.0], [0.0, 2.0, -40.0]])
    np.testing.assert_allclose(points_in_crop(points, matrix, 80), (points - (10, 20)) * 2)
    row = SimpleNamespace(x=20, y=30, w=20, h=20, shape=points.ravel())
    hull = face_mask(row, square, 80, "hull")
    assert hull.sum() == pytest.approx(41 * 41, rel=0.01)  # the square 20..60, ends included
    assert hull[40, 40] and not hull[10, 10] and not hull[70, 70]
    assert not np.array_equal(hull, face_mask(row, square, 80, "ellipse"))
    assert (
        face_mask(SimpleNamespace(x=20, y=30, w=20, h=20, shape=None), square, 80, "hull") is None
    )
    with pytest.raises(ValueError, match="N >= 3"):
        hull_mask((8, 8), points[:2])
    with pytest.raises(ValueError, match="unknown face mask 'box'"):
        face_mask(row, square, 80, "box")
