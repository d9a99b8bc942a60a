# The deepfake classifier: trained on the features, cross-validated over whole swap pairs,
# scored per video, with bootstrap confidence intervals; and its ROC figure.


rule classify:
    input:
        unpack(classifier_inputs),
        frames="results/tables/{detector}/frames.parquet",
    output:
        table=report(
            "results/tables/{detector}/classifier.csv",
            caption="../report/classifier.rst",
            category="Classifier",
        ),
        scores="results/metrics/{detector}/classifier/video_scores.parquet",
        models=directory("results/models/{detector}"),
        frame_scores="results/metrics/{detector}/classifier/frame_scores.parquet",
    log:
        "results/logs/classify/{detector}.log",
    conda:
        "../../environment.yml"
    threads: 1
    resources:
        mem_mb=2000,
    params:
        features=ALL_FEATURES,
        groups=STUDY.groups,
        options=config["classifier"],
        code=model_code("classify"),
    script:
        "../scripts/classify.py"


rule classifier_plot:
    input:
        table="results/tables/{detector}/classifier.csv",
        scores="results/metrics/{detector}/classifier/video_scores.parquet",
    output:
        roc=report(
            "results/plots/{detector}/classifier_roc.png",
            caption="../report/classifier_roc.rst",
            category="Classifier",
        ),
        scores=report(
            "results/plots/{detector}/scores.png",
            caption="../report/scores.rst",
            category="Classifier",
        ),
    log:
        "results/logs/classifier_plot/{detector}.log",
    conda:
        "../../environment.yml"
    params:
        groups=STUDY.groups,
        n_boot=config["classifier"]["n_boot"],
        seed=config["classifier"]["seed"],
        code=code_of("classifier_plot"),
    script:
        "../scripts/classifier_plot.py"


rule ablation_set:
    input:
        unpack(classifier_inputs),
        unpack(classifier_scores),
        frames="results/tables/{detector}/frames.parquet",
    output:
        "results/metrics/{detector}/ablation/{feature_set}.parquet",
    log:
        "results/logs/ablation_set/{detector}/{feature_set}.log",
    conda:
        "../../environment.yml"
    threads: 1
    resources:
        mem_mb=2000,
    params:
        features=lambda wildcards: ABLATION_SETS[wildcards.feature_set],
        models=ABLATION_MODELS,
        groups=STUDY.groups,
        options=config["classifier"],
        code=ablation_set_code,
    script:
        "../scripts/ablation_set.py"


rule ablation:
    input:
        frames="results/tables/{detector}/frames.parquet",
        sets=expand(
            "results/metrics/{{detector}}/ablation/{feature_set}.parquet",
            feature_set=ABLATION_SETS,
        ),
    output:
        report(
            "results/tables/{detector}/ablation.csv",
            caption="../report/ablation.rst",
            category="Classifier",
        ),
    log:
        "results/logs/ablation/{detector}.log",
    conda:
        "../../environment.yml"
    resources:
        mem_mb=2000,  # the frame table for the best single feature: 654 MiB at 100,000 frames
    params:
        sets=ABLATION_SETS,
        models=ABLATION_MODELS,
        groups=STUDY.groups,
        code=code_of("ablation"),
    script:
        "../scripts/ablation.py"


rule ablation_plot:
    input:
        "results/tables/{detector}/ablation.csv",
    output:
        report(
            "results/plots/{detector}/ablation.png",
            caption="../report/ablation_plot.rst",
            category="Classifier",
        ),
    log:
        "results/logs/ablation_plot/{detector}.log",
    conda:
        "../../environment.yml"
    params:
        groups=STUDY.groups,
        code=code_of("ablation_plot"),
    script:
        "../scripts/ablation_plot.py"


rule controls:
    input:
        unpack(classifier_inputs),
        unpack(background_inputs),
        frames="results/tables/{detector}/frames.parquet",
    output:
        report(
            "results/tables/{detector}/controls.csv",
            caption="../report/controls.rst",
            category="Classifier",
        ),
    log:
        "results/logs/controls/{detector}.log",
    conda:
        "../../environment.yml"
    threads: 1
    resources:
        mem_mb=2000,
    params:
        features=ALL_FEATURES,
        groups=STUDY.groups,
        options=config["classifier"],
        background=BACKGROUND,
        background_features=background_columns(families(config)),
        code=model_code("controls"),
    script:
        "../scripts/controls.py"


checkpoint cnn_folds:
    input:
        unpack(classifier_inputs),
        crops="results/tables/{detector}/crops.parquet",
    output:
        "results/metrics/{detector}/cnn/folds.json",
    log:
        "results/logs/cnn_folds/{detector}.log",
    conda:
        "../../environment.yml"
    params:
        # What decides the folds, not the rest of classifier: (pooling, n_boot, ...), which
        # the evaluation job takes, so that editing those trains nothing again.
        options={k: config["classifier"][k] for k in SPLIT_KEYS},
        code=code_of("cnn_folds"),
    script:
        "../scripts/cnn_folds.py"


rule cnn_fold:
    input:
        frames="results/tables/{detector}/crops.parquet",
        folds="results/metrics/{detector}/cnn/folds.json",
        faces=per_batch("results/faces/{detector}/{batch}"),
    output:
        scores="results/metrics/{detector}/cnn/fold_{fold}.parquet",
        model="results/cnn_models/{detector}/fold_{fold}.pt",
    log:
        "results/logs/cnn/{detector}/fold_{fold}.log",
    conda:
        "../../environment.yml"
    threads: config["cnn"]["threads"]
    resources:
        mem_mb=3000,
        gpu=int(config["cnn"]["device"].startswith("cuda")),
    params:
        cnn=config["cnn"],
        crop_size=config["crops"]["size"],
        seed=config["classifier"]["seed"],
        code=code_of("cnn_fold"),
    script:
        "../scripts/cnn_fold.py"


rule cnn:
    input:
        cnn_folds("results/metrics/{detector}/cnn/fold_{fold}.parquet"),
    output:
        table=report(
            "results/tables/{detector}/cnn.csv",
            caption="../report/cnn.rst",
            category="CNN",
        ),
        scores="results/metrics/{detector}/cnn/video_scores.parquet",
    log:
        "results/logs/cnn/{detector}.log",
    conda:
        "../../environment.yml"
    resources:
        mem_mb=2000,  # every frame's score and the bootstrap, as classify (938 MiB at 100,000)
    params:
        groups=STUDY.groups,
        options=config["classifier"],
        code=code_of("cnn", *pooling_modules()),
    script:
        "../scripts/cnn.py"


use rule classifier_plot as cnn_plot with:
    input:
        table="results/tables/{detector}/cnn.csv",
        scores="results/metrics/{detector}/cnn/video_scores.parquet",
    output:
        roc=report(
            "results/plots/{detector}/cnn_roc.png",
            caption="../report/cnn_roc.rst",
            category="CNN",
        ),
        scores="results/plots/{detector}/cnn_scores.png",
    log:
        "results/logs/cnn_plot/{detector}.log",
