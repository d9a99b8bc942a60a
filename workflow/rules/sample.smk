# The built-in sample: generated once, only when the config asks for it.
if config["dataset"]["sample"]:

    rule sample:
        output:
            fakes=FAKES.path.tolist(),
            originals=[directory(p) for p in VIDEOS[VIDEOS.label == 0].path],
        log:
            "results/logs/sample.log",
        conda:
            "../../environment.yml"
        params:
            spec=config["sample"],
            code=code_version("sample"),
        script:
            "../scripts/make_sample.py"
