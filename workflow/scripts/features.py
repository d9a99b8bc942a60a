"""Rule features: the no-reference features of the face crops of a batch's videos, by family."""

from dfscope.features import measure_batch
from dfscope.runtime import configure_logging

configure_logging(snakemake.log[0])
measure_batch(
    snakemake.params.videos,
    snakemake.input[0],
    snakemake.output[0],
    families=snakemake.params.families,
)
