"""Rule classify: score the videos with the deepfake classifier; video scores and its table."""

from dfscope.classifier.protocol import Protocol
from dfscope.classifier.run import run_classifier
from dfscope.runtime import configure_logging, limit_threads

configure_logging(snakemake.log[0])
limit_threads(snakemake.threads)
p = snakemake.params
run_classifier(
    snakemake.input.frames,
    snakemake.output.scores,
    snakemake.output.table,
    snakemake.output.models,
    snakemake.output.frame_scores,
    features=p.features,
    model=p.options["model"],
    protocol=Protocol.from_config(p.options, p.groups),
)
