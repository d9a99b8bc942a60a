"""The ``mtcnn_torch`` detector: MTCNN (Zhang et al. 2016) on PyTorch, with the ``mtcnn``
package's own weights.

Why a port rather than the package: the ``mtcnn`` package runs on TensorFlow, whose import
alone costs ~5 s per Snakemake job, and its stages loop over images and scales in NumPy, so
a GPU waits on the CPU. This module is the same cascade (P-Net proposals over an image
pyramid, R-Net refinement, O-Net boxes and landmarks, with the package's thresholds and its
all-pairs suppression) written once over the whole batch in PyTorch, so it runs on CPU or
CUDA, and it reads the package's weight files (Keras layout) so that both detectors are one
model. facenet-pytorch was the other choice; it needs torchvision, which cannot be installed
beside a CPU PyTorch from PyPI here, and pins old releases of torch and NumPy.
"""

from __future__ import annotations

import importlib.util
import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

import joblib
import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from . import Detection, Resizing, from_corners

#: What this detector imports beyond the core packages (import name -> pip name): PyTorch, and
#: the weights of the mtcnn package (read with lz4, never imported).
REQUIRES = {"torch": "torch", "mtcnn": "mtcnn", "lz4": "lz4"}

#: Package defaults of ``mtcnn`` 1.0.0 (``MTCNN.detect_faces``' keyword arguments): score
#: thresholds, and overlap limits of the suppression (P-Net within a scale, then over scales).
PNET_THRESHOLD, RNET_THRESHOLD, ONET_THRESHOLD = 0.6, 0.7, 0.8
PNET_SCALE_NMS, PNET_NMS, RNET_NMS, ONET_NMS = 0.5, 0.7, 0.7, 0.7
PYRAMID_FACTOR, CELL, STRIDE = 0.709, 12, 2
#: Largest (images x boxes x boxes) IoU block computed at once: bounds memory on a big batch.
IOU_BLOCK = 1 << 24


def load_weights(net: str) -> list[np.ndarray]:
    """The Keras weight list of ``net`` (pnet, rnet or onet) from the ``mtcnn`` package.

    The files are found without importing ``mtcnn``, whose ``__init__`` imports TensorFlow.
    """
    spec = importlib.util.find_spec("mtcnn")
    if spec is None or not spec.submodule_search_locations:
        raise ModuleNotFoundError(
            "mtcnn_torch reads its weights from the mtcnn package: pip install mtcnn"
        )
    return joblib.load(
        Path(spec.submodule_search_locations[0]) / "assets" / "weights" / f"{net}.lz4"
    )


