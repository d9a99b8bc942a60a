"""How a video's frame scores become its score, one module each (:data:`POOLINGS`): a module
has ``pool(scores)``, the video's score from its frames' scores ((N,) float64, N >= 1, none
NaN)."""

from __future__ import annotations

from ...registry import Registry

#: The poolings: the modules of this package.
POOLINGS = Registry("pooling", "classifier.poolings", ("pool",))
