"""Readers of dataset layouts: the sample written in each, real file names, bad inputs."""

from __future__ import annotations

import json
import re

import pytest

from dfscope import layouts
from dfscope.columns import PROBLEM_COLUMNS
from dfscope.dataset import DatasetError, video_table
from dfscope.sample import SampleSpec
from dfscope.sample_layouts import export, in_layout
from dfscope.video import iter_video

RULE = "[a-z0-9]+), in pieces joined by '_' or '-' (upper case is lowered)"


def _touch(root, *paths):
    """Empty files at ``paths`` under ``root``: readers never open a video."""
    for path in paths:
        (root / path).parent.mkdir(parents=True, exist_ok=True)
        (root / path).write_bytes(b"")


def _fields(entries):
    """id -> (label, group, subject, face_source, original, split): what a reader decided."""
    return {
        e.video: (e.label, e.group, e.subject, e.face_source, e.original, e.split) for e in entries
    }


def _why(skipped, root):
    """Skipped path (relative to ``root``) -> problem."""
    assert skipped.columns.tolist() == PROBLEM_COLUMNS and (skipped.stage == "dataset").all()
    return {
        path.removeprefix(f"{root}/"): problem
        for path, problem in zip(skipped.path, skipped.problem, strict=True)
    }


def test_groups_are_listed_in_the_layouts_order_then_by_name():
    assert layouts.group_order("deepfaketimit", ["HQ", "LQ", "HQ"]) == ["LQ", "HQ"]
    assert layouts.group_order("deepfaketimit", ["HQ"]) == ["HQ"]
    assert layouts.group_order("faceforensics", ["NeuralTextures", "Deepfakes"]) == [
        "Deepfakes",
        "NeuralTextures",
    ]


def test_an_unknown_layout_is_named():
    with pytest.raises(ValueError, match="unknown dataset layout 'ff'; known: .*faceforensics"):
        layouts.read("ff", "x")


@pytest.mark.parametrize("name", ["faceforensics", "celebdf", "dfdc", "table"])
def test_a_missing_or_empty_dataset_is_an_error_naming_it(tmp_path, name):
    with pytest.raises(DatasetError, match=f"{tmp_path / 'none'}: .*not found"):
        layouts.read(name, tmp_path / "none")
    empty = tmp_path / "empty.csv"  # a list without rows, or a folder without videos
    if name == "table":
        empty.write_text("path,label\n")
    else:
        empty.mkdir()
    # It said only "no videos found": now the layout and what it looked for.
    looked_for = {
        "faceforensics": "videos in original_sequences/<youtube|actors>/c23/videos/ and "
        "manipulated_sequences/<method>/c23/videos/",
        "celebdf": "videos in Celeb-real/, YouTube-real/, Celeb-synthesis/",
        "dfdc": "part folders (dfdc_train_part_N/) with a metadata.json",
        "table": "rows with a path and a label (columns: path, label)",
    }[name]
    with pytest.raises(
        DatasetError,
        match=re.escape(
            f"{empty}: no videos found by the {name} layout, which looks for {looked_for}"
        ),
    ):
        layouts.read(name, empty)


# --- DeepfakeTIMIT ---------------------------------------------------------------------------


def test_the_deepfaketimit_reader_reads_what_the_sample_writes(small_sample, tmp_path):
    _, root, table = small_sample
    options = export("deepfaketimit", table, tmp_path)
    assert options == {"root": root / "DeepfakeTIMIT", "originals_root": root / "VidTIMIT"}
    entries, skipped = layouts.read("deepfaketimit", **options)
    assert skipped.empty and video_table(entries).equals(table)  # the sample's own table


