"""The evaluation protocol: how every classifier step (classify, the ablation's jobs, the
controls, the CNN's evaluation) splits the videos, fits, pools frame scores to video scores,
sets thresholds and measures. Built once from the config's ``classifier`` section, so that the
steps cannot disagree and none sets a default of its own: the schema is where defaults live."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import pandas as pd

from .fitting import Scores, cross_validate, train_and_score
from .metrics import classifier_metrics, with_thresholds
from .splits import Split, TrainOn, split_of


@dataclass(frozen=True)
class Protocol:
    """``split``: which videos train and which are scored (:mod:`.splits`); ``seed``: of the
    folds, the fits and the bootstrap; ``pooling`` and ``face_pooling``: frame scores to a
    video's, over frames and over faces (:mod:`.poolings`); ``groups``: the groups reported
    (LQ, HQ, ...); ``n_boot``: bootstrap replicates of the intervals; ``frames_per_video``: the
    training frames a video (None: all)."""

    split: Split
    seed: int
    pooling: str
    face_pooling: str
    groups: tuple[str, ...]
    n_boot: int
    frames_per_video: int | None

    @classmethod
    def from_config(cls, options: Mapping, groups: Sequence[str]) -> Protocol:
        """The protocol a config's ``classifier`` section (defaults filled in) says, reporting
        ``groups``."""
        return cls(
            split=split_of(options),
            seed=options["seed"],
            pooling=options["pooling"],
            face_pooling=options["face_pooling"],
            groups=tuple(groups),
            n_boot=options["n_boot"],
            frames_per_video=options["frames_per_video"],
        )

    def score(
        self,
        frames: pd.DataFrame,
        features: Sequence[str],
        model: str,
        *,
        train: pd.DataFrame | None = None,
    ) -> Scores:
        """``model``'s held-out scores of ``frames`` on ``features``: cross-validated over the
        split's folds or, where the split is :class:`TrainOn`, trained on another study's frame
        table (``train`` where given: a control that changes that table's labels)."""
        options = {"model": model, "seed": self.seed, "frames_per_video": self.frames_per_video}
        if isinstance(self.split, TrainOn):
            training = pd.read_parquet(self.split.path) if train is None else train
            return train_and_score(training, frames, features, **options)
        return cross_validate(frames, features, split=self.split, **options)

    def evaluate(self, scores: Scores) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
        """The frame scores and the pooled video scores, each with its fold's development
        threshold, decision and calibrated score (:func:`.metrics.with_thresholds`), and the
        metrics table per group and level (:func:`.metrics.classifier_metrics`)."""
        frames, videos = with_thresholds(scores, self.pooling, self.face_pooling)
        table = classifier_metrics(frames, videos, self.groups, n_boot=self.n_boot, seed=self.seed)
        return frames, videos, table
