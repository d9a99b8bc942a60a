"""A one-node SLURM cluster on localhost, with accounting, for the cluster test.

Built from Debian's packages (slurmctld, slurmd, slurm-client, slurmdbd, munge, mariadb-server;
SLURM 22.05 on Debian 12). Every daemon runs in the foreground as a child of the test process,
with its state, logs and database in one folder, and is stopped when the ``cluster()`` context
ends, whatever happened inside it. Three things cannot live in that folder:

- ``/etc/slurm/slurm.conf`` is a link to the folder's config while the cluster runs: the SLURM
  executor plugin strips every ``SLURM_*`` variable (``SLURM_CONF`` too) from its job steps, whose
  ``srun`` then reads the config from the default place, as on a real cluster.
- munge listens on its default socket, which the SLURM clients use; a munged already running
  there is used as it is and left running.
- slurmd puts each job in cgroups under ``/sys/fs/cgroup/<controller>/slurm_localhost``, which
  are removed when the cluster stops.
"""

from __future__ import annotations

import getpass
import os
import secrets
import shutil
import signal
import socket
import subprocess
import time
import warnings
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path

#: What the cluster needs: ``apt-get install`` these (.ci/run does).
PACKAGES = ("slurmctld", "slurmd", "slurm-client", "slurmdbd", "munge", "mariadb-server")
_PROGRAMS = (
    "slurmctld",
    "slurmd",
    "slurmdbd",
    "sbatch",
    "sacct",
    "sacctmgr",
    "sinfo",
    "scancel",
    "munged",
    "munge",
    "mariadbd",
    "mariadb-install-db",
    "mariadb",
    "mariadb-admin",
)
#: Where every SLURM command, the executor plugin's job steps included, looks for its config.
SLURM_CONF = Path("/etc/slurm/slurm.conf")
MUNGE_SOCKET = Path("/run/munge/munge.socket.2")
CLUSTER = "dfscope"
NODE = "localhost"
#: The partition and account jobs must name: neither is the default (``debug`` and the user's
#: default account ``root``), so the test shows that the user's settings reach SLURM.
PARTITION = "work"
ACCOUNT = "dfscope"
START_TIMEOUT = 60.0  # seconds for any one daemon to answer


@dataclass(frozen=True)
class Cluster:
    """A running cluster: its folder, the partition and account to submit to, its start time."""

    root: Path
    partition: str
    account: str
    start_seconds: float

    def log(self, name: str) -> str:
        """The end of a daemon's log (``slurmctld``, ``slurmd``, ``slurmdbd``, ``mariadb``)."""
        path = self.root / f"{name}.log"
        return path.read_text(errors="replace")[-3000:] if path.exists() else f"(no {path})"


def unavailable() -> str | None:
    """Why a cluster cannot be started here (missing programs, not root, a SLURM already
    configured), or None when it can."""
    missing = [name for name in _PROGRAMS if shutil.which(name) is None]
    if missing:
        return (
            f"SLURM is not installed ({', '.join(missing)} not found); as root: "
            f"apt-get install {' '.join(PACKAGES)}"
        )
    if os.geteuid() != 0:
        return "the one-node SLURM cluster runs its daemons as root, and this is not root"
    if SLURM_CONF.exists() or SLURM_CONF.is_symlink():
        target = f" (a link to {os.readlink(SLURM_CONF)})" if SLURM_CONF.is_symlink() else ""
        return (
            f"{SLURM_CONF} exists{target}: this machine has a SLURM of its own, or an "
            "earlier test run was killed before it could remove its link and stop its daemons"
        )
    return None


def free_port() -> int:
    """A TCP port on the loopback interface that nothing listens on now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def node_memory_mb() -> int:
    """The node's memory as slurmd sees it (``slurmd -C``): a node may not claim more."""
    line = subprocess.run(["slurmd", "-C"], capture_output=True, text=True, check=True).stdout
    return int(line.split("RealMemory=")[1].split()[0])


