"""MesoNet's networks: :class:`Meso4` and :class:`MesoInception4`, the authors' Keras networks
layer for layer: four blocks of convolution ('same' padding, ReLU), batch norm and max pooling
(2, 2, 2, 4), then dropout 0.5, dense 16 with leaky ReLU (0.1), dropout 0.5 and one output. The
output is a logit (higher = more fake); the sigmoid is in the loss
(:mod:`dfscope.mesonet.training`). MesoInception4's first two blocks are inception modules of a
1x1 branch and three 1x1-then-3x3 branches dilated 1, 2 and 3. At the paper's 256 x 256 input
they have 27,977 and 28,615 trainable parameters, as published: Keras counts batch norm's scale
and offset as trainable and its moving mean and variance not, and PyTorch's ``parameters()`` is
the same split. The input size is a parameter (our crops are 128 x 128); the dense layer's width
follows it.

Where this differs from the Keras code, and why (the loss differs too: see
:mod:`dfscope.mesonet.training`):

- batch norm keeps Keras' epsilon (1e-3) but PyTorch's momentum (0.1, i.e. Keras' 0.9, not 0.99):
  with Keras' 0.99 the running statistics that scoring uses would still carry a third of their
  initial values after 100 steps, which is a whole epoch of a small fold;
- pooling rounds up (``ceil_mode``) as Keras' 'same' pooling does; the windows are the same
  where the size is a multiple of 32 (128, 256), else the partial window sits at the end rather
  than being split over both sides. Flattening is channel-first. Neither matters when training
  from scratch; they would if Keras weights were ever loaded.
"""

from __future__ import annotations

import math
from typing import ClassVar

import torch
from torch import nn

from .settings import SIZE

#: What the CNN imports beyond the core packages (import name -> pip name).
REQUIRES = {"torch": "torch"}

#: Trainable parameters at 256 x 256 input, as published.
PUBLISHED_PARAMETERS = {"meso4": 27_977, "mesoinception4": 28_615}

#: Keras' batch-norm epsilon; the momentum is PyTorch's (see the module docstring).
BN_EPS = 1e-3

#: Memory layout of images and weights: channels last (NHWC) lets oneDNN's convolutions run two
#: to three times faster on CPU than NCHW does with these narrow layers (measured on 2 cores).
CHANNELS_LAST = torch.channels_last


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
