"""Rule compare_figures: original | fake | difference | changed regions, for a few frames."""

from dfscope.plots.compare import plot_comparisons
from dfscope.runtime import configure_logging

configure_logging(snakemake.log[0])
i, p = snakemake.input, snakemake.params
plot_comparisons(
    i.fake,
    i.original,
    i.original_faces,
    i.table,
    i.diff,
    snakemake.output[0],
    video=snakemake.wildcards.video,
    n_frames=p.n_frames,
    crop_size=p.crop_size,
    region_options=dict(p.regions),
)
