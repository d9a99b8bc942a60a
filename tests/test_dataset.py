"""The DeepfakeTIMIT/VidTIMIT layout: discovery, names, pairing; VidTIMIT frame folders."""

from __future__ import annotations

import csv
import logging

import pytest

from dfscope.columns import PROBLEM_COLUMNS
from dfscope.dataset import DatasetError, video_table
from dfscope.frame_folders import frame_folder_listing, numbering_gaps, original_frame_files
from dfscope.layouts import deepfaketimit
from dfscope.layouts.deepfaketimit import fake_id, fake_name_problem, real_id

from .conftest import shared


def discover(fakes_root, originals_root):
    """The deepfaketimit layout's reader."""
    return deepfaketimit.read(fakes_root, originals_root=originals_root)


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
    partner = {r["subject_a"]: r["subject_b"] for r in pairs} | {
        r["subject_b"]: r["subject_a"] for r in pairs
    }
    for row in listing:
        if row["file"].endswith(".avi"):
            _make_fake(
                tmp_path,
                "lower_quality",
                row["target_subject"],
                row["sentence"],
                row["face_source_subject"],
            )
            _make_original(tmp_path, row["target_subject"], row["sentence"], n=2)
        else:  # the .wav companions sit beside the videos and must not count as videos
            (tmp_path / "DeepfakeTIMIT" / "lower_quality" / row["target_subject"]).mkdir(
                parents=True, exist_ok=True
            )
            (
                tmp_path / "DeepfakeTIMIT" / "lower_quality" / row["target_subject"] / row["file"]
            ).write_bytes(b"")
    (tmp_path / "DeepfakeTIMIT" / "higher_quality").mkdir()

    entries, skipped = discover(tmp_path / "DeepfakeTIMIT", tmp_path / "VidTIMIT")
    table = video_table(entries)

    assert skipped.empty  # the real names all follow the layout
    fakes, reals = table[table.label == 1], table[table.label == 0]
    videos = [row for row in listing if row["file"].endswith(".avi")]
    assert len(fakes) == len(videos) == len(reals) > 250  # one original per fake, none twice
    assert fakes.subject.nunique() == len({row["target_subject"] for row in videos})
    assert (fakes.face_source == fakes.subject.map(partner)).all()
    assert (
        fakes.original
        == [real_id(s, v.split("-")[2]) for s, v in zip(fakes.subject, fakes.video, strict=True)]
    ).all()
    assert set(fakes.original) == set(reals.video)
    first = videos[0]  # e.g. mrgg0, sa1, msjs1: the video of mrgg0 with the face of msjs1
    target, sentence, source = (
        first["target_subject"],
        first["sentence"],
        first["face_source_subject"],
    )
    one = fakes.set_index("video").loc[fake_id("LQ", target, sentence, source)]
    assert one.path.endswith(f"lower_quality/{target}/{sentence}-video-{source}.avi")
    assert one.original == real_id(target, sentence)
    original = table.set_index("video").loc[real_id(target, sentence)]
    assert original.path.endswith(f"VidTIMIT/{target}/video/{sentence}") and original.label == 0


def test_fake_without_original_names_the_file(tmp_path):
    _make_original(tmp_path, "fadg0", "sa1")
    missing = _make_fake(tmp_path, "lower_quality", "fram1", "sa1", "fadg0")
    with pytest.raises(DatasetError, match=str(missing)):
        discover(tmp_path / "DeepfakeTIMIT", tmp_path / "VidTIMIT")


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
        entries, skipped = discover(tmp_path / "DeepfakeTIMIT", tmp_path / "VidTIMIT")
        table = video_table(entries)
    assert list(table.video) == ["lq-fadg0-sa1-fram1", "real-fadg0-sa1"]
    assert (table.n_frames == 4).all()  # numbered frames only
    for path in (stray, odd, extra, at_root):
        assert str(path) in caplog.text
    # Extra files of a frame folder are the frames step's notes; the others are skipped inputs.
    assert skipped.columns.tolist() == PROBLEM_COLUMNS and (skipped.stage == "dataset").all()
    why = dict(zip(skipped.path, skipped.problem, strict=False))
    assert why == {
        str(at_root): "not one of higher_quality, lower_quality: not read",
        str(stray): "not a <subject> folder (a file directly in lower_quality/)",
        str(odd): "does not match <sentence>-video-<S>.avi (or .mp4)",
    }


def test_a_subject_folder_breaking_the_id_rule_is_skipped_with_its_vidtimit_side(tmp_path, caplog):
    _make_original(tmp_path, "fadg0", "sa1")
    _make_fake(tmp_path, "lower_quality", "fadg0", "sa1", "fram1")
    bad = _make_fake(tmp_path, "lower_quality", "Fram1", "sa1", "fadg0").parent
    unused = _make_original(tmp_path, "Fram1", "sa1").parents[1]
    with caplog.at_level(logging.WARNING):
        entries, skipped = discover(tmp_path / "DeepfakeTIMIT", tmp_path / "VidTIMIT")
        table = video_table(entries)
    assert list(table.video) == ["lq-fadg0-sa1-fram1", "real-fadg0-sa1"]
    rule = "breaks the naming rule: lowercase letters and digits only ([a-z0-9]+)"
    assert dict(zip(skipped.path, skipped.problem, strict=False)) == {
        str(bad): f"subject folder name 'Fram1' {rule}",
        str(unused): f"VidTIMIT side of the skipped subject folder {bad}: not used",
    }
    assert f"{bad}: subject folder name 'Fram1' {rule}" in caplog.text


def test_two_files_with_one_id_keep_the_first_and_record_the_other(tmp_path):
    _make_original(tmp_path, "fadg0", "sa1")
    kept = _make_fake(tmp_path, "lower_quality", "fadg0", "sa1", "fram1")
    twin = kept.with_suffix(".mp4")
    twin.write_bytes(b"")
    entries, skipped = discover(tmp_path / "DeepfakeTIMIT", tmp_path / "VidTIMIT")
    table = video_table(entries)
    assert table.set_index("video").loc["lq-fadg0-sa1-fram1", "path"] == str(kept)
    assert skipped.to_dict("records") == [
        {
            "video": "lq-fadg0-sa1-fram1",
            "path": str(twin),
            "stage": "dataset",
            "problem": f"same id lq-fadg0-sa1-fram1 as {kept} (kept: first in name order)",
        }
    ]


@pytest.mark.parametrize(
    ("name", "problem"),
    [
        ("sa1-video-fram1.avi", None),
        ("sx19-video-fram1.mp4", None),
        ("sa1-video-fram1.mov", "extension .mov is not one of avi, mp4"),
        ("sa1-video-FRAM1 copy.avi", "face source 'FRAM1 copy' breaks the naming rule"),
        ("SA1-video-fram1.avi", "sentence 'SA1' breaks the naming rule"),
        ("sa1-fram1.avi", "does not match <sentence>-video-<S>.avi (or .mp4)"),
    ],
)
def test_a_bad_fake_name_is_told_which_rule_it_breaks(name, problem):
    found = fake_name_problem(name)
    assert found == problem if problem is None else found.startswith(problem)


def test_a_dataset_without_any_quality_folder_is_an_error(tmp_path):
    (tmp_path / "DeepfakeTIMIT").mkdir()
    with pytest.raises(DatasetError, match="lower_quality"):
        discover(tmp_path / "DeepfakeTIMIT", tmp_path / "VidTIMIT")


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
