"""The background control: the classifier's protocol on the frame's corners, where nothing was
swapped. It must be able to fail and to pass: it fires where the classes were coded apart and
stays low where they were coded alike."""

from __future__ import annotations

import cv2
import numpy as np
import pandas as pd
import pytest

from dfscope.background import background_columns, corner_patches, measure_frame
from dfscope.classifier.protocol import Protocol
from dfscope.classifier.splits import KFold
from dfscope.controls import background_control
from dfscope.geometry import Box

FAMILIES = {"residual": {}, "spectral": {"size": 64, "n_bins": 24}}
SIZE = 48


def test_corner_patches_keep_clear_of_the_faces():
    assert corner_patches(512, 384, 64, []) == [
        Box(0, 0, 64, 64),
        Box(448, 0, 64, 64),
        Box(448, 320, 64, 64),
        Box(0, 320, 64, 64),
    ]
    face = Box(400, 10, 100, 100)  # over the top right corner only
    assert Box(448, 0, 64, 64) not in corner_patches(512, 384, 64, [face])
    assert len(corner_patches(512, 384, 64, [face])) == 3
    assert corner_patches(100, 100, 64, []) == []  # two patches do not fit side by side


def test_what_an_aligned_crop_shows_is_kept_clear_of_too():
    """An aligned crop has a matrix, no square (the DeepfakeBench preset's background step
    stopped on its empty square): its corners mapped back to the frame bound it."""
    from dfscope.align import alignment
    from dfscope.crops import footprint

    marks = np.array([[220.0, 150], [290, 150], [255, 190], [228, 230], [284, 230]])
    box = footprint(alignment(marks, size=256, scale=1.3), 256)
    assert box.x < 220 and box.x + box.w > 290 and box.y < 150 and box.y + box.h > 230
    assert footprint((10, 20, 64), 128) == Box(10, 20, 64, 64)
    assert len(corner_patches(512, 384, 64, [box])) == 4  # a face in the middle


def test_a_few_frames_of_a_video_evenly_spaced():
    from dfscope.background import _evenly

    assert _evenly(list(range(1, 21)), 8) == [1, 4, 6, 9, 12, 15, 17, 20]
    assert _evenly([3, 5], 8) == [3, 5] and _evenly([1, 2, 3], None) == [1, 2, 3]


def test_a_frame_with_no_corner_clear_of_a_face_has_nan_features():
    frame = np.full((120, 160, 3), 128, np.uint8)
    everywhere = Box(0, 0, 160, 120)
    values = measure_frame(frame, [everywhere], FAMILIES, SIZE)
    assert len(values) == len(background_columns(FAMILIES)) and np.isnan(values).all()


def _scene(rng: np.random.Generator) -> np.ndarray:
    """A frame's worth of background: smooth shapes and sensor noise, 144 x 192 BGR."""
    small = rng.uniform(30, 220, (6, 8, 3))
    base = cv2.resize(small, (192, 144), interpolation=cv2.INTER_CUBIC)
    return np.clip(base + rng.normal(0, 6, base.shape), 0, 255).astype(np.uint8)


def _jpeg(frame: np.ndarray, quality: int) -> np.ndarray:
    data = cv2.imencode(".jpg", frame, [cv2.IMWRITE_JPEG_QUALITY, quality])[1]
    return cv2.imdecode(data, cv2.IMREAD_COLOR)


def _study(fake_quality: int, real_quality: int, pairs: int = 10, seed: int = 0) -> pd.DataFrame:
    """The background table of a study of ``pairs`` swap pairs (a real video and a fake of each
    person, 3 frames each), every frame JPEG-coded: the fakes at ``fake_quality``, the real
    videos at ``real_quality``. The face sits in the middle of the frame."""
    rng = np.random.default_rng(seed)
    face = Box(64, 40, 64, 64)
    rows = []
    for pair in range(pairs):
        people = (f"p{pair}a", f"p{pair}b")
        for subject, source in (people, people[::-1]):
            for label, quality in ((0, real_quality), (1, fake_quality)):
                video = f"{'fake' if label else 'real'}-{subject}"
                for frame in range(3):
                    image = _jpeg(_scene(rng), quality)
                    values = measure_frame(image, [face], FAMILIES, SIZE)
                    rows.append(
                        {
                            "video": video,
                            "label": label,
                            "group": "HQ" if label else "real",
                            "subject": subject,
                            "face_source": source if label else None,
                            "frame": frame,
                            "face_id": 0,
                            **dict(zip(background_columns(FAMILIES), values, strict=True)),
                        }
                    )
    return pd.DataFrame(rows)


def _control(table: pd.DataFrame, videos=None) -> pd.DataFrame:
    return background_control(
        table,
        background_columns(FAMILIES),
        videos=table.video.unique() if videos is None else videos,
        threshold=0.75,
        model="logistic",
        protocol=Protocol(
            split=KFold(5, 0), seed=0, pooling="mean", face_pooling="max", groups=("HQ",),
            n_boot=100, frames_per_video=None,
        ),
    ).set_index("level")  # fmt: skip


@pytest.mark.parametrize(
    ("fake_quality", "fires"),
    [(70, True), (95, False)],  # fakes coded apart from the real videos (95), or alike
)
def test_the_background_control_fires_on_coded_apart_classes_and_not_on_alike_ones(
    fake_quality, fires
):
    rows = _control(_study(fake_quality, 95))
    video = rows.loc["video"]
    assert video.note.startswith("FIRES") is fires, video
    assert bool(video.value >= 0.75) is fires
    if fires:
        assert video.value > 0.95
    else:
        assert video.value_lo < 0.5 < video.value_hi  # chance lies within its interval


def test_the_control_says_why_where_it_cannot_be_run():
    """Frames too small for two patches side by side: no background feature has a value, and
    the rows say so instead of a classifier's error about faces."""
    table = _study(70, 95, pairs=3)
    table[background_columns(FAMILIES)] = np.nan
    rows = _control(table)
    assert rows.value.isna().all()
    assert rows.note.str.startswith("not measured: no frame has a corner patch clear").all()


def test_the_note_counts_the_videos_without_a_background():
    """One without a corner clear of the faces, one whose background step failed (not in the
    background table at all, but in the study)."""
    table = _study(70, 95)
    table.loc[table.video == "real-p0a", background_columns(FAMILIES)] = np.nan
    videos = [*table.video.unique(), "real-lost"]
    notes = _control(table, videos).note
    assert notes.str.contains("; 2 video(s) without a background", regex=False).all()
