# Helpers for the other .smk files: config validation, the video table, input functions
# and the list of final targets. No rule is defined here.
import re
from pathlib import Path

import pandas as pd

from snakemake.utils import validate

from dfscope.analysis import TEMPORAL_COLUMNS
from dfscope.dataset import discover
from dfscope.evaluation import problems_message
from dfscope.provenance import code_version, folder_fingerprint, table_digest
from dfscope.sample import SampleSpec, layout

validate(config, schema="../schemas/config.schema.yaml")


def check_config(cfg):
    """Cross-key rules JSON schema cannot say; the message names the key and the value."""
    features = cfg["metrics"]["features"] + (
        TEMPORAL_COLUMNS[2:] if cfg["metrics"]["temporal"] else []
    )
    for key, names in (
        ("evaluation.scores", cfg["evaluation"]["scores"]),
        ("evaluation.roc_score", [cfg["evaluation"]["roc_score"]]),
    ):
        for name in names:
            if name not in features:
                raise ValueError(
                    f"config {key}: {name!r} is not computed (metrics.features: {features})"
                )
    if not cfg["dataset"]["sample"]:
        for key in ("fakes_root", "originals_root"):
            if not Path(cfg["dataset"][key]).is_dir():
                raise ValueError(
                    f"config dataset.{key}: {cfg['dataset'][key]!r} is not a folder "
                    "(dataset.sample is false, so the dataset is read from there)"
                )
    win_size, crop_size = cfg["metrics"]["ssim"]["win_size"], cfg["crops"]["size"]
    if win_size >= crop_size:
        raise ValueError(
            f"config metrics.ssim.win_size: {win_size} is not smaller than crops.size "
            f"({crop_size}): the SSIM window must fit inside the face crop"
        )
    detection = cfg["detection"]
    if detection["split"] and detection["train_on"]:
        raise ValueError(
            f"config detection.split ({detection['split']!r}) and detection.train_on "
            f"({detection['train_on']!r}): give one of the two"
        )


check_config(config)

DETECTOR = config["detector"]["name"]
QUALITIES = config["dataset"]["qualities"]
FRAME_EXT = config["frames"]["format"]
#: Every per-frame feature a detector can use without the original (histograms, feature AUCs).
ALL_FEATURES = config["metrics"]["features"] + (
    TEMPORAL_COLUMNS[2:] if config["metrics"]["temporal"] else []
)


def dataset_roots(cfg):
    """(fakes_root, originals_root): the sample's folders when the sample is used."""
    if cfg["dataset"]["sample"]:
        root = cfg["sample"]["root"]
        return f"{root}/DeepfakeTIMIT", f"{root}/VidTIMIT"
    return cfg["dataset"]["fakes_root"], cfg["dataset"]["originals_root"]


def load_videos(cfg):
    """The video table the job graph is built from, and the dataset's skipped inputs.

    For the sample it is known before the sample exists (the sample rule
    makes it); for a real dataset it is discovered on disk (each skipped
    input is named in a warning now), and a fake without its original
    stops the workflow with a message naming both.
    """
    if cfg["dataset"]["sample"]:
        table = layout(SampleSpec.from_config(cfg["sample"]), cfg["sample"]["root"])
        skipped = pd.DataFrame()
    else:
        table, skipped = discover(*dataset_roots(cfg), qualities=tuple(cfg["dataset"]["qualities"]))
    table = table[table.quality.isin(["real", *cfg["dataset"]["qualities"]])]
    return table.set_index("video", drop=False), skipped


FAKES_ROOT, ORIGINALS_ROOT = dataset_roots(config)
VIDEOS, SKIPPED = load_videos(config)
#: Changes when the dataset's names or frame counts change: reruns the video table.
DATASET_DIGEST = table_digest(VIDEOS, SKIPPED)
FAKES = VIDEOS[VIDEOS.label == 1]
# Fakes whose comparison figures the Snakemake report embeds: plots.report_fakes per quality,
# one per target subject in turn (by name), so that they show different people. Embedding all
# (three ~560 KB figures a fake) would make the full dataset's report about 1.6 GB; the other
# fakes' figures stay in results/plots/<detector>/compare/.
_BY_NAME = FAKES.sort_index()
REPORTED_FAKES = (
    _BY_NAME.assign(turn=_BY_NAME.groupby(["quality", "subject"]).cumcount())
    .sort_values("turn", kind="stable")
    .groupby("quality")
    .head(config["plots"]["report_fakes"])
    .index
)
REPORTED_PATTERN = "|".join(map(re.escape, REPORTED_FAKES)) or "(?!)"  # (?!) matches nothing


def video_source(wildcards):
    """The dataset file (fake) or frame folder (original) of a video."""
    return VIDEOS.loc[wildcards.video, "path"]


