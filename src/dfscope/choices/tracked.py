"""``tracked``: the box that overlaps the previous frame's chosen box most, which keeps one person
through a clip with several; the largest (:mod:`.largest`) where there is no previous box or
no overlap."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from ..geometry import Box, iou
from .largest import rank

if TYPE_CHECKING:
    from ..detectors import Detection


def choose(faces: Sequence[Detection], previous: Box | None = None) -> int:
    overlaps = [iou(face.box, previous) for face in faces] if previous is not None else [0]
    if max(overlaps) > 0:
        return max(range(len(faces)), key=lambda i: (overlaps[i], *rank(faces, i)))
    return max(range(len(faces)), key=lambda i: rank(faces, i))
