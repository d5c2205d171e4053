"""``scholarkg arxiv load-snapshot --json`` judges each chunk as the store's load did
(:mod:`scholarkg.runs.first_written`): cut by the load's chunk size whatever ``--batch-size`` it
is given, each record telling the time it was judged by and which (``judged_by``), and it reads a
store it cannot write, and a write-ahead log beside the table (a writer's, live or killed) without
making or removing a file there.

Before: the listing cut chunks by its own ``--batch-size``, so a listing of another size than
the load found no time kept and judged by the file's time now, printing a record its load had
quarantined; which time judged was not told (a reason said "when first read" of the file's time
now); and a store in a directory that cannot be written was a traceback ("attempt to write a
readonly database"); a log without its index (``-shm``) got one made beside it, left there.
Input: the first lines of
tests/fixtures/arxiv/kaggle/snapshot_sample_100.jsonl (0704.0002 updated 2008-12-13, the others
before 2008-12-11), in the order stated.
"""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import write_config
from dated_snapshots import (
    AFTER,
    FIRST,
    IDS,
    LATER,
    as_no_writer,
    chmod_back,
    loaded,
    read_only_copy,
    touch,
    write_dated,
)
from scholarkg.cli import main
from scholarkg.config import load_config
from scholarkg.runs.first_written import first_written_path

JUDGED_FIRST = {"time": FIRST.isoformat(), "by": "first read"}


def _listed(
    config: Path, path: Path, capsys: pytest.CaptureFixture[str], *options: str
) -> tuple[int, list[dict[str, object]], str]:
    """``load-snapshot --json``: (exit code, records printed, lines told)."""
    argv = ["arxiv", "load-snapshot", "--json", str(path), "--config", str(config), *options]
    code = main(argv)
    out, err = capsys.readouterr()
    return code, json.loads(out), err


