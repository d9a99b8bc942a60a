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
        code=classifier_code,
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
