"""EER against hand-computed cases; the score summary on a tiny table."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from dfscope.evaluation import score_summary
from dfscope.roc import equal_error_rate


@pytest.mark.parametrize(
    ("real", "fake", "eer"),
    [
        ([0.1, 0.2], [0.8, 0.9], 0.0),  # separated
        ([0.1, 0.4], [0.35, 0.8], 0.5),  # at 0.4 one of two real above, one of two fakes below
        ([0.1, 0.2, 0.6], [0.5, 0.7, 0.8], 1 / 3),  # crossing on a ROC point
        ([0.1, 0.6], [0.5, 0.7, 0.8], 1 / 3),  # FRR stays 1/3 while FAR runs 0 -> 1/2: cross at 1/3
        ([0.8, 0.9], [0.1, 0.2], 1.0),  # a score pointing the wrong way
    ],
)
def test_equal_error_rate_by_hand(real, fake, eer):
    labels = np.r_[np.zeros(len(real)), np.ones(len(fake))]
    assert equal_error_rate(labels, np.r_[real, fake])[0] == pytest.approx(eer)


def test_score_summary_per_quality_and_level():
    videos = pd.DataFrame(
        {
            "video": ["r1", "r2", "l1", "l2", "h1", "h2"],
            "label": [0, 0, 1, 1, 1, 1],
            "group": ["real", "real", "LQ", "LQ", "HQ", "HQ"],
            "mean_s": [0.1, 0.2, 0.9, 0.8, 0.15, 0.3],
        }
    )
    frames = videos.rename(columns={"mean_s": "s"}).loc[np.repeat(videos.index, 2)]
    summary = score_summary(frames, videos, ["s"], ["LQ", "HQ"]).set_index(["group", "level"])
    assert summary.loc[("LQ", "video"), "auc"] == 1.0
    assert summary.loc[("LQ", "frame"), "n_real"] == 4
    assert summary.loc[("HQ", "video"), "auc"] == pytest.approx(0.75)
