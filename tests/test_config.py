"""The config's defaults (set in the schema only), its checks, and the plan of a study."""

from __future__ import annotations

import json
import re

import pandas as pd
import pytest
import yaml

from dfscope.atomic import write_parquet
from dfscope.columns import MADE_WITH, TEMPORAL_FEATURES
from dfscope.config.computed import classifier_features
from dfscope.config.docs import rows, with_table
from dfscope.config.made_with import check_training_table, made_with
from dfscope.config.rules import check_config
from dfscope.config.schema import check_renamed, check_schema, defaults
from dfscope.config.syntax import has_settings
from dfscope.ids import wildcard_pattern

from .conftest import REPO, SCHEMA


@pytest.fixture(scope="module")
def default():
    return defaults(SCHEMA)


def leaves(tree: dict, prefix: str = "") -> dict[str, object]:
    """``{"a.b.c": value}`` for every non-mapping value of a nested mapping."""
    found = {}
    for key, value in tree.items():
        name = f"{prefix}{key}"
        found |= leaves(value, f"{name}.") if isinstance(value, dict) else {name: value}
    return found


def test_every_detector_shares_the_one_default_of_each_common_parameter(default):
    params = default["detector"]["params"]
    assert {name: p["scale"] for name, p in params.items()} == dict.fromkeys(params, 0.5)
    common = {"scale": 0.5, "max_side": 640, "min_face_size": 20}
    assert params["mtcnn"] == common | {"min_confidence": 0.9}
    assert params["mtcnn_torch"] == params["mtcnn"] | {"device": "cpu"}
    assert params["haar"] == common | {"min_neighbors": 5}
    assert yaml.safe_load(SCHEMA.read_text()).__str__().count("'default': 0.5") == 1


def test_the_shipped_config_sets_only_defaults():
    """config/config.yaml shows the usual switches; the schema alone decides their defaults."""
    shipped = leaves(yaml.safe_load((REPO / "config/config.yaml").read_text()))
    every = leaves(defaults(SCHEMA))
    assert shipped and {key: every[key] for key in shipped} == shipped


def test_the_config_readme_states_every_key_with_the_schemas_default(default):
    every = leaves(default)
    documented = {}
    for key, cell in re.findall(
        r"^\| `([\w.{},]+)` \| ([^|]*) \|", (REPO / "config/README.md").read_text(), re.M
    ):
        prefix, names, rest = re.fullmatch(r"([\w.]*?)(?:\{([\w,]+)\})?([\w.]*)", key).groups()
        for name in names.split(",") if names else [""]:
            documented[f"{prefix}{name}{rest}"] = cell.strip()
    assert sorted(documented) == sorted(every)
    for key, cell in documented.items():
        if key == "features.quality.names":  # the list of 19 is given in words
            assert cell == f"all {len(every[key])}"
        else:
            assert yaml.safe_load(cell.strip("`")) == every[key], key


def test_the_config_readmes_table_is_generated_from_the_schema():
    readme = (REPO / "config/README.md").read_text()
    wanted = with_table(readme, yaml.safe_load(SCHEMA.read_text()))
    assert readme == wanted, "config/README.md: run python -m dfscope.config.docs"


def test_keys_alike_in_sibling_sections_are_one_row_with_the_nearest_reruns():
    rule = {"type": "integer", "default": 1, "description": "a rule"}
    schema = {
        "properties": {
            "a": {
                "type": "object",
                "x-reruns": "a's steps",
                "properties": {
                    "p": {"type": "object", "properties": {"n": rule, "m": rule}},
                    "q": {"type": "object", "properties": {"n": rule | {"x-reruns": "q's"}}},
                    "r": {"type": "object", "properties": {"n": rule}},
                },
            }
        }
    }
    assert rows(schema) == [
        ("a.{p,r}.n", "`1`", "a rule", "a's steps"),
        ("a.p.m", "`1`", "a rule", "a's steps"),
        ("a.q.n", "`1`", "a rule", "q's"),
    ]


