"""What a faces job asks for: the measured peak at its frame size, with headroom and overhead."""

from __future__ import annotations

import json

import pytest

from dfscope.resources import (
    FACES_PEAK_MIB,
    JOB_OVERHEAD_MB,
    faces_mem_mb,
    faces_peak_mib,
    largest_megapixels,
)


def test_the_peak_is_the_measured_one_at_each_measured_size():
    for megapixels, peak in FACES_PEAK_MIB:
        assert faces_peak_mib(megapixels) == pytest.approx(peak)


def test_the_peak_grows_with_the_frame_between_and_past_the_measured_sizes():
    sizes = [0.0, 0.197, 0.5, 0.922, 1.5, 2.074, 8.3]  # 8.3: a 3840x2160 frame
    peaks = [faces_peak_mib(s) for s in sizes]
    assert peaks == sorted(peaks)
    assert faces_peak_mib(8.3) > faces_peak_mib(2.074) + 500  # extrapolated, not capped


def test_the_request_covers_the_peak_the_overhead_and_grows_with_each_retry():
    for megapixels, peak in FACES_PEAK_MIB:
        asked = faces_mem_mb(megapixels)
        assert asked % 100 == 0
        assert asked >= peak * 1.048576 * 1.2 + JOB_OVERHEAD_MB
        assert faces_mem_mb(megapixels, attempt=2) >= asked + peak - 100  # both rounded up
    assert faces_mem_mb(1920 * 1080 / 1e6) <= 3000  # a 1080p batch fits a 3 GB slot
    with pytest.raises(ValueError, match="attempt"):
        faces_mem_mb(1.0, attempt=0)
    with pytest.raises(ValueError, match="megapixels"):
        faces_peak_mib(-1)


def test_the_largest_frame_of_the_manifests(tmp_path):
    for name, (width, height) in {"a": (512, 384), "b": (1920, 1080), "c": (0, 0)}.items():
        (tmp_path / f"{name}.json").write_text(json.dumps({"width": width, "height": height}))
    assert largest_megapixels(sorted(tmp_path.glob("*.json"))) == pytest.approx(2.0736)
    assert largest_megapixels([]) == 0.0
