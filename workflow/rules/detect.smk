# The deepfake detector: a classifier on the features, cross-validated over whole swap pairs,
# scored per video, with bootstrap confidence intervals; and its ROC figure.


rule detect:
    input:
        unpack(detection_inputs),
        frames="results/tables/{detector}/frames.parquet",
    output:
        table=report(
            "results/tables/{detector}/detection.csv",
            caption="../report/detection.rst",
            category="Detection",
        ),
        scores="results/metrics/{detector}/detection/video_scores.parquet",
        models=directory("results/models/{detector}"),
    log:
        "results/logs/detect/{detector}.log",
    conda:
        "../../environment.yml"
    threads: 1
    resources:
        mem_mb=2000,
    params:
        features=ALL_FEATURES,
        qualities=QUALITIES,
        options=config["detection"],
        code=code_version("detection", "evaluation"),
    script:
        "../scripts/detect.py"


rule detection_plot:
    input:
        table="results/tables/{detector}/detection.csv",
        scores="results/metrics/{detector}/detection/video_scores.parquet",
    output:
        report(
            "results/plots/{detector}/detection_roc.png",
            caption="../report/detection_roc.rst",
            category="Detection",
        ),
    log:
        "results/logs/detection_plot/{detector}.log",
    conda:
        "../../environment.yml"
    params:
        qualities=QUALITIES,
        n_boot=config["detection"]["n_boot"],
        seed=config["detection"]["seed"],
        code=code_version("plots", "detection"),
    script:
        "../scripts/detection_plot.py"
