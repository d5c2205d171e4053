"""Snapshot files dated as the first-written tests date them (:func:`write_dated`, :func:`touch`:
real Kaggle lines by id, file times :data:`FIRST` and :data:`LATER`), a load's told quarantine
lines (:func:`loaded`), and a data directory copied where nothing may write, read by a child the
file modes bind (:func:`read_only_copy`, :func:`as_no_writer`, :func:`chmod_back`): shared by
test_snapshot_first_written.py, test_snapshot_listing_dated.py and
test_read_only_store_served.py."""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from arxiv_replay import OAI_DIR
from scholarkg.config import load_config
from scholarkg.runs.arxiv_snapshot import load_snapshot

UTC = dt.UTC
LINES = {
    json.loads(line)["id"]: line
    for line in (OAI_DIR.parent / "kaggle" / "snapshot_sample_100.jsonl")
    .read_text(encoding="utf-8")
    .splitlines()
}


FIRST = dt.datetime(2008, 12, 11, 23, 0, tzinfo=UTC)  # 0704.0002's update is after it
LATER = dt.datetime(2009, 6, 1, tzinfo=UTC)  # every line's dates are before it
AFTER = (
    "updated 2008-12-13 is after the snapshot file's time when first read "
    "(2008-12-11T23:00:00+00:00)"
)


def write_dated(path: Path, ids: list[str], written: dt.datetime) -> Path:
    """The sample's lines ``ids`` written to ``path``, its file time ``written``."""
    path.write_text("".join(f"{LINES[i]}\n" for i in ids), encoding="utf-8")
    touch(path, written)
    return path


def touch(path: Path, written: dt.datetime) -> None:
    """``path``'s file times set to ``written``."""
    os.utime(path, (written.timestamp(), written.timestamp()))


IDS = ["0704.0004", "0704.0003", "0704.0007", "0704.0002", "0704.0010"]
BOUND = 300  # only catches a hang


def loaded(config: Path, path: Path, chunk_records: int) -> list[str]:
    """A load of ``path`` in chunks of ``chunk_records``: its quarantined entries as told."""
    ctx = load_snapshot(load_config(config), path, workers=0, chunk_records=chunk_records)
    return [f"quarantined: {told}\n" for told in ctx.report.quarantined]


def read_only_copy(tmp_path: Path, config: Path) -> Path:
    """The data directory of ``config`` copied, nothing in it writable; its config."""
    copy = tmp_path / "copy"
    shutil.copytree(config.parent, copy, ignore=shutil.ignore_patterns("copy"))
    text = config.read_text("utf-8").replace(str(config.parent), str(copy))
    (copy / config.name).write_text(text, "utf-8")
    for place in [*copy.rglob("*"), copy]:
        mode = place.stat().st_mode
        place.chmod(mode & ~(stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH))
    return copy / config.name


def no_writer_command(*args: str) -> tuple[list[str], dict[str, str]]:
    """The command and environment of ``scholarkg ARGS`` in a child the file modes bind: root is
    not bound by them, so as root the child runs in a user namespace mapping it to nobody (the
    files' owner seen as nobody)."""
    env = os.environ | {"PYTHONPATH": os.pathsep.join(str(Path(p).resolve()) for p in sys.path)}
    command = [sys.executable, "-m", "scholarkg.cli", *args]
    if os.geteuid() == 0:
        probe = ["unshare", "--user", "--map-user=65534", "--map-group=65534", "true"]
        if shutil.which("unshare") is None or subprocess.run(probe, check=False).returncode:
            pytest.skip("root, and no user namespace to drop the right to write in")
        command = ["unshare", "--user", "--map-user=65534", "--map-group=65534", *command]
    return command, env


def as_no_writer(*args: str) -> subprocess.CompletedProcess[str]:
    """``scholarkg ARGS`` run to its end in a child the file modes bind (``no_writer_command``)."""
    command, env = no_writer_command(*args)
    return subprocess.run(
        command, capture_output=True, text=True, timeout=BOUND, env=env, check=False
    )


def chmod_back(tmp_path: Path) -> None:
    """Writable again, so pytest can remove the copy."""
    for place in [tmp_path / "copy", *(tmp_path / "copy").rglob("*")]:
        place.chmod(place.stat().st_mode | stat.S_IWUSR)
