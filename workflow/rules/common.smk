# Helpers for the other .smk files: config checks, the video table and input functions;
# the logic they call lives in the dfscope library. No rule is defined here.
from pathlib import Path

import pandas as pd

from snakemake.utils import validate

from dfscope.config import check_config, check_renamed, classifier_features
from dfscope.dataset import discover, wildcard_pattern
from dfscope.detectors import module_of
from dfscope.gather import problems_message
from dfscope.plan import exact_pattern, reported_fakes, results_message, targets
from dfscope.provenance import code_version, folder_fingerprint, table_digest
from dfscope.sample import SampleSpec, layout

check_renamed(config)
validate(config, schema="../schemas/config.schema.yaml")
check_config(config)

DETECTOR = config["detector"]["name"]
QUALITIES = config["dataset"]["qualities"]
FRAME_EXT = config["frames"]["format"]
ALL_FEATURES = classifier_features(config)


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
VIDEO_PATTERN = wildcard_pattern(VIDEOS.index)
REPORTED_PATTERN = exact_pattern(reported_fakes(FAKES, config["plots"]["report_fakes"]))


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


def faces_code(wildcards):
    """The code version of a faces job: the step's and its own detector's, no other's."""
    return code_version("faces", module_of(wildcards.detector))


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


def classifier_inputs(wildcards):
    """The split file and the other study's training table of ``classifier``, where set."""
    options = config["classifier"]
    return {
        key: options[name]
        for key, name in (("split", "split"), ("train", "train_on"))
        if options[name]
    }


def final_targets():
    """The study's tables and figures for the configured detector."""
    return targets(DETECTOR, FAKES.index)


def end_message():
    """Where the results are, and the study's problems, for the end of a run."""
    problems = problems_message(f"results/tables/{DETECTOR}/problems.csv")
    return results_message(DETECTOR, QUALITIES, problems)
