"""Rule crop_table: the frame table's rows and faces without a measure, for the CNN."""

import pandas as pd

from dfscope.gather import crop_table
from dfscope.runtime import configure_logging

configure_logging(snakemake.log[0])
i = snakemake.input
crop_table(pd.read_parquet(i.videos), i.faces, snakemake.output[0], manifests=i.manifests)
