"""One coding chain for every video (``frames.recode``), one module a codec (:data:`CODECS`): a
module has ``recode(frames, **params)``, which takes a video's kept frames as (number, (H, W, 3)
uint8 BGR) pairs in order and yields them, in order, as the codec gives them back.

Why: the classes of a dataset are often coded differently (DeepfakeTIMIT's fakes are H.264
video, its VidTIMIT originals JPEG frames), and a classifier learns the coding as readily as the
forgery. Sent through one chain, every frame of every video, real or fake, carries that chain's
traces on top of its own, which is how classes coded differently are compared. The config's
``frames.recode.codec`` names the module (``none``: frames as decoded) and
``frames.recode.<codec>`` holds its parameters.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping

import numpy as np

from ..registry import Registry

#: The codecs: the modules of this package.
CODECS = Registry("codec", "codecs", ("recode",))
#: ``frames.recode.codec`` that leaves the frames as decoded.
NONE = "none"

#: A video's kept frames: (frame number, BGR image) in order.
Frames = Iterable[tuple[int, np.ndarray]]


#: A coding chain: a video's kept frames in, the same frames coded and decoded out; or None.
Recoder = Callable[[Frames], Iterator[tuple[int, np.ndarray]]] | None


def recoding(options: Mapping | None) -> dict | None:
    """What ``frames.recode`` (its codec and every codec's parameters) changes of the pixels:
    the codec and its own parameters, or None for ``codec: none`` (recorded in the frames
    manifests and in a frame table's ``made_with``)."""
    if options is None or options["codec"] == NONE:
        return None
    return {"codec": options["codec"], **options[options["codec"]]}


def recoder(options: Mapping | None) -> Recoder:
    """The coding chain ``frames.recode`` says (:data:`Recoder`)."""
    chosen = recoding(options)
    if chosen is None:
        return None
    params = {key: value for key, value in chosen.items() if key != "codec"}
    recode = CODECS.load(chosen["codec"]).recode
    return lambda frames: recode(frames, **params)
