# Per-frame measures: no-reference features of every video's face crops, and
# fake-vs-original comparison on pixel-aligned crops for every fake.


rule quality_features:
    input:
        crops="results/faces/{detector}/{video}",
        faces="results/faces/{detector}/{video}.parquet",
    output:
        "results/metrics/{detector}/features/{video}.parquet",
    params:
        features=config["metrics"]["features"],
        code=code_version("analysis", "features"),
    resources:
        mem_mb=1000,
    conda:
        "../../environment.yml"
    log:
        "results/logs/features/{detector}/{video}.log",
    script:
        "../scripts/quality_features.py"


rule paired_metrics:
    input:
        unpack(paired_inputs),
    output:
        "results/metrics/{detector}/paired/{video}.parquet",
    params:
        original=original_of,
        crop_size=config["crops"]["size"],
        ssim=config["metrics"]["ssim"],
        code=code_version("analysis", "metrics", "crops"),
    resources:
        mem_mb=1000,
    conda:
        "../../environment.yml"
    log:
        "results/logs/paired/{detector}/{video}.log",
    script:
        "../scripts/paired_metrics.py"
