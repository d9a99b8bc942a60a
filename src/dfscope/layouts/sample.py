"""The built-in sample (:mod:`dfscope.sample`) written in the tree of every layout.

The sample is generated once, in DeepfakeTIMIT layout, by :func:`dfscope.sample.generate`
(unchanged); :func:`export` writes the same videos into another layout's tree, so that each
reader, and what runs after it, can be tried without a licensed dataset. Frame folders
become ``.mp4`` files where the layout has video files; fakes are re-encoded to its format.

What each tree holds (``<T><s>`` is subject and sentence, ``fcol0sa1``; ``<S>`` the face
source):

- faceforensics: originals ``original_sequences/youtube/c23/videos/<T><s>.mp4``, the fakes
  of each quality as a method, ``manipulated_sequences/{LQ,HQ}/c23/videos/<T><s>_<S><s>.mp4``
  (the face source's video of the same sentence stands for MMM).
- celebdf: ``Celeb-real/<T>_<s>.mp4`` and the HQ fakes as ``Celeb-synthesis/<T>_<S>_<s>.mp4``
  (Celeb-DF has one fake per target video and donor); no YouTube-real videos.
- dfdc: one part, ``dfdc_train_part_0/``, with ``<T><s>.mp4``, ``<T><s><S><quality>.mp4``
  and a ``metadata.json`` (split ``train``).
- table: ``videos.csv`` and the videos beside it, named by their DeepfakeTIMIT ids; the HQ
  fakes are unlabelled rows.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pandas as pd

from .. import sample
from ..tables import atomic_path, write_csv
from ..video import open_source

DFDC_PART = "dfdc_train_part_0"


def generate(name: str, spec: sample.SampleSpec, root: str | Path) -> dict[str, object]:
    """Generate the sample under ``root`` (``VidTIMIT/``, ``DeepfakeTIMIT/``) and write it in
    layout ``name`` under ``root/<name>``; return the keyword arguments of
    :func:`dfscope.layouts.read` that read it."""
    return export(name, sample.generate(spec, root), Path(root) / name)


def export(name: str, table: pd.DataFrame, root: str | Path) -> dict[str, object]:
    """Write the videos of a generated sample (``table``: what :func:`dfscope.sample.generate`
    returned) in layout ``name`` under ``root``; return the keyword arguments of
    :func:`dfscope.layouts.read` that read them (DeepfakeTIMIT: the sample itself)."""
    try:
        writer = EXPORTS[name]
    except KeyError:
        raise ValueError(f"no sample for layout {name!r}; known: {sorted(EXPORTS)}") from None
    return writer(table, Path(root))


def _sentence(row) -> str:
    """The VidTIMIT sentence of a sample video, from its id (``lq-fcol0-sa1-fhop0``: ``sa1``)."""
    return row.video.split("-")[2]


def _write(table: pd.DataFrame, root: Path, place: Callable) -> dict[str, Path]:
    """Write the video of each row of ``table`` to ``root / place(row)``; return them by id."""
    written = {}
    for row in table.itertuples():
        written[row.video] = root / place(row)
        frames, _ = open_source(row.path)
        sample.write_video(list(frames), written[row.video])
    return written


def _deepfaketimit(table: pd.DataFrame, root: Path) -> dict[str, object]:
    fakes, reals = (Path(table.path[table.label == label].iloc[0]) for label in (1, 0))
    return {"root": fakes.parents[2], "originals_root": reals.parents[2]}


def _faceforensics(table: pd.DataFrame, root: Path) -> dict[str, object]:
    _write(
        table,
        root,
        lambda r: (
            f"original_sequences/youtube/c23/videos/{r.subject}{_sentence(r)}.mp4"
            if r.label == 0
            else f"manipulated_sequences/{r.group}/c23/videos/"
            f"{r.subject}{_sentence(r)}_{r.face_source}{_sentence(r)}.mp4"
        ),
    )
    return {"root": root, "compression": "c23"}


def _celebdf(table: pd.DataFrame, root: Path) -> dict[str, object]:
    _write(
        table[table.group != "LQ"],
        root,
        lambda r: (
            f"Celeb-real/{r.subject}_{_sentence(r)}.mp4"
            if r.label == 0
            else f"Celeb-synthesis/{r.subject}_{r.face_source}_{_sentence(r)}.mp4"
        ),
    )
    return {"root": root}


def _dfdc(table: pd.DataFrame, root: Path) -> dict[str, object]:
    written = _write(
        table,
        root / DFDC_PART,
        lambda r: (
            f"{r.subject}{_sentence(r)}.mp4"
            if r.label == 0
            else f"{r.subject}{_sentence(r)}{r.face_source}{r.group.lower()}.mp4"
        ),
    )
    metadata = {
        written[r.video].name: {
            "label": "FAKE" if r.label else "REAL",
            "split": "train",
            "original": written[r.original].name if r.label else None,
        }
        for r in table.itertuples()
    }
    with atomic_path(root / DFDC_PART / "metadata.json") as tmp:
        tmp.write_text(json.dumps(metadata, indent=1, sort_keys=True))
    return {"root": root}


def _table(table: pd.DataFrame, root: Path) -> dict[str, object]:
    written = _write(table, root, lambda r: f"{r.video}.mp4")
    rows = []
    for r in table.itertuples():
        unlabelled = r.group == "HQ"
        fake = r.label == 1 and not unlabelled
        rows.append(
            {
                "path": written[r.video].name,
                "label": "" if unlabelled else "fake" if fake else "real",
                "group": r.group if fake else "",
                "subject": r.subject,
                "face_source": r.face_source if fake else "",
                "original": written[r.original].name if fake else "",
            }
        )
    write_csv(pd.DataFrame(rows), root / "videos.csv")
    return {"root": root / "videos.csv"}


#: Each layout's sample writer.
EXPORTS: dict[str, Callable[[pd.DataFrame, Path], dict[str, object]]] = {
    "deepfaketimit": _deepfaketimit,
    "faceforensics": _faceforensics,
    "celebdf": _celebdf,
    "dfdc": _dfdc,
    "table": _table,
}
