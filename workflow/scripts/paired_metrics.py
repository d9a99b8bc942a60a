"""Rule paired_metrics: how and where each fake of a batch differs from its original."""

from dfscope.paired import compare_batch
from dfscope.runtime import configure_logging

configure_logging(snakemake.log[0])
p = snakemake.params
compare_batch(
    p.fakes,
    p.frames,
    p.faces,
    snakemake.output[0],
    crop_size=p.crop_size,
    ssim_options=dict(p.ssim),
    region_options=dict(p.regions),
    mask=p.mask,
)
