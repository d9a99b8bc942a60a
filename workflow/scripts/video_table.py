"""Rule video_table: read the dataset in its layout into the video table; its skipped inputs."""

from dfscope.layouts import write_tables
from dfscope.runtime import configure_logging

configure_logging(snakemake.log[0])
write_tables(snakemake.params.dataset, snakemake.output.videos, snakemake.output.skipped)
