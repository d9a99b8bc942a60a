"""Rule controls: shuffled labels, people on both sides of a fold, identity in the features."""

from dfscope.classifier.splits import protocol_of
from dfscope.controls import run_controls
from dfscope.runtime import configure_logging, limit_threads

configure_logging(snakemake.log[0])
limit_threads(snakemake.threads)
p = snakemake.params
run_controls(
    snakemake.input.frames,
    snakemake.output[0],
    features=p.features,
    model=p.options["model"],
    **protocol_of(p.options, p.groups),
)
