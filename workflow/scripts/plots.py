"""Rule plots: ROC curves per group of fakes, paired-metric and feature histograms."""

from dfscope.plots.study import plot_study
from dfscope.runtime import configure_logging

configure_logging(snakemake.log[0])
p = snakemake.params
plot_study(
    snakemake.input.frames,
    snakemake.input.videos,
    snakemake.output.roc,
    snakemake.output.hist,
    snakemake.output.features,
    score=p.score,
    features=p.features,
    groups=p.groups,
)