def test_a_renamed_key_names_the_new_one():
    with pytest.raises(ValueError, match="config key 'detection' is now classifier"):
        check_renamed({"detection": {"folds": 3}})
    check_renamed({"classifier": {}})


def test_cross_key_checks_name_the_key_and_the_value(default):
    config = default | {"evaluation": {"roc_score": "temporal_ssim"}}
    check_config(config)
    config["metrics"] = default["metrics"] | {"temporal": False}
    with pytest.raises(
        ValueError, match="config evaluation.roc_score: 'temporal_ssim' is not computed"
    ):
        check_config(config)
    spectral = {"size": 96, "n_bins": 49}
    config = default | {"features": default["features"] | {"spectral": spectral}}
    with pytest.raises(ValueError, match="config features.spectral.n_bins: 49 is more than half"):
        check_config(config)
    config = default | {"classifier": default["classifier"] | {"split": "s.csv", "train_on": "f"}}
    with pytest.raises(ValueError, match="classifier.split .* and classifier.train_on"):
        check_config(config)
    config = default | {"metrics": default["metrics"] | {"mask": "hull"}}
    with pytest.raises(ValueError, match="metrics.mask: 'hull' needs .* detector.name is 'mtcnn'"):
        check_config(config)
    check_config(config | {"detector": default["detector"] | {"name": "dlib"}})
    # Passed the dry run, then failed every video and the gather step (issue #29, case 6).
    config = default | {"frames": default["frames"] | {"count": 16, "stride": 2}}
    with pytest.raises(ValueError, match=r"config frames.count \(16\) and frames.stride \(2\)"):
        check_config(config)


@pytest.mark.parametrize(
    ("layout", "error"),
    [
        ("faceforensics", "'dataset' needs dataset.splits: the folder with train.json"),
        ("celebdf", "'dataset' needs dataset.splits: the file List_of_testing_videos.txt"),
        ("dfdc", "the dfdc layout has no official split"),
        ("table", None),  # a list carries its own split column
    ],
)
def test_the_datasets_own_split_needs_one_to_be_read(default, tmp_path, layout, error):
    root = tmp_path / ("videos.csv" if layout == "table" else "data")
    root.write_text("path,label\n") if layout == "table" else root.mkdir()
    dataset = default["dataset"] | {"layout": layout, "root": str(root)}
    config = default | {
        "dataset": dataset,
        "classifier": default["classifier"] | {"split": "dataset"},
    }
    if error is None:
        check_config(config)
    else:
        with pytest.raises(ValueError, match=error):
            check_config(config)


def test_classifier_features_are_the_families_and_the_temporal_ones(default):
    names = default["features"]["quality"]["names"]
    assert default["features"]["families"] == ["quality", "iqm", "spectral", "residual"]
    assert len(classifier_features(default)) == 19 + 18 + 48 + 12 + 3
    both = default | {"features": default["features"] | {"families": ["quality", "spectral"]}}
    spectral = [f"spectrum_{i:02d}" for i in range(default["features"]["spectral"]["n_bins"])]
    assert classifier_features(both) == names + spectral + TEMPORAL_FEATURES


def test_the_batch_wildcard_is_built_from_the_batches():
    pattern = wildcard_pattern(["fadg0", "fram1-2"])
    assert re.fullmatch(pattern, "fadg0") and re.fullmatch(pattern, "fram1-2")
    for other in ("fadg0.log", "fadg0/x", "Fadg0"):
        assert not re.fullmatch(pattern, other)
    with pytest.raises(ValueError, match=r"\['Fadg0-1'\]"):
        wildcard_pattern(["Fadg0-1"])


def _frame_table(path, made_with, columns=("face_noise",)):
    """A frame table at ``path`` whose metadata records ``made_with`` (as gather writes it)."""
    table = pd.DataFrame({"video": ["v"], "frame": [1], **{c: [0.5] for c in columns}})
    recorded = None if made_with is None else {MADE_WITH: json.dumps(made_with, sort_keys=True)}
    write_parquet(table, path, recorded)
    return path


