# Study-level tables and figures: gather per-video tables, score ROC/AUC/EER, plot.


rule gather:
    input:
        videos="results/tables/videos.parquet",
        faces=per_video("results/faces/{detector}/{video}.parquet"),
        features=per_video("results/metrics/{detector}/features/{video}.parquet"),
        paired=per_video("results/metrics/{detector}/paired/{video}.parquet", fakes_only=True),
    output:
        frames="results/tables/{detector}/frames.parquet",
        videos="results/tables/{detector}/videos.parquet",
    params:
        code=code_version("evaluation"),
    conda:
        "../../environment.yml"
    log:
        "results/logs/gather/{detector}.log",
    script:
        "../scripts/gather.py"


rule summary:
    input:
        frames="results/tables/{detector}/frames.parquet",
        videos="results/tables/{detector}/videos.parquet",
    output:
        "results/tables/{detector}/summary.csv",
    params:
        scores=config["evaluation"]["scores"],
        qualities=QUALITIES,
        code=code_version("evaluation"),
    conda:
        "../../environment.yml"
    log:
        "results/logs/summary/{detector}.log",
    script:
        "../scripts/summary.py"


rule plots:
    input:
        frames="results/tables/{detector}/frames.parquet",
        videos="results/tables/{detector}/videos.parquet",
    output:
        roc="results/plots/{detector}/roc.png",
        hist="results/plots/{detector}/paired_hist.png",
    params:
        score=config["evaluation"]["roc_score"],
        qualities=QUALITIES,
        code=code_version("plots", "evaluation"),
    conda:
        "../../environment.yml"
    log:
        "results/logs/plots/{detector}.log",
    script:
        "../scripts/plots.py"