def test_faceforensics_sample_reads_back(small_sample, tmp_path):
    spec, _, table = small_sample
    options = export("faceforensics", table, tmp_path / "ff")
    splits = tmp_path / "splits"
    splits.mkdir()
    for split, pairs in {"train": [["fcol0sa1", "fhop0sa1"]], "val": [], "test": []}.items():
        (splits / f"{split}.json").write_text(json.dumps(pairs))
    entries, skipped = layouts.read("faceforensics", **options, splits=splits)
    assert skipped.empty
    assert _fields(entries) == {
        "ff-real-c23-fcol0sa1": (0, "real", "fcol0sa1", None, None, "train"),
        "ff-real-c23-fhop0sa1": (0, "real", "fhop0sa1", None, None, "train"),
        **{
            f"ff-{q.lower()}-c23-{t}sa1-{s}sa1": (
                1,
                q,
                f"{t}sa1",
                f"{s}sa1",
                f"ff-real-c23-{t}sa1",
                "train",
            )
            for q in ("LQ", "HQ")
            for t, s in (("fcol0", "fhop0"), ("fhop0", "fcol0"))
        },
    }
    assert {e.n_frames for e in entries} == {None}
    for entry in entries:  # real video files, every frame in them
        assert len(list(iter_video(entry.path))) == spec.n_frames, entry.path


def test_faceforensics_real_names(tmp_path):
    """File names of the release (README, split files) in the download script's tree."""
    _touch(
        tmp_path,
        "original_sequences/youtube/c23/videos/000.mp4",
        "original_sequences/youtube/c23/videos/003.mp4",
        "original_sequences/actors/c23/videos/01__exit_phone_room.mp4",
        "manipulated_sequences/Deepfakes/c23/videos/000_003.mp4",
        "manipulated_sequences/Deepfakes/c23/videos/003_000.mp4",
        "manipulated_sequences/Deepfakes/masks/videos/000_003.mp4",  # masks: never read
        "manipulated_sequences/FaceShifter/c23/videos/000_003.mp4",
        "manipulated_sequences/DeepFakeDetection/c23/videos/01_02__exit_phone_room__YVGY8LOK.mp4",
    )
    splits = tmp_path / "splits"
    splits.mkdir()
    for split, pairs in {
        "train": [["071", "054"]],
        "val": [["720", "672"]],
        "test": [["953", "974"], ["000", "003"]],
    }.items():
        (splits / f"{split}.json").write_text(json.dumps(pairs))
    entries, skipped = layouts.read("faceforensics", tmp_path, splits=splits)
    assert skipped.empty
    dfd = "ff-deepfakedetection-c23-01-02-exit-phone-room-yvgy8lok"
    assert _fields(entries) == {
        "ff-real-c23-000": (0, "real", "000", None, None, "test"),
        "ff-real-c23-003": (0, "real", "003", None, None, "test"),
        "ff-real-c23-01-exit-phone-room": (0, "real", "01", None, None, None),
        "ff-deepfakes-c23-000-003": (1, "Deepfakes", "000", "003", "ff-real-c23-000", "test"),
        "ff-deepfakes-c23-003-000": (1, "Deepfakes", "003", "000", "ff-real-c23-003", "test"),
        "ff-faceshifter-c23-000-003": (1, "FaceShifter", "000", "003", "ff-real-c23-000", "test"),
        dfd: (1, "DeepFakeDetection", "01", "02", "ff-real-c23-01-exit-phone-room", None),
    }
    # A method named reads its own originals only.
    entries, _ = layouts.read("faceforensics", tmp_path, groups=["DeepFakeDetection"])
    assert [e.video for e in entries] == [dfd, "ff-real-c23-01-exit-phone-room"]


