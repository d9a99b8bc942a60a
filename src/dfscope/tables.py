"""Writing tables and files so that a crash never leaves a half-written output.

Every writer goes through :func:`atomic_path`: the content is written to a
temporary name in the same folder and renamed into place, which is atomic on
POSIX file systems. Parquet files are written without wall-clock metadata
so that the same inputs give byte-identical files.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pandas as pd


@contextlib.contextmanager
def atomic_path(path: str | Path) -> Iterator[Path]:
    """Yield a temporary path next to ``path``; rename it to ``path`` only if the block succeeds."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    # Keep the real suffix last: writers such as cv2.VideoWriter pick the format by it.
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=f".part{path.suffix}")
    os.close(fd)
    tmp = Path(tmp)
    try:
        yield tmp
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


@contextlib.contextmanager
def atomic_dir(path: str | Path) -> Iterator[Path]:
    """Like :func:`atomic_path` for a folder: fill a temporary folder, then rename it into place."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(dir=path.parent, prefix=f".{path.name}.", suffix=".part"))
    try:
        yield tmp
        if path.exists():
            shutil.rmtree(path)
        os.replace(tmp, path)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def write_parquet(table: pd.DataFrame, path: str | Path) -> None:
    """Write ``table`` to Parquet atomically, without the index, byte-reproducibly."""
    with atomic_path(path) as tmp:
        table.to_parquet(tmp, index=False, engine="pyarrow", compression="zstd")


def write_csv(table: pd.DataFrame, path: str | Path) -> None:
    """Write ``table`` to CSV atomically with a fixed float format (stable across runs)."""
    with atomic_path(path) as tmp:
        table.to_csv(tmp, index=False, float_format="%.6g")
