"""Ids of videos and names of batches: safe in paths, Snakemake wildcards and tables, made
from any name a dataset has.

A module of its own, importing nothing of dfscope, so that the steps that name batches do
not depend, for their reruns, on the code that reads datasets.
"""

from __future__ import annotations

import re
import unicodedata
import zlib
from collections.abc import Sequence

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


def wildcard_pattern(names: Sequence[str]) -> str:
    """The regular expression a Snakemake wildcard over ``names`` (the batches built from the
    video table) must match: parts of :data:`NAME` joined by "-".

    It keeps a wildcard from reaching into another file's name (``<batch>.log``) or folder.
    Every name is checked against it here, so that one the pattern would not match stops
    the run at once instead of leaving its jobs unplanned. A pattern of the alphabet, not an
    alternation of the names, since Snakemake matches it against every file it plans.
    """
    bad = [name for name in names if not VIDEO_ID.fullmatch(name)]
    if bad:
        raise ValueError(f"names {bad[:5]} are not parts of [a-z0-9]+ joined by '-'")
    return VIDEO_ID.pattern
