"""Writing tables and files so that a crash never leaves a half-written output.

Every writer goes through :func:`atomic_path`: the content is written to a
temporary name in the same folder and renamed into place, which is atomic on
POSIX file systems, so an output either is complete or does not exist, even
when the process is killed. Parquet files are written without wall-clock metadata
so that the same inputs give byte-identical files.
"""

from __future__ import annotations

import contextlib
import glob
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
    clear_stale(path)
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
    clear_stale(path)
    tmp = Path(tempfile.mkdtemp(dir=path.parent, prefix=f".{path.name}.", suffix=".part"))
    try:
        yield tmp
        if path.exists():
            shutil.rmtree(path)
        os.replace(tmp, path)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def clear_stale(path: Path) -> None:
    """Remove temporary siblings of ``path`` that a killed writer left behind.

    A process killed with SIGKILL never runs its clean-up, so its
    ``.<name>.*.part*`` file or folder stays next to the output; the rerun
    of the same job removes it before writing, and results/ holds no debris.
    Only this output's own temporaries match, so jobs writing other files
    in the same folder are not touched.
    """
    for stale in path.parent.glob(f".{glob.escape(path.name)}.*.part*"):
        if stale.is_dir():
            shutil.rmtree(stale, ignore_errors=True)
        else:
            stale.unlink(missing_ok=True)


def write_parquet(table: pd.DataFrame, path: str | Path) -> None:
    """Write ``table`` to Parquet atomically, without the index, byte-reproducibly."""
    with atomic_path(path) as tmp:
        table.to_parquet(tmp, index=False, engine="pyarrow", compression="zstd")


def write_csv(table: pd.DataFrame, path: str | Path) -> None:
    """Write ``table`` to CSV atomically with a fixed float format (stable across runs)."""
    with atomic_path(path) as tmp:
        table.to_csv(tmp, index=False, float_format="%.6g")