def source_fingerprint(wildcards):
    """The fingerprint of a VidTIMIT frame folder (:func:`dfscope.provenance.folder_fingerprint`),
    so that a frame overwritten, added or removed in place reruns the video. A video file
    needs none (Snakemake sees its mtime), nor does the generated sample (the sample rule
    makes it, and it does not exist yet when the first run is planned)."""
    path = video_source(wildcards)
    if config["dataset"]["sample"] or not Path(path).is_dir():
        return ""
    return folder_fingerprint(path)


def expected_frames(wildcards):
    return int(VIDEOS.loc[wildcards.video, "n_frames"])


def original_of(wildcards):
    return VIDEOS.loc[wildcards.video, "original"]


def frames_inputs(wildcards):
    """A video's source and, for a fake, its original's frames manifest: the fake's frames
    are paired only if they have the original's size. A real video is its own original."""
    inputs = {"source": video_source(wildcards)}
    original = original_of(wildcards)
    if original != wildcards.video:
        inputs["original"] = f"results/frames/{original}.json"
    return inputs


def paired_inputs(wildcards):
    """Frames of a fake and of its original, and the original's detections (its crop squares)."""
    original = original_of(wildcards)
    return {
        "fake": f"results/frames/{wildcards.video}",
        "original": f"results/frames/{original}",
        "original_faces": f"results/faces/{wildcards.detector}/{original}.parquet",
    }


def detector_params(wildcards):
    return config["detector"]["params"][wildcards.detector]


def frame_folder(pattern):
    """A video's frame folder; with ``frames.temporary`` it is deleted once every job that
    reads it (faces, metrics, figures) is done, saving the decoded dataset's disk (PNG frames
    of the sample take 280 KB each: about 28 GB for the full DeepfakeTIMIT). Changing a
    setting upstream of the metrics then decodes the video again."""
    return temp(directory(pattern)) if config["frames"]["temporary"] else directory(pattern)


def detector_gpus(wildcards):
    """Resource ``gpu``: 1 for a faces job whose detector runs on CUDA, else 0."""
    return int(str(detector_params(wildcards).get("device", "cpu")).startswith("cuda"))


def per_video(pattern, fakes_only=False):
    """Input function: ``pattern`` for every video (or every fake) with the wildcard's detector."""

    def inputs(wildcards):
        videos = FAKES.index if fakes_only else VIDEOS.index
        return expand(pattern, video=videos, detector=wildcards.detector)

    return inputs


def temporal_inputs(wildcards):
    """Temporal-feature tables of every video, or none when ``metrics.temporal`` is off."""
    if not config["metrics"]["temporal"]:
        return []
    return per_video("results/metrics/{detector}/temporal/{video}.parquet")(wildcards)


def detection_inputs(wildcards):
    """The split file and the other study's training table of ``detection``, where set."""
    options = config["detection"]
    return {
        key: options[name]
        for key, name in (("split", "split"), ("train", "train_on"))
        if options[name]
    }


def final_targets():
    """The study's tables and figures for the configured detector."""
    return [
        "results/tables/videos.parquet",
        *expand(
            "results/tables/{detector}/{name}",
            detector=DETECTOR,
            name=[
                "frames.parquet",
                "videos.parquet",
                "problems.csv",
                "summary.csv",
                "feature_auc.csv",
                "detection.csv",
            ],
        ),
        *expand(
            "results/plots/{detector}/{name}",
            detector=DETECTOR,
            name=["roc.png", "paired_hist.png", "feature_hist.png", "detection_roc.png"],
        ),
        *expand("results/plots/{detector}/compare/{video}", detector=DETECTOR, video=FAKES.index),
    ]


def results_message():
    return "\n".join(
        [
            "dfscope finished. Results:",
            f"  ROC curves (LQ and HQ):   results/plots/{DETECTOR}/roc.png",
            f"  paired-metric histograms: results/plots/{DETECTOR}/paired_hist.png",
            f"  feature histograms:       results/plots/{DETECTOR}/feature_hist.png",
            f"  fake vs original figures: results/plots/{DETECTOR}/compare/<video>/",
            f"  detector (AUC/EER, CIs):  results/tables/{DETECTOR}/detection.csv",
            f"  detector ROC with band:   results/plots/{DETECTOR}/detection_roc.png",
            f"  AUC / EER table:          results/tables/{DETECTOR}/summary.csv",
            f"  single-feature AUCs:      results/tables/{DETECTOR}/feature_auc.csv",
            f"  per-frame table:          results/tables/{DETECTOR}/frames.parquet",
            f"  per-video table:          results/tables/{DETECTOR}/videos.parquet",
            f"  bad inputs, by video:     results/tables/{DETECTOR}/problems.csv",
            problems_message(f"results/tables/{DETECTOR}/problems.csv"),
        ]
    )
