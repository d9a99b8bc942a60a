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
import threading
import time
from collections.abc import Iterator
from pathlib import Path

log = logging.getLogger(__name__)

#: What TensorFlow prints on import, in every faces job: notices, not problems.
TENSORFLOW_CHATTER = re.compile(
    r"oneDNN custom operations are on|cpu_feature_guard|before absl::InitializeLog"
    r"|To enable the following instructions|rebuild TensorFlow with the appropriate compiler"
)


def configure_logging(log_file: str | Path | None = None, level: int = logging.INFO) -> None:
    """Set up a workflow step's process: its log records go to ``log_file`` (the rule's
    ``log:``) and to stderr, an error that ends it is logged there with its traceback
    (:func:`log_uncaught`), its peak memory is logged at exit, and it stops if the Snakemake
    that started it is killed (:func:`watch_snakemake`). Every step's script calls it first."""
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
    sys.excepthook = log_uncaught
    atexit.register(log_peak_memory)
    watch_snakemake()


def log_uncaught(kind: type[BaseException], error: BaseException, trace) -> None:
    """``sys.excepthook``: log the error that ends the process, with its traceback, to the step's
    log (and stderr), so that a failed job's log says why, not only the console of the run."""
    log.critical("the step failed: %s: %s", kind.__name__, error, exc_info=(kind, error, trace))


#: Seconds between two looks at whether the Snakemake processes above a job are still there.
WATCH_SECONDS = 1.0


def watch_snakemake(interval: float = WATCH_SECONDS) -> list[int]:
    """Stop this process (exit status 1) within ``interval`` seconds of the death of any
    Snakemake process above it; return their process ids (none off Linux: no ``/proc``).

    A job is a child process that outlives a Snakemake killed with SIGKILL (or by a power
    cut of its terminal) and would write its outputs later, while a rerun started at once
    writes the same outputs: two writers. Each output is written atomically, so the late
    one would win with whatever it had read. A daemon thread looks at the Snakemake
    processes this job descends from (the run's, and the one Snakemake starts per job) and
    ends the job when one is gone; what it left half-written is a temporary that the
    rerun's writer clears (:func:`dfscope.atomic.clear_stale`).
    """
    watched = [(pid, _start_time(pid)) for pid in _snakemake_ancestors()]
    if watched:
        threading.Thread(
            target=_watch, args=(watched, interval), name="watch-snakemake", daemon=True
        ).start()
    return [pid for pid, _ in watched]


def _watch(watched: list[tuple[int, str | None]], interval: float) -> None:
    while True:
        time.sleep(interval)
        for pid, started in watched:
            if _start_time(pid) != started:  # gone, or its number reused by another process
                log.error("Snakemake (process %d) is gone: this job stops, leaving no output", pid)
                logging.shutdown()
                os._exit(1)


def _snakemake_ancestors() -> list[int]:
    """The process ids of the Snakemake processes this process descends from, nearest first."""
    found, pid = [], os.getppid()
    while pid > 1:
        try:
            command = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
            parent = int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            break
        if any(part.endswith(b"snakemake") for part in command[:3]):
            found.append(pid)
        pid = parent
    return found


def _start_time(pid: int) -> str | None:
    """When process ``pid`` started (clock ticks since boot), or None if there is none: with the
    id, what tells a process from a later one that got its number."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[19]
    except (OSError, IndexError):
        return None


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
