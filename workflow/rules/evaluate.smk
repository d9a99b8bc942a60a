# Study-level tables and figures: gather per-video tables (and every video's problems),
# score ROC/AUC/EER, plot.


rule gather:
    input:
        videos="results/tables/videos.parquet",
        skipped="results/tables/skipped_inputs.csv",
        faces=per_video("results/faces/{detector}/{video}.parquet"),
        features=per_video("results/metrics/{detector}/features/{video}.parquet"),
        temporal=temporal_inputs,
        paired=per_video("results/metrics/{detector}/paired/{video}.parquet", fakes_only=True),
        manifests=per_video("results/frames/{video}.json"),
    output:
        frames="results/tables/{detector}/frames.parquet",
        videos="results/tables/{detector}/videos.parquet",
        problems="results/tables/{detector}/problems.csv",
    log:
        "results/logs/gather/{detector}.log",
    conda:
        "../../environment.yml"
    params:
        code=code_version("gather"),
    script:
        "../scripts/gather.py"


rule summary:
    input:
        frames="results/tables/{detector}/frames.parquet",
        videos="results/tables/{detector}/videos.parquet",
    output:
        report(
            "results/tables/{detector}/summary.csv",
            caption="../report/summary.rst",
            category="Single features",
        ),
    log:
        "results/logs/summary/{detector}.log",
    conda:
        "../../environment.yml"
    params:
        scores=config["evaluation"]["scores"],
        qualities=QUALITIES,
        code=code_version("evaluation"),
    script:
        "../scripts/summary.py"


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
        qualities=QUALITIES,
        code=code_version("evaluation"),
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
        qualities=QUALITIES,
        code=code_version("plots.study"),
    script:
        "../scripts/plots.py"


rule compare_figures:
    input:
        unpack(paired_inputs),
        table="results/metrics/{detector}/paired/{video}.parquet",
        diff="results/metrics/{detector}/paired/{video}.ssim_diff.png",
    output:
        directory("results/plots/{detector}/compare/{video}"),
    log:
        "results/logs/compare/{detector}/{video}.log",
    conda:
        "../../environment.yml"
    params:
        n_frames=config["plots"]["compare_frames"],
        crop_size=config["crops"]["size"],
        regions=config["metrics"]["regions"],
        code=code_version("plots.compare"),
    script:
        "../scripts/compare_figures.py"


# The same figures of the fakes the report shows (dfscope.plan.reported_fakes), marked for it.
use rule compare_figures as compare_figures_in_report with:
    output:
        report(
            directory(f"results/plots/{{detector}}/compare/{{video,{REPORTED_PATTERN}}}"),
            patterns=["{name}.png"],
            caption="../report/compare.rst",
            category="Fake vs original",
            subcategory="{video}",
        ),


ruleorder: compare_figures_in_report > compare_figures
