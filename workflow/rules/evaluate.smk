# Study-level tables and figures: gather per-video tables (and every video's problems),
# score ROC/AUC/EER, plot.


rule gather:
    input:
        videos="results/tables/videos.parquet",
        skipped="results/tables/skipped_inputs.csv",
        faces=per_batch("results/faces/{detector}/{batch}"),
        features=per_batch("results/metrics/{detector}/features/{batch}"),
        temporal=temporal_inputs,
        paired=per_batch("results/metrics/{detector}/paired/{batch}", STUDY.paired_batches),
        manifests=expand("results/manifests/{batch}", batch=STUDY.batches),
    output:
        frames="results/tables/{detector}/frames.parquet",
        videos="results/tables/{detector}/videos.parquet",
        problems=report(
            "results/tables/{detector}/problems.csv",
            caption="../report/problems.rst",
            category="Problems",
        ),
    log:
        "results/logs/gather/{detector}.log",
    conda:
        "../../environment.yml"
    params:
        made_with=MADE_WITH,
        code=code_of("gather"),
    script:
        "../scripts/gather.py"


rule crop_table:
    input:
        videos="results/tables/videos.parquet",
        faces=per_batch("results/faces/{detector}/{batch}"),
        manifests=expand("results/manifests/{batch}", batch=STUDY.batches),
    output:
        "results/tables/{detector}/crops.parquet",
    log:
        "results/logs/crop_table/{detector}.log",
    conda:
        "../../environment.yml"
    params:
        code=code_of("crop_table"),
    script:
        "../scripts/crop_table.py"


rule background_table:
    input:
        videos="results/tables/videos.parquet",
        background=per_batch("results/metrics/{detector}/background/{batch}"),
        manifests=expand("results/manifests/{batch}", batch=STUDY.batches),
    output:
        "results/tables/{detector}/background.parquet",
    log:
        "results/logs/background_table/{detector}.log",
    conda:
        "../../environment.yml"
    params:
        code=code_of("background_table"),
    script:
        "../scripts/background_table.py"


rule feature_auc:
    input:
        frames="results/tables/{detector}/frames.parquet",
        videos="results/tables/{detector}/videos.parquet",
    output:
        report(
            "results/tables/{detector}/feature_auc.csv",
            caption="../report/feature_auc.rst",
            category="Single features",
        ),
    log:
        "results/logs/feature_auc/{detector}.log",
    conda:
        "../../environment.yml"
    params:
        features=ALL_FEATURES,
        groups=STUDY.groups,
        code=code_of("feature_auc"),
    script:
        "../scripts/feature_auc.py"


rule plots:
    input:
        frames="results/tables/{detector}/frames.parquet",
        videos="results/tables/{detector}/videos.parquet",
    output:
        roc=report(
            "results/plots/{detector}/roc.png",
            caption="../report/roc.rst",
            category="Single features",
        ),
        hist=report(
            "results/plots/{detector}/paired_hist.png",
            caption="../report/paired_hist.rst",
            category="Fake vs original",
        ),
        features=report(
            "results/plots/{detector}/feature_hist.png",
            caption="../report/feature_hist.rst",
            category="Single features",
        ),
    log:
        "results/logs/plots/{detector}.log",
    conda:
        "../../environment.yml"
    params:
        score=config["evaluation"]["roc_score"],
        features=ALL_FEATURES,
        groups=STUDY.groups,
        code=code_of("plots"),
    script:
        "../scripts/plots.py"


rule compare_figures:
    input:
        unpack(paired_inputs),
        paired="results/metrics/{detector}/paired/{batch}",
    output:
        directory("results/plots/{detector}/compare/{batch}"),
    log:
        "results/logs/compare/{detector}/{batch}.log",
    conda:
        "../../environment.yml"
    params:
        fakes=drawn_fakes,
        frames=pair_folders("results/frames/{batch}", fakes_and_originals),
        faces=pair_folders("results/faces/{detector}/{batch}", fakes_and_originals),
        n_frames=config["plots"]["compare_frames"],
        crop_size=config["crops"]["size"],
        regions=config["metrics"]["regions"],
        code=code_of("compare_figures"),
    script:
        "../scripts/compare_figures.py"


# The same figures of the batches of the fakes the report shows (dfscope.plan.reported_fakes),
# those fakes' figures marked for it.
use rule compare_figures as compare_figures_in_report with:
    output:
        report(
            directory(
                f"results/plots/{{detector}}/compare/{{batch,{exact_pattern(STUDY.reported_batches)}}}"
            ),
            patterns=[f"{{video,{exact_pattern(STUDY.reported)}}}/{{name}}.jpg"],
            caption="../report/compare.rst",
            category="Fake vs original",
            subcategory="{video}",
        ),


ruleorder: compare_figures_in_report > compare_figures


rule deepfakebench:
    input:
        videos="results/tables/videos.parquet",
        faces=per_batch("results/faces/{detector}/{batch}"),
        frames=expand("results/frames/{batch}", batch=STUDY.batches),
    output:
        directory("results/deepfakebench/{detector}"),
    log:
        "results/logs/deepfakebench/{detector}.log",
    conda:
        "../../environment.yml"
    params:
        options=config["export"]["deepfakebench"],
        code=code_of("deepfakebench"),
    script:
        "../scripts/deepfakebench.py"
