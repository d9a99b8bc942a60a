"""MesoNet (Afchar, Nozick, Yamagishi, Echizen, WIFS 2018) in PyTorch, trained from scratch on
face crops, deterministic on CPU.

Networks. :class:`Meso4` and :class:`MesoInception4` are the authors' Keras networks layer for
layer: four blocks of convolution ('same' padding, ReLU), batch norm and max pooling (2, 2, 2,
4), then dropout 0.5, dense 16 with leaky ReLU (0.1), dropout 0.5 and one output. The output is
a logit (higher = more fake); the sigmoid is in the loss. MesoInception4's first two blocks are
inception modules of a 1x1 branch and three 1x1-then-3x3 branches dilated 1, 2 and 3. At the
paper's 256 x 256 input they have 27,977 and 28,615 trainable parameters, as published: Keras
counts batch norm's scale and offset as trainable and its moving mean and variance not, and
PyTorch's ``parameters()`` is the same split. The input size is a parameter (our crops are
128 x 128); the dense layer's width follows it.

Where this differs from the Keras code, and why:

- the loss is binary cross-entropy on the logit with balanced class weights, where the authors
  compiled mean squared error on the sigmoid: cross-entropy is the usual loss for a binary
  classifier, and the weights matter because DeepfakeTIMIT has two fakes (LQ, HQ) per real video;
- batch norm keeps Keras' epsilon (1e-3) but PyTorch's momentum (0.1, i.e. Keras' 0.9, not 0.99):
  with Keras' 0.99 the running statistics that scoring uses would still carry a third of their
  initial values after 100 steps, which is a whole epoch of a small fold;
- pooling rounds up (``ceil_mode``) as Keras' 'same' pooling does; the windows are the same
  where the size is a multiple of 32 (128, 256), else the partial window sits at the end rather
  than being split over both sides. Flattening is channel-first. Neither matters when training
  from scratch; they would if Keras weights were ever loaded.

Training (:func:`train`). Adam at 1e-3 as the paper, batches of 75 as the paper, random
horizontal flips only (a face crop and its mirror are equally real or fake, and a flip adds no
interpolation that could erase or fake the blending artefacts the network is meant to see; the
paper's zoom, rotation, brightness and hue changes all resample or recolour the pixels). Crops
are read from disk batch by batch (:class:`CropDataset` holds paths and labels only), so memory
does not grow with the fold: at 128 px and batches of 75 a training process peaked at 0.83 GiB
(Meso4) and 1.06 GiB (MesoInception4) resident, the same for 1,000 and 5,000 crops, 0.4 GiB of
it the libraries; a fold of 100,000 crops adds only their paths (~20 MB). At 256 px the peaks
were 1.4 and 2.4 GiB. The caller picks the training frames; :data:`FRAMES_PER_VIDEO` evenly
spaced frames per video (``dfscope.classifier.fitting.thin``) is the recommendation:
consecutive frames of a talking head are nearly the same image, so more frames cost time
without adding much that is new.

Determinism. With the same seed, data, ``threads`` and machine, training gives bit-identical
weights and scores on CPU: the initial weights and dropout draw from PyTorch's global generator
seeded inside :func:`torch.random.fork_rng` (so the caller's random state is untouched),
shuffling and flips from generators of their own, deterministic algorithms are required, and the
thread count is fixed (another count sums in another order, and training makes the last bits
grow: 2 epochs on 40 crops with 1 and with 2 threads gave logits 0.02 apart). Reader processes
(``workers``) only read files, so they change nothing. On CUDA the same flags make every
operation here deterministic or raise an error naming the one that is not (and cuBLAS needs
``CUBLAS_WORKSPACE_CONFIG``, which :func:`train` sets when it is unset); the weights are then
repeatable on one GPU model with one CUDA, cuDNN and PyTorch version, but differ from the CPU's
and from another GPU's. That was not tested here, for want of a GPU.
"""

from __future__ import annotations

import contextlib
import logging
import math
import os
import time
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import ClassVar

