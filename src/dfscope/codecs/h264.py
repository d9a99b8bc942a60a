"""The ``h264`` codec: a video's kept frames coded as one H.264 clip by x264 (``crf``,
``preset``; yuv420p, 25 fps, as DeepfakeTIMIT's fakes were coded) and decoded back, through
PyAV's FFmpeg. A clip, not frame by frame: H.264 predicts frames from one another, and its
traces (motion-compensated blocks, keyframes) are a clip's.

The clip is coded into memory and decoded once every frame is in: only the compressed clip is
held. A frame of another size than the video's first cannot join the clip: it is passed on as
decoded (the frames step leaves such a frame out of its video anyway).
"""

from __future__ import annotations

import heapq
import io
import logging
from collections.abc import Iterator

import numpy as np

from . import Frames

#: What this codec imports beyond the core packages (import name -> pip name).
REQUIRES = {"av": "av"}
#: The clip's frame rate: the rate matters to x264's rate control only through CRF's
#: weighting of motion, and DeepfakeTIMIT's clips are 25 fps.
FPS = 25

log = logging.getLogger(__name__)


def recode(frames: Frames, *, crf: int, preset: str) -> Iterator[tuple[int, np.ndarray]]:
    import av

    buffer, numbers, odd, size = io.BytesIO(), [], [], (0, 0)
    with av.open(buffer, "w", format="mp4") as container:
        stream = None
        for number, frame in frames:
            height, width = frame.shape[:2]
            if stream is None:
                stream = container.add_stream("libx264", rate=FPS)
                stream.width, stream.height = width + width % 2, height + height % 2
                stream.pix_fmt = "yuv420p"
                stream.options = {"crf": str(crf), "preset": preset}
                size = (height, width)
            if (height, width) != size:
                odd.append((number, frame))
                continue
            padded = np.pad(frame, ((0, height % 2), (0, width % 2), (0, 0)), mode="edge")
            for packet in stream.encode(av.VideoFrame.from_ndarray(padded, format="bgr24")):
                container.mux(packet)
            numbers.append(number)
        if stream is not None:
            for packet in stream.encode():
                container.mux(packet)
    if odd:
        log.warning("frames %s: not the clip's size, passed on as decoded", [n for n, _ in odd])
    yield from heapq.merge(_decoded(buffer, numbers, size), odd, key=lambda pair: pair[0])


def _decoded(
    buffer: io.BytesIO, numbers: list[int], size: tuple[int, int]
) -> Iterator[tuple[int, np.ndarray]]:
    """The frames of the clip in ``buffer``, numbered ``numbers``, cut back to ``size``."""
    if not numbers:
        return
    import av

    buffer.seek(0)
    with av.open(buffer) as clip:
        for number, image in zip(numbers, clip.decode(video=0), strict=True):
            yield number, image.to_ndarray(format="bgr24")[: size[0], : size[1]]
