"""MesoNet trained from scratch on crop files: :func:`train`.

Adam at 1e-3 as the paper, batches of 75 as the paper, random horizontal flips only (a face crop
and its mirror are equally real or fake, and a flip adds no interpolation that could erase or
fake the blending artefacts the network is meant to see; the paper's zoom, rotation, brightness
and hue changes all resample or recolour the pixels). The loss is binary cross-entropy on the
logit with balanced class weights (:func:`class_weights`), where the authors compiled mean
squared error on the sigmoid: cross-entropy is the usual loss for a binary classifier, and the
weights matter because DeepfakeTIMIT has two fakes (LQ, HQ) per real video. Crops are read from
disk batch by batch (:mod:`dfscope.mesonet.data`, whose docstring has the memory measured); the
run is repeatable bit for bit on CPU (:mod:`dfscope.mesonet.determinism`).
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd
import torch
import torch.nn.functional as F
from sklearn.metrics import roc_auc_score
from torch.utils.data import DataLoader

from .data import CropDataset
from .determinism import reproducible
from .networks import CHANNELS_LAST, MesoNet, build, count_parameters
from .scoring import logits
from .settings import BATCH_SIZE, EPOCHS, LEARNING_RATE, SIZE

#: What the CNN imports beyond the core packages (import name -> pip name).
REQUIRES = {"torch": "torch"}

log = logging.getLogger(__name__)

#: Columns of the history table of :func:`train`.
HISTORY_COLUMNS = ["epoch", "train_loss", "validation_loss", "validation_auc", "seconds"]


def class_weights(labels: np.ndarray) -> np.ndarray:
    """Balanced weights of classes 0 and 1, n / (2 n_c), as scikit-learn's ``"balanced"``: each
    class then carries half the loss, however many fakes there are per real crop."""
    counts = np.bincount(labels.astype(int), minlength=2)
    if counts.min() == 0 or counts.size > 2:
        raise ValueError(f"training needs labels 0 and 1 only, with both present; got {counts}")
    return len(labels) / (2.0 * counts)


def train(
    paths: Sequence[str | Path],
    labels: Sequence[int],
    *,
    architecture: str = "meso4",
    size: int = SIZE,
    epochs: int = EPOCHS,
    batch_size: int = BATCH_SIZE,
    learning_rate: float = LEARNING_RATE,
    seed: int = 0,
    device: str = "cpu",
    threads: int = 1,
    flip: bool = True,
    workers: int = 0,
    validation: tuple[Sequence[str | Path], Sequence[int]] | None = None,
) -> tuple[MesoNet, pd.DataFrame]:
    """Train a network from scratch on crop files; return it (in eval mode) and its history.

    ``paths``: crop images, (S, S, 3) uint8 as cv2 reads them (S = ``size``, else resized);
    ``labels``: 0 real, 1 fake. Adam at ``learning_rate`` on binary cross-entropy with balanced
    class weights (:func:`class_weights`), batches of ``batch_size`` in a fresh order each epoch,
    each crop mirrored with probability 1/2 when ``flip``. ``threads`` is PyTorch's intra-op thread
    count for the run (restored afterwards); ``workers`` > 0 reads files in that many processes.
    With ``validation`` (paths, labels) of held-out crops, each epoch also records their
    (unweighted) loss and frame AUC, to choose ``epochs`` on; it never steers the training.

    History columns (:data:`HISTORY_COLUMNS`): epoch (1-based), train_loss (the weighted loss
    averaged over the epoch's batches), validation_loss, validation_auc (NaN without
    ``validation``), seconds (wall time of the epoch, validation included).

    Defaults: the workflow's (:mod:`dfscope.mesonet.settings`), whose reasons config/README.md
    gives. ``threads`` is 1 because on a CPU a second thread does not speed training up: the
    backward pass, most of a step, gains nothing from it, though scoring (forward passes only)
    does. docs/speed.md has the measurements, and the cost of an epoch.
    """
    labels_array = np.asarray(labels)
    if len(labels_array) != len(paths):
        raise ValueError(f"{len(paths)} crops but {len(labels_array)} labels")
    for name, value in (("epochs", epochs), ("batch_size", batch_size), ("threads", threads)):
        if value < 1:
            raise ValueError(f"{name} must be at least 1, got {value}")
    weights = torch.tensor(class_weights(labels_array), dtype=torch.float32, device=device)
    data = CropDataset(paths, labels_array, size=size)
    rows = []
    with reproducible(seed, threads, device):
        model = build(architecture, size).to(device, memory_format=CHANNELS_LAST)
        optimiser = torch.optim.Adam(model.parameters(), lr=learning_rate)
        # Own generators for the order and the flips, so neither depends on the other.
        order = torch.Generator().manual_seed(seed)
        flips = torch.Generator().manual_seed(seed + 1)
        loader = DataLoader(
            data, batch_size=batch_size, shuffle=True, generator=order, num_workers=workers
        )
        log.info(
            "%s at %d px: %d parameters, %d crops (%d real, %d fake), %d epochs of %d batches",
            architecture,
            size,
            count_parameters(model),
            len(data),
            int((labels_array == 0).sum()),
            int((labels_array == 1).sum()),
            epochs,
            len(loader),
        )
        for epoch in range(1, epochs + 1):
            start = time.perf_counter()
            model.train()
            total, batches = 0.0, 0
            for images, targets in loader:
                if flip:
                    mirrored = torch.rand(len(images), generator=flips) < 0.5
                    images = torch.where(mirrored[:, None, None, None], images.flip(-1), images)
                images = images.to(device, memory_format=CHANNELS_LAST)
                targets = targets.to(device)
                loss = F.binary_cross_entropy_with_logits(
                    model(images), targets, weight=weights[targets.long()]
                )
                optimiser.zero_grad(set_to_none=True)
                loss.backward()
                optimiser.step()
                total += loss.item()
                batches += 1
            row = {"epoch": epoch, "train_loss": total / batches}
            row["validation_loss"] = row["validation_auc"] = math.nan
            if validation is not None:
                val_paths, val_labels = validation
                val_labels = np.asarray(val_labels, dtype=np.float64)
                val_logits = logits(model, val_paths, size, batch_size, device, workers)
                row["validation_loss"] = float(
                    F.binary_cross_entropy_with_logits(
                        torch.from_numpy(val_logits), torch.from_numpy(val_labels)
                    )
                )
                if 0 < val_labels.sum() < len(val_labels):
                    row["validation_auc"] = float(roc_auc_score(val_labels, val_logits))
            row["seconds"] = time.perf_counter() - start
            log.info("epoch %d: %s", epoch, _epoch_summary(row, validation is not None))
            rows.append(row)
    model.eval()
    return model, pd.DataFrame(rows, columns=HISTORY_COLUMNS)


def _epoch_summary(row: dict, validated: bool) -> str:
    """An epoch's line of the training log: its loss and time, and its validation loss and AUC
    where there are held-out crops (``validated``), said undefined rather than printed NaN."""
    summary = f"loss {row['train_loss']:.4f}, {row['seconds']:.1f} s"
    if not validated:
        return f"{summary} (no held-out crops to validate on)"
    auc = row["validation_auc"]
    auc = "undefined (held-out crops of one class)" if math.isnan(auc) else f"{auc:.4f}"
    return f"{summary}; validation loss {row['validation_loss']:.4f}, AUC {auc}"