def test_faceforensics_bad_inputs_are_skipped_and_fakes_without_originals_kept(tmp_path):
    videos = "original_sequences/youtube/c23/videos"
    _touch(
        tmp_path,
        f"{videos}/000.avi",
        f"{videos}/000.mp4",  # the same id as 000.avi
        f"{videos}/000 (1).mp4",
        f"{videos}/notes.txt",
        f"{videos}/old/001.mp4",
        "manipulated_sequences/Deepfakes/c23/videos/000_003.mp4",
        "manipulated_sequences/Deepfakes/c23/videos/004_005.mp4",  # 004 not downloaded
        "manipulated_sequences/Deepfakes/c23/videos/000_003_4.mp4",
        "manipulated_sequences/Face Swap/c23/videos/000_003.mp4",
        "manipulated_sequences/NeuralTextures/c40/videos/000_003.mp4",
    )
    entries, skipped = layouts.read("faceforensics", tmp_path)
    assert _fields(entries) == {
        "ff-real-c23-000": (0, "real", "000", None, None, None),
        "ff-deepfakes-c23-000-003": (1, "Deepfakes", "000", "003", "ff-real-c23-000", None),
        "ff-deepfakes-c23-004-005": (1, "Deepfakes", "004", "005", None, None),
        "ff-face-swap-c23-000-003": (1, "Face Swap", "000", "003", "ff-real-c23-000", None),
    }
    assert {e.video: e.path for e in entries}["ff-real-c23-000"] == str(
        tmp_path / videos / "000.avi"
    )
    assert _why(skipped, tmp_path) == {
        f"{videos}/000.mp4": f"same id ff-real-c23-000 as {tmp_path / videos / '000.avi'} (kept)",
        f"{videos}/000 (1).mp4": "does not match NNN.mp4",
        f"{videos}/notes.txt": "extension '.txt' is not a video container's",
        f"{videos}/old": "a folder where video files are",
        "manipulated_sequences/Deepfakes/c23/videos/000_003_4.mp4": "does not match NNN_MMM.mp4",
        "manipulated_sequences/NeuralTextures": "no c23/videos folder: not read",
    }
    assert skipped.set_index("path").loc[str(tmp_path / videos / "000.mp4"), "video"] == (
        "ff-real-c23-000"
    )


def test_faceforensics_raw_is_also_read_as_c0(tmp_path):
    _touch(tmp_path, "original_sequences/youtube/c0/videos/000.mp4")
    entries, _ = layouts.read("faceforensics", tmp_path, compression="raw")
    assert [e.video for e in entries] == ["ff-real-raw-000"]


@pytest.mark.parametrize(
    ("files", "error"),
    [
        ({"train.json": '[["000", "003"]]', "val.json": "[]"}, "test.json: split file not found"),
        ({"train.json": "[]", "val.json": "[]", "test.json": "["}, "test.json: cannot be read as"),
        ({"train.json": "[]", "val.json": "[]", "test.json": '{"a": 1}'}, "test.json: not a JSON"),
        ({"train.json": '[["000", "003"]]', "val.json": '[["003", "1"]]'}, "val.json: video 003"),
    ],
)
def test_faceforensics_bad_split_files_are_errors_naming_the_file(tmp_path, files, error):
    _touch(tmp_path, "original_sequences/youtube/c23/videos/000.mp4")
    for name, text in files.items():
        (tmp_path / name).write_text(text)
    with pytest.raises(DatasetError, match=re.escape(str(tmp_path / error))):
        layouts.read("faceforensics", tmp_path, splits=tmp_path)


def test_faceforensics_missing_folders_are_errors_naming_them(tmp_path):
    _touch(tmp_path, "original_sequences/youtube/c23/videos/000.mp4")
    missing = tmp_path / "manipulated_sequences/Face2Face/c23/videos"
    with pytest.raises(DatasetError, match=f"{missing}: not found"):
        layouts.read("faceforensics", tmp_path, groups=["Face2Face"])
    with pytest.raises(DatasetError, match=f"{tmp_path}: no videos found by the faceforensics "):
        layouts.read("faceforensics", tmp_path, compression="c40")


# --- Celeb-DF --------------------------------------------------------------------------------


def test_celebdf_sample_reads_back(small_sample, tmp_path):
    spec, _, table = small_sample
    options = export("celebdf", table, tmp_path / "celebdf")
    entries, skipped = layouts.read("celebdf", **options)
    assert skipped.empty
    assert _fields(entries) == {
        "celebdf-real-fcol0-sa1": (0, "real", "fcol0", None, None, None),
        "celebdf-real-fhop0-sa1": (0, "real", "fhop0", None, None, None),
        "celebdf-synthesis-fcol0-fhop0-sa1": (
            1,
            "Celeb-synthesis",
            "fcol0",
            "fhop0",
            "celebdf-real-fcol0-sa1",
            None,
        ),
        "celebdf-synthesis-fhop0-fcol0-sa1": (
            1,
            "Celeb-synthesis",
            "fhop0",
            "fcol0",
            "celebdf-real-fhop0-sa1",
            None,
        ),
    }
    assert all(len(list(iter_video(e.path))) == spec.n_frames for e in entries)


