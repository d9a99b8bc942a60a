"""Every rule's code version is its own: a comment added to any dfscope module makes exactly the
rules whose scripts import that module (when they run) due, and no other.

What a script imports is taken from the run itself, not from the code that computes the versions:
a ``sitecustomize`` module on the run's ``PYTHONPATH`` records, as each rule's script exits, the
dfscope modules its interpreter holds. Then each module of the package is edited in turn, in a
copy of the library, and the study is planned again (``snakemake -n``, only the params trigger)
as the README's command plans it: the rules Snakemake says have changed params must be exactly
the rules whose jobs imported that module. One study with the Haar detector and the
DeepfakeBench export runs every rule of the workflow.
"""

from __future__ import annotations

import ast
import json
import os
import queue
import re
import shutil
import subprocess
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from .conftest import REPO, snakemake, snakemake_command, tiny_dataset, write_config

pytestmark = pytest.mark.integration

PACKAGE = REPO / "src/dfscope"
#: The package's own ``__init__``: its docstring and ``__version__``, which no code version takes,
#: so that a release does not redo every study (held below: it defines nothing else).
ROOT_MODULE = "dfscope"

#: Records, as a rule's script exits (Snakemake runs it as .snakemake/scripts/tmp<...>.<name>.py),
#: the script's name and the dfscope modules loaded, one JSON line each.
RECORDER = """
import atexit, json, os, sys

def _record():
    script = sys.argv[0] if sys.argv else ""
    if os.sep + "scripts" + os.sep not in script or ".snakemake" not in script:
        return
    modules = sorted(m for m in sys.modules if m == "dfscope" or m.startswith("dfscope."))
    with open(os.environ["DFSCOPE_IMPORT_LOG"], "a") as log:
        log.write(json.dumps([os.path.basename(script).split(".", 1)[1], modules]) + "\\n")

atexit.register(_record)
"""

#: The rules that wait on the checkpoint's output: while the checkpoint is to run again (an edit
#: of its own code or of code upstream), Snakemake does not plan the CNN's fold jobs (the summary
#: has none) and says the CNN's inputs changed, so such an edit says nothing of theirs.
BEHIND_CHECKPOINT = {"cnn_fold", "cnn"}


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


@pytest.fixture(scope="module")
def recorded(tmp_path_factory):
    """A tiny study run once with the recorder: (workdir, rule -> dfscope modules its jobs ran)."""
    base = tmp_path_factory.mktemp("code_versions")
    root, split = tiny_dataset(base / "data")
    workdir = base / "study"
    workdir.mkdir()
    write_config(
        workdir,
        dataset={"root": str(root / "DeepfakeTIMIT"), "originals_root": str(root / "VidTIMIT")},
        detector={"name": "haar"},
        classifier={"split": str(split), "n_boot": 100},
        cnn={"enabled": True, "epochs": 1},
        plots={"report_fakes": 1},  # a batch of figures outside the report: rule compare_figures
        export={"deepfakebench": {"enabled": True, "aligned": False}},
    )
    (base / "recorder").mkdir()
    (base / "recorder/sitecustomize.py").write_text(RECORDER)
    log = base / "imports.jsonl"
    env = {"PYTHONPATH": str(base / "recorder"), "DFSCOPE_IMPORT_LOG": str(log)}
    old = {key: os.environ.get(key) for key in env}
    os.environ.update(env)
    try:
        snakemake(workdir)
    finally:
        for key, value in old.items():
            os.environ.pop(key) if value is None else os.environ.__setitem__(key, value)
    by_script: dict[str, set[str]] = {}
    for line in log.read_text().splitlines():
        script, modules = json.loads(line)
        by_script.setdefault(script, set()).update(modules)
    return workdir, {rule: by_script[script] for rule, script in _rule_scripts(workdir).items()}


