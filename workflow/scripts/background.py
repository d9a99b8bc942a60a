"""Rule background: the feature families on the frame's corners, away from every face."""

from dfscope.background import measure_batch
from dfscope.runtime import configure_logging

configure_logging(snakemake.log[0])
p = snakemake.params
measure_batch(
    p.videos,
    snakemake.input.frames,
    snakemake.input.manifests,
    snakemake.input.faces,
    snakemake.output[0],
    families=p.families,
    size=p.size,
    per_video=p.per_video,
    crop_size=p.crop_size,
)
