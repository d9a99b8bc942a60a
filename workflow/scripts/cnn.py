"""Rule cnn: MesoNet trained per fold on the face crops, scored and evaluated as the classifier."""

from dfscope.classifier.cnn import run_cnn
from dfscope.classifier.splits import protocol_of
from dfscope.runtime import configure_logging

configure_logging(snakemake.log[0])
p = snakemake.params
c, o = p.cnn, p.options
run_cnn(
    snakemake.input.frames,
    snakemake.input.faces,
    snakemake.output.scores,
    snakemake.output.table,
    snakemake.output.models,
    **(protocol_of(o, p.groups) | {"frames_per_video": c["frames_per_video"]}),
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
