"""Every face of a video tracked into identities (``detector.faces: all``): which detection of
a frame is the same person as which of the frames before, by box overlap.

DFDC's winning solutions score every face of a clip and take the most suspicious identity,
since a video is fake if any of its people is; one face a frame cannot see a swap of the
second speaker. Tracking is by overlap alone (no appearance model): the faces of a talking-head
clip move little between sampled frames, and an identity is only as long as its overlaps last.
"""

from __future__ import annotations

from collections.abc import Sequence

from .geometry import Box, iou


class Tracker:
    """Gives each detection of successive frames an identity: 0, 1, ... in order of first
    appearance.

    A detection continues the identity whose last box it overlaps most (intersection over
    union at least ``min_iou``), each identity taken by at most one detection of a frame,
    pairs matched in order of decreasing overlap (ties by lower identity, then lower
    detection index, so that the result is the same on every run); a detection that continues
    none starts a new identity. An identity not seen for more than ``max_gap`` frames is
    ended: a face appearing later in its place is someone new, or the same person after a
    cut, which overlap cannot tell apart. Gaps count detected frames (the keyframes of
    ``detector.every``), not frame numbers, so that frame sampling does not change them.
    """

    def __init__(self, min_iou: float = 0.3, max_gap: int = 8) -> None:
        if not 0 < min_iou <= 1:
            raise ValueError(f"min_iou: {min_iou} is not in (0, 1]")
        if max_gap < 1:
            raise ValueError(f"max_gap: {max_gap} is not >= 1")
        self.min_iou, self.max_gap = min_iou, max_gap
        self._last: dict[int, tuple[Box, int]] = {}  # identity -> (its last box, step)
        self._step = 0

    def update(self, boxes: Sequence[Box]) -> list[int]:
        """The identity of each of ``boxes``, the detections of the next frame."""
        self._step += 1
        live = [
            (identity, box)
            for identity, (box, seen) in sorted(self._last.items())
            if self._step - seen <= self.max_gap
        ]
        pairs = sorted(
            (
                (-iou(box, last), identity, index)
                for index, box in enumerate(boxes)
                for identity, last in live
            ),
        )
        ids = [-1] * len(boxes)
        taken: set[int] = set()
        for negative, identity, index in pairs:
            if -negative < self.min_iou:
                break
            if ids[index] < 0 and identity not in taken:
                ids[index] = identity
                taken.add(identity)
        for index, box in enumerate(boxes):
            if ids[index] < 0:
                ids[index] = len(self._last)
            self._last[ids[index]] = (Box(*box), self._step)
        return ids
