"""Two exports to one ``--output`` at once: the second waits for the first to finish, so the
dump and its ``.sha256`` are a matching pair, from one export (before: each renamed its own
dump, then its own checksum, into place; the first caught between its two renames while the
second wrote both left the second's dump beside the first's checksum, ``sha256sum -c`` failing).
The first export is held there by SIGSTOP (``tests/helpers/killed_at.py``), not by timing."""

from __future__ import annotations

import fcntl
import json
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from conftest import write_config
from polls import until
from processes import communicate_all, state
from samples import SAMPLE_PROFILE
from scholarkg import export_lock, lifecycle
from scholarkg.config import load_config
from scholarkg.errors import ExportError
from scholarkg.export import export_dump
from scholarkg.runs.build import build
from scholarkg.store.embedded import EmbeddedStore

HELPER = Path(__file__).parent / "helpers" / "killed_at.py"
BOUND = 300.0  # only catches a hang
FAULTHANDLER = {"PYTHONFAULTHANDLER": "1"}  # a hang's failure shows each process's stacks


@pytest.fixture(scope="module")
def config_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = write_config(tmp_path_factory.mktemp("same-path"), [SAMPLE_PROFILE])
    build(load_config(path))
    return path


def _holds_open(pid: int, path: Path) -> bool:
    try:
        fds = os.listdir(f"/proc/{pid}/fd")
    except OSError:
        return False
    for fd in fds:
        try:
            if os.readlink(f"/proc/{pid}/fd/{fd}") == str(path):
                return True
        except OSError:
            continue
    return False


@pytest.fixture
def processes() -> Iterator[list[subprocess.Popen[str]]]:
    started: list[subprocess.Popen[str]] = []
    yield started
    for process in started:
        if process.poll() is None:
            process.send_signal(signal.SIGCONT)
            process.kill()
            process.wait()


def _race(
    processes: list[subprocess.Popen[str]],
    first: list[str],
    stop_at: str,
    second: list[str],
    lock: Path | None = None,
) -> Path:
    """``scholarkg export *first`` held (SIGSTOP) at ``stop_at`` (see the helper), then
    ``scholarkg export *second`` to the same path (``--output``), let finish or wait on the
    ``lock`` (the path's, or the run lock for a path under data/exports); then the first let
    go. Both end without a word on stderr; returns the path."""
    target = Path(second[second.index("--output") + 1])
    held = subprocess.Popen(
        [sys.executable, str(HELPER), stop_at, "export", *first],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env={**os.environ, **FAULTHANDLER, "KILLED_BY": "STOP"},
    )  # fmt: skip
    processes.append(held)
    until(lambda: state(held.pid) in ("T", ""), "the first export never got there", BOUND)
    assert held.poll() is None, held.communicate()
    other = subprocess.Popen(
        [sys.executable, "-m", "scholarkg.cli", "export", *second],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env={**os.environ, **FAULTHANDLER},
    )  # fmt: skip
    processes.append(other)
    lock = lock or export_lock.lock_path(target)  # the second waits on the first's or finishes
    until(
        lambda: (
            other.poll() is not None
            or (_holds_open(held.pid, lock) and _holds_open(other.pid, lock))
        ),
        "the second export neither finished nor waited",
        BOUND,
    )
    held.send_signal(signal.SIGCONT)
    outputs = communicate_all((held, other), BOUND)  # a hang shows where each was
    for process, (out, err) in zip((held, other), outputs, strict=True):
        assert process.returncode == 0 and err == "", (out, err)
    checked = subprocess.run(
        ["sha256sum", "-c", f"{target.name}.sha256"], cwd=target.parent, capture_output=True,
        text=True,
    )  # fmt: skip
    assert checked.returncode == 0, checked.stdout + checked.stderr
    return target


def test_two_exports_to_one_path_leave_a_matching_pair(
    config_path: Path, tmp_path: Path, processes: list[subprocess.Popen[str]]
) -> None:
    """The first is held once its dump is in place, its checksum not yet."""
    common = ["--output", str(tmp_path / "dump"), "--config", str(config_path)]
    first, second = ["--format", "trig", *common], ["--format", "nq", *common]
    target = _race(processes, first, "os:replace:dump.sha256", second)
    assert not target.read_bytes().startswith(b"@prefix")  # the second's, N-Quads
    assert sorted(p.name for p in tmp_path.iterdir()) == ["dump", "dump.sha256"]


