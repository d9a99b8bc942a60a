"""Rule sample: generate the built-in DeepfakeTIMIT-layout sample."""

from dfscope.runtime import configure_logging
from dfscope.sample import SampleSpec, generate

configure_logging(snakemake.log[0])
spec = snakemake.params.spec
generate(SampleSpec.from_config(spec), spec["root"])
