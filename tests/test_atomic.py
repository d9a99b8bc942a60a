"""Atomic writers: outputs get a plain write's permissions; a killed writer's debris goes."""

from __future__ import annotations

import os
import stat

import numpy as np
import pandas as pd
import pytest

from dfscope.atomic import atomic_dir, atomic_path, clear_stale, write_csv, write_parquet
from dfscope.images import write_image


@pytest.fixture(params=[0o022, 0o002], ids=["umask022", "umask002"])
def umask(request):
    """Run the test under this umask, then put the old one back."""
    old = os.umask(request.param)
    yield request.param
    os.umask(old)


def _mode(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def test_outputs_get_the_permissions_a_plain_write_gives(tmp_path, umask):
    """Files 0666 and folders 0777 less the umask, as open() and mkdir give: on a shared server
    the lab's group must be able to read (002: and write) the results."""
    write_parquet(pd.DataFrame({"a": [1]}), tmp_path / "tables/t.parquet")
    write_csv(pd.DataFrame({"a": [1]}), tmp_path / "tables/t.csv")
    with atomic_path(tmp_path / "plain.txt") as tmp:
        tmp.write_text("x")
    with atomic_dir(tmp_path / "crops") as tmp:
        write_image(tmp / "00001.png", np.zeros((4, 4, 3), np.uint8))
        with atomic_path(tmp / "inner/manifest.json") as inner:
            inner.write_text("{}")
    files = [
        "tables/t.parquet",
        "tables/t.csv",
        "plain.txt",
        "crops/00001.png",
        "crops/inner/manifest.json",
    ]
    folders = ["tables", "crops", "crops/inner"]
    assert {name: oct(_mode(tmp_path / name)) for name in files + folders} == {
        **{name: oct(0o666 & ~umask) for name in files},
        **{name: oct(0o777 & ~umask) for name in folders},
    }


@pytest.mark.parametrize("writer", [atomic_path, atomic_dir])
def test_a_temporary_is_what_clear_stale_removes(tmp_path, writer):
    """A writer killed mid-block leaves its temporary: the rerun's clear_stale must match it."""
    target = tmp_path / "out.parquet"
    (tmp_path / "out.parquet.other").write_text("another output: kept")
    with pytest.raises(FileNotFoundError), writer(target) as tmp:
        assert tmp.exists() and tmp.parent == tmp_path and tmp.name.startswith(".out.parquet.")
        clear_stale(target)
        assert not tmp.exists()
    assert [p.name for p in tmp_path.iterdir()] == ["out.parquet.other"]
