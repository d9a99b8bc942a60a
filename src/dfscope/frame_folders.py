"""Videos stored as folders of numbered image files (VidTIMIT's ``001, 002, ...`` JPEG frames):
which files are frames, in what order, and what is missing.

Shared by the layouts that read such folders and the frames step that decodes them, and
nothing else: a module of its own, so that neither depends on the other's code.
"""

from __future__ import annotations

import logging
import re
from pathlib import Path

log = logging.getLogger(__name__)

#: A frame file's name in such a folder: digits only, no extension (VidTIMIT's ``001``).
FRAME_NAME = re.compile(r"^\d+$")


def original_frame_files(folder: Path) -> list[Path]:
    """The frame files of a VidTIMIT sentence folder, in numeric order.

    VidTIMIT names frames 001, 002, ... without extension; anything else in
    the folder is not a frame and is reported, not read.
    """
    return frame_folder_listing(folder)[0]


def frame_folder_listing(folder: Path) -> tuple[list[Path], list[Path]]:
    """(frame files in numeric order, other entries) of a VidTIMIT sentence folder.

    The other entries are named in the log here, once per listing, and
    returned so that the frames step can record them in its manifest.
    Hidden entries (``.snakemake_timestamp``, which Snakemake puts in every
    ``directory()`` output such as the generated sample's frame folders, or
    a file manager's ``.DS_Store``) are bookkeeping, not data: skipped
    without a word.
    """
    files, extra = [], []
    for entry in folder.iterdir():
        if entry.name.startswith("."):
            continue
        (files if entry.is_file() and FRAME_NAME.match(entry.name) else extra).append(entry)
    extra.sort()
    for entry in extra:
        log.warning("%s: not a VidTIMIT frame name, ignored", entry)
    return sorted(files, key=lambda p: int(p.name)), extra


def numbering_gaps(files: list[Path]) -> list[int]:
    """Frame numbers missing between 1 and the last of ``files`` (VidTIMIT names, in order).

    A gap means a frame the camera recorded is not on disk: the frames after
    it no longer line up by index with a fake made from the full sequence.
    """
    present = {int(p.name) for p in files}
    return [n for n in range(1, max(present, default=0) + 1) if n not in present]
