"""Rule classify: score the videos with the deepfake classifier; video scores and its table."""

from dfscope.classifier.run import run_classifier
from dfscope.classifier.splits import split_of
from dfscope.runtime import configure_logging, limit_threads

configure_logging(snakemake.log[0])
limit_threads(snakemake.threads)
o = snakemake.params.options
run_classifier(
    snakemake.input.frames,
    snakemake.output.scores,
    snakemake.output.table,
    snakemake.output.models,
    features=snakemake.params.features,
    model=o["model"],
    split=split_of(o),
    seed=o["seed"],
    pooling=o["pooling"],
    face_pooling=o["face_pooling"],
    groups=snakemake.params.groups,
    n_boot=o["n_boot"],
    frames_per_video=o["frames_per_video"],
)