import cv2
import numpy as np
import pandas as pd
import torch
import torch.nn.functional as F
from sklearn.metrics import roc_auc_score
from torch import nn
from torch.utils.data import DataLoader, Dataset

from .atomic import atomic_path
from .images import read_frame

#: What the CNN imports beyond the core packages (import name -> pip name).
REQUIRES = {"torch": "torch"}

log = logging.getLogger(__name__)

#: Trainable parameters at 256 x 256 input, as published.
PUBLISHED_PARAMETERS = {"meso4": 27_977, "mesoinception4": 28_615}

#: Recommended training settings: the workflow's defaults, ``crops.size`` and the config's
#: ``cnn`` section (the config schema is where they are set, and config/README.md says why;
#: tests/test_defaults.py holds these equal to them).
SIZE, EPOCHS, BATCH_SIZE, LEARNING_RATE, FRAMES_PER_VIDEO = 128, 15, 75, 1e-3, 16

#: Keras' batch-norm epsilon; the momentum is PyTorch's (see the module docstring).
BN_EPS = 1e-3

#: Columns of the history table of :func:`train`.
HISTORY_COLUMNS = ["epoch", "train_loss", "validation_loss", "validation_auc", "seconds"]

#: Memory layout of images and weights: channels last (NHWC) lets oneDNN's convolutions run two
#: to three times faster on CPU than NCHW does with these narrow layers (measured on 2 cores).
CHANNELS_LAST = torch.channels_last

#: Version of the dict :func:`save` writes.
FORMAT = 1


# --- Networks ------------------------------------------------------------------------------------


class Inception(nn.Module):
    """MesoNet's inception module: 1x1 convolutions to ``a``, ``b``, ``c``, ``d`` channels, the
    last three each followed by a 3x3 convolution dilated 1, 2 and 3; ReLU after every convolution;
    the branches concatenated (``a + b + c + d`` channels)."""

    def __init__(self, channels: int, a: int, b: int, c: int, d: int) -> None:
        super().__init__()
        branches = [nn.Sequential(nn.Conv2d(channels, a, 1), nn.ReLU())]
        for width, dilation in ((b, 1), (c, 2), (d, 3)):
            branches.append(
                nn.Sequential(
                    nn.Conv2d(channels, width, 1),
                    nn.ReLU(),
                    nn.Conv2d(width, width, 3, padding="same", dilation=dilation),
                    nn.ReLU(),
                )
            )
        self.branches = nn.ModuleList(branches)
        self.out_channels = a + b + c + d

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return torch.cat([branch(x) for branch in self.branches], dim=1)


def _conv(channels: int, filters: int, kernel: int) -> nn.Sequential:
    return nn.Sequential(nn.Conv2d(channels, filters, kernel, padding="same"), nn.ReLU())


def _normalise_pool(layer: nn.Module, channels: int, pool: int) -> nn.Sequential:
    """A block: ``layer`` (which ends in ReLU), batch norm, max pooling by ``pool``."""
    return nn.Sequential(
        layer, nn.BatchNorm2d(channels, eps=BN_EPS), nn.MaxPool2d(pool, ceil_mode=True)
    )


#: The blocks' pooling factors: the input is 32 times smaller after them (rounded up).
POOLS = (2, 2, 2, 4)


class MesoNet(nn.Module):
    """Four blocks (:attr:`POOLS`), then dropout 0.5, dense 16, leaky ReLU 0.1, dropout 0.5 and
    dense 1. ``forward``: (N, 3, size, size) float RGB in [0, 1] -> (N,) logits (higher = more
    fake). Subclasses give the blocks."""

    architecture: ClassVar[str]

    def __init__(self, size: int = SIZE) -> None:
        super().__init__()
        if size < 32:
            raise ValueError(f"MesoNet needs crops of at least 32 x 32 pixels, got {size}")
        self.size = int(size)
        self.features = nn.Sequential(*self.blocks())
        side = self.size
        for pool in POOLS:
            side = math.ceil(side / pool)
        self.classifier = nn.Sequential(
            nn.Flatten(),
            nn.Dropout(0.5),
            nn.Linear(16 * side * side, 16),
            nn.LeakyReLU(0.1),
            nn.Dropout(0.5),
            nn.Linear(16, 1),
        )
        for module in self.modules():  # Keras' defaults: Glorot-uniform kernels, zero biases
            if isinstance(module, nn.Conv2d | nn.Linear):
                nn.init.xavier_uniform_(module.weight)
                nn.init.zeros_(module.bias)

    def blocks(self) -> list[nn.Module]:
        raise NotImplementedError

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.classifier(self.features(x)).squeeze(1)


