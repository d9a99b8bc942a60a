"""Ids of videos and names of batches: safe in paths, Snakemake wildcards and tables, made
from any name a dataset has.

A module of its own, importing nothing of dfscope, so that the steps that name batches do
not depend, for their reruns, on the code that reads datasets.
"""

from __future__ import annotations

import re
import unicodedata
import zlib

#: A video id or batch name: pieces of [a-z0-9]+ joined by "-" (``lq-fadg0-sa1-fram1``).
VIDEO_ID = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
#: What is not a letter or digit of an id, in a name already lowered and without accents.
NOT_ID = re.compile(r"[^a-z0-9]+")


def id_piece(name: str) -> str:
    """The id piece of any name (a folder, a file name, a person): lowered, accents off (NFKD),
    every run of other characters than a-z and 0-9 one ``-``, none at the ends; ``u`` and the
    name's CRC-32 in hex where nothing is left (``视频``). Always of the form of
    :data:`VIDEO_ID`, so that any name a dataset has makes a safe id, folder or batch name."""
    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    piece = NOT_ID.sub("-", plain).strip("-")
    return piece or f"u{zlib.crc32(name.encode()):08x}"
