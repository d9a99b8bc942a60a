"""Rule video_table: discover and validate the dataset into the video table; its skipped inputs."""

from dfscope.dataset import discover
from dfscope.runtime import configure_logging
from dfscope.tables import write_csv, write_parquet

configure_logging(snakemake.log[0])
p = snakemake.params
videos, skipped = discover(*p.roots, qualities=tuple(p.qualities))
write_parquet(videos, snakemake.output.videos)
write_csv(skipped, snakemake.output.skipped)