class Meso4(MesoNet):
    """Meso-4: convolutions of 8 3x3, 8 5x5, 16 5x5 and 16 5x5 filters."""

    architecture = "meso4"

    def blocks(self) -> list[nn.Module]:
        return [
            _normalise_pool(_conv(3, 8, 3), 8, 2),
            _normalise_pool(_conv(8, 8, 5), 8, 2),
            _normalise_pool(_conv(8, 16, 5), 16, 2),
            _normalise_pool(_conv(16, 16, 5), 16, 4),
        ]


class MesoInception4(MesoNet):
    """MesoInception-4: Meso-4 with inception modules (1, 4, 4, 2) and (2, 4, 4, 2) as its first
    two blocks."""

    architecture = "mesoinception4"

    def blocks(self) -> list[nn.Module]:
        first, second = Inception(3, 1, 4, 4, 2), Inception(11, 2, 4, 4, 2)
        return [
            _normalise_pool(first, first.out_channels, 2),
            _normalise_pool(second, second.out_channels, 2),
            _normalise_pool(_conv(second.out_channels, 16, 5), 16, 2),
            _normalise_pool(_conv(16, 16, 5), 16, 4),
        ]


#: The networks by name, as config and saved models spell them.
ARCHITECTURES: dict[str, type[MesoNet]] = {"meso4": Meso4, "mesoinception4": MesoInception4}


def build(architecture: str, size: int = SIZE) -> MesoNet:
    """A fresh network, initialised from PyTorch's global generator (seed it first)."""
    if architecture not in ARCHITECTURES:
        raise ValueError(f"unknown architecture {architecture!r}; known: {list(ARCHITECTURES)}")
    return ARCHITECTURES[architecture](size)


def count_parameters(model: nn.Module) -> int:
    """Trainable parameters, as Keras' summary counts them."""
    return sum(p.numel() for p in model.parameters() if p.requires_grad)


# --- Data ----------------------------------------------------------------------------------------


def read_crop(path: str | Path, size: int) -> torch.Tensor:
    """A crop file (any size, as cv2 reads it: BGR) as a (3, size, size) float32 RGB tensor in
    [0, 1], the authors' scaling. A crop of another size is resized as :func:`crops.cut` does
    (area averaging down, bicubic up), though cutting crops at ``size`` is better."""
    image = read_frame(path)
    if image.shape[:2] != (size, size):
        shrink = image.shape[0] > size
        method = cv2.INTER_AREA if shrink else cv2.INTER_CUBIC
        image = cv2.resize(image, (size, size), interpolation=method)
    rgb = np.ascontiguousarray(image[:, :, ::-1].transpose(2, 0, 1))
    return torch.from_numpy(rgb).float().div_(255.0)


class CropDataset(Dataset):
    """Crops read from disk when indexed: holds their paths and labels only, never an image, so
    its memory is a few dozen bytes per crop. Items are ``image`` (see :func:`read_crop`), or
    ``(image, label)`` with ``labels`` (label as float32: 0 real, 1 fake)."""

    def __init__(
        self, paths: Sequence[str | Path], labels: Sequence[int] | None = None, *, size: int = SIZE
    ) -> None:
        self.paths = [str(p) for p in paths]
        self.labels = None if labels is None else np.asarray(labels, dtype=np.float32)
        if self.labels is not None and len(self.labels) != len(self.paths):
            raise ValueError(f"{len(self.paths)} crops but {len(self.labels)} labels")
        self.size = size

    def __len__(self) -> int:
        return len(self.paths)

    def __getitem__(self, i: int) -> torch.Tensor | tuple[torch.Tensor, torch.Tensor]:
        image = read_crop(self.paths[i], self.size)
        if self.labels is None:
            return image
        return image, torch.tensor(self.labels[i])


