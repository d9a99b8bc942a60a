"""Plane geometry of faces: similarity transforms between landmark sets, boxes and crop squares."""

from __future__ import annotations

import numpy as np


def similarity_transform(src: np.ndarray, dst: np.ndarray) -> np.ndarray:
    """Least-squares similarity (rotation, uniform scale, translation) mapping ``src`` onto ``dst``.

    Umeyama's closed form, so the result is exact for noise-free points and
    deterministic (no RANSAC). ``src``, ``dst``: (N, 2) points, N >= 2.
    Returns the (2, 3) matrix that ``cv2.warpAffine`` takes.
    """
    src, dst = np.asarray(src, float), np.asarray(dst, float)
    mu_s, mu_d = src.mean(0), dst.mean(0)
    s, d = src - mu_s, dst - mu_d
    cov = d.T @ s / len(src)
    u, sig, vt = np.linalg.svd(cov)
    sign = np.eye(2)
    if np.linalg.det(u) * np.linalg.det(vt) < 0:
        sign[1, 1] = -1
    rot = u @ sign @ vt
    scale = np.trace(np.diag(sig) @ sign) / (s**2).sum(1).mean()
    matrix = np.empty((2, 3))
    matrix[:, :2] = scale * rot
    matrix[:, 2] = mu_d - scale * rot @ mu_s
    return matrix


def apply_affine(matrix: np.ndarray, points: np.ndarray) -> np.ndarray:
    """Apply a (2, 3) affine matrix to (N, 2) points."""
    points = np.asarray(points, float)
    return points @ matrix[:, :2].T + matrix[:, 2]


def crop_square(box: tuple[float, float, float, float], margin: float) -> tuple[int, int, int]:
    """Integer square ``(x0, y0, side)`` centred on ``box`` (x, y, w, h), grown by ``margin``.

    The side is the box's longer side times ``1 + 2 * margin``: a margin of
    0.2 adds a fifth of the face on every side, enough to keep the face
    boundary (where blending traces live) inside the crop. Integer corners
    make crops of a fake and its original cut with the same square exactly
    pixel-aligned.
    """
    x, y, w, h = box
    side = max(1, int(round(max(w, h) * (1 + 2 * margin))))
    cx, cy = x + w / 2, y + h / 2
    return int(round(cx - side / 2)), int(round(cy - side / 2)), side


def iou(a: tuple[float, float, float, float], b: tuple[float, float, float, float]) -> float:
    """Intersection over union of two (x, y, w, h) boxes."""
    ix = max(0.0, min(a[0] + a[2], b[0] + b[2]) - max(a[0], b[0]))
    iy = max(0.0, min(a[1] + a[3], b[1] + b[3]) - max(a[1], b[1]))
    inter = ix * iy
    union = a[2] * a[3] + b[2] * b[3] - inter
    return inter / union if union > 0 else 0.0
