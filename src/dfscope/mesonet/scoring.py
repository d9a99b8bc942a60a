"""Crops scored by a trained MesoNet: :func:`score`, the network's logit per crop (higher = more
fake), repeatable bit for bit; :func:`logits`, the same under the caller's set-up (training's
validation)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
import torch
from torch.utils.data import DataLoader

from .data import CropDataset
from .determinism import reproducible
from .networks import CHANNELS_LAST, MesoNet
from .settings import BATCH_SIZE

#: What the CNN imports beyond the core packages (import name -> pip name).
REQUIRES = {"torch": "torch"}


def score(
    model: MesoNet,
    paths: Sequence[str | Path],
    *,
    batch_size: int = BATCH_SIZE,
    device: str = "cpu",
    threads: int = 1,
    workers: int = 0,
) -> np.ndarray:
    """Per-crop scores, (len(paths),) float64: the network's logit, higher = more fake.

    Crops are read ``batch_size`` at a time and resized to the model's size if they differ. The
    model is moved to ``device`` (in place, as ``Module.to`` does) and run in eval mode (batch
    norm's running statistics, no dropout). Repeatable bit for bit for the same ``batch_size``
    and ``threads`` (:func:`dfscope.mesonet.determinism.reproducible`).
    """
    model = model.to(device, memory_format=CHANNELS_LAST)
    with reproducible(0, threads, device):
        return logits(model, paths, model.size, batch_size, device, workers)


def logits(
    model: MesoNet,
    paths: Sequence[str | Path],
    size: int,
    batch_size: int,
    device: str,
    workers: int,
) -> np.ndarray:
    """The logits of :func:`score`, of crops read at ``size``, by ``model`` already on
    ``device``, under the caller's seeds, flags and threads: in eval mode, the model's mode
    given back after. For :func:`score`, and for training's validation inside its own
    set-up."""
    was_training = model.training
    model.eval()
    loader = DataLoader(CropDataset(paths, size=size), batch_size=batch_size, num_workers=workers)
    parts = []
    with torch.no_grad():
        for images in loader:
            out = model(images.to(device, memory_format=CHANNELS_LAST))
            parts.append(out.double().cpu().numpy())
    model.train(was_training)
    return np.concatenate(parts) if parts else np.zeros(0)
