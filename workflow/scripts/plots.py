"""Rule plots: ROC curves per quality and paired-metric histograms."""
from dfscope.plots import plot_study
from dfscope.runtime import configure_logging

configure_logging(snakemake.log[0])
plot_study(snakemake.input.frames, snakemake.input.videos, snakemake.output.roc,
           snakemake.output.hist, score=snakemake.params.score, qualities=snakemake.params.qualities)
