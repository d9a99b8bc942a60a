"""Rule faces: detect, keep and crop the faces in every frame of a batch's videos."""

from dfscope import detectors
from dfscope.crops import Cropping
from dfscope.faces import detect_batch
from dfscope.runtime import configure_logging, limit_threads

configure_logging(snakemake.log[0])
threads = limit_threads(snakemake.threads)
p = snakemake.params
detect_batch(
    p.videos,
    snakemake.input.frames,
    snakemake.output[0],
    detector=detectors.build(snakemake.wildcards.detector, threads=threads, **p.detector),
    cropping=Cropping(**p.crops),
    batch_size=p.batch_size,
    faces=p.faces,
    every=p.every,
)
