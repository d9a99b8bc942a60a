"""``median``: the median of a video's frame scores: resists a few frames where the face crop or
the classifier went wrong, at the price of ignoring a forgery that shows only briefly."""

from __future__ import annotations

import numpy as np


def pool(scores: np.ndarray) -> float:
    return float(np.median(scores))
