"""Process set-up shared by every workflow step: logging to the rule's log file, thread pools,
peak memory, quiet imports."""

from __future__ import annotations

import atexit
import contextlib
import logging
import os
import re
import resource
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

log = logging.getLogger(__name__)

#: What TensorFlow prints on import, in every faces job: notices, not problems.
TENSORFLOW_CHATTER = re.compile(
    r"oneDNN custom operations are on|cpu_feature_guard|before absl::InitializeLog"
    r"|To enable the following instructions|rebuild TensorFlow with the appropriate compiler"
)


def configure_logging(log_file: str | Path | None = None, level: int = logging.INFO) -> None:
    """Send this process's log records to ``log_file`` (the rule's ``log:``) and to stderr."""
    handlers: list[logging.Handler] = [logging.StreamHandler(sys.stderr)]
    if log_file:
        Path(log_file).parent.mkdir(parents=True, exist_ok=True)
        handlers.append(logging.FileHandler(log_file, mode="w", encoding="utf-8"))
    logging.basicConfig(
        level=level,
        handlers=handlers,
        force=True,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    atexit.register(log_peak_memory)


def log_peak_memory() -> None:
    """Log this process's peak resident memory: each job's log says what the job needed, which
    the rules' ``mem_mb`` and the benchmark's memory figures are taken from."""
    log.info("peak memory: %.0f MiB", resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)


@contextlib.contextmanager
def quiet_stderr(chatter: re.Pattern) -> Iterator[None]:
    """Hold what the block writes to stderr, file descriptor 2 (where C++ libraries write), and
    pass on every line but those ``chatter`` matches, once the block is done: a notice printed
    in every job's log would hide the lines that matter."""
    sys.stderr.flush()
    saved = os.dup(2)
    with tempfile.TemporaryFile() as held:
        os.dup2(held.fileno(), 2)
        try:
            yield
        finally:
            sys.stderr.flush()
            os.dup2(saved, 2)
            os.close(saved)
            held.seek(0)
            for line in held.read().decode(errors="replace").splitlines():
                if line.strip() and not chatter.search(line):
                    print(line, file=sys.stderr)


def limit_threads(threads: int) -> int:
    """Hold this process's BLAS/OpenMP and OpenCV pools to ``threads`` (the rule's ``threads:``).

    Snakemake sets the OpenMP/MKL variables, but OpenCV keeps a pool of its
    own that would otherwise take every core and oversubscribe the machine
    when several jobs run side by side. TensorFlow's pools are set by the
    detector that builds a model (they can only be set before first use).
    Returns the thread count used.
    """
    threads = max(1, int(threads))
    for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ[var] = str(threads)
    import cv2

    cv2.setNumThreads(threads)
    return threads