def slurm_conf(root: Path, ports: dict[str, int], memory_mb: int) -> str:
    """slurm.conf of a one-node cluster whose state, spool, pid and log files are in ``root``.

    Accounting goes to slurmdbd (``sacct`` is the executor plugin's status command and the
    test's source of MaxRSS, Elapsed and State); job comments are stored because the plugin
    names each job's rule and wildcards there. Each job runs in cgroups (``CGROUP_CONF``), as on
    most clusters; its processes' memory is read every second for MaxRSS.
    """
    return f"""\
ClusterName={CLUSTER}
SlurmctldHost=localhost
SlurmctldPort={ports["slurmctld"]}
SlurmdPort={ports["slurmd"]}
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
StateSaveLocation={root}/state
SlurmdSpoolDir={root}/spool
SlurmctldPidFile={root}/slurmctld.pid
SlurmdPidFile={root}/slurmd.pid
SlurmctldLogFile={root}/slurmctld.log
SlurmdLogFile={root}/slurmd.log
ProctrackType=proctrack/cgroup
TaskPlugin=task/cgroup
MpiDefault=none
SwitchType=switch/none
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_Core_Memory
DefMemPerCPU=1000
ReturnToService=2
MinJobAge=300
AccountingStorageType=accounting_storage/slurmdbd
AccountingStorageHost=localhost
AccountingStoragePort={ports["slurmdbd"]}
AccountingStorageEnforce=associations
AccountingStoreFlags=job_comment
JobAcctGatherType=jobacct_gather/linux
JobAcctGatherFrequency=task=1
JobCompType=jobcomp/none
NodeName={NODE} CPUs={os.cpu_count()} RealMemory={memory_mb} State=UNKNOWN
PartitionName=debug Nodes={NODE} Default=YES State=UP MaxTime=INFINITE
PartitionName={PARTITION} Nodes={NODE} State=UP MaxTime=INFINITE
"""


#: Each job in a memory cgroup limited to its request, all its steps together: the kernel kills
#: a job over it, which SLURM records as OUT_OF_MEMORY. (cgroup v1 where, as on the machines of
#: this project, /sys/fs/cgroup is a tmpfs of v1 controllers.)
CGROUP_CONF = """\
CgroupPlugin=autodetect
CgroupMountpoint=/sys/fs/cgroup
ConstrainRAMSpace=yes
ConstrainCores=no
ConstrainDevices=no
"""


def slurmdbd_conf(root: Path, ports: dict[str, int], password: str) -> str:
    return f"""\
AuthType=auth/munge
DbdHost=localhost
DbdPort={ports["slurmdbd"]}
SlurmUser=root
LogFile={root}/slurmdbd.log
PidFile={root}/slurmdbd.pid
StorageType=accounting_storage/mysql
StorageHost=127.0.0.1
StoragePort={ports["mariadb"]}
StorageUser=slurm
StoragePass={password}
StorageLoc=slurm_acct_db
"""


def wait_for(check, what: str, *logs: Path) -> None:
    """Poll ``check()`` until it is true; after ``START_TIMEOUT`` fail naming ``what``, with the
    end of each of ``logs``."""
    deadline = time.monotonic() + START_TIMEOUT
    while not check():
        if time.monotonic() > deadline:
            ends = "".join(
                f"\n--- {log}:\n{log.read_text(errors='replace')[-2000:]}"
                for log in logs
                if log.exists()
            )
            raise RuntimeError(
                f"SLURM test cluster: {what} not ready after {START_TIMEOUT:.0f} s" + ends
            )
        time.sleep(0.1)


def succeeds(*command: str, env: dict | None = None) -> bool:
    return subprocess.run(command, capture_output=True, env=env).returncode == 0


def admin(*command: str, env: dict | None = None) -> None:
    """Run a set-up command; fail with its own error message."""
    result = subprocess.run(command, capture_output=True, text=True, env=env)
    if result.returncode:
        raise RuntimeError(
            f"SLURM test cluster: {' '.join(command[:3])} failed: {result.stderr or result.stdout}"
        )


def node_state() -> str:
    result = subprocess.run(["sinfo", "-h", "-n", NODE, "-o", "%T"], capture_output=True, text=True)
    return result.stdout.strip()


