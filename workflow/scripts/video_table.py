"""Rule video_table: discover and validate the dataset into the video table."""
from dfscope.dataset import discover
from dfscope.runtime import configure_logging
from dfscope.tables import write_parquet

configure_logging(snakemake.log[0])
p = snakemake.params
write_parquet(discover(*p.roots, qualities=tuple(p.qualities)), snakemake.output[0])
