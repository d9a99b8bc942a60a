"""Rule ablation: the feature sets' rows in one table, beside the best single feature."""

from dfscope.ablation import run_combine
from dfscope.runtime import configure_logging

configure_logging(snakemake.log[0])
p = snakemake.params
run_combine(
    snakemake.input.frames,
    snakemake.input.sets,
    snakemake.output[0],
    sets=p.sets,
    models=p.models,
    groups=p.groups,
)