def test_celebdf_real_names_and_test_list(tmp_path):
    _touch(
        tmp_path,
        "Celeb-real/id0_0000.mp4",
        "Celeb-real/id1_0007.mp4",
        "YouTube-real/00170.mp4",
        "Celeb-synthesis/id0_id1_0000.mp4",
        "Celeb-synthesis/id1_id0_0007.mp4",
        "Celeb-synthesis/id1_id3_0007.mp4",
        "Celeb-synthesis/id59_id61_0000.mp4",  # id59_0000 not downloaded
    )
    listing = tmp_path / "List_of_testing_videos.txt"  # the release's first lines, as written
    listing.write_bytes(
        b"1 YouTube-real/00170.mp4\r\n1 Celeb-real/id1_0007.mp4\r\n"
        b"0 Celeb-synthesis/id1_id0_0007.mp4\r\n"
    )
    entries, skipped = layouts.read("celebdf", tmp_path, splits=listing)
    assert skipped.empty
    fake = "Celeb-synthesis"
    assert _fields(entries) == {
        "celebdf-real-id0-0000": (0, "real", "id0", None, None, "train"),
        "celebdf-real-id1-0007": (0, "real", "id1", None, None, "test"),
        "celebdf-youtube-00170": (0, "real", "youtube-00170", None, None, "test"),
        "celebdf-synthesis-id0-id1-0000": (1, fake, "id0", "id1", "celebdf-real-id0-0000", "train"),
        "celebdf-synthesis-id1-id0-0007": (1, fake, "id1", "id0", "celebdf-real-id1-0007", "test"),
        "celebdf-synthesis-id1-id3-0007": (1, fake, "id1", "id3", "celebdf-real-id1-0007", "train"),
        "celebdf-synthesis-id59-id61-0000": (1, fake, "id59", "id61", None, "train"),
    }
    # Without the list, no split.
    assert {e.split for e in layouts.read("celebdf", tmp_path)[0]} == {None}


def test_celebdf_bad_inputs_and_list_lines_are_skipped(tmp_path):
    _touch(
        tmp_path,
        "Celeb-real/id0_0000.mp4",
        "Celeb-real/id0_0000 copy.mp4",
        "Celeb-real/id0_0001.MOV",  # any container, in any case
        "Celeb-real/id0_0002.txt",
        "Celeb-synthesis/id0_id1_0000.avi",
        "Celeb-synthesis/id0_id1_0000.mp4",
        "Celeb-synthesis/id0-id1.mp4",
    )
    listing = tmp_path / "List_of_testing_videos.txt"
    listing.write_text(
        "2 Celeb-real/id0_0000.mp4\n"  # 1: not a label
        "0 Celeb-real/id0_0000.mp4\n"  # 2: the list's 0 is fake
        "1 Celeb-real/id9_0000.mp4\n"  # 3: not there
        "\n"
        "0 Celeb-synthesis/id0_id1_0000.avi\n"
        "0 Celeb-synthesis/id0_id1_0000.avi\n"  # 6: again
    )
    entries, skipped = layouts.read("celebdf", tmp_path, splits=listing)
    synthesis = tmp_path / "Celeb-synthesis"
    assert _fields(entries) == {
        "celebdf-real-id0-0000": (0, "real", "id0", None, None, "test"),
        "celebdf-real-id0-0001": (0, "real", "id0", None, None, "train"),  # not in the test list
        "celebdf-synthesis-id0-id1-0000": (
            1,
            "Celeb-synthesis",
            "id0",
            "id1",
            "celebdf-real-id0-0000",
            "test",
        ),
    }
    assert _why(skipped, tmp_path) == {
        "Celeb-real/id0_0000 copy.mp4": "does not match Celeb-real/idA_NNNN.mp4",
        "Celeb-real/id0_0002.txt": "extension '.txt' is not a video container's",
        "Celeb-synthesis/id0_id1_0000.mp4": "same id celebdf-synthesis-id0-id1-0000 as "
        f"{synthesis / 'id0_id1_0000.avi'} (kept)",
        "Celeb-synthesis/id0-id1.mp4": "does not match Celeb-synthesis/idA_idB_NNNN.mp4",
        "List_of_testing_videos.txt:1": "not '<label> <folder>/<file>' (label 1 real, 0 fake)",
        "List_of_testing_videos.txt:2": "says fake (0) but Celeb-real/id0_0000.mp4 is real: "
        "kept as real",
        "List_of_testing_videos.txt:3": "Celeb-real/id9_0000.mp4 is not a video read",
        "List_of_testing_videos.txt:6": "Celeb-synthesis/id0_id1_0000.avi is listed at "
        f"{listing}:5 too",
    }
    with pytest.raises(DatasetError, match=f"{tmp_path / 'none.txt'}: test list not found"):
        layouts.read("celebdf", tmp_path, splits=tmp_path / "none.txt")


