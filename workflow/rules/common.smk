# Helpers for the other .smk files: config checks, the video table and input functions;
# the logic they call lives in the dfscope library. No rule is defined here.
import functools
from pathlib import Path

import pandas as pd

from snakemake.logging import logger
from snakemake.utils import validate

from dfscope.batches import assign
from dfscope.config import (
    check_config,
    check_renamed,
    check_schema,
    classifier_features,
    made_with,
)
from dfscope.dataset import video_table, wildcard_pattern
from dfscope.detectors import module_of
from dfscope.gather import problems_message
from dfscope.layouts import group_order, read_dataset
from dfscope.layouts import module_of as layout_module
from dfscope.plan import (
    classifier_problem,
    exact_pattern,
    reported_fakes,
    results_message,
    targets,
)
from dfscope.provenance import code_version, folder_fingerprint, table_digest
from dfscope.resources import faces_mem_mb, largest_megapixels
from dfscope.sample import SampleSpec, layout
from dfscope.schema import DATASET_SPLIT

SCHEMA = Path(workflow.basedir) / "workflow/schemas/config.schema.yaml"
check_renamed(config)
check_schema(config, SCHEMA)  # one short message, not Snakemake's print of the whole schema
validate(config, schema=str(SCHEMA))  # fills in the defaults
check_config(config)

DETECTOR = config["detector"]["name"]
FRAME_EXT = config["frames"]["format"]
ALL_FEATURES = classifier_features(config)
#: The settings the frame table is made with, recorded in it (for ``classifier.train_on``).
MADE_WITH = made_with(config)


def dataset_section(cfg):
    """The config's dataset section, pointed at the built-in sample when it is used."""
    if not cfg["dataset"]["sample"]:
        return cfg["dataset"]
    root = cfg["sample"]["root"]
    return cfg["dataset"] | {"root": f"{root}/DeepfakeTIMIT", "originals_root": f"{root}/VidTIMIT"}


def load_videos(cfg):
    """The video table the job graph is built from, and the dataset's skipped inputs.

    For the sample it is known before the sample exists (the sample rule
    makes it); a dataset is read from disk by its layout's reader (each
    skipped input is named in a warning now).
    """
    if cfg["dataset"]["sample"]:
        table = layout(SampleSpec.from_config(cfg["sample"]), cfg["sample"]["root"])
        skipped = pd.DataFrame()
    else:
        entries, skipped = read_dataset(DATASET)
        table = video_table(entries)
    return table.set_index("video", drop=False), skipped


DATASET = dataset_section(config)
VIDEOS, SKIPPED = load_videos(config)
#: Changes when the dataset's names or frame counts change: reruns the video table.
DATASET_DIGEST = table_digest(VIDEOS, SKIPPED)
#: The groups of fakes (DeepfakeTIMIT's LQ and HQ, FF++'s methods): what results are split by.
GROUPS = group_order(DATASET["layout"], VIDEOS.group[VIDEOS.label == 1])
FAKES = VIDEOS[VIDEOS.label == 1]
REPORTED = reported_fakes(FAKES, config["plots"]["report_fakes"])
REPORTED_PATTERN = exact_pattern(REPORTED)
#: The batch of every video (dfscope.batches.assign): the jobs of the per-video steps.
BATCH = assign(VIDEOS, config["batching"]["max_videos"])
BATCHES = sorted(set(BATCH))
BATCH_PATTERN = wildcard_pattern(BATCHES)
#: The fakes measured against their original (the paired step and its figures), and their batches.
PAIRED = VIDEOS[(VIDEOS.label == 1) & VIDEOS.original.isin(VIDEOS.index)]
PAIRED_BATCHES = sorted(set(BATCH[PAIRED.index]))
REPORTED_BATCHES = exact_pattern(sorted(set(BATCH[REPORTED])))
#: Why the deepfake classifier cannot be trained on this dataset (None: it can).
CLASSIFIER_PROBLEM = classifier_problem(VIDEOS, config["classifier"]["train_on"])
if CLASSIFIER_PROBLEM:
    logger.warning(f"classifier: {CLASSIFIER_PROBLEM}")
#: Each batch's rows of the video table, and its paired fakes' ids and originals: looked up
#: once per job, so split once here (filtering the table per job made planning quadratic).
MEMBERS = dict(tuple(VIDEOS.groupby(BATCH, sort=False)))
FAKES_OF = {
    batch: rows[["video", "original"]].to_dict("records")
    for batch, rows in PAIRED.groupby(BATCH[PAIRED.index], sort=False)
}


def members(wildcards):
    """The rows of the video table in the wildcard's batch."""
    return MEMBERS[wildcards.batch]


def batch_videos(wildcards):
    return members(wildcards).index.tolist()


def batch_sources(wildcards):
    """The dataset files (fakes) and frame folders (originals) of a batch's videos."""
    return members(wildcards).path.tolist()


