"""Code hashes in params: an edit of any module a rule's code reaches reruns the rule."""

from __future__ import annotations

from dfscope import provenance


def test_dependencies_follow_imports_transitively():
    # video lists VidTIMIT folders with dataset's functions and writes through tables.
    assert provenance.dependencies("video") == ["dataset", "tables", "video"]
    assert set(provenance.dependencies("faces")) >= {
        "faces",
        "detectors",
        "crops",
        "geometry",
        "video",
        "dataset",
        "tables",
    }
    assert provenance.dependencies("dataset") == ["dataset"]


def test_code_version_changes_with_any_reached_module(monkeypatch, tmp_path):
    before = provenance.code_version("video")
    original = provenance.module_file
    edited = tmp_path / "dataset.py"  # dataset.py with one more comment: an edit video reaches
    edited.write_text(original("dataset").read_text() + "# edited\n")
    monkeypatch.setattr(
        provenance,
        "module_file",
        lambda module: edited if module == "dataset" else original(module),
    )
    assert provenance.code_version("video") != before
    assert provenance.code_version("features") == provenance.code_version("features")
