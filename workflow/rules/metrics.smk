# Per-frame measures: no-reference and temporal features of every video's face,
# and fake-vs-original comparison on pixel-aligned crops for every fake.


rule quality_features:
    input:
        crops="results/faces/{detector}/{video}",
        faces="results/faces/{detector}/{video}.parquet",
    output:
        "results/metrics/{detector}/features/{video}.parquet",
    log:
        "results/logs/features/{detector}/{video}.log",
    conda:
        "../../environment.yml"
    resources:
        mem_mb=1000,
    params:
        features=config["metrics"]["features"],
        code=code_version("features"),
    script:
        "../scripts/quality_features.py"


rule temporal_features:
    input:
        frames="results/frames/{video}",
        faces="results/faces/{detector}/{video}.parquet",
    output:
        "results/metrics/{detector}/temporal/{video}.parquet",
    log:
        "results/logs/temporal/{detector}/{video}.log",
    conda:
        "../../environment.yml"
    resources:
        mem_mb=1000,
    params:
        crop_size=config["crops"]["size"],
        ssim=config["metrics"]["ssim"],
        code=code_version("temporal"),
    script:
        "../scripts/temporal_features.py"


rule paired_metrics:
    input:
        unpack(paired_inputs),
    output:
        table="results/metrics/{detector}/paired/{video}.parquet",
        diff="results/metrics/{detector}/paired/{video}.ssim_diff.png",
    log:
        "results/logs/paired/{detector}/{video}.log",
    conda:
        "../../environment.yml"
    resources:
        mem_mb=1000,
    params:
        original=original_of,
        crop_size=config["crops"]["size"],
        ssim=config["metrics"]["ssim"],
        regions=config["metrics"]["regions"],
        code=code_version("paired"),
    script:
        "../scripts/paired_metrics.py"
