"""Crop files as MesoNet's input: :func:`read_crop` (one file to a tensor) and
:class:`CropDataset` (crops read from disk when indexed).

Training and scoring read the crops batch by batch (:class:`CropDataset` holds paths and labels
only), so memory does not grow with the fold: at 128 px and batches of 75 a training process
peaked at 0.83 GiB (Meso4) and 1.06 GiB (MesoInception4) resident, the same for 1,000 and 5,000
crops, 0.4 GiB of it the libraries; a fold of 100,000 crops adds only their paths (~20 MB). At
256 px the peaks were 1.4 and 2.4 GiB.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import cv2
import numpy as np
import torch
from torch.utils.data import Dataset

from ..images import read_frame
from .settings import SIZE

#: What the CNN imports beyond the core packages (import name -> pip name).
REQUIRES = {"torch": "torch"}


def read_crop(path: str | Path, size: int) -> torch.Tensor:
    """A crop file (any size, as cv2 reads it: BGR) as a (3, size, size) float32 RGB tensor in
    [0, 1], the authors' scaling. A crop of another size is resized as
    :func:`dfscope.crops.cut` does (area averaging down, bicubic up), though cutting crops at
    ``size`` is better."""
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
