"""Rule gather: one frame table and one video table for the study, and its problems."""

import pandas as pd

from dfscope.gather import gather
from dfscope.runtime import configure_logging

configure_logging(snakemake.log[0])
i = snakemake.input
o = snakemake.output
gather(
    pd.read_parquet(i.videos),
    i.faces,
    i.features,
    i.temporal,
    i.paired,
    o.frames,
    o.videos,
    manifests=i.manifests,
    skipped=i.skipped,
    problems_out=o.problems,
    made_with=snakemake.params.made_with,
)
