"""Rule controls: shuffled labels, people on both sides of a fold, identity in the features."""

from dfscope.classifier.splits import split_of
from dfscope.controls import run_controls
from dfscope.runtime import configure_logging, limit_threads

configure_logging(snakemake.log[0])
limit_threads(snakemake.threads)
p = snakemake.params
o = p.options
run_controls(
    snakemake.input.frames,
    snakemake.output[0],
    features=p.features,
    model=o["model"],
    split=split_of(o),
    seed=o["seed"],
    pooling=o["pooling"],
    face_pooling=o["face_pooling"],
    groups=p.groups,
    n_boot=o["n_boot"],
    frames_per_video=o["frames_per_video"],
)
