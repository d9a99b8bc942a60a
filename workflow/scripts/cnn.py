"""Rule cnn: the folds' MesoNet scores pooled, thresholded and evaluated as the classifier's."""

from dfscope.classifier.cnn_evaluation import run_cnn
from dfscope.classifier.protocol import Protocol
from dfscope.runtime import configure_logging

configure_logging(snakemake.log[0])
p = snakemake.params
run_cnn(
    snakemake.input,
    snakemake.output.scores,
    snakemake.output.table,
    protocol=Protocol.from_config(p.options, p.groups),
)
