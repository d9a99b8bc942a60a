"""The workflow on a one-node SLURM cluster through profiles/slurm, as a cluster user runs it.

The study is the local session run's (fixture ``run``: the default sample, ``N_FRAMES`` frames a
clip); the cluster (tests/slurm_cluster.py) has accounting, so ``sacct`` tells which jobs ran,
how they ended and what they used. Skips where SLURM cannot be started (not installed, not root);
with ``DFSCOPE_REQUIRE_SLURM=1`` (CI) that is a failure instead. With ``DFSCOPE_SLURM_USAGE=<csv>``
the per-job MaxRSS and Elapsed are written there, for sizing the profile's mem_mb and runtime.
"""

from __future__ import annotations

import os
import re
import subprocess
import time
from pathlib import Path

import pandas as pd
import pytest
import yaml

from dfscope.resources import faces_mem_mb

from . import slurm_cluster
from .conftest import REPO, SNAKEMAKE, jobs_planned, table_bytes, write_config

REQUIRED = os.environ.get("DFSCOPE_REQUIRE_SLURM") == "1"
#: Why no cluster can be started here: checked at collection, so that a skip comes before the
#: session's local run (fixture ``run``), which this module's first test also needs.
UNAVAILABLE = slurm_cluster.unavailable()
pytestmark = [
    pytest.mark.integration,
    pytest.mark.skipif(
        bool(UNAVAILABLE) and not REQUIRED, reason=f"no SLURM test cluster: {UNAVAILABLE}"
    ),
]
PROFILE = "profiles/slurm"
#: Snakemake is killed (with its jobs) after this many seconds: a Snakemake that lost track of
#: its jobs waits forever and ignores SIGTERM. The run took 1047 s (twice) on the 2 cores of the
#: development machine, busy with other tests (the local run: 245-342 s).
RUN_LIMIT = 1500
SACCT_FIELDS = (
    "JobID",
    "JobName%100",
    "Comment%300",
    "State",
    "Elapsed",
    "MaxRSS",
    "ReqMem",
    "Timelimit",
    "Partition",
    "Account",
)


@pytest.fixture(scope="module")
def slurm(tmp_path_factory):
    """A running one-node cluster, stopped (and its /etc link removed) after this module."""
    if reason := slurm_cluster.unavailable():
        pytest.fail(f"DFSCOPE_REQUIRE_SLURM=1, but no SLURM test cluster: {reason}", pytrace=False)
    with slurm_cluster.cluster(tmp_path_factory.mktemp("slurm")) as cluster:
        yield cluster


def slurm_command(workdir: Path, cluster: slurm_cluster.Cluster) -> list[str]:
    """The README's cluster command: the SLURM workflow profile, the partition and the account.
    No --cores (on a cluster it caps the jobs queued at once). And the first status check after
    5 s, where the plugin waits 40 (docs/cluster.md: a small study's jobs take seconds, so each
    of the study's 11 levels of jobs waited 40 s for the check that saw it end: the run took 441 s,
    and 258 s with 5)."""
    return [
        SNAKEMAKE,
        "--directory",
        str(workdir),
        "--workflow-profile",
        PROFILE,
        "--default-resources",
        f"slurm_partition={cluster.partition}",
        f"slurm_account={cluster.account}",
        "--slurm-init-seconds-before-status-checks",
        "5",
    ]


@pytest.fixture(scope="module")
def slurm_run(slurm, tmp_path_factory):
    """The sample study run on the cluster: (workdir, Snakemake's output, sacct's jobs, seconds)."""
    workdir = tmp_path_factory.mktemp("workflow_slurm")
    write_config(workdir)
    started = time.monotonic()
    result = subprocess.run(
        ["timeout", "-s", "KILL", str(RUN_LIMIT), *slurm_command(workdir, slurm)],
        cwd=REPO,
        capture_output=True,
        text=True,
    )
    seconds = time.monotonic() - started
    output = result.stdout + result.stderr
    (workdir / "snakemake.log").write_text(output)
    if result.returncode:
        pytest.fail(
            f"snakemake on SLURM failed (exit {result.returncode}; its output: "
            f"{workdir}/snakemake.log):\n{output[-3000:]}\n--- slurmctld:\n"
            f"{slurm.log('slurmctld')}",
            pytrace=False,
        )
    run_id = re.search(r"SLURM run ID: (\S+)", output)[1]
    return workdir, output, sacct_jobs(run_id), seconds


