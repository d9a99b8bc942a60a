"""Rule cnn_fold: MesoNet trained on one fold's crops, its test and development crops scored."""

from dfscope.classifier.cnn import run_fold
from dfscope.runtime import configure_logging

configure_logging(snakemake.log[0])
p = snakemake.params
c = p.cnn
run_fold(
    snakemake.input.frames,
    snakemake.input.folds,
    snakemake.input.faces,
    int(snakemake.wildcards.fold),
    snakemake.output.scores,
    snakemake.output.model,
    seed=p.seed,
    frames_per_video=c["frames_per_video"],
    training={
        "architecture": c["architecture"],
        "size": p.crop_size,
        "epochs": c["epochs"],
        "batch_size": c["batch_size"],
        "learning_rate": c["learning_rate"],
        "device": c["device"],
        "threads": c["threads"],
    },
)
