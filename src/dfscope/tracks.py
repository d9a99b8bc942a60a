"""Every face of a video tracked into identities (``detector.faces: all``): which detection of
a frame is the same person as which of the frames before, by box overlap.

DFDC's winning solutions score every face of a clip and take the most suspicious identity,
since a video is fake if any of its people is; one face a frame cannot see a swap of the
second speaker. Tracking is by overlap alone (no appearance model): the faces of a talking-head
clip move little between sampled frames, and an identity is only as long as its overlaps last.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from .geometry import Box, iou


class Tracker:
    """Gives each detection of successive frames an identity: 0, 1, ... in order of first
    appearance.

    The detections of a frame continue the live identities by the one-to-one matching of
    largest total overlap (intersection over union of a detection and an identity's last box),
    among the pairs that overlap by at least ``min_iou``: SciPy's ``linear_sum_assignment``,
    whose ties fall the same way on every run. Matching pairs in order of decreasing overlap
    instead can be wrong where faces cross: a detection that overlaps two identities, and
    one of them most, takes that one from the detection that overlaps only it, which then
    starts a new identity while the other is dropped. A detection that continues none starts
    a new identity. An identity not seen for more than ``max_gap`` frames is
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
        ids = [-1] * len(boxes)
        if boxes and live:
            # Imported here: 0.4-0.5 s that only a faces job tracking every face should pay.
            from scipy.optimize import linear_sum_assignment

            overlap = np.array([[iou(box, last) for _, last in live] for box in boxes])
            overlap[overlap < self.min_iou] = 0.0  # no pair: adds nothing to the total
            for index, column in zip(*linear_sum_assignment(overlap, maximize=True), strict=True):
                if overlap[index, column] > 0:  # at least min_iou, which is > 0
                    ids[index] = live[column][0]
        for index, box in enumerate(boxes):
            if ids[index] < 0:
                ids[index] = len(self._last)
            self._last[ids[index]] = (Box(*box), self._step)
        return ids
