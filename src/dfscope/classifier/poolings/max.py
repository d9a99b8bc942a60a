"""``max``: the highest score: a video is as suspicious as its most suspicious part. The default
across a video's faces (``classifier.face_pooling``), since a video is fake if any of its people
is; over frames it trusts one frame's score alone."""

from __future__ import annotations

import numpy as np


def pool(scores: np.ndarray) -> float:
    return float(np.max(scores))
