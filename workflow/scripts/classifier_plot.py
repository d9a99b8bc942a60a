"""Rule classifier_plot: the classifier's video-level ROC per quality with its 95 % band."""

from dfscope.plots.classifier import plot_classifier
from dfscope.runtime import configure_logging

configure_logging(snakemake.log[0])
p = snakemake.params
plot_classifier(
    snakemake.input.scores,
    snakemake.input.table,
    snakemake.output[0],
    qualities=p.qualities,
    n_boot=p.n_boot,
    seed=p.seed,
)
