"""Process set-up shared by every workflow step: logging to the rule's log file, thread pools."""

from __future__ import annotations

import logging
import os
import sys
from pathlib import Path


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
