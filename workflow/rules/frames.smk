# Decode every video into a folder of numbered frames, checking the decoded count (and, for
# a fake, that its frames have its original's size).


rule video_table:
    input:
        VIDEOS.path.tolist(),
    output:
        videos="results/tables/videos.parquet",
        skipped="results/tables/skipped_inputs.csv",
    log:
        "results/logs/video_table.log",
    conda:
        "../../environment.yml"
    params:
        roots=[FAKES_ROOT, ORIGINALS_ROOT],
        qualities=QUALITIES,
        dataset=DATASET_DIGEST,
        code=code_version("dataset"),
    script:
        "../scripts/video_table.py"


rule frames:
    input:
        video_source,
    output:
        frames=frame_folder("results/frames/{video}"),
        manifest="results/frames/{video}.json",
    log:
        "results/logs/frames/{video}.log",
    conda:
        "../../environment.yml"
    resources:
        mem_mb=1000,
    params:
        expected=expected_frames,
        fingerprint=source_fingerprint,
        ext=FRAME_EXT,
        jpeg_quality=config["frames"]["jpeg_quality"],
        code=code_version("video"),
    script:
        "../scripts/extract_frames.py"
