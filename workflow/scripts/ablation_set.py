"""Rule ablation_set: each ablation model on one feature set, with the classifier's protocol."""

from dfscope.ablation import run_score_set
from dfscope.classifier.protocol import Protocol
from dfscope.runtime import configure_logging, limit_threads

configure_logging(snakemake.log[0])
limit_threads(snakemake.threads)
p = snakemake.params
run_score_set(
    snakemake.input.frames,
    snakemake.output[0],
    name=snakemake.wildcards.feature_set,
    features=p.features,
    models=p.models,
    protocol=Protocol.from_config(p.options, p.groups),
    classifier_scores=getattr(snakemake.input, "classifier_scores", None),
    classifier_model=p.options["model"],
)
