"""What makes MesoNet's training and scoring repeatable: :func:`reproducible`, the block in which
they run.

With the same seed, data, ``threads`` and machine, training gives bit-identical weights and
scores on CPU: the initial weights and dropout draw from PyTorch's global generator seeded inside
:func:`torch.random.fork_rng` (so the caller's random state is untouched), shuffling and flips
from generators of their own (:func:`dfscope.mesonet.training.train`), deterministic algorithms
are required, and the thread count is fixed (another count sums in another order, and training
makes the last bits grow: 2 epochs on 40 crops with 1 and with 2 threads gave logits 0.02
apart). Reader processes (``workers``) only read files, so they change nothing. On CUDA the same
flags make every operation of MesoNet deterministic or raise an error naming the one that is not
(and cuBLAS needs ``CUBLAS_WORKSPACE_CONFIG``, which :func:`reproducible` sets when it is
unset); the weights are then repeatable on one GPU model with one CUDA, cuDNN and PyTorch
version, but differ from the CPU's and from another GPU's. That was not tested here, for want of
a GPU.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator

import torch

#: What the CNN imports beyond the core packages (import name -> pip name).
REQUIRES = {"torch": "torch"}


@contextlib.contextmanager
def reproducible(seed: int, threads: int, device: str) -> Iterator[None]:
    """Seed PyTorch's global generators, require deterministic algorithms and fix the thread
    count for the block; give back the caller's random state, flags and threads after it."""
    cuda = torch.device(device).type == "cuda"
    if cuda:
        if not torch.cuda.is_available():
            raise ValueError(f"device {device!r} asked for, but PyTorch sees no CUDA device")
        # cuBLAS is deterministic only with a fixed workspace; read when its handle is made.
        os.environ.setdefault("CUBLAS_WORKSPACE_CONFIG", ":4096:8")
    saved = (
        torch.are_deterministic_algorithms_enabled(),
        torch.is_deterministic_algorithms_warn_only_enabled(),
        torch.get_num_threads(),
        torch.backends.cudnn.benchmark,
        torch.backends.cudnn.deterministic,
    )
    gpus = [torch.device(device).index or 0] if cuda else []
    with torch.random.fork_rng(devices=gpus):
        torch.manual_seed(seed)
        torch.use_deterministic_algorithms(True)
        torch.set_num_threads(threads)
        torch.backends.cudnn.benchmark, torch.backends.cudnn.deterministic = False, True
        try:
            yield
        finally:
            torch.use_deterministic_algorithms(saved[0], warn_only=saved[1])
            torch.set_num_threads(saved[2])
            torch.backends.cudnn.benchmark, torch.backends.cudnn.deterministic = saved[3:]
