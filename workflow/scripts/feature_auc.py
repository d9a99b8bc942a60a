"""Rule feature_auc: AUC of every single feature, per group of fakes, frame and video level."""

from dfscope.evaluation import feature_auc
from dfscope.runtime import configure_logging

configure_logging(snakemake.log[0])
feature_auc(
    snakemake.input.frames,
    snakemake.input.videos,
    snakemake.output[0],
    features=snakemake.params.features,
    groups=snakemake.params.groups,
)
