"""Rule cnn: the folds' MesoNet scores pooled, thresholded and evaluated as the classifier's."""

from dfscope.classifier.cnn_evaluation import run_cnn
from dfscope.classifier.splits import protocol_of
from dfscope.runtime import configure_logging

configure_logging(snakemake.log[0])
p = snakemake.params
protocol = protocol_of(p.options, p.groups)
run_cnn(
    snakemake.input,
    snakemake.output.scores,
    snakemake.output.table,
    **{k: protocol[k] for k in ("seed", "pooling", "face_pooling", "groups", "n_boot")},
)