# --- DFDC ------------------------------------------------------------------------------------


def _metadata(part, **videos):
    part.mkdir(parents=True, exist_ok=True)
    (part / "metadata.json").write_text(json.dumps({f"{k}.mp4": v for k, v in videos.items()}))


def _dfdc(label, original=None):
    return {"label": label, "split": "train", "original": original}


def test_dfdc_sample_reads_back(small_sample, tmp_path):
    spec, _, table = small_sample
    options = export("dfdc", table, tmp_path / "dfdc")
    entries, skipped = layouts.read("dfdc", **options)
    assert skipped.empty
    part = "dfdc-train-part-0"
    assert _fields(entries) == {
        f"{part}-fcol0sa1": (0, "real", "fcol0sa1", None, None, "train"),
        f"{part}-fhop0sa1": (0, "real", "fhop0sa1", None, None, "train"),
        **{
            f"{part}-{t}sa1{s}{q}": (1, "FAKE", f"{t}sa1", None, f"{part}-{t}sa1", "train")
            for q in ("lq", "hq")
            for t, s in (("fcol0", "fhop0"), ("fhop0", "fcol0"))
        },
    }
    assert all(len(list(iter_video(e.path))) == spec.n_frames for e in entries)


def test_dfdc_real_names_and_originals_across_parts(tmp_path):
    part0, part1 = tmp_path / "dfdc_train_part_0", tmp_path / "dfdc_train_part_1"
    _metadata(
        part0,
        aagfhgtpmv=_dfdc("FAKE", "vudstovrck.mp4"),
        vudstovrck=_dfdc("REAL"),
        abarnvbtwb={"label": "REAL", "split": "train"},  # no "original" key at all
    )
    _metadata(part1, aaqaifqrwn=_dfdc("FAKE", "abarnvbtwb.mp4"))
    _touch(part0, "aagfhgtpmv.mp4", "vudstovrck.mp4", "abarnvbtwb.mp4")
    _touch(part1, "aaqaifqrwn.mp4")
    entries, skipped = layouts.read("dfdc", tmp_path)
    assert skipped.empty
    assert _fields(entries) == {
        "dfdc-train-part-0-aagfhgtpmv": (
            1,
            "FAKE",
            "vudstovrck",
            None,
            "dfdc-train-part-0-vudstovrck",
            "train",
        ),
        "dfdc-train-part-0-abarnvbtwb": (0, "real", "abarnvbtwb", None, None, "train"),
        "dfdc-train-part-0-vudstovrck": (0, "real", "vudstovrck", None, None, "train"),
        "dfdc-train-part-1-aaqaifqrwn": (
            1,
            "FAKE",
            "abarnvbtwb",
            None,
            "dfdc-train-part-0-abarnvbtwb",
            "train",
        ),
    }


