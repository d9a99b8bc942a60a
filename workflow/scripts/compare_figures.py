"""Rule compare_figures: original | fake | difference | changed regions, for a few frames of
each fake of a batch."""

from dfscope.plots.compare import plot_batch
from dfscope.runtime import configure_logging

configure_logging(snakemake.log[0])
p = snakemake.params
plot_batch(
    p.fakes,
    p.frames,
    p.faces,
    snakemake.input.paired,
    snakemake.output[0],
    n_frames=p.n_frames,
    crop_size=p.crop_size,
    region_options=dict(p.regions),
)
