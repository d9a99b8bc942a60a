"""Discovery and pairing of DeepfakeTIMIT/VidTIMIT layouts."""

from __future__ import annotations

import csv
import logging

import pytest

from dfscope.dataset import (DatasetError, discover, fake_id, frame_folder_listing, numbering_gaps,
                             original_frame_files, real_id)

from .conftest import shared


def _make_original(root, subject, sentence, n=3):
    folder = root / "VidTIMIT" / subject / "video" / sentence
    folder.mkdir(parents=True)
    for i in range(1, n + 1):
        (folder / f"{i:03d}").write_bytes(b"")
    return folder


def _make_fake(root, folder, subject, sentence, source):
    path = root / "DeepfakeTIMIT" / folder / subject / f"{sentence}-video-{source}.avi"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"")
    return path


def test_real_listing_pairs_every_fake_with_its_original(tmp_path):
    """The real LQ file names of DeepfakeTIMIT (its own listing) parse and pair as the notes say."""
    listing = list(csv.DictReader(shared("dataset/lq_listing.csv").open()))
    pairs = list(csv.DictReader(shared("dataset/pairs.csv").open()))
    partner = {r["subject_a"]: r["subject_b"] for r in pairs} | {r["subject_b"]: r["subject_a"] for r in pairs}
    for row in listing:
        if row["file"].endswith(".avi"):
            _make_fake(tmp_path, "lower_quality", row["target_subject"], row["sentence"],
                       row["face_source_subject"])
            _make_original(tmp_path, row["target_subject"], row["sentence"], n=2)
        else:  # the .wav companions sit beside the videos and must not count as videos
            (tmp_path / "DeepfakeTIMIT" / "lower_quality" / row["target_subject"]).mkdir(
                parents=True, exist_ok=True)
            (tmp_path / "DeepfakeTIMIT" / "lower_quality" / row["target_subject"] / row["file"]).write_bytes(b"")
    (tmp_path / "DeepfakeTIMIT" / "higher_quality").mkdir()

    table = discover(tmp_path / "DeepfakeTIMIT", tmp_path / "VidTIMIT", qualities=("LQ",))

    fakes, reals = table[table.label == 1], table[table.label == 0]
    videos = [row for row in listing if row["file"].endswith(".avi")]
    assert len(fakes) == len(videos) == len(reals) > 250  # one original per fake, none twice
    assert fakes.subject.nunique() == len({row["target_subject"] for row in videos})
    assert (fakes.face_source == fakes.subject.map(partner)).all()
    assert (fakes.original == [real_id(s, t) for s, t in zip(fakes.subject, fakes.sentence)]).all()
    assert set(fakes.original) == set(reals.video)
    first = videos[0]  # e.g. mrgg0, sa1, msjs1: the video of mrgg0 with the face of msjs1
    target, sentence, source = first["target_subject"], first["sentence"], first["face_source_subject"]
    one = fakes.set_index("video").loc[fake_id("LQ", target, sentence, source)]
    assert one.path.endswith(f"lower_quality/{target}/{sentence}-video-{source}.avi")
    assert one.original == real_id(target, sentence)
    original = table.set_index("video").loc[real_id(target, sentence)]
    assert original.path.endswith(f"VidTIMIT/{target}/video/{sentence}") and original.label == 0


def test_fake_without_original_names_the_file(tmp_path):
    _make_original(tmp_path, "fadg0", "sa1")
    missing = _make_fake(tmp_path, "lower_quality", "fram1", "sa1", "fadg0")
    with pytest.raises(DatasetError, match=str(missing)):
        discover(tmp_path / "DeepfakeTIMIT", tmp_path / "VidTIMIT", qualities=("LQ",))


def test_strays_are_skipped_and_named(tmp_path, caplog):
    _make_original(tmp_path, "fadg0", "sa1", n=4)
    _make_original(tmp_path, "fadg0", "head")  # head-rotation sequence: never a study video
    _make_fake(tmp_path, "lower_quality", "fadg0", "sa1", "fram1")
    stray = tmp_path / "DeepfakeTIMIT" / "lower_quality" / "fadg0-original.mov"
    stray.write_bytes(b"")
    odd = tmp_path / "DeepfakeTIMIT" / "lower_quality" / "fadg0" / "notes.txt"
    odd.write_bytes(b"")
    extra = tmp_path / "VidTIMIT" / "fadg0" / "video" / "sa1" / "Thumbs.db"
    extra.write_bytes(b"")
    at_root = tmp_path / "DeepfakeTIMIT" / "README.txt"  # beside lower_quality/: never read
    at_root.write_bytes(b"")
    with caplog.at_level(logging.WARNING):
        table = discover(tmp_path / "DeepfakeTIMIT", tmp_path / "VidTIMIT", qualities=("LQ",))
    assert list(table.video) == ["lq-fadg0-sa1-fram1", "real-fadg0-sa1"]
    assert (table.n_frames == 4).all()  # numbered frames only
    for path in (stray, odd, extra, at_root):
        assert str(path) in caplog.text


def test_missing_quality_folder_is_an_error(tmp_path):
    (tmp_path / "DeepfakeTIMIT").mkdir()
    with pytest.raises(DatasetError, match="lower_quality"):
        discover(tmp_path / "DeepfakeTIMIT", tmp_path / "VidTIMIT", qualities=("LQ",))


def test_numbering_gaps_are_the_missing_frame_numbers(tmp_path):
    folder = _make_original(tmp_path, "fadg0", "sa1", n=6)
    (folder / "002").unlink()
    (folder / "005").unlink()
    assert numbering_gaps(original_frame_files(folder)) == [2, 5]
    assert numbering_gaps([]) == []


def test_hidden_bookkeeping_files_in_a_frame_folder_are_not_reported(tmp_path, caplog):
    folder = _make_original(tmp_path, "fadg0", "sa1", n=3)
    (folder / ".snakemake_timestamp").write_text("")  # Snakemake marks directory() outputs so
    (folder / "Thumbs.db").write_text("")
    with caplog.at_level(logging.WARNING):
        files, extra = frame_folder_listing(folder)
    assert [f.name for f in files] == ["001", "002", "003"]
    assert [e.name for e in extra] == ["Thumbs.db"]
    assert ".snakemake_timestamp" not in caplog.text
