"""Similarity alignment of a face to a five-point template: rotate, scale and shift the frame so
that the face's eyes, nose tip and mouth corners land where a template puts them.

Why: dfscope's own crops are axis-aligned squares around the detected box
(:func:`dfscope.crops.cut`), which keep a fake and its original pixel-aligned.
Detectors trained elsewhere (DeepfakeBench's, ArcFace-style recognisers) were
trained on *aligned* crops instead, with the eyes level and at fixed places; to
feed them, or to export crops that look like theirs, the face must be warped the
way theirs were. The fit is a least-squares similarity (no shear, so the face
keeps its proportions) of the five landmarks onto the template
(:func:`dfscope.geometry.similarity_transform`: scikit-image's
``SimilarityTransform.from_estimate``).

Points are (x, y) in pixels of the frame or of the crop; a matrix is the
(2, 3) affine matrix that ``cv2.warpAffine`` takes, mapping frame pixels to
crop pixels. Landmarks are in the order of :data:`dfscope.schema.LANDMARKS`,
the eye on the image's left first.
"""

from __future__ import annotations

from typing import NamedTuple

import cv2
import numpy as np

from .geometry import apply_affine, similarity_transform

#: The five-point template of ArcFace (InsightFace's ``arcface_dst``) in a 112 x 112 crop: the
#: 96 x 112 template of SphereFace/CosFace, (30.2946, 51.6963), (65.5318, 51.5014), (48.0252,
#: 71.7366), (33.5493, 92.3655), (62.7299, 92.2041), shifted 8 px right to centre it in 112 px.
#: DeepfakeBench's ``preprocessing/preprocess.py`` (``img_align_crop``) builds the same points.
ARCFACE_112 = np.array(
    [
        [38.2946, 51.6963],
        [73.5318, 51.5014],
        [56.0252, 71.7366],
        [41.5493, 92.3655],
        [70.7299, 92.2041],
    ]
)
#: The side, in pixels, of the crop that :data:`ARCFACE_112` is given in.
ARCFACE_SIZE = 112


class Preset(NamedTuple):
    """An alignment's crop side ``size`` (px), ``scale`` (the crop covers ``scale`` times the
    template's field of view) and ``template`` ((5, 2), in a ``reference`` px crop)."""

    size: int
    scale: float
    template: np.ndarray = ARCFACE_112
    reference: int = ARCFACE_SIZE


#: The alignments in use. ``deepfakebench``: DeepfakeBench's preprocessing (256 px, scale
#: 1.3: the ArcFace field of view widened by 30 % about its centre, so that the face's edge,
#: where blending leaves its traces, stays in the crop). ``arcface``: the recognisers' 112 px
#: crop, for reference.
PRESETS = {
    "deepfakebench": Preset(size=256, scale=1.3),
    "arcface": Preset(size=112, scale=1.0),
}


def template_points(
    template: np.ndarray = ARCFACE_112,
    *,
    size: int,
    scale: float = 1.0,
    reference: int = ARCFACE_SIZE,
) -> np.ndarray:
    """Where the landmarks go in a ``size`` x ``size`` crop: ``template`` (given in a
    ``reference`` px crop) resized to ``size``, then shrunk by ``1 / scale`` about the crop's
    centre, so that the crop shows ``scale`` times the template's field of view.

    This is DeepfakeBench's geometry (``img_align_crop`` in
    ``preprocessing/preprocess.py``): it resizes the template from 112 px to
    ``outsize``, adds a margin of ``outsize * (scale - 1) / 2`` on each side,
    then resizes the ``outsize * scale`` wide canvas back to ``outsize``. The
    margin and the resize together are the shrink about the centre done here.
    """
    if scale <= 0:
        raise ValueError(f"scale must be > 0, got {scale}")
    points = np.asarray(template, float) * (size / reference)
    centre = size / 2
    return centre + (points - centre) / scale


def alignment(
    landmarks5: np.ndarray,
    *,
    size: int,
    scale: float = 1.0,
    template: np.ndarray = ARCFACE_112,
    reference: int = ARCFACE_SIZE,
) -> np.ndarray:
    """The (2, 3) similarity matrix that maps frame pixels to a ``size`` x ``size`` aligned
    crop: the least-squares fit of ``landmarks5`` ((5, 2), frame pixels) onto
    :func:`template_points`. ``alignment(points, **PRESETS["deepfakebench"]._asdict())``
    is DeepfakeBench's."""
    landmarks5 = np.asarray(landmarks5, float)
    if landmarks5.shape != (5, 2) or not np.isfinite(landmarks5).all():
        raise ValueError(f"landmarks5 must be (5, 2) finite points, got {landmarks5.shape}")
    target = template_points(template, size=size, scale=scale, reference=reference)
    return similarity_transform(landmarks5, target)


def warp(frame: np.ndarray, matrix: np.ndarray, size: int) -> np.ndarray:
    """The ``size`` x ``size`` crop of ``frame`` ((H, W) or (H, W, C)) under ``matrix``.

    Bilinear, and black where the crop leaves the frame: ``cv2.warpAffine``'s
    defaults, as DeepfakeBench warps.
    """
    return cv2.warpAffine(frame, np.asarray(matrix, float), (size, size), flags=cv2.INTER_LINEAR)


def invert(matrix: np.ndarray) -> np.ndarray:
    """The (2, 3) matrix of the inverse mapping: crop pixels back to frame pixels."""
    return cv2.invertAffineTransform(np.asarray(matrix, float))


def to_crop(points: np.ndarray, matrix: np.ndarray) -> np.ndarray:
    """(N, 2) frame points in pixels of the aligned crop."""
    return apply_affine(matrix, points)


def to_frame(points: np.ndarray, matrix: np.ndarray) -> np.ndarray:
    """(N, 2) points of the aligned crop back in frame pixels."""
    return apply_affine(invert(matrix), points)


#: The points of dlib's 68 (0-based ``shape.part`` indices; DeepfakeBench's 81-point model
#: keeps the 68 and adds 13 on the forehead) that DeepfakeBench aligns with, in its
#: ``get_keypts``: 37 and 44 are on the upper eyelids (not the eye centres), 30 is the nose
#: tip, 49 the upper lip next to the left corner and 55 the lower lip next to the right one
#: (the corners are 48 and 54).
DEEPFAKEBENCH_POINTS = (37, 44, 30, 49, 55)


def deepfakebench_landmarks(shape: np.ndarray) -> np.ndarray:
    """The five points DeepfakeBench aligns with, from a face's (68, 2) or (81, 2) dlib shape:
    to reproduce its crops exactly. dfscope's own five (eye centres, mouth corners) put the
    face a few pixels elsewhere in the crop (up to 4 px of 256 on the astronaut photograph)."""
    return np.asarray(shape, float)[list(DEEPFAKEBENCH_POINTS)]
