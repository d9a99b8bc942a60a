"""The built-in sample: determinism, layout, and faces where the generator put them."""

from __future__ import annotations

import hashlib

import numpy as np
import pytest

from dfscope.dataset import video_table
from dfscope.layouts import deepfaketimit
from dfscope.sample import SampleSpec, ensure, generate, partner
from dfscope.video import iter_video, open_source


def _digest(root):
    h = hashlib.sha256()
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        h.update(str(path.relative_to(root)).encode())
        h.update(path.read_bytes())
    return h.hexdigest()


def test_generation_is_byte_identical(small_sample, tmp_path):
    spec, root, _ = small_sample
    generate(spec, tmp_path)
    assert _digest(tmp_path) == _digest(root)


def test_what_generation_writes_is_what_the_layout_reads(small_sample):
    spec, root, table = small_sample
    entries, skipped = deepfaketimit.read(root / "DeepfakeTIMIT", originals_root=root / "VidTIMIT")
    found = video_table(entries)
    assert skipped.empty
    assert found.equals(table)
    assert sorted(found.group) == ["HQ", "HQ", "LQ", "LQ", "real", "real"]


def test_fake_and_original_have_equal_frames_and_differ_only_at_the_face(small_sample):
    spec, root, table = small_sample
    original = list(open_source(root / "VidTIMIT/fcol0/video/sa1")[0])
    assert len(original) == spec.n_frames and original[0].shape == (384, 512, 3)
    for folder in ("lower_quality", "higher_quality"):
        fake = list(iter_video(root / f"DeepfakeTIMIT/{folder}/fcol0/sa1-video-fhop0.avi"))
        assert len(fake) == spec.n_frames
        diff = np.abs(fake[0].astype(int) - original[0].astype(int)).max(axis=2)
        changed = np.argwhere(diff > 40)
        assert len(changed) > 2000, f"{folder}: the face was not replaced"
        y, x = changed.mean(0)
        assert 150 < y < 260 and 200 < x < 310, (
            f"{folder}: change centred at ({x:.0f}, {y:.0f}), not on the face"
        )


def test_pairs_are_symmetric_and_checked():
    assert partner("fcol0") == "fhop0" and partner("fhop0") == "fcol0"
    with pytest.raises(ValueError, match="pair partner"):
        generate(SampleSpec(subjects=("fcol0",)), "x")


def test_the_sample_is_made_once_and_again_when_its_settings_change(tmp_path):
    """The default dataset: a first run makes it, later runs read it, a changed sample section
    makes it anew (and a cut-short generation, which records no settings, too)."""
    spec = SampleSpec(subjects=("fcol0", "fhop0"), sentences=("sa1",), n_frames=2)
    assert ensure(spec, tmp_path) and not ensure(spec, tmp_path)
    frames = sorted((tmp_path / "VidTIMIT/fcol0/video/sa1").iterdir())
    assert [f.name for f in frames] == ["001", "002"]
    assert ensure(SampleSpec(subjects=("fcol0", "fhop0"), sentences=("sa1",), n_frames=3), tmp_path)
    assert len(list((tmp_path / "VidTIMIT/fcol0/video/sa1").iterdir())) == 3
    (tmp_path / "sample.json").unlink()
    assert ensure(spec, tmp_path)


def test_mtcnn_finds_the_generated_faces_where_they_were_put(small_sample, mtcnn):
    _, root, table = small_sample
    for row in table.itertuples():
        frames = list(open_source(row.path)[0] if row.label == 0 else iter_video(row.path))
        found = mtcnn.detect(frames)
        assert all(len(faces) >= 1 for faces in found), f"{row.video}: a frame without a face"
        eyes = np.array([faces[0].landmarks[:2].mean(0) for faces in found])
        # The generator puts the eyes' midpoint at (256, 165), moved by <= ~12 px of head motion.
        assert np.abs(eyes - [256, 165]).max() < 20, row.video