def test_dfdc_bad_inputs_are_skipped_and_fakes_without_originals_kept(tmp_path):
    part = tmp_path / "dfdc_train_part_0"
    _metadata(
        part,
        vudstovrck=_dfdc("REAL"),
        eeeeeeeeee=_dfdc("FAKE", "ffffffffff.mp4"),  # its original is not downloaded
        bbbbbbbbbb=_dfdc("MAYBE"),
        cccccccccc=_dfdc("REAL"),  # listed, not there
        gggggggggg={"label": "REAL", "split": "holdout"},
        dddd_dddd=_dfdc("REAL"),
    )
    _touch(part, "vudstovrck.mp4", "eeeeeeeeee.mp4", "bbbbbbbbbb.mp4", "zzzzzzzzzz.mp4")
    _touch(part, "gggggggggg.mp4", "dddd_dddd.mp4")
    broken = tmp_path / "dfdc_train_part_1"
    _touch(broken, "aaqaifqrwn.mp4")
    (broken / "metadata.json").write_text('{"aaqaifqrwn.mp4": {"label": "FAKE"')
    _touch(tmp_path, "dfdc_train_part_2/abarnvbtwb.mp4", "README.txt")
    entries, skipped = layouts.read("dfdc", tmp_path)
    assert _fields(entries) == {
        "dfdc-train-part-0-eeeeeeeeee": (1, "FAKE", "ffffffffff", None, None, "train"),
        "dfdc-train-part-0-vudstovrck": (0, "real", "vudstovrck", None, None, "train"),
    }
    why = _why(skipped, tmp_path)
    assert why.pop("dfdc_train_part_1/metadata.json").startswith("cannot be parsed (")
    part_rule = "not a part folder (a folder with metadata.json): not read"
    assert why == {
        "dfdc_train_part_0/bbbbbbbbbb.mp4": "label 'MAYBE' is not one of REAL, FAKE",
        "dfdc_train_part_0/cccccccccc.mp4": "listed in metadata.json but not there",
        "dfdc_train_part_0/dddd_dddd.mp4": "file name is not letters and digits (aaqaifqrwn.mp4)",
        "dfdc_train_part_0/gggggggggg.mp4": "split 'holdout' is not one of train, val, test",
        "dfdc_train_part_0/zzzzzzzzzz.mp4": f"not in {part / 'metadata.json'}: no label",
        "dfdc_train_part_2": part_rule,
        "README.txt": part_rule,
    }


# --- a CSV list ------------------------------------------------------------------------------


def test_table_sample_reads_back_with_unlabelled_rows(small_sample, tmp_path):
    spec, _, table = small_sample
    options = export("table", table, tmp_path / "list")
    entries, skipped = layouts.read("table", **options)
    assert skipped.empty
    assert _fields(entries) == {
        "table-real-fcol0-sa1": (0, "real", "fcol0", None, None, None),
        "table-real-fhop0-sa1": (0, "real", "fhop0", None, None, None),
        "table-lq-fcol0-sa1-fhop0": (1, "LQ", "fcol0", "fhop0", "table-real-fcol0-sa1", None),
        "table-lq-fhop0-sa1-fcol0": (1, "LQ", "fhop0", "fcol0", "table-real-fhop0-sa1", None),
        "table-hq-fcol0-sa1-fhop0": (None, "unlabelled", "fcol0", None, None, None),
        "table-hq-fhop0-sa1-fcol0": (None, "unlabelled", "fhop0", None, None, None),
    }
    assert all(len(list(iter_video(e.path))) == spec.n_frames for e in entries)


