"""One coding chain for every video (``frames.recode``, dfscope.codecs): what each codec gives
back, in order, and what the frames step records."""

from __future__ import annotations

import json

import cv2
import numpy as np
import pytest

from dfscope.codecs import CODECS, recoder, recoding
from dfscope.video import extract_frames

OPTIONS = {"codec": "none", "h264": {"crf": 23, "preset": "medium"}, "jpeg": {"quality": 90}}


def _frames(n: int, size=(96, 128), seed=0) -> list[tuple[int, np.ndarray]]:
    """A moving smooth pattern with a little noise: (number, BGR image), numbered 1, 3, 5 ..."""
    rng = np.random.default_rng(seed)
    y, x = np.mgrid[: size[0], : size[1]]
    frames = []
    for i in range(n):
        base = 128 + 60 * np.sin((x + 3 * i) / 9.0)[..., None] * np.cos(y / 7.0)[..., None]
        image = base + rng.normal(0, 4, (*size, 3)) + np.array([0, 20, -20])
        frames.append((2 * i + 1, np.clip(image, 0, 255).astype(np.uint8)))
    return frames


def _psnr(a: np.ndarray, b: np.ndarray) -> float:
    return cv2.PSNR(a, b)


def test_none_leaves_the_frames_as_decoded():
    assert recoder(OPTIONS) is None and recoding(OPTIONS) is None
    assert CODECS.names() == ["h264", "jpeg"]


def test_jpeg_codes_each_frame_as_opencv_does():
    frames = _frames(3)
    out = list(recoder(OPTIONS | {"codec": "jpeg"})(iter(frames)))
    assert [n for n, _ in out] == [1, 3, 5]
    ok, data = cv2.imencode(".jpg", frames[0][1], [cv2.IMWRITE_JPEG_QUALITY, 90])
    np.testing.assert_array_equal(out[0][1], cv2.imdecode(data, cv2.IMREAD_COLOR))
    assert recoding(OPTIONS | {"codec": "jpeg"}) == {"codec": "jpeg", "quality": 90}


@pytest.mark.parametrize("size", [(96, 128), (95, 127)])  # odd sides are padded for yuv420p
def test_h264_codes_the_frames_as_one_clip_and_gives_them_back_in_order(size):
    frames = _frames(12, size)
    out = list(recoder(OPTIONS | {"codec": "h264"})(iter(frames)))
    assert [n for n, _ in out] == [n for n, _ in frames]
    for (_, before), (_, after) in zip(frames, out, strict=True):
        assert after.shape == before.shape and after.dtype == np.uint8
        assert 30 < _psnr(before, after) < 60  # coded: changed, but the same picture
    # A lower CRF keeps more.
    finer = list(
        recoder({**OPTIONS, "codec": "h264", "h264": {"crf": 10, "preset": "medium"}})(iter(frames))
    )
    assert _psnr(frames[5][1], finer[5][1]) > _psnr(frames[5][1], out[5][1])


def test_h264_passes_a_frame_of_another_size_on_in_its_place():
    frames = _frames(5)
    frames[2] = (5, cv2.resize(frames[2][1], (64, 48)))
    out = list(recoder(OPTIONS | {"codec": "h264"})(iter(frames)))
    assert [n for n, _ in out] == [1, 3, 5, 7, 9]
    np.testing.assert_array_equal(out[2][1], frames[2][1])


def test_the_frames_step_recodes_the_kept_frames_and_says_so(tmp_path):
    folder = tmp_path / "video"
    folder.mkdir()
    for i, (_, image) in enumerate(_frames(6), start=1):  # VidTIMIT's names: 001, 002 ...
        (folder / f"{i:03d}").write_bytes(cv2.imencode(".jpg", image)[1].tobytes())
    options = OPTIONS | {"codec": "h264"}
    info = extract_frames(
        folder,
        tmp_path / "out",
        tmp_path / "m.json",
        video="v",
        expected=None,
        ext="bmp",
        recode=options,
    )
    assert info["recode"] == {"codec": "h264", "crf": 23, "preset": "medium"}
    assert json.loads((tmp_path / "m.json").read_text())["recode"] == info["recode"]
    plain = extract_frames(
        folder, tmp_path / "plain", tmp_path / "p.json", video="v", expected=None, ext="bmp"
    )
    assert plain["recode"] is None and info["kept"] == plain["kept"] == [1, 2, 3, 4, 5, 6]
    recoded = cv2.imread(str(tmp_path / "out/00002.bmp"))
    decoded = cv2.imread(str(tmp_path / "plain/00002.bmp"))
    assert recoded.shape == decoded.shape and 30 < _psnr(decoded, recoded) < 60