def class_weights(labels: np.ndarray) -> np.ndarray:
    """Balanced weights of classes 0 and 1, n / (2 n_c), as scikit-learn's ``"balanced"``: each
    class then carries half the loss, however many fakes there are per real crop."""
    counts = np.bincount(labels.astype(int), minlength=2)
    if counts.min() == 0 or counts.size > 2:
        raise ValueError(f"training needs labels 0 and 1 only, with both present; got {counts}")
    return len(labels) / (2.0 * counts)


# --- Training and scoring ------------------------------------------------------------------------


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

    Defaults: the workflow's (:data:`SIZE` and the others above), whose reasons config/README.md
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
    with _reproducible(seed, threads, device):
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
                logits = _score(model, val_paths, size, batch_size, device, workers)
                row["validation_loss"] = float(
                    F.binary_cross_entropy_with_logits(
                        torch.from_numpy(logits), torch.from_numpy(val_labels)
                    )
                )
                if 0 < val_labels.sum() < len(val_labels):
                    row["validation_auc"] = float(roc_auc_score(val_labels, logits))
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
    and ``threads``.
    """
    model = model.to(device, memory_format=CHANNELS_LAST)
    with _reproducible(0, threads, device):
        return _score(model, paths, model.size, batch_size, device, workers)


def _score(
    model: MesoNet,
    paths: Sequence[str | Path],
    size: int,
    batch_size: int,
    device: str,
    workers: int,
) -> np.ndarray:
    was_training = model.training
    model.eval()
    loader = DataLoader(CropDataset(paths, size=size), batch_size=batch_size, num_workers=workers)
    parts = []
    with torch.no_grad():
        for images in loader:
            logits = model(images.to(device, memory_format=CHANNELS_LAST))
            parts.append(logits.double().cpu().numpy())
    model.train(was_training)
    return np.concatenate(parts) if parts else np.zeros(0)


@contextlib.contextmanager
def _reproducible(seed: int, threads: int, device: str) -> Iterator[None]:
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


# --- Saving --------------------------------------------------------------------------------------


def save(model: MesoNet, path: str | Path, metadata: Mapping[str, object] | None = None) -> None:
    """Write ``model`` as a plain dict (format, architecture, size, state_dict, metadata) with
    ``torch.save``, atomically. ``metadata`` (e.g. the training settings) must be plain values:
    numbers, strings, lists, dicts, so that :func:`load` can read it with ``weights_only``."""
    state = {k: v.detach().cpu().contiguous() for k, v in model.state_dict().items()}
    content = {
        "format": FORMAT,
        "architecture": model.architecture,
        "size": model.size,
        "state_dict": state,
        "metadata": dict(metadata or {}),
    }
    with atomic_path(path) as tmp:
        torch.save(content, tmp)


def load(path: str | Path, device: str = "cpu") -> MesoNet:
    """A model written by :func:`save`, in eval mode on ``device``; its metadata is in
    :func:`load_metadata`. Reads with ``weights_only``, so a file cannot run code."""
    content = torch.load(path, map_location=device, weights_only=True)
    if content.get("format") != FORMAT:
        raise ValueError(f"{path}: not a MesoNet file of format {FORMAT}")
    model = build(content["architecture"], content["size"])
    model.load_state_dict(content["state_dict"])
    return model.to(device).eval()


def load_metadata(path: str | Path) -> dict[str, object]:
    """The ``metadata`` a model was saved with."""
    return torch.load(path, map_location="cpu", weights_only=True)["metadata"]