def test_the_listing_finds_the_loads_times_whatever_its_batch_size(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = write_config(tmp_path, [])
    path = write_dated(tmp_path / "snapshot.jsonl", IDS, FIRST)
    told = loaded(config, path, chunk_records=3)
    capsys.readouterr()
    assert told == [f"quarantined: {path}:4: {AFTER}\n"]
    touch(path, LATER)  # the same bytes, another file time
    for options in ((), ("--batch-size", "5"), ("--batch-size", "3"), ("--batch-size", "2")):
        code, records, err = _listed(config, path, capsys, *options)
        # before: with 1000, 5 or 2, 0704.0002 printed, judged by the file's time now (2009)
        assert (code, err) == (1, "".join(told)), options
        assert [r["arxiv_id"] for r in records] == [i for i in IDS if i != "0704.0002"]
        assert all(r["judged_by"] == JUDGED_FIRST for r in records), options


def test_a_store_of_before_chunk_sizes_is_read_by_the_given_size(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A table kept before chunk sizes were: its rows are found by a listing of the load's
    size, as before, and another size judges by the file's time now, saying so."""
    config = write_config(tmp_path, [])
    path = write_dated(tmp_path / "snapshot.jsonl", IDS, FIRST)
    loaded(config, path, chunk_records=1000)
    with sqlite3.connect(first_written_path(load_config(config))) as db:
        db.execute("DROP TABLE chunk_sizes")
    db.close()
    touch(path, LATER)
    code, records, err = _listed(config, path, capsys)
    assert (code, err) == (1, f"quarantined: {path}:4: {AFTER}\n")
    assert all(r["judged_by"] == JUDGED_FIRST for r in records)
    code, records, err = _listed(config, path, capsys, "--batch-size", "2")
    assert (code, err) == (0, "")  # no time kept for a chunk of 2: the file's now
    assert len(records) == len(IDS)
    assert all(r["judged_by"] == {"time": LATER.isoformat(), "by": "file now"} for r in records)


def test_a_file_no_load_read_is_judged_by_its_time_now_and_says_so(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """No store (nothing kept): the file's modification time now, the JSON's ``judged_by``
    and the reason saying so (before: "the snapshot file's time when first read")."""
    config = write_config(tmp_path, [])
    path = write_dated(tmp_path / "snapshot.jsonl", IDS, FIRST)
    code, records, err = _listed(config, path, capsys)
    assert not first_written_path(load_config(config)).exists()  # nothing written
    assert code == 1
    assert err == (
        f"quarantined: {path}:4: updated 2008-12-13 is after the snapshot file's time now "
        "(2008-12-11T23:00:00+00:00)\n"
    )
    assert [r["judged_by"] for r in records] == [{"time": FIRST.isoformat(), "by": "file now"}] * 4


def test_the_listing_reads_a_store_it_cannot_write(tmp_path: Path) -> None:
    """The store's table copied to a directory nothing may write: no write-ahead log beside
    it, read as it stands (before: a traceback, "attempt to write a readonly database")."""
    config = write_config(tmp_path, [])
    path = write_dated(tmp_path / "snapshot.jsonl", IDS, FIRST)
    told = loaded(config, path, chunk_records=3)
    touch(path, LATER)
    copy = read_only_copy(tmp_path, config)
    listed = tmp_path / "copy" / path.name
    try:
        done = as_no_writer("arxiv", "load-snapshot", "--json", str(listed), "--config", str(copy))
        names = sorted(p.name for p in first_written_path(load_config(copy)).parent.iterdir())
    finally:
        chmod_back(tmp_path)
    assert "Traceback" not in done.stderr
    assert (done.returncode, done.stderr) == (1, "".join(told).replace(str(path), str(listed)))
    records = json.loads(done.stdout)
    assert [r["judged_by"] for r in records] == [JUDGED_FIRST] * 4
    assert not [n for n in names if n.endswith(("-wal", "-shm"))]  # nothing written there


JUDGED_LATER = {"time": LATER.isoformat(), "by": "first read"}
_WRITER = """
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
db.execute("PRAGMA wal_autocheckpoint = 0")  # its rows kept in the log, not folded back
with db:
    db.execute("UPDATE first_written SET written = ?", (sys.argv[2],))
print("committed", flush=True)
sys.stdin.read()
"""


def _writer(table: Path) -> subprocess.Popen[str]:
    """A second process holding ``table`` open, every chunk's time set to LATER and committed
    to the write-ahead log only (told on its stdout)."""
    writer = subprocess.Popen(
        [sys.executable, "-c", _WRITER, str(table), LATER.isoformat()],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert writer.stdout is not None and writer.stdout.readline() == "committed\n"
    return writer


def _loaded_with_writer(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> tuple[Path, Path, Path, subprocess.Popen[str]]:
    """The config, snapshot and first-written table of a load, and a :func:`_writer` on it."""
    config = write_config(tmp_path, [])
    path = write_dated(tmp_path / "snapshot.jsonl", IDS, FIRST)
    loaded(config, path, chunk_records=3)
    capsys.readouterr()
    table = first_written_path(load_config(config))
    return config, path, table, _writer(table)


def _kept_files(place: Path) -> dict[str, bytes | None]:
    """The files of ``place``: their bytes, but a log's index's (``-shm``, shared memory any
    reader may mark) only that it is there."""
    return {n: None if n.endswith("-shm") else b for n, b in _files(place).items()}


def _read_only_copy_with_log(tmp_path: Path, config: Path, index: int | None) -> Path:
    """``read_only_copy`` of a store whose table has a log beside, every chunk first read
    LATER in it (a writer killed before folding it back), its index removed (``index`` None)
    or given that mode."""
    table = first_written_path(load_config(config))
    writer = _writer(table)
    writer.kill()
    writer.communicate()
    copy = read_only_copy(tmp_path, config)
    store = tmp_path / "copy" / "store"
    store.chmod(0o700)
    shm = store / f"{table.name}-shm"
    if index is None:
        shm.unlink()
    else:
        shm.chmod(index)
    store.chmod(0o500)
    return copy


def test_a_write_ahead_log_without_its_index_is_read_where_nothing_may_be_written(
    tmp_path: Path,
) -> None:
    """A log beside the table with no index (a load killed, its index removed) in a directory
    nothing may write: read from a private copy, its rows seen, nothing made there (before:
    one line, "list from a copy that can be written")."""
    config = write_config(tmp_path, [])
    path = write_dated(tmp_path / "snapshot.jsonl", IDS, FIRST)
    loaded(config, path, chunk_records=3)
    copy = _read_only_copy_with_log(tmp_path, config, None)
    store = first_written_path(load_config(copy)).parent
    before = _files(store)
    try:
        done = as_no_writer("arxiv", "load-snapshot", "--json", str(path), "--config", str(copy))
        after = _files(store)
    finally:
        chmod_back(tmp_path)
    assert (done.returncode, done.stderr) == (0, "")
    assert [r["judged_by"] for r in json.loads(done.stdout)] == [JUDGED_LATER] * len(IDS)
    assert after == before


def test_a_write_ahead_log_it_cannot_index_is_one_line(tmp_path: Path) -> None:
    """A log beside the table in a directory nothing may write, its index there but not
    readable: SQLite reads the log only with an index, so one line says so, naming the file."""
    config = write_config(tmp_path, [])
    path = write_dated(tmp_path / "snapshot.jsonl", IDS, FIRST)
    loaded(config, path, chunk_records=3)
    copy = _read_only_copy_with_log(tmp_path, config, 0)
    try:
        done = as_no_writer("arxiv", "load-snapshot", "--json", str(path), "--config", str(copy))
    finally:
        chmod_back(tmp_path)
    assert done.returncode == 1 and "Traceback" not in done.stderr
    [line] = done.stderr.splitlines()
    table = first_written_path(load_config(config))
    assert "cannot read the snapshot chunks' first file times" in line
    assert f"{table.name}-wal" in line and "list from a copy that can be written" in line


def test_the_help_tells_which_time_judges(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["arxiv", "load-snapshot", "--help"])
    said = " ".join(capsys.readouterr().out.split())
    assert 'each record\'s judged_by tells the time and which: "first read" or "file now"' in said
    assert "cut by that load's --batch-size whatever this one's" in said


def _files(place: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(place.iterdir())}


def test_the_listing_leaves_a_store_it_could_write_as_it_was(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A listing reads the store's table, never writes beside it: the directory's files and
    their bytes the same after (before: ``mode=ro`` left an empty ``-wal`` and ``-shm``)."""
    config = write_config(tmp_path, [])
    path = write_dated(tmp_path / "snapshot.jsonl", IDS, FIRST)
    told = loaded(config, path, chunk_records=3)
    capsys.readouterr()
    store = first_written_path(load_config(config)).parent
    before = _files(store)
    assert first_written_path(load_config(config)).name in before
    code, records, err = _listed(config, path, capsys)
    assert (code, err) == (1, "".join(told))
    assert [r["judged_by"] for r in records] == [JUDGED_FIRST] * 4
    assert _files(store) == before


def test_a_killed_writers_log_without_its_index_is_read_and_nothing_made(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A writer killed with its commits in the log, the log's index (``-shm``) gone: the
    listing sees the log's rows (every chunk first read LATER: nothing quarantined) and the
    directory keeps its files and their bytes (before: ``mode=ro`` made a ``-shm`` there)."""
    config, path, table, writer = _loaded_with_writer(tmp_path, capsys)
    writer.kill()
    writer.communicate()
    Path(f"{table}-shm").unlink()
    before = _files(table.parent)
    assert f"{table.name}-wal" in before
    code, records, err = _listed(config, path, capsys)
    assert (code, err) == (0, "")
    assert [r["judged_by"] for r in records] == [JUDGED_LATER] * len(IDS)
    assert _files(table.parent) == before


def test_a_live_writers_commits_are_read_and_nothing_made(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A writer holding the table open in another process, its commit in the log: the listing
    sees it and neither makes nor removes a file beside the table, nor changes the table or
    its log."""
    config, path, table, writer = _loaded_with_writer(tmp_path, capsys)
    try:
        before = _kept_files(table.parent)
        assert f"{table.name}-shm" in before
        code, records, err = _listed(config, path, capsys)
        after = _kept_files(table.parent)
    finally:
        writer.communicate("")
    assert (code, err) == (0, "")
    assert [r["judged_by"] for r in records] == [JUDGED_LATER] * len(IDS)
    assert after == before
