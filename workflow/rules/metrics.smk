# Per-frame measures: no-reference and temporal features of every video's face, and
# fake-vs-original comparison on pixel-aligned crops for every fake with its original.
# One job per batch of videos.


rule features:
    input:
        "results/faces/{detector}/{batch}",
    output:
        directory("results/metrics/{detector}/features/{batch}"),
    log:
        "results/logs/features/{detector}/{batch}.log",
    conda:
        "../../environment.yml"
    resources:
        mem_mb=1000,
    params:
        videos=batch_videos,
        families=families(config),
        code=code_of("features", *(FAMILIES.module(name) for name in families(config))),
    script:
        "../scripts/features.py"


rule temporal_features:
    input:
        frames="results/frames/{batch}",
        manifests="results/manifests/{batch}",
        faces="results/faces/{detector}/{batch}",
    output:
        directory("results/metrics/{detector}/temporal/{batch}"),
    log:
        "results/logs/temporal/{detector}/{batch}.log",
    conda:
        "../../environment.yml"
    resources:
        mem_mb=1000,
    params:
        videos=batch_videos,
        crop_size=config["crops"]["size"],
        ssim=config["metrics"]["ssim"],
        code=code_of("temporal_features"),
    script:
        "../scripts/temporal_features.py"


rule paired_metrics:
    input:
        unpack(paired_inputs),
    output:
        directory(
            f"results/metrics/{{detector}}/paired/{{batch,{exact_pattern(STUDY.paired_batches)}}}"
        ),
    log:
        "results/logs/paired/{detector}/{batch}.log",
    conda:
        "../../environment.yml"
    resources:
        mem_mb=1000,
    params:
        fakes=batch_fakes,
        frames=pair_folders("results/frames/{batch}", fakes_and_originals),
        faces=pair_folders("results/faces/{detector}/{batch}", fakes_and_originals),
        crop_size=config["crops"]["size"],
        ssim=config["metrics"]["ssim"],
        regions=config["metrics"]["regions"],
        mask=config["metrics"]["mask"],
        code=code_of("paired_metrics"),
    script:
        "../scripts/paired_metrics.py"


rule background:
    input:
        frames="results/frames/{batch}",
        manifests="results/manifests/{batch}",
        faces="results/faces/{detector}/{batch}",
    output:
        directory("results/metrics/{detector}/background/{batch}"),
    log:
        "results/logs/background/{detector}/{batch}.log",
    conda:
        "../../environment.yml"
    resources:
        mem_mb=1000,
    params:
        videos=batch_videos,
        families=families(config),
        size=BACKGROUND["size"],
        per_video=BACKGROUND["frames"],
        crop_size=config["crops"]["size"],
        code=code_of("background", *(FAMILIES.module(name) for name in families(config))),
    script:
        "../scripts/background.py"
