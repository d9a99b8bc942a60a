"""``mean``: the mean of a video's frame scores: every frame counts alike."""

from __future__ import annotations

import numpy as np


def pool(scores: np.ndarray) -> float:
    return float(np.mean(scores))
