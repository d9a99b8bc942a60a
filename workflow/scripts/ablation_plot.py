"""Rule ablation_plot: the ablation's figure."""

from dfscope.plots.ablation import plot_ablation
from dfscope.runtime import configure_logging

configure_logging(snakemake.log[0])
plot_ablation(snakemake.input[0], snakemake.output[0], groups=snakemake.params.groups)