def _rule_scripts(workdir: Path) -> dict[str, str]:
    """Each rule that ran in ``workdir`` -> its script's file name, from Snakemake's records."""
    scripts = {}
    for path in (workdir / ".snakemake/metadata").iterdir():
        record = json.loads(path.read_text())
        found = re.search(r"scripts/(\w+\.py)", record.get("code") or "")
        if found:
            scripts[record["rule"]] = found[1]
    return scripts


def _due(workdir: Path, repo: Path) -> tuple[set[str], set[str]]:
    """The rules whose outputs Snakemake's summary of ``workdir`` finds made with other params
    than ``repo`` (a copy of the workflow and its library, src/, which the workflow runs) gives
    them now. The summary judges each output on its own; a dry run would not say of a job
    downstream of a due one whether its own params changed. Also every rule the summary has
    outputs of."""
    result = subprocess.run(
        snakemake_command(workdir, "--summary"), cwd=repo, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr[-2000:]
    rows = [line.split("\t") for line in result.stdout.splitlines() if line.count("\t") == 5]
    assert rows and rows[0][2] == "rule" and rows[0][4] == "status", result.stdout[:500]
    due = {rule for _, _, rule, _, status, _ in rows[1:] if status == "params changed"}
    return due, {row[2] for row in rows[1:]}


def test_every_rule_of_the_workflow_ran(recorded):
    _, modules = recorded
    listed = subprocess.run(
        snakemake_command(recorded[0], "--list-rules"), cwd=REPO, capture_output=True, text=True
    ).stdout.split()
    rules = {name for name in listed if re.fullmatch(r"[a-z_]+", name)} - {"all"}
    assert rules and rules <= set(modules), sorted(rules - set(modules))


def test_the_package_root_holds_no_code():
    tree = ast.parse((PACKAGE / "__init__.py").read_text())
    kinds = {type(node) for node in tree.body}
    assert kinds <= {ast.Expr, ast.Assign}, kinds  # a docstring and __version__


def test_editing_a_module_makes_exactly_the_rules_that_import_it_due(recorded, tmp_path):
    workdir, imported = recorded
    modules = sorted(PACKAGE.rglob("*.py"))
    repos: queue.Queue[Path] = queue.Queue()
    for worker in range(2):  # two dry runs at once, each with a copy of the workflow of its own
        repo = tmp_path / f"repo{worker}"
        repo.mkdir()
        for name in ("Snakefile", "workflow", "profiles", "config", "src"):
            (shutil.copytree if (REPO / name).is_dir() else shutil.copy2)(REPO / name, repo / name)
        repos.put(repo)

    def probe(source: Path) -> tuple[str, set[str], set[str]]:
        repo = repos.get()
        target = repo / "src/dfscope" / source.relative_to(PACKAGE)
        target.write_text(source.read_text() + "\n# probe\n")
        try:
            due, summarised = _due(workdir, repo)
        finally:
            shutil.copy2(source, target)
            repos.put(repo)
        return _module_name(source), due, summarised

    with ThreadPoolExecutor(2) as pool:
        results = list(pool.map(probe, modules))
    wrong, unseen = [], []
    for module, due, summarised in results:
        hidden = BEHIND_CHECKPOINT if "cnn_fold" not in summarised else set()
        for rule, ran in imported.items():
            expected = module in ran and module != ROOT_MODULE
            if rule in hidden and rule not in due:
                unseen.append((module, rule))
            elif expected != (rule in due):
                wrong.append(f"{module}: {rule} {'' if rule in due else 'not '}due")
    assert not wrong, wrong
    # Only what waits on the CNN's folds' plan may go unseen, and only for the modules the steps
    # upstream of that plan run (cnn_folds itself, the crop table and the steps that feed it).
    steps = ("cnn_folds", "crop_table", "faces", "frames", "video_table")
    upstream = set().union(*(imported[rule] for rule in steps))
    assert all(module in upstream for module, _ in unseen), unseen
    assert len(results) == len(modules) > 60
