"""Rule summary: AUC and EER of each score, per group of fakes, at frame and video level."""

from dfscope.evaluation import summarise
from dfscope.runtime import configure_logging

configure_logging(snakemake.log[0])
summarise(
    snakemake.input.frames,
    snakemake.input.videos,
    snakemake.output[0],
    scores=snakemake.params.scores,
    groups=snakemake.params.groups,
)
