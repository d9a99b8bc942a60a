"""The reference for speed: how the seed notebook processed a video, step for step.

For every frame: write it as JPEG and read it back, build a new ``MTCNN()`` and detect on the
full-size frame, cut the first face, and for a fake compare it with the original's crop with
``skimage.metrics.structural_similarity``. This is the naive approach the workflow replaces;
``bench.py`` times it on the same frames as the workflow's own stages.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import cv2
import numpy as np
from skimage.metrics import structural_similarity


def seed_style(frames: list[np.ndarray], originals: list[np.ndarray | None]) -> list[float]:
    """SSIM of each frame's face crop against its original's (NaN without a face or original)."""
    from mtcnn import MTCNN

    scores = []
    with tempfile.TemporaryDirectory() as tmp:
        for index, (frame, original) in enumerate(zip(frames, originals, strict=True)):
            path = str(Path(tmp) / f"frame{index}.jpg")
            cv2.imwrite(path, frame)
            image = cv2.imread(path)
            faces = MTCNN().detect_faces(cv2.cvtColor(image, cv2.COLOR_BGR2RGB))
            if not faces or original is None:
                scores.append(float("nan"))
                continue
            x, y, w, h = (max(v, 0) for v in faces[0]["box"])
            crop = cv2.cvtColor(
                cv2.resize(image[y : y + h, x : x + w], (128, 128)), cv2.COLOR_BGR2GRAY
            )
            reference = cv2.cvtColor(
                cv2.resize(original[y : y + h, x : x + w], (128, 128)), cv2.COLOR_BGR2GRAY
            )
            scores.append(float(structural_similarity(crop, reference, data_range=255)))
    return scores
