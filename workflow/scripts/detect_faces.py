"""Rule faces: detect, choose and crop the face in every frame of one video."""

from dfscope import detectors
from dfscope.faces import detect_video
from dfscope.runtime import configure_logging, limit_threads

configure_logging(snakemake.log[0])
threads = limit_threads(snakemake.threads)
p = snakemake.params
detector = detectors.build(snakemake.wildcards.detector, threads=threads, **p.detector)
detect_video(
    snakemake.input[0],
    snakemake.output.crops,
    snakemake.output.table,
    video=snakemake.wildcards.video,
    detector=detector,
    margin=p.margin,
    crop_size=p.crop_size,
    batch_size=p.batch_size,
    choose=p.choose,
    every=p.every,
)