def sacct_jobs(run_id: str) -> pd.DataFrame:
    """Every job the cluster ran, one row each: rule, wildcards, state (its steps' too), partition,
    account, Elapsed (s), requested memory (MB), time limit (min) and the MaxRSS (MB) of its batch
    step (the plugin's job-step Snakemake) and of its srun step (the job itself); ``in_run``: it
    carries the Snakemake run's ID as job name (the plugin names every job so)."""
    lines = subprocess.run(
        [
            "sacct",
            "--allusers",
            "--starttime",
            "2000-01-01",
            "--parsable2",
            "--noheader",
            "--format",
            ",".join(SACCT_FIELDS),
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.splitlines()
    rows = pd.DataFrame(
        [line.split("|") for line in lines], columns=[field.split("%")[0] for field in SACCT_FIELDS]
    )
    rows[["job", "step"]] = rows.JobID.str.partition(".")[[0, 2]]
    jobs = rows[rows.step == ""].set_index("job")
    steps = rows[rows.step != ""]
    rule_and_wildcards = jobs.Comment.str.extract(r"^rule_(\w+?)(?:_wildcards_(.*))?$")
    return (
        pd.DataFrame(
            {
                "rule": rule_and_wildcards[0],
                "wildcards": rule_and_wildcards[1].fillna(""),
                "in_run": jobs.JobName == run_id,
                "state": jobs.State,
                "step_states": steps.groupby("job").State.agg(lambda s: ",".join(sorted(set(s)))),
                "partition": jobs.Partition,
                "account": jobs.Account,
                "elapsed_s": jobs.Elapsed.map(seconds),
                "req_mem_mb": jobs.ReqMem.map(megabytes),
                "timelimit_min": jobs.Timelimit.map(
                    lambda t: seconds(t) / 60 if ":" in t else None
                ),
                "maxrss_batch_mb": steps[steps.step == "batch"]
                .set_index("job")
                .MaxRSS.map(megabytes),
                "maxrss_step_mb": steps[steps.step.str.isdigit()]
                .groupby("job")
                .MaxRSS.agg(lambda s: max(map(megabytes, s))),
            }
        )
        .rename_axis("job_id")
        .reset_index()
        .sort_values("job_id", key=lambda ids: ids.astype(int))
    )


def seconds(elapsed: str) -> int:
    """sacct's [D-]HH:MM:SS as seconds."""
    days, _, clock = elapsed.rpartition("-")
    hours, minutes, secs = (int(part) for part in clock.split(":"))
    return ((int(days or 0) * 24 + hours) * 60 + minutes) * 60 + secs


def megabytes(size: str) -> float:
    """sacct's 1234K / 12.5M / 1G as MB (MiB, as SLURM counts); '' (not measured) as NaN."""
    if not size:
        return float("nan")
    return float(size[:-1]) * {"K": 1 / 1024, "M": 1, "G": 1024, "T": 1024**2}[size[-1]]


def test_the_tables_are_those_of_the_local_run(slurm_run, run):
    on_slurm, local = table_bytes(slurm_run[0]), table_bytes(run[0])
    assert sorted(on_slurm) == sorted(local)
    assert "results/tables/mtcnn/frames.parquet" in local
    assert sum("/features/" in path for path in local) == 24  # one per video
    assert [path for path in local if on_slurm[path] != local[path]] == []


def test_every_job_ran_as_a_slurm_job_of_the_users_partition_and_account(slurm_run, slurm):
    _, output, jobs, _ = slurm_run
    assert f"Using workflow specific profile {PROFILE}" in output
    assert jobs.in_run.all(), jobs[~jobs.in_run]  # the cluster ran nothing else
    planned = jobs_planned(subprocess.CompletedProcess([], 0, output, ""))
    # `all` only names the targets: Snakemake finishes it itself, it is no job to submit.
    assert planned.pop("all") == 1 and "localrule all:" in output
    # A job a CNN fold is planned once the checkpoint cnn_folds has run, after that table: the
    # sample's 2 swap pairs make 2 folds, each named as Snakemake submits it.
    assert "cnn_fold" not in planned and planned["cnn_folds"] == 1
    planned["cnn_fold"] = len(re.findall(r"^rule cnn_fold:$", output, re.M))
    assert planned["cnn_fold"] == 2
    assert jobs.rule.value_counts().to_dict() == planned
    assert (jobs.partition == slurm.partition).all() and (jobs.account == slurm.account).all()
    # The profile's per-rule resources are what SLURM was asked for.
    for rule, resources in yaml.safe_load((REPO / PROFILE / "config.yaml").read_text())[
        "set-resources"
    ].items():
        asked = jobs[jobs.rule == rule]
        assert len(asked), rule
        if "mem_mb" in resources:
            assert (asked.req_mem_mb == resources["mem_mb"]).all(), (rule, asked.req_mem_mb)
        if "runtime" in resources:
            assert (asked.timelimit_min == resources["runtime"]).all(), (rule, asked.timelimit_min)
    # A faces job asks for what its frames need: the sample's are 512x384.
    faces = jobs[jobs.rule == "faces"]
    assert (faces.req_mem_mb == faces_mem_mb(512 * 384 / 1e6)).all(), faces.req_mem_mb


def test_no_job_was_killed_for_memory_or_time(slurm_run, slurm):
    jobs = slurm_run[2]
    ended = jobs[["rule", "wildcards", "state", "step_states"]]
    assert (jobs.state == "COMPLETED").all(), ended[jobs.state != "COMPLETED"]
    assert (jobs.step_states == "COMPLETED").all(), ended[jobs.step_states != "COMPLETED"]
    # Nor any process of a job that went on: slurmd logs every kill in a job's memory cgroup.
    assert "oom-kill" not in (slurm.root / "slurmd.log").read_text()


def test_memory_and_time_of_every_rule_are_recorded(slurm_run, slurm, capsys):
    jobs = slurm_run[2].assign(maxrss_mb=lambda j: j.maxrss_batch_mb + j.maxrss_step_mb)
    assert jobs[["elapsed_s", "maxrss_batch_mb", "maxrss_step_mb"]].notna().all().all()
    assert (jobs.maxrss_step_mb > 20).all() and (jobs.elapsed_s > 0).all()
    if path := os.environ.get("DFSCOPE_SLURM_USAGE"):
        jobs.drop(columns="in_run").round(1).to_csv(path, index=False)
    summary = jobs.groupby("rule").agg(
        jobs=("job_id", "size"),
        req_mem_mb=("req_mem_mb", "max"),
        maxrss_mb=("maxrss_mb", "max"),
        maxrss_step_mb=("maxrss_step_mb", "max"),
        elapsed_s_max=("elapsed_s", "max"),
        elapsed_s_sum=("elapsed_s", "sum"),
    )
    with capsys.disabled():
        print(
            f"\nSLURM test cluster started in {slurm.start_seconds:.1f} s; the workflow ran "
            f"on it in {slurm_run[3]:.0f} s. Jobs per rule (MaxRSS of a job: its batch step, "
            f"the plugin's Snakemake, + its srun step, the job; MB; Elapsed: s):\n"
            f"{summary.round(0).to_string()}"
        )