def batch_records(wildcards):
    """What the frames step needs of each video of a batch: its id, source, expected count and
    original."""
    rows = members(wildcards)[["video", "path", "n_frames", "original"]].astype(object)
    return rows.where(rows.notna(), None).to_dict("records")  # an unknown count: None


def batch_fingerprint(wildcards):
    """The fingerprints of a batch's VidTIMIT frame folders
    (:func:`dfscope.provenance.folder_fingerprint`), so that a frame overwritten, added or
    removed in place reruns its batch. A video file needs none (Snakemake sees its mtime),
    nor does the generated sample (the sample rule makes it, and it does not exist yet when
    the first run is planned)."""
    if config["dataset"]["sample"]:
        return ""
    return " ".join(
        folder_fingerprint(path) for path in batch_sources(wildcards) if Path(path).is_dir()
    )


def batch_fakes(wildcards):
    """The fakes of a batch measured against their original: their ids and originals'."""
    return FAKES_OF.get(wildcards.batch, [])


def pair_folders(pattern, videos):
    """Input function: ``pattern`` (with ``{batch}``, maybe ``{detector}``) for the batch of
    each of ``videos(wildcards)``, by video: where a step finds them."""

    def folders(wildcards):
        return {
            video: pattern.format(batch=BATCH[video], detector=wildcards.get("detector", ""))
            for video in videos(wildcards)
        }

    return folders


def fakes_and_originals(wildcards):
    return sorted({v for row in batch_fakes(wildcards) for v in (row["video"], row["original"])})


def originals(wildcards):
    return sorted({row["original"] for row in batch_fakes(wildcards)})


def paired_inputs(wildcards):
    """The frame folders of a batch's fakes and their originals, and the originals'
    detections (their crop squares)."""
    frames = pair_folders("results/frames/{batch}", fakes_and_originals)(wildcards)
    faces = pair_folders("results/faces/{detector}/{batch}", originals)(wildcards)
    return {"frames": sorted(set(frames.values())), "faces": sorted(set(faces.values()))}


def detector_params(wildcards):
    return config["detector"]["params"][wildcards.detector]


def faces_code(wildcards):
    """The code version of a faces job: the step's and its own detector's, no other's."""
    return detector_code(wildcards.detector)


@functools.cache
def detector_code(detector):
    """:func:`faces_code` of a detector, hashed once a run, not once a job."""
    return code_version("faces", module_of(detector))


def video_table_code(wildcards):
    """The code version of the video table: the layouts' common code and the reader of the
    configured layout, no other layout's."""
    return code_version("layouts", layout_module(DATASET["layout"]))


def frame_folder(pattern):
    """A batch's frame folder; with ``frames.temporary`` it is deleted once every job that
    reads it (faces, metrics, figures) is done, saving the decoded dataset's disk (PNG frames
    of the sample take 280 KB each: about 28 GB for the full DeepfakeTIMIT). Changing a
    setting upstream of the metrics then decodes the batch again."""
    return temp(directory(pattern)) if config["frames"]["temporary"] else directory(pattern)


def faces_memory(wildcards, input, attempt):
    """MB a faces job asks for, from its batch's largest decoded frame (dfscope.resources):
    Snakemake evaluates it again once the frames step has written the manifests; until then
    (planning, a dry run) it is that of a 1920x1080 frame."""
    manifests = sorted(Path(input.manifests).glob("*.json"))
    megapixels = largest_megapixels(manifests) if manifests else 1920 * 1080 / 1e6
    return faces_mem_mb(megapixels, attempt)


def detector_gpus(wildcards):
    """Resource ``gpu``: 1 for a faces job whose detector runs on CUDA, else 0."""
    return int(str(detector_params(wildcards).get("device", "cpu")).startswith("cuda"))


def per_batch(pattern, batches=None):
    """Input function: ``pattern`` for every batch (or those of ``batches``), with the
    wildcard's detector."""

    def inputs(wildcards):
        chosen = BATCHES if batches is None else batches  # none paired: an empty list
        return expand(pattern, batch=chosen, detector=wildcards.detector)

    return inputs


def temporal_inputs(wildcards):
    """The temporal step's batch folders, or none when ``metrics.temporal`` is off."""
    if not config["metrics"]["temporal"]:
        return []
    return per_batch("results/metrics/{detector}/temporal/{batch}")(wildcards)


def classifier_inputs(wildcards):
    """The split file and the other study's training table of ``classifier``, where set."""
    options = config["classifier"]
    return {
        key: options[name]
        for key, name in (("split", "split"), ("train", "train_on"))
        if options[name] and options[name] != DATASET_SPLIT
    }


def final_targets():
    """The study's tables and figures for the configured detector."""
    return targets(DETECTOR, PAIRED_BATCHES, classify=not CLASSIFIER_PROBLEM)


def end_message():
    """Where the results are, and the study's problems, for the end of a run."""
    problems = problems_message(f"results/tables/{DETECTOR}/problems.csv")
    return results_message(DETECTOR, GROUPS, problems, classify=not CLASSIFIER_PROBLEM)
