"""Rule background_table: every video's background features with its row of the video table."""

import pandas as pd

from dfscope.gather import background_table
from dfscope.runtime import configure_logging

configure_logging(snakemake.log[0])
i = snakemake.input
background_table(
    pd.read_parquet(i.videos), i.background, snakemake.output[0], manifests=i.manifests
)
