# Detect the face in every frame, or every detector.every-th and interpolate (one detector per
# job, batched), and cut square crops.


rule faces:
    input:
        "results/frames/{video}",
    output:
        crops=directory("results/faces/{detector}/{video}"),
        table="results/faces/{detector}/{video}.parquet",
    log:
        "results/logs/faces/{detector}/{video}.log",
    conda:
        "../../environment.yml"
    # One thread: with hundreds of videos, jobs side by side use the cores better than threads
    # within a job, whose start-up (imports, model) is serial (measured: benchmarks/bench.py).
    threads: 1
    resources:
        mem_mb=2000,
        gpu=detector_gpus,
    params:
        detector=detector_params,
        batch_size=config["detector"]["batch_size"],
        choose=config["detector"]["choose"],
        every=config["detector"]["every"],
        margin=config["crops"]["margin"],
        crop_size=config["crops"]["size"],
        code=faces_code,
    script:
        "../scripts/detect_faces.py"