def test_a_training_table_must_be_made_as_this_study_is(default, tmp_path):
    """A classifier trained on another detector's crops scored this study's without a word
    (frame AUC 0.998 against 0.907): every setting the features depend on must match."""
    ours = made_with(default)
    haar = made_with(default | {"detector": default["detector"] | {"name": "haar"}})
    check_training_table(_frame_table(tmp_path / "same.parquet", ours), ours, ["face_noise"])
    with pytest.raises(
        ValueError,
        match=r"config classifier.train_on: \S+other.parquet was made with other settings than "
        r"this study's, so its classifier would score features of another kind: "
        r"detector.name: 'haar' there, 'mtcnn' here; detector.params: \{.*'min_neighbors'",
    ):
        check_training_table(_frame_table(tmp_path / "other.parquet", haar), ours, ["face_noise"])
    with pytest.raises(ValueError, match=r"has no column of the features \['face_sharpness'\]"):
        check_training_table(tmp_path / "same.parquet", ours, ["face_noise", "face_sharpness"])
    with pytest.raises(ValueError, match="does not record how it was made"):
        check_training_table(_frame_table(tmp_path / "old.parquet", None), ours, [])
    (tmp_path / "text.parquet").write_text("not parquet")
    with pytest.raises(ValueError, match=r"text.parquet is not a Parquet table"):
        check_training_table(tmp_path / "text.parquet", ours, [])


def test_a_training_table_of_other_feature_settings_is_refused(default, tmp_path):
    """A table made with features.iqm.size 48 was accepted by a study at 64, though its IQMs
    differ by 0.7 to 2.3 standard deviations between the two sizes (issue #29, case 2)."""

    def with_features(**families):
        return made_with(default | {"features": default["features"] | families})

    ours = made_with(default)
    small = with_features(iqm={"size": 48})
    table = _frame_table(tmp_path / "iqm48.parquet", small)
    with pytest.raises(
        ValueError, match=r"features.iqm: \{'size': 48\} there, \{'size': 64\} here"
    ):
        check_training_table(table, ours, ["face_noise"])
    # Which features of a family are computed is no setting of how they are measured ...
    fewer = with_features(quality={"names": ["face_noise"]})
    check_training_table(_frame_table(tmp_path / "fewer.parquet", fewer), ours, ["face_noise"])
    # ... and a table with more families than this study uses serves it.
    more = with_features(families=[*default["features"]["families"], "distortion"])
    check_training_table(_frame_table(tmp_path / "more.parquet", more), ours, ["face_noise"])
    assert {k for k in ours if k.startswith("features.")} == {
        "features.quality",
        "features.iqm",
        "features.spectral",
        "features.residual",
    }


def test_an_unknown_key_names_the_likely_one_and_the_sections_keys():
    with pytest.raises(
        ValueError,
        match=r"config key 'metrics.ssim.winsize' is not known; did you mean "
        r"'metrics.ssim.win_size'\? The section metrics.ssim has: gaussian_weights, win_size",
    ):
        check_schema({"metrics": {"ssim": {"winsize": 7}}}, SCHEMA)
    with pytest.raises(ValueError, match=r"config key 'zzz' is not known The top level has"):
        check_schema({"zzz": 1}, SCHEMA)
    with pytest.raises(ValueError, match=r"^config frames.count: 1 is less than the minimum of 2$"):
        check_schema({"frames": {"count": 1}}, SCHEMA)
    check_schema({}, SCHEMA)


def test_a_config_file_of_comments_only_takes_every_default(tmp_path):
    path = tmp_path / "config.yaml"
    for text, expected in (("", False), ("# nothing set\n", False), ("crops: {}\n", True)):
        path.write_text(text)
        assert has_settings(path) is expected
    assert has_settings(tmp_path / "missing.yaml")  # Snakemake names a missing file itself
