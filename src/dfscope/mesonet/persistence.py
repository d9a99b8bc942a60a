"""A trained MesoNet to a file and back: :func:`save` (the workflow's fold job writes each fold's
network, ``results/cnn_models/<detector>/fold_<i>.pt``) and :func:`load`."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import torch

from ..atomic import atomic_path
from .networks import MesoNet, build

#: What the CNN imports beyond the core packages (import name -> pip name).
REQUIRES = {"torch": "torch"}

#: Version of the dict :func:`save` writes.
FORMAT = 1


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
    """A model written by :func:`save`, in eval mode on ``device``. Reads with ``weights_only``,
    so a file cannot run code; the metadata it was saved with is
    ``torch.load(path, weights_only=True)["metadata"]``.

    No step of the workflow calls it (each fold's job scores with the network it has just
    trained): it is for a user of the saved networks (docs/outputs.md), and for the tests'
    round trip."""
    content = torch.load(path, map_location=device, weights_only=True)
    if content.get("format") != FORMAT:
        raise ValueError(f"{path}: not a MesoNet file of format {FORMAT}")
    model = build(content["architecture"], content["size"])
    model.load_state_dict(content["state_dict"])
    return model.to(device).eval()
