# Helpers for the other .smk files: the config's checks, the study's plan (dfscope.plan.Study,
# built and tested in the library) and the input functions that read it. No rule is defined here.
import functools
from pathlib import Path

from snakemake.logging import logger
from snakemake.utils import validate

from dfscope.classifier.fold_plan import read_folds
from dfscope.classifier.models import MODELS
from dfscope.classifier.poolings import POOLINGS
from dfscope.classifier.splits import SPLIT_KEYS
from dfscope.config.computed import classifier_features, families, feature_sets
from dfscope.config.made_with import made_with
from dfscope.config.rules import check_config
from dfscope.config.schema import check_renamed, check_schema
from dfscope.background import background_columns, background_message
from dfscope.choices import CHOICES
from dfscope.codecs import CODECS, NONE
from dfscope.detectors import DETECTORS
from dfscope.features import FAMILIES
from dfscope.gather import problems_message
from dfscope.installed import check_installed
from dfscope.layouts import LAYOUTS
from dfscope.plan import Study, exact_pattern
from dfscope.provenance import code_version, folder_fingerprint, script_imports
from dfscope.resources import faces_mem_mb, largest_megapixels

#: Paths from this file, not from the main Snakefile's folder: a host workflow that uses dfscope
#: as a module has its own (``workflow.source_path`` fetches a remote source's file).
SCHEMA = workflow.source_path("../schemas/config.schema.yaml")
check_renamed(config)
check_schema(config, SCHEMA)  # one short message, not Snakemake's print of the whole schema
validate(config, schema=SCHEMA)  # fills in the defaults
check_config(config)

#: The study: its videos, batches, pairs and targets (the built-in sample generated if missing).
STUDY = Study.from_config(config)
check_installed(config, cnn=STUDY.cnn_problem is None)
if STUDY.classifier_problem:
    logger.warning(f"classifier: {STUDY.classifier_problem}")
elif STUDY.cnn_problem and config["cnn"]["enabled"]:
    logger.warning(f"cnn: {STUDY.cnn_problem}")
DETECTOR = STUDY.detector
ALL_FEATURES = classifier_features(config)
#: The settings the frame table is made with, recorded in it (for ``classifier.train_on``).
MADE_WITH = made_with(config)
#: The models the ablation compares: the configured ones, or the classifier's and the training
#: data's best single feature (dfscope.classifier.models.single), the honest yardstick.
ABLATION_MODELS = config["ablation"]["models"] or list(
    dict.fromkeys([config["classifier"]["model"], "single"])
)
#: The background control's settings (dfscope.background, dfscope.controls).
BACKGROUND = config["controls"]["background"]
#: The feature sets the ablation compares, by name (dfscope.config.computed.feature_sets).
ABLATION_SETS = feature_sets(
    families(config), config["metrics"]["temporal"], config["ablation"]["sets"]
)


def code_of(script, *entries):
    """The code version of a rule: of the dfscope modules its ``script`` imports and of the
    registry ``entries`` (modules) it loads by name, and of all they import
    (:mod:`dfscope.provenance`), so that editing a module reruns the rules that run it."""
    return code_version(*script_imports(workflow.source_path(f"../scripts/{script}.py")), *entries)


def members(wildcards):
    """The rows of the video table in the wildcard's batch."""
    return STUDY.members[wildcards.batch]


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
    """The fingerprints of a batch's frame folders (:func:`dfscope.provenance.folder_fingerprint`),
    so that a frame overwritten, added or removed in place reruns its batch. A video file
    needs none: Snakemake sees its mtime."""
    return " ".join(
        folder_fingerprint(path) for path in batch_sources(wildcards) if Path(path).is_dir()
    )


def batch_fakes(wildcards):
    """The fakes of a batch measured against their original: their ids and originals'."""
    return STUDY.fakes_of.get(wildcards.batch, [])


#: The fakes whose comparison figures are drawn (dfscope.plan.Study.drawn).
DRAWN = set(STUDY.drawn)


def drawn_fakes(wildcards):
    """The fakes of a batch whose comparison figures are drawn: their ids and originals'."""
    return [row for row in batch_fakes(wildcards) if row["video"] in DRAWN]


def pair_folders(pattern, videos):
    """Input function: ``pattern`` (with ``{batch}``, maybe ``{detector}``) for the batch of
    each of ``videos(wildcards)``, by video: where a step finds them."""

    def folders(wildcards):
        return {
            video: pattern.format(batch=STUDY.batch[video], detector=wildcards.get("detector", ""))
            for video in videos(wildcards)
        }

    return folders


def fakes_and_originals(wildcards):
    return sorted({v for row in batch_fakes(wildcards) for v in (row["video"], row["original"])})


