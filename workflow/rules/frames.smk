# The video table; then every video decoded into a folder of numbered frames (all, or some:
# frames.stride, frames.count), its decoded count checked. One job per batch of videos.


rule video_table:
    input:
        STUDY.videos.path.tolist(),
    output:
        videos="results/tables/videos.parquet",
        skipped="results/tables/skipped_inputs.csv",
    log:
        "results/logs/video_table.log",
    conda:
        "../../environment.yml"
    params:
        dataset=config["dataset"],
        digest=STUDY.digest,
        code=video_table_code,
    script:
        "../scripts/video_table.py"


rule frames:
    input:
        batch_sources,
    output:
        frames=frame_folder("results/frames/{batch}"),
        manifests=directory("results/manifests/{batch}"),
    log:
        "results/logs/frames/{batch}.log",
    conda:
        "../../environment.yml"
    resources:
        mem_mb=1000,
    params:
        videos=batch_records,
        fingerprint=batch_fingerprint,
        ext=config["frames"]["format"],
        jpeg_quality=config["frames"]["jpeg_quality"],
        sampling={key: config["frames"][key] for key in ("stride", "count")},
        recode=config["frames"]["recode"],
        code=code_of("extract_frames", *codec_modules()),
    script:
        "../scripts/extract_frames.py"
