"""Rule paired_metrics: how and where one fake differs from its original, frame by frame."""

from dfscope.paired import compare_video
from dfscope.runtime import configure_logging

configure_logging(snakemake.log[0])
p = snakemake.params
compare_video(
    snakemake.input.fake,
    snakemake.input.original,
    snakemake.input.original_faces,
    snakemake.output.table,
    snakemake.output.diff,
    video=snakemake.wildcards.video,
    original=p.original,
    crop_size=p.crop_size,
    ssim_options=dict(p.ssim),
    region_options=dict(p.regions),
)
