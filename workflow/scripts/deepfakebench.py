"""Rule deepfakebench: the study's faces as a DeepfakeBench dataset."""

from dfscope.deepfakebench import export_study
from dfscope.runtime import configure_logging

configure_logging(snakemake.log[0])
export_study(
    snakemake.input.videos,
    snakemake.input.faces,
    snakemake.input.frames,
    snakemake.output[0],
    **snakemake.params.options,
)
