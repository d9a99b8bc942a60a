"""Rule controls: shuffled labels, people on both sides of a fold, identity in the features, and
the background control."""

from dfscope.classifier.protocol import Protocol
from dfscope.controls import run_controls
from dfscope.runtime import configure_logging, limit_threads

configure_logging(snakemake.log[0])
limit_threads(snakemake.threads)
p, i = snakemake.params, snakemake.input
run_controls(
    i.frames,
    snakemake.output[0],
    features=p.features,
    model=p.options["model"],
    protocol=Protocol.from_config(p.options, p.groups),
    background=(
        (i.background, p.background_features, p.background["threshold"])
        if p.background["enabled"]
        else None
    ),
)
