"""Commands between two runs keep the seal a run left on the embedded store when they leave the
store in line with its manifest (:mod:`scholarkg.store.seal`), so the next run does not compare
every graph name again; one that wrote the store otherwise breaks it. Through the real CLI, the
server a real process on loopback; graph-name passes counted on the real store, never timed.

Measured before (100-record snapshot, then one record changed): after ``scholarkg export`` (the
published dump) or a ``serve --allow-updates`` that applied no update, the next run read every
graph name once (1 pass, 0 with the seal); export's other dumps and a read-only serve kept it.
"""

from __future__ import annotations

import fcntl
import re
import signal
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import requests

from conftest import write_config
from polls import until
from published import SNAPSHOT, changed_snapshot, dumped, load
from scholarkg.cli import main
from scholarkg.config import Config, load_config
from scholarkg.store.seal import SEAL

pytest_plugins = ("seal_fixtures",)

GRAPH = "https://example.org/graph/by-update"


def sealed(tmp_path: Path) -> Config:
    """A store a run closed in line with its manifest: sealed."""
    config = load_config(write_config(tmp_path, []))
    load(config, SNAPSHOT)
    assert (config.store.path / SEAL).exists()
    return config


@contextmanager
def serving(config: Config, *options: str) -> Iterator[str]:
    """``scholarkg serve`` in its own process (its URL yielded), stopped with Ctrl-C."""
    command = [sys.executable, "-m", "scholarkg.cli", "serve", "--port", "0", *options]
    process = subprocess.Popen(
        [*command, "--config", str(config.source)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None and process.stderr is not None
        first = process.stdout.readline()
        url = re.search(r"at (http://\S+/) ", first)
        assert url is not None, first + process.stderr.read()
        yield url.group(1)
    finally:
        process.send_signal(signal.SIGINT)
        assert process.wait(60) == 0


def released(lock: Path, bound: float = 60.0) -> None:
    """Wait until no process holds RocksDB's lock on the store (an ``fcntl`` lock)."""

    def free() -> bool:
        with open(lock, "rb+") as handle:
            try:
                fcntl.lockf(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:
                return False
            return True  # released with the handle

    until(free, f"{lock} still held", bound, every=0.05)


def ask(url: str) -> None:
    answer = requests.get(url + "sparql", params={"query": "ASK { ?s ?p ?o }"}, timeout=60)
    assert answer.status_code == 200 and answer.json()["boolean"] is True


@pytest.mark.parametrize("dump", [[], ["--format", "ttl"]], ids=["published", "ttl"])
def test_an_export_keeps_the_seal(
    tmp_path: Path,
    name_passes: list[int],
    dump: list[str],
) -> None:
    """The published dump is a publication: it compares every name and seals the store again
    once it closed it; any other dump reads the checkpoint and writes nothing."""
    config = sealed(tmp_path)
    assert main(["export", *dump, "--config", str(config.source)]) == 0
    assert (config.store.path / SEAL).exists()
    name_passes.clear()
    load(config, changed_snapshot(tmp_path, 50))
    assert name_passes == []
    assert (config.store.path / SEAL).exists()


def test_a_serve_with_updates_that_applied_none_keeps_the_seal(
    tmp_path: Path,
    name_passes: list[int],
) -> None:
    config = sealed(tmp_path)
    with serving(config, "--allow-updates") as url:
        ask(url)
        assert not (config.store.path / SEAL).exists()  # taken while the store is open to write
    assert (config.store.path / SEAL).exists()
    name_passes.clear()
    load(config, changed_snapshot(tmp_path, 50))
    assert name_passes == []


def test_a_serve_that_applied_an_update_leaves_the_next_run_to_compare(
    tmp_path: Path,
    name_passes: list[int],
) -> None:
    config = sealed(tmp_path)
    insert = f'INSERT DATA {{ GRAPH <{GRAPH}> {{ <{GRAPH}/s> <{GRAPH}/p> "by update" }} }}'
    with serving(config, "--allow-updates") as url:
        answer = requests.post(url + "update", data={"update": insert}, timeout=60)
        assert answer.status_code == 204, answer.text
    assert not (config.store.path / SEAL).exists()
    name_passes.clear()
    load(config, changed_snapshot(tmp_path, 50))
    assert len(name_passes) == 2  # every name compared, then every graph re-read (written around)
    assert [q for q in dumped(config.exports_dir / "scholarkg.nq") if q.endswith(f"<{GRAPH}>")]
    assert (config.store.path / SEAL).exists()  # that run closed it in line again


def test_a_read_only_serve_keeps_the_seal(
    tmp_path: Path,
    name_passes: list[int],
) -> None:
    config = sealed(tmp_path)
    with serving(config) as url:
        ask(url)
    name_passes.clear()
    load(config, changed_snapshot(tmp_path, 50))
    assert name_passes == []


def test_a_serve_with_updates_killed_leaves_the_next_run_to_compare(
    tmp_path: Path,
    name_passes: list[int],
) -> None:
    """Killed, the server cannot tell that its update worker is gone: it does not seal."""
    config = sealed(tmp_path)
    command = [sys.executable, "-m", "scholarkg.cli", "serve", "--port", "0", "--allow-updates"]
    process = subprocess.Popen(
        [*command, "--config", str(config.source)], stdout=subprocess.PIPE, text=True
    )
    try:
        assert process.stdout is not None
        assert "updates allowed" in process.stdout.readline()
    finally:
        process.kill()
        process.wait(60)
    released(config.store.path / "LOCK")  # its update worker goes with its forkserver
    assert not (config.store.path / SEAL).exists()
    name_passes.clear()
    load(config, changed_snapshot(tmp_path, 50))
    assert len(name_passes) == 1
