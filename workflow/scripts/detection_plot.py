"""Rule detection_plot: the detector's video-level ROC per quality with its 95 % band."""

from dfscope.plots import plot_detection
from dfscope.runtime import configure_logging

configure_logging(snakemake.log[0])
p = snakemake.params
plot_detection(
    snakemake.input.scores,
    snakemake.input.table,
    snakemake.output[0],
    qualities=p.qualities,
    n_boot=p.n_boot,
    seed=p.seed,
)
