"""Memory a faces job asks for, from the frame size of its batch and measured figures.

A faces job is the one whose memory grows with the input: it holds a chunk of full-size
frames, the detector's resized copies and its model (TensorFlow's MTCNN the largest). Every
other step streams one frame at a time and stays near its start-up's 190-300 MiB at any
resolution (``benchmarks/results/scale.md``), so a constant covers it. A fixed request for
faces would be either too small for 1920x1080 or wasteful for 512x384, so the request is
computed from the largest frame of the batch, which the frames step has recorded in the
manifests by the time the job is scheduled.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable
from pathlib import Path

import numpy as np

#: Peak memory (MiB) of a faces job with the default detector (``mtcnn``, ``max_side`` 640)
#: by the megapixels of its frames, measured by ``benchmarks/scale.py`` (stage ``memory``) on
#: real clips at 512x384, 1280x720 and 1920x1080. Between two sizes it is interpolated; past
#: the largest it grows by the last step's slope (the detector's input is bounded by
#: ``max_side``, so only the full-size frames held for cropping still grow).
FACES_PEAK_MIB = ((0.197, 1033.0), (0.922, 1461.0), (2.074, 1577.0))
#: Headroom over the measured peak: other clips, other library builds.
MARGIN = 1.2
#: What a cluster job adds around the script: the executor's Snakemake processes, which the
#: job's memory cgroup counts (measured by sacct in tests/test_slurm.py, with room to spare for
#: a freshly installed environment's larger processes: the figures are in docs/speed.md). Asked
#: for everywhere, so that one figure is right on a cluster; on a workstation it only matters
#: under ``--resources mem_mb=``, where it errs on the safe side.
JOB_OVERHEAD_MB = 600


def faces_peak_mib(megapixels: float) -> float:
    """The measured peak memory (MiB) of a faces job whose largest frame has ``megapixels``."""
    if megapixels < 0:
        raise ValueError(f"megapixels must be >= 0, got {megapixels}")
    sizes, peaks = (np.array(column) for column in zip(*FACES_PEAK_MIB, strict=True))
    if megapixels <= sizes[-1]:
        return float(np.interp(megapixels, sizes, peaks))
    slope = (peaks[-1] - peaks[-2]) / (sizes[-1] - sizes[-2])
    return float(peaks[-1] + slope * (megapixels - sizes[-1]))


def faces_mem_mb(megapixels: float, attempt: int = 1) -> int:
    """Memory (MB, rounded up to 100) a faces job asks for: the measured peak with headroom,
    the cluster job's overhead, and once more the peak for each retry (``attempt`` > 1), so a
    job killed for memory is retried with more."""
    if attempt < 1:
        raise ValueError(f"attempt must be >= 1, got {attempt}")
    mib = faces_peak_mib(megapixels) * (MARGIN + attempt - 1)
    return int(math.ceil((mib * 1.048576 + JOB_OVERHEAD_MB) / 100) * 100)


def largest_megapixels(manifests: Iterable[str | Path]) -> float:
    """The largest frame (megapixels) the frame manifests record; 0 when none decoded."""
    sizes = [json.loads(Path(path).read_text()) for path in manifests]
    return max((s["width"] * s["height"] / 1e6 for s in sizes), default=0.0)
