"""The plan of a study: its videos and their batches, what it delivers, which fakes its report
shows, and what it says at the end.

:class:`Study` is built from the config alone, so that it is tested like the rest of the
library; the workflow's rule files only read it (``workflow/rules/common.smk``).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property

import pandas as pd

from .batches import assign
from .classifier.splits import KFold, Split, cohorts, split_of
from .dataset import video_table
from .ids import wildcard_pattern
from .layouts import group_order, read_dataset
from .provenance import table_digest
from .sample import SampleSpec, ensure, is_sample

#: What a study delivers, in the order the end-of-run message lists it: (what, path).
#: ``{detector}`` is the face detector's name; ``{batch}`` runs over the batches of the fakes
#: whose comparison figures are drawn, whose folders hold one folder of figures per fake.
OUTPUTS = [
    ("ROC curves ({groups})", "results/plots/{detector}/roc.png"),
    ("paired-metric histograms", "results/plots/{detector}/paired_hist.png"),
    ("feature histograms", "results/plots/{detector}/feature_hist.png"),
    ("fake vs original figures", "results/plots/{detector}/compare/{batch}"),
    ("classifier (AUC/EER, CIs)", "results/tables/{detector}/classifier.csv"),
    ("classifier ROC with band", "results/plots/{detector}/classifier_roc.png"),
    ("video scores (all videos)", "results/metrics/{detector}/classifier/video_scores.parquet"),
    ("their spread, per group", "results/plots/{detector}/scores.png"),
    ("ablation (families, models)", "results/tables/{detector}/ablation.csv"),
    ("its figure", "results/plots/{detector}/ablation.png"),
    ("controls that can fail", "results/tables/{detector}/controls.csv"),
    ("CNN (MesoNet) AUC/EER/HTER", "results/tables/{detector}/cnn.csv"),
    ("CNN ROC with band", "results/plots/{detector}/cnn_roc.png"),
    ("CNN video scores", "results/metrics/{detector}/cnn/video_scores.parquet"),
    ("single-feature AUCs", "results/tables/{detector}/feature_auc.csv"),
    ("per-frame table", "results/tables/{detector}/frames.parquet"),
    ("per-video table", "results/tables/{detector}/videos.parquet"),
    ("bad inputs, by video", "results/tables/{detector}/problems.csv"),
    ("the dataset's videos", "results/tables/videos.parquet"),
    ("DeepfakeBench dataset", "results/deepfakebench/{detector}"),
]
#: The outputs of the deepfake classifier, made only where it can be trained.
CLASSIFIER_OUTPUTS = {
    "results/tables/{detector}/classifier.csv",
    "results/plots/{detector}/classifier_roc.png",
    "results/metrics/{detector}/classifier/video_scores.parquet",
    "results/plots/{detector}/scores.png",
}
#: The outputs that evaluate classifiers on this study's labels: made only where it has both.
EVALUATION_OUTPUTS = {
    "results/tables/{detector}/ablation.csv",
    "results/plots/{detector}/ablation.png",
    "results/tables/{detector}/controls.csv",
}
#: The exports, made where the config turns them on.
EXPORTS = {"results/deepfakebench/{detector}": "deepfakebench"}
#: The outputs of the CNN classifier, made where it can be trained on this study's crops.
CNN_OUTPUTS = {
    "results/tables/{detector}/cnn.csv",
    "results/plots/{detector}/cnn_roc.png",
    "results/metrics/{detector}/cnn/video_scores.parquet",
}


def classifier_problem(videos: pd.DataFrame, options: Mapping) -> str | None:
    """Why the deepfake classifier cannot be trained on the study's ``videos`` (the video
    table) with a config's ``classifier`` section ``options``, or None: it learns from real
    and fake videos, so a dataset without labelled videos of both is one it cannot learn
    from, and k-fold cross-validation holds out whole cohorts of people, so a dataset of one
    cohort (a single swap pair) has no fold; unless it is trained on another study's frame
    table (``classifier.train_on``). Said when the run is planned, before any job, rather
    than after every video has been decoded and measured."""
    if options["train_on"]:
        return None
    return labels_problem(videos) or folds_problem(videos, split_of(options))


def folds_problem(videos: pd.DataFrame, split: Split) -> str | None:
    """Why k-fold cross-validation (``split``) cannot be run over the labelled ``videos``, or
    None: it needs two cohorts of people (:func:`dfscope.classifier.splits.cohorts`)."""
    if not isinstance(split, KFold):
        return None
    people = cohorts(videos[videos.label.notna()])
    if people.nunique() > 1:
        return None
    return (
        f"cross-validation holds out whole cohorts of people (swap pairs), and the dataset has "
        f"one, {people.iloc[0]}: the classifier is not trained and its outputs are not made; "
        "give a split (classifier.split) or train on another study (classifier.train_on)"
    )


def labels_problem(videos: pd.DataFrame) -> str | None:
    """Why the study's ``videos`` cannot evaluate a classifier, or None: without labelled real
    and fake videos there is no error rate to measure (the ablation, the controls)."""
    counts = {
        name: int((videos.label == value).sum()) for name, value in (("real", 0), ("fake", 1))
    }
    lacking = [name for name, count in counts.items() if count == 0]
    if not lacking:
        return None
    return (
        f"the dataset has no {' and no '.join(lacking)} video with a label ({counts['real']} "
        f"real, {counts['fake']} fake, {int(videos.label.isna().sum())} unlabelled): the "
        "classifier learns from both, so it is not trained and its outputs are not made; "
        "set classifier.train_on to another study's frames.parquet to score these videos"
    )


def _wanted(
    pattern: str, classify: bool, cnn: bool, exports: Sequence[str], evaluate: bool = True
) -> bool:
    return (
        (classify or pattern not in CLASSIFIER_OUTPUTS)
        and (evaluate or pattern not in EVALUATION_OUTPUTS)
        and (cnn or pattern not in CNN_OUTPUTS)
        and (pattern not in EXPORTS or EXPORTS[pattern] in exports)
    )


def targets(
    detector: str,
    batches: Sequence[str],
    *,
    classify: bool = True,
    cnn: bool = True,
    exports: Sequence[str] = (),
    evaluate: bool = True,
) -> list[str]:
    """Every file of :data:`OUTPUTS` for face detector ``detector``, the figures per batch of
    ``batches``; without the classifier's (:data:`CLASSIFIER_OUTPUTS`) unless ``classify``, the
    CNN's (:data:`CNN_OUTPUTS`) unless ``cnn``, the :data:`EXPORTS` not in ``exports``, nor
    the :data:`EVALUATION_OUTPUTS` unless ``evaluate``."""
    paths = []
    for _, pattern in OUTPUTS:
        if _wanted(pattern, classify, cnn, exports, evaluate):
            names = batches if "{batch}" in pattern else [None]
            paths += [pattern.format(detector=detector, batch=batch) for batch in names]
    return paths


def results_message(
    detector: str,
    groups: Sequence[str],
    problems: str,
    *,
    classify: bool = True,
    cnn: bool = True,
    exports: Sequence[str] = (),
    evaluate: bool = True,
) -> str:
    """The end-of-run message: where each output of :data:`OUTPUTS` is (the classifier's only
    if ``classify``, the CNN's if ``cnn``, the exports of ``exports``), then ``problems`` (the
    line that counts the study's problems)."""
    width = max(len(what.format(groups=" and ".join(groups))) for what, _ in OUTPUTS) + 2
    lines = ["dfscope finished. Results:"]
    for what, pattern in OUTPUTS:
        if not _wanted(pattern, classify, cnn, exports, evaluate):
            continue
        label = what.format(groups=" and ".join(groups)) + ":"
        where = pattern.format(detector=detector, batch="<batch>")
        lines.append(f"  {label:<{width}}{where}{'/<video>/' if '{batch}' in pattern else ''}")
    return "\n".join([*lines, problems])


def reported_fakes(fakes: pd.DataFrame, per_group: int | None) -> list[str]:
    """``per_group`` of the ``fakes`` of each group (all where None), one per target subject in
    turn (by name), so that they show different people: the fakes whose comparison figures
    are drawn (``plots.compare_fakes``), and the fewer the Snakemake report embeds
    (``plots.report_fakes``), the first of the same order.

    Drawing every fake's (three five-panel figures) costs as much as detecting its faces on
    short clips, and embedding every one (~560 KB a figure) would make the full dataset's
    report about 1.6 GB.
    """
    by_name = fakes.reset_index(drop=True).sort_values("video", kind="stable")
    turn = by_name.groupby(["group", "subject"]).cumcount()
    chosen = (
        by_name.assign(turn=turn)
        .sort_values("turn", kind="stable")
        .groupby("group")
        .head(len(by_name) if per_group is None else per_group)
    )
    return chosen.video.tolist()


def exact_pattern(ids: Sequence[str]) -> str:
    """A regular expression that matches exactly ``ids`` (nothing, when there is none): the
    wildcard constraint of a rule that makes the outputs of a few chosen videos."""
    return "|".join(map(re.escape, ids)) or "(?!)"


@dataclass(frozen=True)
class Study:
    """A study: its config (validated, defaults filled in), its videos (the video table, by
    id), the inputs its dataset's reader skipped, and the batch of each video
    (:func:`dfscope.batches.assign`); everything the workflow plans is derived from these.

    Derived values are computed once: the plan of a dataset of 100,000 videos is looked up
    once per job, so every per-batch lookup is split out in one pass (filtering the table
    per job made planning quadratic).
    """

    config: dict
    videos: pd.DataFrame
    skipped: pd.DataFrame
    batch: pd.Series

    @classmethod
    def from_config(cls, config: dict) -> Study:
        """The study of ``config``: its dataset read from disk by its layout's reader. The
        built-in sample is generated first where the dataset is it and it is missing (or was
        made with other ``sample`` settings): :func:`dfscope.sample.ensure`."""
        dataset = config["dataset"]
        if is_sample(dataset):
            ensure(SampleSpec.from_config(config["sample"]))
        entries, skipped = read_dataset(dataset)
        videos = video_table(entries).set_index("video", drop=False)
        return cls(config, videos, skipped, assign(videos, config["batching"]["max_videos"]))

    @property
    def detector(self) -> str:
        """The face detector's name: what the study's outputs are filed under."""
        return self.config["detector"]["name"]

    @cached_property
    def digest(self) -> str:
        """Changes when the dataset's names or frame counts change: reruns the video table."""
        return table_digest(self.videos, self.skipped)

    @cached_property
    def groups(self) -> list[str]:
        """The groups of fakes (DeepfakeTIMIT's LQ and HQ, FF++'s methods), in the order the
        layout reports them: what results are split by."""
        fakes = self.videos.group[self.videos.label == 1]
        return group_order(self.config["dataset"]["layout"], fakes)

    @cached_property
    def batches(self) -> list[str]:
        """Every batch: a job of each per-video step."""
        return sorted(set(self.batch))

    @cached_property
    def batch_pattern(self) -> str:
        """The wildcard constraint of ``{batch}`` (every name checked against it)."""
        return wildcard_pattern(self.batches)

    @cached_property
    def members(self) -> dict[str, pd.DataFrame]:
        """Each batch's rows of the video table."""
        return dict(tuple(self.videos.groupby(self.batch, sort=False)))

    @cached_property
    def paired(self) -> pd.DataFrame:
        """The fakes measured against their original (the paired step and its figures): those
        whose original is in the study."""
        videos = self.videos
        return videos[(videos.label == 1) & videos.original.isin(videos.index)]

    @cached_property
    def paired_batches(self) -> list[str]:
        """The batches that hold a fake measured against its original."""
        return sorted(set(self.batch[self.paired.index]))

    @cached_property
    def fakes_of(self) -> dict[str, list[dict]]:
        """Each batch's paired fakes: their ids and their originals'."""
        paired = self.paired
        return {
            batch: rows[["video", "original"]].to_dict("records")
            for batch, rows in paired.groupby(self.batch[paired.index], sort=False)
        }

    @cached_property
    def drawn(self) -> list[str]:
        """The paired fakes whose comparison figures are drawn (:func:`reported_fakes`): at
        least those the report embeds."""
        plots = self.config["plots"]
        per_group = plots["compare_fakes"]
        return reported_fakes(
            self.paired, None if per_group is None else max(per_group, plots["report_fakes"])
        )

    @cached_property
    def drawn_batches(self) -> list[str]:
        """The batches of the fakes whose figures are drawn: a figures job each."""
        return sorted(set(self.batch[self.drawn]))

    @cached_property
    def reported(self) -> list[str]:
        """The fakes whose comparison figures the report embeds (:func:`reported_fakes`), the
        first of those drawn."""
        return reported_fakes(self.paired, self.config["plots"]["report_fakes"])

    @cached_property
    def reported_batches(self) -> list[str]:
        """The batches of the fakes the report shows."""
        return sorted(set(self.batch[self.reported]))

    @cached_property
    def classifier_problem(self) -> str | None:
        """Why the deepfake classifier cannot be trained here (:func:`classifier_problem`)."""
        return classifier_problem(self.videos, self.config["classifier"])

    @cached_property
    def cnn_problem(self) -> str | None:
        """Why the CNN is not trained here, or None: it is off, the study cannot train a
        classifier, or it is trained on another study's frame table, whose crops it lacks."""
        if not self.config["cnn"]["enabled"]:
            return "cnn.enabled is false"
        if self.classifier_problem:
            return self.classifier_problem
        if self.config["classifier"]["train_on"]:
            return (
                "classifier.train_on names another study's frame table, but the CNN trains on "
                "this study's face crops: its outputs are not made"
            )
        return None

    def _made(self) -> dict:
        exports = [name for name, options in self.config["export"].items() if options["enabled"]]
        return {
            "classify": self.classifier_problem is None,
            "evaluate": self.classifier_problem is None and labels_problem(self.videos) is None,
            "cnn": self.cnn_problem is None,
            "exports": exports,
        }

    def targets(self) -> list[str]:
        """Every file the study delivers (:func:`targets`)."""
        return targets(self.detector, self.drawn_batches, **self._made())

    def end_message(self, problems: str) -> str:
        """What a finished run says (:func:`results_message`), ``problems`` its last line."""
        return results_message(self.detector, self.groups, problems, **self._made())
