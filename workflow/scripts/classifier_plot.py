"""Rule classifier_plot: the classifier's video-level ROC per group with its 95 % band, and the
spread of its video scores."""

from dfscope.plots.classifier import plot_classifier
from dfscope.runtime import configure_logging

configure_logging(snakemake.log[0])
p = snakemake.params
plot_classifier(
    snakemake.input.scores,
    snakemake.input.table,
    snakemake.output.roc,
    snakemake.output.scores,
    groups=p.groups,
    n_boot=p.n_boot,
    seed=p.seed,
)
