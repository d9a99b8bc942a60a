"""``trimmed_mean``: the mean of a video's frame scores without the :data:`TRIM` highest and lowest:
between the mean and the median."""

from __future__ import annotations

import numpy as np
from scipy.stats import trim_mean

#: Fraction cut from each end of a video's frame scores.
TRIM = 0.1


def pool(scores: np.ndarray) -> float:
    return float(trim_mean(scores, TRIM))
