"""Rule temporal_features: frame-to-frame change of one video's face."""

from dfscope.runtime import configure_logging
from dfscope.temporal import measure_video

configure_logging(snakemake.log[0])
measure_video(
    snakemake.input.frames,
    snakemake.input.faces,
    snakemake.output[0],
    video=snakemake.wildcards.video,
    crop_size=snakemake.params.crop_size,
    ssim_options=dict(snakemake.params.ssim),
)