def test_an_export_to_the_published_dump_waits_for_a_publication_of_it(
    config_path: Path, processes: list[subprocess.Popen[str]]
) -> None:
    """A publication (``scholarkg export`` of a published format) assembles its N-Quads dump
    from parts, then writes its checksum: held in between, an ``--output`` of that file (every
    graph, the VoID graph too) waits for it."""
    config = load_config(config_path)
    exports = config.exports_dir
    target = exports / "scholarkg.nq"
    second = ["--format", "nq", "--output", str(target), "--config", str(config_path)]
    run_lock = config.data_dir / "run.lock"  # under data/exports: the second takes it too
    first = ["--config", str(config_path)]
    _race(processes, first, "os:replace:scholarkg.nq.sha256", second, run_lock)
    assert b"/graph/void> ." in target.read_bytes()  # the second's: the publication's has none
    assert not [p.name for p in exports.iterdir() if p.name.startswith(".")]


@pytest.mark.parametrize(
    "stop_at",
    [
        "scholarkg.dump_retiring:retire",  # the record read, not written yet
        "scholarkg.publish:write_description",  # its dumps written, the record not read again
    ],
)
def test_an_export_to_the_published_dump_meanwhile_stays_the_users(
    config_path: Path, processes: list[subprocess.Popen[str]], stop_at: str
) -> None:
    """A publication held (SIGSTOP) near its end while ``scholarkg export --output`` writes its
    N-Quads dump's path: the file is the user's from then on, not in the record of the dumps
    publications own (which a later publication that no longer publishes N-Quads removes).
    Before, the publication, let go, wrote its own ``scholarkg.nq`` back into the record."""
    config = load_config(config_path)
    target = config.exports_dir / "scholarkg.nq"
    second = ["--format", "nq", "--output", str(target), "--config", str(config_path)]
    record = config.state_dir / "published-dumps.json"
    lock = config.data_dir / "run.lock"  # held by the publication: the second waits for it
    _race(processes, ["--config", str(config_path)], stop_at, second, lock)
    assert json.loads(record.read_text(encoding="utf-8")) == []
    assert b"/graph/void> ." in target.read_bytes()  # the second's
    assert not [p.name for p in config.state_dir.iterdir() if p.name.startswith(".")]


def test_an_export_refuses_a_path_another_holds_past_the_wait(
    config_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "dump.nq"
    target.write_bytes(b"the earlier dump\n")
    monkeypatch.setattr(export_lock, "EXPORT_WAIT", 0.2)
    fd = os.open(export_lock.lock_path(target), os.O_RDWR | os.O_CREAT, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        os.write(fd, b"4242")
        with (
            EmbeddedStore(load_config(config_path).store.path, read_only=True) as store,
            pytest.raises(ExportError) as raised,
        ):
            export_dump(store, target, "nq")
    finally:
        os.close(fd)
    assert str(raised.value) == (
        f"{target}: not written: another export (pid 4242) is writing it; waited 0.2 s, "
        "try again when it has finished"
    )
    assert target.read_bytes() == b"the earlier dump\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == [".dump.nq.lock", "dump.nq"]


def test_a_stop_ends_the_wait_for_another_export(
    config_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """SIGTERM while waiting: the export is stopped before it reads the store, nothing
    written, the holder's lock file left to it."""
    target = tmp_path / "dump.nq"
    monkeypatch.setattr("scholarkg.export._write", lambda *_: pytest.fail("the store was read"))
    fd = os.open(export_lock.lock_path(target), os.O_RDWR | os.O_CREAT, 0o644)
    lifecycle.request_stop()
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        with (
            EmbeddedStore(load_config(config_path).store.path, read_only=True) as store,
            pytest.raises(lifecycle.Interrupted),
        ):
            export_dump(store, target, "nq")
    finally:
        lifecycle.STOP.clear()
        os.close(fd)
    assert sorted(p.name for p in tmp_path.iterdir()) == [".dump.nq.lock"]
