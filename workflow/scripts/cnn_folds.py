"""Checkpoint cnn_folds: the CNN's folds over the crop table, one training job each."""

from dfscope.classifier.cnn_folds import write_folds
from dfscope.classifier.splits import split_of
from dfscope.runtime import configure_logging

configure_logging(snakemake.log[0])
write_folds(snakemake.input.crops, snakemake.output[0], split=split_of(snakemake.params.options))
