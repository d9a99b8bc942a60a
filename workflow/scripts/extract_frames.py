"""Rule frames: decode each video of a batch into numbered frames and check the count."""

from dfscope.runtime import configure_logging
from dfscope.video import extract_batch

configure_logging(snakemake.log[0])
p = snakemake.params
extract_batch(
    p.videos,
    snakemake.output.frames,
    snakemake.output.manifests,
    ext=p.ext,
    jpeg_quality=p.jpeg_quality,
    recode=p.recode,
    **p.sampling,
)