class SamePool(nn.Module):
    """Max pooling with Keras' ``padding="same"``: pad so that out = ceil(n / stride).

    PyTorch's ``ceil_mode`` agrees only when the padding falls after the data; this pads
    exactly as TensorFlow does (the odd pixel at the end) for any input size.
    """

    def __init__(self, size: int, stride: int) -> None:
        super().__init__()
        self.size, self.stride = size, stride

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        pads = []
        for n in (x.shape[-1], x.shape[-2]):
            total = max((math.ceil(n / self.stride) - 1) * self.stride + self.size - n, 0)
            pads += [total // 2, total - total // 2]
        return F.max_pool2d(F.pad(x, pads, value=-math.inf), self.size, self.stride)


class KerasFlatten(nn.Module):
    """Flatten as Keras' ``Permute((2, 1, 3))`` then ``Flatten`` did: width, height, channel."""

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x.permute(0, 3, 2, 1).flatten(1)


def conv(c_in: int, c_out: int, k: int) -> list[nn.Module]:
    return [nn.Conv2d(c_in, c_out, k), nn.PReLU(c_out)]


class Net(nn.Module):
    """A trunk and linear heads; P-Net's heads are 1x1 convolutions, R/O-Net's are dense."""

    def __init__(self, trunk: list[nn.Module], heads: list[nn.Module]) -> None:
        super().__init__()
        self.trunk, self.heads = nn.Sequential(*trunk), nn.ModuleList(heads)

    def forward(self, x: torch.Tensor) -> list[torch.Tensor]:
        x = self.trunk(x)
        *regressions, logits = [head(x) for head in self.heads]
        return [*regressions, torch.softmax(logits, dim=1)[:, 1]]

    def load_keras(self, weights: list[np.ndarray]) -> Net:
        """Copy Keras weights in layer order: conv (kernel, bias), PReLU (alpha), dense (kernel,
        bias)."""
        arrays = iter(weights)
        for module in [*self.trunk, *self.heads]:
            if isinstance(module, nn.Conv2d):
                module.weight.data = torch.from_numpy(next(arrays).transpose(3, 2, 0, 1).copy())
                module.bias.data = torch.from_numpy(next(arrays))
            elif isinstance(module, nn.Linear):
                module.weight.data = torch.from_numpy(next(arrays).T.copy())
                module.bias.data = torch.from_numpy(next(arrays))
            elif isinstance(module, nn.PReLU):
                module.weight.data = torch.from_numpy(next(arrays).ravel().copy())
        if next(arrays, None) is not None:
            raise ValueError("more Keras weights than layers: not the network they were saved from")
        return self.eval()


def pnet() -> Net:
    trunk = [*conv(3, 10, 3), SamePool(2, 2), *conv(10, 16, 3), *conv(16, 32, 3)]
    return Net(trunk, [nn.Conv2d(32, 4, 1), nn.Conv2d(32, 2, 1)]).load_keras(load_weights("pnet"))


def rnet() -> Net:
    trunk = [
        *conv(3, 28, 3),
        SamePool(3, 2),
        *conv(28, 48, 3),
        nn.MaxPool2d(3, 2),
        *conv(48, 64, 2),
        KerasFlatten(),
        nn.Linear(576, 128),
        nn.PReLU(128),
    ]
    return Net(trunk, [nn.Linear(128, 4), nn.Linear(128, 2)]).load_keras(load_weights("rnet"))


def onet() -> Net:
    trunk = [
        *conv(3, 32, 3),
        SamePool(3, 2),
        *conv(32, 64, 3),
        nn.MaxPool2d(3, 2),
        *conv(64, 64, 3),
        SamePool(2, 2),
        *conv(64, 128, 2),
        KerasFlatten(),
        nn.Linear(1152, 256),
        nn.PReLU(256),
    ]
    heads = [nn.Linear(256, 4), nn.Linear(256, 10), nn.Linear(256, 2)]
    return Net(trunk, heads).load_keras(load_weights("onet"))


@dataclass
class Faces:
    """Faces found in a batch, one row each: ``image`` index, (x1, y1, x2, y2) ``boxes``,
    ``scores``, and (n, 5, 2) ``landmarks`` in package order (left eye, right eye, nose,
    mouth left, mouth right)."""

    image: np.ndarray
    boxes: np.ndarray
    scores: np.ndarray
    landmarks: np.ndarray


def pyramid(height: int, width: int, min_face_size: int) -> np.ndarray:
    """Scales of the image pyramid, as ``mtcnn.utils.images.build_scale_pyramid`` makes them."""
    count = round(-(math.log(min(height, width) / CELL) / math.log(PYRAMID_FACTOR) + 1))
    return CELL / min_face_size * PYRAMID_FACTOR ** np.arange(count)


def area_weights(n_in: int, n_out: int) -> np.ndarray:
    """(n_out, n_in) matrix of TensorFlow's ``AREA`` resize along one axis.

    Output pixel i averages the input over [i, i + 1) * n_in / n_out, each input pixel
    weighted by its overlap. (PyTorch's ``mode="area"`` averages whole pixels of
    overlapping windows instead, and moved some boxes by several pixels.)
    """
    edges = np.arange(n_out + 1) * (n_in / n_out)
    left, right = edges[:-1, None], edges[1:, None]
    pixel = np.arange(n_in)[None, :]
    overlap = np.clip(np.minimum(right, pixel + 1) - np.maximum(left, pixel), 0, None)
    return overlap / (n_in / n_out)


def resize_area(images: torch.Tensor, height: int, width: int) -> torch.Tensor:
    """(B, C, H, W) images resized to (height, width) by area averaging, as two matrix products."""
    rows = torch.from_numpy(area_weights(images.shape[-2], height)).to(images)
    cols = torch.from_numpy(area_weights(images.shape[-1], width)).to(images)
    return rows @ images @ cols.T


def by_image(rows: torch.Tensor, n_images: int) -> tuple[torch.Tensor, torch.Tensor, int]:
    """Rows' image, their slot in a padded (n_images, K) layout, and K; rows grouped by image."""
    image = rows[:, 0].long()
    counts = torch.bincount(image, minlength=n_images)
    slot = torch.arange(len(image), device=image.device) - (torch.cumsum(counts, 0) - counts)[image]
    return image, slot, int(counts.max())


def pairwise_overlap(boxes: torch.Tensor, method: str) -> torch.Tensor:
    """(..., K, K) intersection over union (or over the smaller box, ``method="min"``)."""

    def pairs(values, combine):  # combine(values[i], values[j]) for every pair i, j
        return combine(values[..., :, None], values[..., None, :])

    x1, y1, x2, y2 = boxes.unbind(-1)
    area = (x2 - x1) * (y2 - y1)
    w = (pairs(x2, torch.minimum) - pairs(x1, torch.maximum)).clamp(min=0)
    h = (pairs(y2, torch.minimum) - pairs(y1, torch.maximum)).clamp(min=0)
    inter = w * h
    denominator = pairs(area, torch.minimum) if method == "min" else pairs(area, torch.add) - inter
    return inter / denominator.clamp(min=1e-9)


def suppress(
    rows: torch.Tensor, n_images: int, threshold: float, method: str = "union"
) -> torch.Tensor:
    """Rows (image, x1, y1, x2, y2, score, ...) kept by the package's suppression.

    ``mtcnn`` drops a box that overlaps *any* higher-scoring box of its image by more than
    ``threshold`` (not only kept ones, as greedy NMS would). That rule is one matrix test,
    done here for all images at once in a padded (images, K, K) layout, in blocks of images
    so that a large batch does not need a (boxes x boxes) matrix.
    """
    if len(rows) == 0:
        return rows
    order = torch.argsort(rows[:, 5], descending=True, stable=True)
    rows = rows[order]
    rows = rows[torch.argsort(rows[:, 0], stable=True)]
    image, slot, k = by_image(rows, n_images)
    padded = rows.new_zeros((n_images, k, 4))
    padded[image, slot] = rows[:, 1:5]
    valid = torch.zeros((n_images, k), dtype=torch.bool, device=rows.device)
    valid[image, slot] = True
    earlier = torch.ones((k, k), dtype=torch.bool, device=rows.device).triu(1)
    suppressed = torch.zeros_like(valid)
    block = max(1, IOU_BLOCK // (k * k))
    for start in range(0, n_images, block):
        part = slice(start, start + block)
        overlap = pairwise_overlap(padded[part], method) > threshold
        pairs = overlap & earlier & valid[part, :, None] & valid[part, None, :]
        suppressed[part] = pairs.any(dim=1)
    return rows[~suppressed[image, slot]]


def square(rows: torch.Tensor) -> torch.Tensor:
    """Rows whose boxes are grown to squares of their longer side about the same centre."""
    x1, y1, x2, y2 = rows[:, 1:5].unbind(1)
    side = torch.maximum(x2 - x1, y2 - y1)
    x1, y1 = x1 + (x2 - x1 - side) / 2, y1 + (y2 - y1 - side) / 2
    return torch.cat([rows[:, :1], torch.stack([x1, y1, x1 + side, y1 + side], 1), rows[:, 5:]], 1)


def patches(images: torch.Tensor, rows: torch.Tensor, size: int) -> torch.Tensor:
    """(n, 3, size, size) bilinear crops of ``rows``' boxes, as ``tf.image.crop_and_resize``.

    The package normalises boxes by the image size, so sample i of ``size`` lies at
    y1 + i (y2 - y1) / (size - 1) scaled by (H - 1) / H; with ``align_corners`` that is
    grid coordinate 2 y / H - 1. Outside the image the value is 0 (normalised grey), as there.
    """
    n_images, _, height, width = images.shape
    image, slot, k = by_image(rows, n_images)
    steps = torch.linspace(0, 1, size, device=images.device)
    x1, y1, x2, y2 = rows[:, 1:5].unbind(1)
    gx = 2 * (x1[:, None] + steps * (x2 - x1)[:, None]) / width - 1
    gy = 2 * (y1[:, None] + steps * (y2 - y1)[:, None]) / height - 1
    grid = images.new_full((n_images, k, size, size, 2), -2.0)
    grid[image, slot] = torch.stack(torch.broadcast_tensors(gx[:, None, :], gy[:, :, None]), dim=-1)
    sampled = F.grid_sample(
        images,
        grid.view(n_images, k * size, size, 2),
        mode="bilinear",
        padding_mode="zeros",
        align_corners=True,
    )
    sampled = sampled.view(n_images, 3, k, size, size).permute(0, 2, 1, 3, 4)
    return sampled[image, slot]


def regress(rows: torch.Tensor, offsets: torch.Tensor, score: torch.Tensor) -> torch.Tensor:
    """Rows (image, box, score) with the network's score and its box offsets applied, in units
    of the package's (w + 1, h + 1)."""
    w, h = rows[:, 3] - rows[:, 1] + 1, rows[:, 4] - rows[:, 2] + 1
    boxes = rows[:, 1:5] + offsets * torch.stack([w, h, w, h], dim=1)
    return torch.cat([rows[:, :1], boxes, score[:, None]], 1)


class TorchMTCNN:
    """The MTCNN cascade for a batch of same-sized RGB frames, on ``device``."""

    def __init__(self, *, device: str, min_face_size: int) -> None:
        self.device = torch.device(device)
        self.min_face_size = min_face_size
        self.pnet, self.rnet, self.onet = (net().to(self.device) for net in (pnet, rnet, onet))

    @torch.inference_mode()
    def detect(self, frames: np.ndarray) -> Faces:
        """Faces in ``frames``, (B, H, W, 3) uint8 RGB, in frame pixels."""
        images = torch.from_numpy(np.ascontiguousarray(frames)).to(self.device)
        images = (images.permute(0, 3, 1, 2).float() - 127.5) / 128
        rows = self.propose(images)
        if len(rows):
            rows = self.refine(images, rows)
        if len(rows) == 0:
            return Faces(np.zeros(0, int), np.zeros((0, 4)), np.zeros(0), np.zeros((0, 5, 2)))
        rows, landmarks = self.output(images, rows)
        height, width = images.shape[-2:]
        boxes = torch.stack(
            [
                rows[:, 1].clamp(0, width - 1),
                rows[:, 2].clamp(0, height - 1),
                rows[:, 3].clamp(0, width - 1),
                rows[:, 4].clamp(0, height - 1),
            ],
            1,
        )
        return Faces(
            rows[:, 0].long().cpu().numpy(),
            boxes.double().cpu().numpy(),
            rows[:, 5].double().cpu().numpy(),
            landmarks.double().cpu().numpy(),
        )

    def propose(self, images: torch.Tensor) -> torch.Tensor:
        """P-Net over the pyramid: candidate rows (image, x1, y1, x2, y2, score), squared."""
        n_images, _, height, width = images.shape
        found = []
        for scale in pyramid(height, width, self.min_face_size):
            offsets, score = self.pnet(resize_area(images, int(height * scale), int(width * scale)))
            image, r, c = torch.nonzero(score > PNET_THRESHOLD, as_tuple=True)
            d = offsets[image, :, r, c] * (CELL - 1)
            x, y = (c * STRIDE + 1).float(), (r * STRIDE + 1).float()
            box = torch.stack(
                [x + d[:, 0], y + d[:, 1], x + CELL - 1 + d[:, 2], y + CELL - 1 + d[:, 3]], 1
            )
            rows = torch.cat(
                [image[:, None].float(), box / float(scale), score[image, r, c][:, None]], 1
            )
            found.append(suppress(rows, n_images, PNET_SCALE_NMS))
        if not found:  # a frame smaller than one P-Net cell
            return images.new_zeros((0, 6))
        return square(suppress(torch.cat(found), n_images, PNET_NMS))

    def refine(self, images: torch.Tensor, rows: torch.Tensor) -> torch.Tensor:
        """R-Net on 24x24 patches: rows rescored, regressed, thresholded, suppressed, squared."""
        offsets, score = self.rnet(patches(images, rows, 24))
        rows = regress(rows, offsets, score)
        return square(suppress(rows[score > RNET_THRESHOLD], len(images), RNET_NMS))

    def output(self, images: torch.Tensor, rows: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """O-Net on 48x48 patches: final rows and their (n, 5, 2) landmarks."""
        offsets, points, score = self.onet(patches(images, rows, 48))
        w, h = rows[:, 3:4] - rows[:, 1:2] + 1, rows[:, 4:5] - rows[:, 2:3] + 1
        points = torch.stack(
            [w * points[:, :5] + rows[:, 1:2] - 1, h * points[:, 5:] + rows[:, 2:3] - 1], -1
        )
        rows = regress(rows, offsets, score)
        keep = score > ONET_THRESHOLD
        rows = torch.cat([rows[keep], points[keep].flatten(1)], 1)
        rows = suppress(rows, len(images), ONET_NMS, method="min")
        return rows[:, :6], rows[:, 6:].view(-1, 5, 2)


class TorchMTCNNDetector:
    """The same MTCNN, weights and thresholds, on PyTorch (:class:`TorchMTCNN`).

    It finds the boxes the ``mtcnn`` package finds (to 0.05 px, a test holds them
    together) at about twice its speed on a CPU, imports in ~1.5 s instead of
    TensorFlow's ~5 s, and runs each stage batched on CUDA with ``device: cuda``.
    """

    name: ClassVar[str] = "mtcnn_torch"

    def __init__(
        self,
        *,
        threads: int,
        scale: float,
        max_side: int,
        min_face_size: int,
        min_confidence: float,
        device: str,
    ) -> None:
        torch.set_num_threads(threads)
        if device.startswith("cuda") and not torch.cuda.is_available():
            raise RuntimeError(
                f"detector mtcnn_torch: device {device!r} asked for, but PyTorch "
                f"{torch.__version__} sees no CUDA device"
            )
        self.min_confidence = min_confidence
        self._resizing = Resizing(self.name, scale, max_side, min_face_size)
        self._model = TorchMTCNN(device=device, min_face_size=min_face_size)

    def detect(self, frames: Sequence[np.ndarray]) -> list[list[Detection]]:
        small, factors = self._resizing.apply(frames, rgb=True)
        found: list[list[Detection]] = [[] for _ in small]
        for shape in {image.shape for image in small}:  # one batch per frame size
            index = [i for i, image in enumerate(small) if image.shape == shape]
            faces = self._model.detect(np.stack([small[i] for i in index]))
            for j, box, score, points in zip(
                faces.image, faces.boxes, faces.scores, faces.landmarks, strict=True
            ):
                if score >= self.min_confidence:
                    found[index[j]].append(from_corners(box, score, points, factors[index[j]]))
        return found


#: What :func:`dfscope.detectors.build` makes of this module.
build = TorchMTCNNDetector
