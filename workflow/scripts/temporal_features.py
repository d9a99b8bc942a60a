"""Rule temporal_features: frame-to-frame change of the face of a batch's videos."""

from dfscope.runtime import configure_logging
from dfscope.temporal import measure_batch

configure_logging(snakemake.log[0])
p = snakemake.params
measure_batch(
    p.videos,
    snakemake.input.frames,
    snakemake.input.manifests,
    snakemake.input.faces,
    snakemake.output[0],
    crop_size=p.crop_size,
    ssim_options=dict(p.ssim),
)
