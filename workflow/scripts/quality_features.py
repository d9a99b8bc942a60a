"""Rule quality_features: no-reference features of one video's face crops."""

from dfscope.features import measure_video
from dfscope.runtime import configure_logging

configure_logging(snakemake.log[0])
measure_video(
    snakemake.input.crops,
    snakemake.input.faces,
    snakemake.output[0],
    video=snakemake.wildcards.video,
    features=snakemake.params.features,
)