@contextmanager
def cluster(root: Path) -> Iterator[Cluster]:
    """Start mariadb, slurmdbd, slurmctld and slurmd (and munged, if none runs) with their state
    in ``root``, link ``/etc/slurm/slurm.conf``, wait until the node is idle; on leaving, cancel
    what is left of the jobs, stop every daemon started here and remove the link."""
    if reason := unavailable():
        raise RuntimeError(reason)
    started = time.monotonic()
    root.mkdir(parents=True, exist_ok=True)
    for name in ("state", "spool", "mariadb"):
        (root / name).mkdir(exist_ok=True)
    ports = {name: free_port() for name in ("slurmctld", "slurmd", "slurmdbd", "mariadb")}
    password = secrets.token_hex(16)
    (root / "slurm.conf").write_text(slurm_conf(root, ports, node_memory_mb()))
    (root / "cgroup.conf").write_text(CGROUP_CONF)
    dbd_conf = root / "slurmdbd.conf"
    dbd_conf.write_text(slurmdbd_conf(root, ports, password))
    dbd_conf.chmod(0o600)  # slurmdbd refuses a config others can read (it holds a password)
    # Daemons and admin commands read the config in ``root`` (slurmdbd finds slurmdbd.conf beside
    # it); the link serves the job steps and the Snakemake run, which see the default place only.
    env = {**os.environ, "SLURM_CONF": str(root / "slurm.conf")}
    daemons: list[tuple[str, subprocess.Popen]] = []

    def start(name: str, *command: str, **options) -> None:
        with open(root / f"{name}.out", "wb") as log:
            daemons.append(
                (
                    name,
                    subprocess.Popen(
                        command,
                        stdout=log,
                        stderr=subprocess.STDOUT,
                        stdin=subprocess.DEVNULL,
                        env=env,
                        **options,
                    ),
                )
            )

    SLURM_CONF.parent.mkdir(exist_ok=True)
    SLURM_CONF.symlink_to(root / "slurm.conf")
    try:
        if not succeeds("munge", "-n"):  # no munged answers on the default socket
            MUNGE_SOCKET.parent.mkdir(exist_ok=True)
            shutil.chown(MUNGE_SOCKET.parent, "munge", "munge")
            start("munged", "munged", "--foreground", "--force", user="munge", group="munge")
            wait_for(lambda: succeeds("munge", "-n"), "munged", root / "munged.out")
        database = root / "mariadb"
        admin(
            "mariadb-install-db",
            "--no-defaults",
            "--user=root",
            f"--datadir={database}",
            "--skip-test-db",
        )
        db_socket = str(root / "mariadb.sock")
        start(
            "mariadb",
            "mariadbd",
            "--no-defaults",
            "--user=root",
            f"--datadir={database}",
            f"--socket={db_socket}",
            f"--port={ports['mariadb']}",
            "--bind-address=127.0.0.1",
            f"--log-error={root}/mariadb.log",
            f"--pid-file={root}/mariadb.pid",
        )
        client = ("--no-defaults", f"--socket={db_socket}", "--user=root")
        wait_for(
            lambda: succeeds("mariadb-admin", *client, "ping"), "mariadb", root / "mariadb.log"
        )
        admin(
            "mariadb",
            *client,
            "-e",
            "CREATE DATABASE slurm_acct_db; "
            f"CREATE USER 'slurm'@'%' IDENTIFIED BY '{password}'; "
            "GRANT ALL ON slurm_acct_db.* TO 'slurm'@'%';",
        )
        start("slurmdbd", "slurmdbd", "-D")
        wait_for(
            lambda: succeeds("sacctmgr", "-n", "list", "cluster", env=env),
            "slurmdbd",
            root / "slurmdbd.log",
        )
        for entity in (
            ("cluster", CLUSTER),
            ("account", ACCOUNT, f"cluster={CLUSTER}"),
            ("user", getpass.getuser(), f"account={ACCOUNT}", f"cluster={CLUSTER}"),
        ):
            admin("sacctmgr", "-i", "add", *entity, env=env)
        start("slurmctld", "slurmctld", "-D")
        start("slurmd", "slurmd", "-D", "-N", NODE)
        wait_for(
            lambda: node_state() == "idle",
            "the node (sinfo: idle)",
            root / "slurmctld.log",
            root / "slurmd.log",
        )
        yield Cluster(root, PARTITION, ACCOUNT, time.monotonic() - started)
    finally:
        if any(name == "slurmd" for name, _ in daemons):
            # Jobs left by a failed or killed run: cancelled, and given a while to end, so that
            # their processes and cgroups go with them.
            subprocess.run(["scancel", "--user", getpass.getuser()], env=env, capture_output=True)
            with suppress(RuntimeError):
                wait_for(
                    lambda: (
                        not subprocess.run(["squeue", "-h"], capture_output=True, env=env).stdout
                    ),
                    "the end of every job",
                )
        for _, process in reversed(daemons):
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        SLURM_CONF.unlink()
        remove_cgroups()


def remove_cgroups() -> None:
    """Remove the cgroups slurmd made for the node's jobs, deepest first (rmdir is the only way
    to remove a cgroup; it fails on one that still holds a process, which is then left)."""
    for top in Path("/sys/fs/cgroup").glob(f"*/slurm_{NODE}"):
        for folder in sorted(
            (path for path in top.rglob("*") if path.is_dir()),
            key=lambda path: len(path.parts),
            reverse=True,
        ) + [top]:
            try:
                folder.rmdir()
            except OSError as error:
                warnings.warn(f"SLURM test cluster: cgroup {folder} left: {error}", stacklevel=2)
