"""A data directory that cannot be written (a read-only mount: root writes through any mode
bits, so the test mounts one in a private mount namespace): ``scholarkg run`` says so in one
line naming it, before Prefect starts or the store is opened, and writes nothing."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from building import build_store
from samples import SAMPLE_PROFILE
from scholarkg.config import Config

UNSHARE = shutil.which("unshare")


def _read_only(folder: Path, *command: str) -> subprocess.CompletedProcess[str]:
    """``command`` with ``folder`` bound read-only over itself, seen by that process alone."""
    script = 'mount --bind "$1" "$1" && mount -o remount,bind,ro "$1" && shift && exec "$@"'
    user = [] if os.geteuid() == 0 else ["-r"]
    argv = [str(UNSHARE), *user, "-m", "--propagation", "private", "sh", "-c", script, "sh"]
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_API_URL")}
    return subprocess.run(
        [*argv, str(folder), *command], capture_output=True, text=True, env=env, timeout=600
    )


def _can_mount_read_only(tmp_path: Path) -> bool:
    if UNSHARE is None:
        return False
    probe = tmp_path / "probe"
    probe.mkdir()
    done = _read_only(probe, "sh", "-c", 'touch "$0/x" 2>/dev/null && exit 3 || exit 0', str(probe))
    return done.returncode == 0


def _files(folder: Path) -> dict[str, tuple[int, int]]:
    return {
        str(p.relative_to(folder)): (p.stat().st_size, p.stat().st_mtime_ns)
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


@pytest.fixture
def built(tmp_path: Path) -> Config:
    if not _can_mount_read_only(tmp_path):
        pytest.skip("no private read-only mount here (unshare -m, or -r for a user)")
    config, report = build_store(tmp_path, [SAMPLE_PROFILE])
    assert report.outcome == "ok"
    return config


def test_a_run_over_a_read_only_data_directory_is_one_line_and_writes_nothing(
    built: Config,
) -> None:
    data, store = built.data_dir, built.store.path
    before = (_files(data), _files(Path(store)))
    run = [sys.executable, "-m", "scholarkg.cli", "run", "--config", str(built.source)]
    done = _read_only(data, *run)
    assert done.returncode == 1
    lines = [line for line in done.stderr.splitlines() if line.strip()]
    assert lines[-1] == (
        f"error: {data}: cannot write in the data directory: Read-only file system"
    ), done.stderr
    assert "Traceback" not in done.stderr
    assert not any(line.startswith("Prefect:") for line in lines)  # refused before it starts
    assert (_files(data), _files(Path(store))) == before


def test_the_run_lock_names_a_data_directory_it_cannot_write(built: Config) -> None:
    script = (
        "import sys\n"
        "from pathlib import Path\n"
        "from scholarkg.errors import LoadError\n"
        "from scholarkg.runs.lock import RunLock\n"
        "try:\n"
        "    with RunLock(Path(sys.argv[1]), 'build'):\n"
        "        pass\n"
        "except LoadError as exc:\n"
        "    print(exc)\n"
    )
    done = _read_only(built.data_dir, sys.executable, "-c", script, str(built.data_dir))
    assert done.stdout.strip() == (
        f"{built.data_dir}: cannot write in the data directory: Read-only file system"
    ), done.stderr
