"""``largest``: the biggest box. A DeepfakeTIMIT frame shows one speaker, close to the camera; a
second, smaller face is a poster or a false detection. Ties go to the higher confidence, then
to the lower index."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from ..geometry import Box

if TYPE_CHECKING:  # faces are only read here: the detectors' code is not this module's
    from ..detectors import Detection


def rank(faces: Sequence[Detection], i: int) -> tuple[float, float, int]:
    """What makes face ``i`` the one kept: its area, then its confidence, then a lower index."""
    return faces[i].box[2] * faces[i].box[3], faces[i].confidence, -i


def choose(faces: Sequence[Detection], previous: Box | None = None) -> int:
    return max(range(len(faces)), key=lambda i: rank(faces, i))