def test_table_rows_are_read_or_skipped_with_why(tmp_path):
    _touch(
        tmp_path,
        "real/alice_1.mp4",
        "real/alice_1.avi",
        "fake/alice_1_bob.mp4",
        "fake/carol_bob.mp4",
        "fake/dave_x.mp4",
        "fake/erin_x.mp4",
        "wild/clip.mp4",
        "wild/Clip 2.mp4",
        "wild/clip3.mp4",
        "wild/clip4.mp4",
        "wild/clip5.mp4",
        "wild/clip6.mp4",
        "wild/notes.txt",
    )
    (tmp_path / "frames/carol_2").mkdir(parents=True)
    outside = tmp_path.parent / f"{tmp_path.name}_other" / "clip.mp4"
    _touch(outside.parent, outside.name)
    listing = tmp_path / "videos.csv"
    listing.write_text(
        "path,label,group,subject,face_source,original,split\n"
        "real/alice_1.mp4,real,,alice,,,train\n"
        "fake/alice_1_bob.mp4,fake,faceswap,,bob,real/alice_1.mp4,train\n"
        "fake/carol_bob.mp4,1,,,bob,table-real-alice-1,\n"  # original by id
        "fake/dave_x.mp4,FAKE,,dave,,real/dave.mp4,\n"  # 5: original not listed
        "fake/erin_x.mp4,fake,,,,fake/carol_bob.mp4,\n"  # 6: original is a fake
        "wild/clip.mp4,,,,,,test\n"
        "frames/carol_2,0,,carol,,,\n"
        f"{outside},,,,,,\n"
        "real/alice_1.avi,real,,,,,\n"
        "./real/alice_1.mp4,real,,,,,\n"
        "missing.mp4,real,,,,,\n"
        "wild/Clip 2.mp4,,,,,,\n"
        "wild/clip3.mp4,maybe,,,,,\n"
        "wild/clip4.mp4,real,,,,,later\n"
        "wild/clip5.mp4,real,faceswap,,,,\n"
        "wild/notes.txt,,,,,,\n"
        ",real,,,,,\n"  # 18
        "wild/clip6.mp4,real,,,,,,extra\n"
    )
    entries, skipped = layouts.read("table", listing)
    alice, wild = "table-real-alice-1", "table-wild-clip"
    out = "table-" + "-".join(outside.with_suffix("").parts[1:]).replace("_", "-").lower()
    assert _fields(entries) == {
        alice: (0, "real", "alice", None, None, "train"),
        "table-fake-alice-1-bob": (1, "faceswap", "alice", "bob", alice, "train"),
        "table-fake-carol-bob": (1, "fake", "alice", "bob", alice, None),
        "table-fake-dave-x": (1, "fake", "dave", None, None, None),
        "table-fake-erin-x": (1, "fake", "table-fake-erin-x", None, None, None),
        wild: (None, "unlabelled", wild, None, None, "test"),
        "table-wild-clip-2": (None, "unlabelled", "table-wild-clip-2", None, None, None),
        "table-frames-carol-2": (0, "real", "carol", None, None, None),
        out: (None, "unlabelled", out, None, None, None),
    }
    assert {e.video: e.path for e in entries}[out] == str(outside)
    assert _why(skipped, tmp_path) == {
        "videos.csv:5": "original 'real/dave.mp4' is not a real video of the list: "
        f"{tmp_path / 'fake/dave_x.mp4'} is kept without an original",
        "videos.csv:6": "original 'fake/carol_bob.mp4' is not a real video of the list: "
        f"{tmp_path / 'fake/erin_x.mp4'} is kept without an original",
        "real/alice_1.avi": f"same id {alice} as {tmp_path / 'real/alice_1.mp4'} (kept)",
        "missing.mp4": "not found",
        "wild/clip3.mp4": "label 'maybe' is not one of real, fake, 0, 1 or empty",
        "wild/clip4.mp4": "split 'later' is not one of train, val, test or empty",
        "wild/clip5.mp4": "group 'faceswap' of a real video: it can only be real",
        "wild/notes.txt": "extension '.txt' is not a video container's",
        "videos.csv:11": f"{tmp_path / 'real/alice_1.mp4'} is listed at {listing}:2 too",
        "videos.csv:18": "no path",
        "wild/clip6.mp4": "more cells than the list has columns",
    }


def test_generate_writes_the_sample_in_a_layout_and_says_how_to_read_it(tmp_path):
    spec = SampleSpec(subjects=("fcol0", "fhop0"), sentences=("sx19",), n_frames=2)
    options = in_layout("table", spec, tmp_path)
    assert options == {"root": tmp_path / "table" / "videos.csv"}
    entries, _ = layouts.read("table", **options)
    assert len(entries) == 6 and (tmp_path / "VidTIMIT/fcol0/video/sx19/002").is_file()


def test_table_columns_and_file_are_checked(tmp_path):
    listing = tmp_path / "videos.csv"
    with pytest.raises(DatasetError, match=f"{listing}: video list not found"):
        layouts.read("table", listing)
    listing.write_text("path,label,orignal\n")
    with pytest.raises(DatasetError, match=r"columns \['orignal'\] are unknown"):
        layouts.read("table", listing)
    listing.write_text("file,label\n")
    with pytest.raises(DatasetError, match=r"columns \['path'\] are missing"):
        layouts.read("table", listing)
