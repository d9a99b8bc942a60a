"""Rule frames: decode one video into numbered frames and check the count."""

from dfscope.runtime import configure_logging
from dfscope.video import extract_frames

configure_logging(snakemake.log[0])
p = snakemake.params
extract_frames(
    snakemake.input[0],
    snakemake.output.frames,
    snakemake.output.manifest,
    video=snakemake.wildcards.video,
    expected=p.expected,
    ext=p.ext,
    jpeg_quality=p.jpeg_quality,
)
