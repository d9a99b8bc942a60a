"""Writing tables and files so that a crash never leaves a half-written output.

Every writer goes through :func:`atomic_path`: the content is written to a
temporary name in the same folder and renamed into place, which is atomic on
POSIX file systems, so an output either is complete or does not exist, even
when the process is killed. The temporary is created as a plain write would
create the output, so outputs get the permissions of the user's umask
(``tempfile.mkstemp``/``mkdtemp`` would make every file 0600 and every folder
0700: unreadable to the rest of a lab's group). Parquet files are written
without wall-clock metadata so that the same inputs give byte-identical files.
"""

from __future__ import annotations

import contextlib
import glob
import os
import secrets
import shutil
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
    tmp = _create_temporary(path, f".part{path.suffix}")
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
    tmp = _create_temporary(path, ".part", folder=True)
    try:
        yield tmp
        if path.exists():
            shutil.rmtree(path)
        os.replace(tmp, path)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def _create_temporary(path: Path, suffix: str, *, folder: bool = False) -> Path:
    """Create a fresh empty file (or folder) ``.<name>.<random><suffix>`` beside ``path``.

    The name is one :func:`clear_stale` matches. It is created with the widest
    mode (0666, folders 0777) and the kernel takes the umask off, as for any
    plain write; creation fails on an existing name (``O_EXCL``, ``mkdir``), so
    another writer's temporary is never reused.
    """
    for _ in range(100):
        tmp = path.parent / f".{path.name}.{secrets.token_hex(4)}{suffix}"
        try:
            if folder:
                os.mkdir(tmp, 0o777)
            else:
                os.close(os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666))
        except FileExistsError:
            continue
        return tmp
    raise FileExistsError(f"{path}: no free temporary name beside it after 100 tries")


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


def write_parquet(
    table: pd.DataFrame, path: str | Path, metadata: dict[str, str] | None = None
) -> None:
    """Write ``table`` to Parquet atomically, without the index, byte-reproducibly; with
    ``metadata`` (key -> text) added to the file's key-value metadata (what the table was made
    with, for a reader to check)."""
    with atomic_path(path) as tmp:
        if metadata is None:
            table.to_parquet(tmp, index=False, engine="pyarrow", compression="zstd")
            return
        import pyarrow as pa
        import pyarrow.parquet as pq

        arrow = pa.Table.from_pandas(table, preserve_index=False)
        extra = {key.encode(): value.encode() for key, value in metadata.items()}
        arrow = arrow.replace_schema_metadata({**(arrow.schema.metadata or {}), **extra})
        pq.write_table(arrow, tmp, compression="zstd")


def write_csv(table: pd.DataFrame, path: str | Path) -> None:
    """Write ``table`` to CSV atomically with a fixed float format (stable across runs)."""
    with atomic_path(path) as tmp:
        table.to_csv(tmp, index=False, float_format="%.6g")