def paired_inputs(wildcards):
    """The frame folders and detections of a batch's fakes and their originals (the fakes'
    faces, the originals' crop geometries)."""
    frames = pair_folders("results/frames/{batch}", fakes_and_originals)(wildcards)
    faces = pair_folders("results/faces/{detector}/{batch}", fakes_and_originals)(wildcards)
    return {"frames": sorted(set(frames.values())), "faces": sorted(set(faces.values()))}


def detector_params(wildcards):
    return config["detector"]["params"][wildcards.detector]


def faces_code(wildcards):
    """The code version of a faces job: its script's, its own detector's (no other's) and its
    face choice's."""
    return detector_code(wildcards.detector)


@functools.cache
def detector_code(detector):
    """:func:`faces_code` of a detector, hashed once a run, not once a job."""
    faces = config["detector"]["faces"]
    chosen = [] if faces == "all" else [CHOICES.module(faces)]  # all: dfscope.tracks, imported
    return code_of("detect_faces", DETECTORS.module(detector), *chosen)


def model_code(script):
    """The code version of a step that fits the configured model (classify, controls): its own
    ``script``'s, and its model's and poolings'."""
    return code_of(script, MODELS.module(config["classifier"]["model"]), *pooling_modules())


def pooling_modules():
    """The modules of the poolings the config chooses, over frames and over faces."""
    options = config["classifier"]
    return [POOLINGS.module(options["pooling"]), POOLINGS.module(options["face_pooling"])]


def ablation_set_code(wildcards):
    """The code version of an ablation job: its script's, and every model's it compares."""
    models = [MODELS.module(m) for m in ABLATION_MODELS]
    return code_of("ablation_set", *models, *pooling_modules())


def codec_modules():
    """The module of the codec ``frames.recode`` chooses, or none."""
    codec = config["frames"]["recode"]["codec"]
    return [] if codec == NONE else [CODECS.module(codec)]


def video_table_code(wildcards):
    """The code version of the video table: its script's and the configured layout's reader,
    no other layout's."""
    return code_of("video_table", LAYOUTS.module(config["dataset"]["layout"]))


def frame_folder(pattern):
    """A batch's frame folder; with ``frames.temporary`` it is deleted once every job that
    reads it (faces, metrics, figures) is done, saving the decoded dataset's disk (BMP frames
    of the sample take 576 KB each: about 59 GB for the full DeepfakeTIMIT). Changing a
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
        chosen = STUDY.batches if batches is None else batches  # none paired: an empty list
        return expand(pattern, batch=chosen, detector=wildcards.detector)

    return inputs


def cnn_folds(pattern):
    """Input function: ``pattern`` for every fold of the CNN, as many as the checkpoint
    cnn_folds found in the crop table (dfscope.classifier.fold_plan)."""

    def inputs(wildcards):
        plan = checkpoints.cnn_folds.get(detector=wildcards.detector).output[0]
        folds = range(len(read_folds(plan)))
        return expand(pattern, fold=folds, detector=wildcards.detector)

    return inputs


def temporal_inputs(wildcards):
    """The temporal step's batch folders, or none when ``metrics.temporal`` is off."""
    if not config["metrics"]["temporal"]:
        return []
    return per_batch("results/metrics/{detector}/temporal/{batch}")(wildcards)


def classifier_scores(wildcards):
    """The classify step's held-out scores, for the ablation's set of the classifier's own
    features (in its order), where the ablation compares the classifier's model: that set's
    fit is the classify step's, read rather than fitted again."""
    reused = (
        ABLATION_SETS[wildcards.feature_set] == ALL_FEATURES
        and config["classifier"]["model"] in ABLATION_MODELS
    )
    path = "results/metrics/{detector}/classifier/frame_scores.parquet"
    return {"classifier_scores": path.format(**wildcards)} if reused else {}


def classifier_inputs(wildcards):
    """The split file and the other study's training table of ``classifier``, where set."""
    options = config["classifier"]
    return {
        key: options[name]
        for key, name in (("split", "split"), ("train", "train_on"))
        if options[name] and options[name] != "dataset"
    }


def background_inputs(wildcards):
    """The background table of the controls, where the background control is on."""
    if not BACKGROUND["enabled"]:
        return {}
    return {"background": f"results/tables/{wildcards.detector}/background.parquet"}


def end_message():
    """Where the results are, and the study's problems, for the end of a run."""
    problems = problems_message(f"results/tables/{DETECTOR}/problems.csv")
    background = background_message(f"results/tables/{DETECTOR}/controls.csv")
    return STUDY.end_message("\n".join(filter(None, [problems, background])))
