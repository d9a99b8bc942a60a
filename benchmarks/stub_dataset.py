"""A stub of the full DeepfakeTIMIT in its real layout, for timing Snakemake's planning (`-n`).

The fakes are the real file names of ``lq_listing.csv`` (``../shared/dataset``), as empty files,
under ``lower_quality/`` and, mirrored, ``higher_quality/`` (DeepfakeTIMIT has the same names in
both); each original is a VidTIMIT folder of empty frame files ``001 ...`` as many as the
listing's frame estimate (from the sentence's audio length; 100 where it has none). Planning
reads names and counts only, never pixels, so the stubs plan exactly like the real dataset.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd


def stub_dataset(listing: str | Path, root: str | Path) -> pd.DataFrame:
    """Write the stub under ``root``; return its videos (kind, subject, sentence, frames)."""
    root = Path(root)
    rows = pd.read_csv(listing)
    frames = (
        rows[rows.file.str.endswith(".wav")]
        .set_index(["target_subject", "sentence"])
        .est_frames_from_wav.dropna()
        .astype(int)
    )
    fakes = rows[rows.file.str.endswith(".avi")]
    videos = []
    for quality in ("lower_quality", "higher_quality"):
        for fake in fakes.itertuples():
            path = root / "DeepfakeTIMIT" / quality / fake.target_subject / fake.file
            path.parent.mkdir(parents=True, exist_ok=True)
            path.touch()
            videos.append(("fake", fake.target_subject, fake.sentence, None))
    for (subject, sentence), _ in fakes.groupby(["target_subject", "sentence"]):
        n = int(frames.get((subject, sentence), 100))
        folder = root / "VidTIMIT" / subject / "video" / sentence
        folder.mkdir(parents=True, exist_ok=True)
        for index in range(1, n + 1):
            (folder / f"{index:03d}").touch()
        videos.append(("original", subject, sentence, n))
    return pd.DataFrame(videos, columns=["kind", "subject", "sentence", "frames"])
