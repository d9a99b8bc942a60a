# Detect the face in every frame, or every detector.every-th and interpolate, and cut square
# crops: one job (one detector) per batch of videos, frames fed to it in batches.


rule faces:
    input:
        frames="results/frames/{batch}",
        manifests="results/manifests/{batch}",
    output:
        directory("results/faces/{detector}/{batch}"),
    log:
        "results/logs/faces/{detector}/{batch}.log",
    conda:
        "../../environment.yml"
    # One thread: with hundreds of videos, jobs side by side use the cores better than threads
    # within a job, whose start-up (imports, model) is serial (measured: benchmarks/bench.py).
    threads: 1
    resources:
        mem_mb=faces_memory,
        gpu=detector_gpus,
    params:
        videos=batch_videos,
        detector=detector_params,
        batch_size=config["detector"]["batch_size"],
        faces=config["detector"]["faces"],
        every=config["detector"]["every"],
        crops=config["crops"],
        code=faces_code,
    script:
        "../scripts/detect_faces.py"
