"""Poison pills in an arXiv snapshot: quarantined with their reason, the good records load.

Both readers are exercised on the same hostile files: ``SnapshotReader`` (``--json``) and the
snapshot job (``load_snapshot``: worker processes' line parsing, either loader), directly and
through ``scholarkg arxiv load-snapshot``.
"""

from __future__ import annotations

import gzip
import json
import os
import re
import threading
from collections.abc import Callable
from contextlib import suppress
from pathlib import Path
from typing import TypeVar

import pytest

from conftest import write_config
from scholarkg import lifecycle
from scholarkg.cli import main
from scholarkg.config import load_config
from scholarkg.errors import ConfigError, ExtractError, ParseError
from scholarkg.extract.snapshot import read_snapshot
from scholarkg.limits import Limits
from scholarkg.runs.report import RunReport
from snapshot_sample import LINES, bulk

MIB = 1024 * 1024
T = TypeVar("T")


def with_abstract(number: int, size: int) -> str:
    """Line ``number`` of the sample with an abstract of ``size`` characters."""
    data = json.loads(LINES[number])
    data["abstract"] = "x" * size
    return json.dumps(data)


def deep_line(depth: int) -> str:
    return '{"id": "0704.9999", "title": "T", "x": ' + "[" * depth + "]" * depth + "}"


def hostile(tmp_path: Path, name: str = "hostile.jsonl") -> Path:
    """The sample (27 lines) with three poison pills: lines 4, 9 and 14 of the file."""
    lines = LINES[:27]
    poisoned = [
        *lines[:3],
        with_abstract(3, 20 * MIB),  # 20 MB abstract: over the line limit
        *lines[4:8],
        deep_line(100_000),  # nested 100,000 deep
        *lines[9:13],
        with_abstract(13, 2 * MIB),  # 2 MB abstract: under the line limit, over the literal one
        *lines[14:],
    ]
    path = tmp_path / name
    path.write_text("\n".join(poisoned) + "\n", encoding="utf-8")
    return path


def lines_of(report: RunReport) -> list[int]:
    """The line numbers of the quarantined entries (``<source>:<line>: <reason>``)."""
    return [int(entry.split(": ", 1)[0].rsplit(":", 1)[1]) for entry in report.quarantined]


def test_reader_quarantines_poison_pills_and_reads_the_rest(tmp_path: Path) -> None:
    reader = read_snapshot(hostile(tmp_path))
    records = list(reader)
    assert len(records) == 24
    assert [q.line for q in reader.quarantined] == [4, 9, 14]
    too_long, too_deep, too_big = (q.reason for q in reader.quarantined)
    assert "[limits] line_bytes" in too_long and "raise" in too_long
    assert "[limits] json_depth" in too_deep
    assert "abstract" in too_big and "[limits] literal_bytes" in too_big
    # what is kept of a poison pill is clipped: the reason says how big it was
    assert all(len(q.text) <= 70_000 for q in reader.quarantined)


@pytest.mark.parametrize("workers", [0, 2])
def test_bulk_path_quarantines_the_same_lines(tmp_path: Path, workers: int) -> None:
    report = bulk(hostile(tmp_path), tmp_path, workers=workers, chunk_records=10)
    assert report.records_read == 27 and report.records_loaded == 24  # 3 quarantined
    assert lines_of(report) == [4, 9, 14]
    reasons = " ".join(report.quarantined)
    assert "line_bytes" in reasons and "json_depth" in reasons and "literal_bytes" in reasons


def test_limits_are_configurable(tmp_path: Path) -> None:
    path = tmp_path / "s.jsonl"
    path.write_text("\n".join([with_abstract(0, 5000), *LINES[1:3]]) + "\n", encoding="utf-8")
    assert [r.arxiv_id for r in read_snapshot(path)] == ["0704.0002", "0704.0003", "0704.0004"]
    strict = read_snapshot(path, Limits(literal_bytes=4000))
    assert len(list(strict)) == 2
    assert "4000" in strict.quarantined[0].reason
    config = load_config(write_config(tmp_path, [], limits={"literal_bytes": 4000}))
    assert config.limits.literal_bytes == 4000
    with pytest.raises(ConfigError, match=r"\[limits\] json_depth must be > 0, got 0$"):
        load_config(write_config(tmp_path, [], limits={"json_depth": 0}))
    with pytest.raises(ConfigError, match=r"scholarkg.toml:10: \[limits\] nope: unknown key$"):
        load_config(write_config(tmp_path, [], limits={"nope": 1}))


def truncated_gz(tmp_path: Path) -> Path:
    packed = gzip.compress(("\n".join(LINES[:27]) + "\n").encode())
    path = tmp_path / "cut.jsonl.gz"
    path.write_bytes(packed[: len(packed) * 2 // 3])
    return path


def test_truncated_gz_loads_what_came_before_and_reports_the_damage(tmp_path: Path) -> None:
    reader = read_snapshot(truncated_gz(tmp_path))
    records = list(reader)  # no exception
    assert 5 < len(records) < 27
    damage = reader.quarantined[-1]
    assert damage.line >= len(records) + 1
    assert "damaged input" in damage.reason and "byte" in damage.reason
    assert [r.arxiv_id for r in records] == [json.loads(x)["id"] for x in LINES[: len(records)]]
    report = bulk(truncated_gz(tmp_path), tmp_path, workers=0, chunk_records=10)
    assert report.records_loaded == len(records)
    assert report.quarantined[-1].endswith(f": {damage.reason}")


def test_plain_file_named_gz_is_one_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "plain.jsonl.gz"
    path.write_text("\n".join(LINES[:3]) + "\n", encoding="utf-8")
    with pytest.raises(ExtractError, match="not gzip-compressed"):
        list(read_snapshot(path))
    with pytest.raises(ExtractError, match="not gzip-compressed"):
        bulk(path, tmp_path, workers=0)


def test_json_array_is_one_clear_error_with_a_hint(tmp_path: Path) -> None:
    path = tmp_path / "array.json"
    path.write_text(json.dumps([json.loads(x) for x in LINES[:5]], indent=1), encoding="utf-8")
    with pytest.raises(ParseError, match="JSON Lines") as caught:
        list(read_snapshot(path))
    assert caught.value.line == 1 and "jq -c" in str(caught.value)
    with pytest.raises(ParseError, match="JSON Lines"):
        bulk(path, tmp_path, workers=0)


@pytest.mark.parametrize("kind", ["oxigraph", "files"])  # bulk path | per-graph path
def test_cli_load_snapshot_survives_poison(
    tmp_path: Path, kind: str, capsys: pytest.CaptureFixture[str]
) -> None:
    config = write_config(tmp_path, [], store={"kind": kind})
    code = main(["arxiv", "load-snapshot", str(hostile(tmp_path)), "--config", str(config)])
    captured = capsys.readouterr()
    assert code == 1
    assert "records: 27 read, 24 loaded" in captured.out
    for line in (4, 9, 14):  # the report names each quarantined line
        assert f"quarantined: {tmp_path / 'hostile.jsonl'}:{line}: " in captured.out
    assert "Traceback" not in captured.err


@pytest.mark.parametrize("kind", ["oxigraph", "files"])
def test_cli_bad_files_are_one_line_errors(
    tmp_path: Path, kind: str, capsys: pytest.CaptureFixture[str]
) -> None:
    config = write_config(tmp_path, [], store={"kind": kind})
    array = tmp_path / "array.json"
    array.write_text(json.dumps([json.loads(x) for x in LINES[:5]], indent=1), encoding="utf-8")
    plain = tmp_path / "plain.jsonl.gz"
    plain.write_text(LINES[0] + "\n", encoding="utf-8")
    for path, what in ((array, "JSON Lines"), (plain, "not gzip-compressed")):
        assert main(["arxiv", "load-snapshot", str(path), "--config", str(config)]) == 1
        err = capsys.readouterr().err.strip().splitlines()
        assert len(err) == 1 and err[0].startswith(f"error: {path}") and what in err[0]
    cut = truncated_gz(tmp_path)
    assert main(["arxiv", "load-snapshot", str(cut), "--config", str(config)]) == 1
    captured = capsys.readouterr()
    assert f"quarantined: {cut}:" in captured.out and "damaged input" in captured.out
    assert "Traceback" not in captured.err and " loaded" in captured.out


def packed(tmp_path: Path, kind: str) -> Path:
    """Constructed: the sample's first 27 lines packed as a reader of JSON Lines (and .gz)
    cannot read them: Kaggle's download (``archive.zip``), bzip2, xz, or gzip not named .gz."""
    import bz2
    import lzma
    import zipfile

    text = ("\n".join(LINES[:27]) + "\n").encode()
    if kind == "zip":
        path = tmp_path / "archive.zip"
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.writestr("arxiv-metadata-oai-snapshot.json", text)
        return path
    path = tmp_path / f"snapshot.{kind}"
    pack = {"bz2": bz2.compress, "xz": lzma.compress, "jsonl": gzip.compress}[kind]
    path.write_bytes(pack(text))
    return path


PACKED = {
    "zip": "a zip archive, not a snapshot (JSON Lines): unzip it first",
    "bz2": "bzip2-compressed: decompress it first",
    "xz": "xz-compressed: decompress it first",
    "jsonl": "gzip-compressed although not named .gz",
}


@pytest.mark.parametrize("kind", PACKED)
def test_a_packed_file_is_one_clear_error(
    tmp_path: Path, kind: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """Before, each binary 'line' of the file was read and quarantined (187 'records' of the
    100-line sample zipped: outcome partial, nothing loaded; millions for the real download)."""
    path = packed(tmp_path, kind)
    with pytest.raises(ExtractError, match=re.escape(PACKED[kind])):
        list(read_snapshot(path))
    with pytest.raises(ExtractError, match=re.escape(PACKED[kind])):
        bulk(path, tmp_path, workers=0)
    config = write_config(tmp_path, [])
    assert main(["arxiv", "load-snapshot", str(path), "--config", str(config)]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith(f"error: {path}: ") and PACKED[kind] in err[0]
    assert not list(tmp_path.rglob("quarantine/records/*"))  # no 'line' of it was read


def test_a_gz_holding_another_packing_names_it(tmp_path: Path) -> None:
    path = packed(tmp_path, "zip").rename(tmp_path / "archive.zip.gz")
    with pytest.raises(ExtractError, match="a zip archive"):
        list(read_snapshot(path))


def fed_through_a_pipe(tmp_path: Path, text: bytes, name: str = "snapshot.pipe") -> Path:
    """A named pipe (as ``<(zcat …)`` gives one) that a thread feeds ``text`` through once."""
    fifo = tmp_path / name
    os.mkfifo(fifo)

    def feed() -> None:
        with suppress(OSError), fifo.open("wb") as pipe:  # a reader that hangs up ends it
            pipe.write(text)

    threading.Thread(target=feed, daemon=True).start()
    return fifo


def within(seconds: float, call: Callable[[], T]) -> T:
    """``call()`` run in a thread; the test fails if it has not ended within ``seconds`` (a
    reader that opens a pipe a second time waits for a writer that never comes)."""
    done: list[T] = []
    thread = threading.Thread(target=lambda: done.append(call()), daemon=True)
    thread.start()
    thread.join(seconds)
    assert done, "still reading: the pipe was opened again after its bytes were read away"
    return done[0]


@pytest.mark.parametrize("packed", [False, True], ids=["plain", "gz"])
@pytest.mark.parametrize("reader", ["SnapshotReader", "load_snapshot"])
def test_a_pipe_is_read_once_from_its_first_byte(tmp_path: Path, reader: str, packed: bool) -> None:
    """What a file is is told by its first bytes without consuming them: a pipe cannot be
    read twice (a probe that read them away, then opened the file again, waited for ever).
    The same for a named pipe called ``….jsonl.gz``: before, its first bytes were read to tell
    it is gzip, then the pipe was opened again to unpack it, which waited for ever."""
    text = ("\n".join(LINES[:27]) + "\n").encode()
    if packed:
        fifo = fed_through_a_pipe(tmp_path, gzip.compress(text), "snapshot.jsonl.gz")
    else:
        fifo = fed_through_a_pipe(tmp_path, text)
    if reader == "SnapshotReader":
        snapshot = read_snapshot(fifo)
        assert len(within(60, lambda: list(snapshot))) == 27 and snapshot.quarantined == []
    else:
        report = within(60, lambda: bulk(fifo, tmp_path, workers=0))
        assert (report.records_read, report.records_loaded) == (27, 27)


def endless_line_through_a_pipe(tmp_path: Path, fed: threading.Event) -> Path:
    """A named pipe whose first line never ends (a writer that sends ``aaa…`` until the
    reader hangs up); ``fed`` is set once 64 MiB have gone through it."""
    fifo = tmp_path / "endless.pipe"
    os.mkfifo(fifo)

    def feed() -> None:
        piece, sent = b"a" * MIB, 0
        with suppress(OSError), fifo.open("wb") as pipe:
            pipe.write(b'{"id": "0704.0001", "title": "')
            while True:
                pipe.write(piece)
                sent += 1
                if sent == 64:
                    fed.set()

    threading.Thread(target=feed, daemon=True).start()
    return fifo


@pytest.mark.parametrize("reader", ["SnapshotReader", "load_snapshot"])
def test_a_stop_ends_the_skip_of_a_line_that_never_ends(tmp_path: Path, reader: str) -> None:
    """SIGTERM while an oversize line is skipped: before, the skip read on until the line's
    end, and a line that has none (a pipe, a device such as /dev/zero) was read for ever, the
    stop never honoured."""
    fed = threading.Event()
    fifo = endless_line_through_a_pipe(tmp_path, fed)
    ended: list[object] = []

    def read() -> None:
        try:
            if reader == "SnapshotReader":
                list(read_snapshot(fifo, Limits(line_bytes=MIB)))
            else:
                ended.append(bulk(fifo, tmp_path, workers=0))
        except lifecycle.Interrupted as exc:
            ended.append(exc)

    thread = threading.Thread(target=read, daemon=True)
    thread.start()
    try:
        assert fed.wait(60), "the reader never read the line"
        lifecycle.request_stop()
        thread.join(60)
        assert ended, "still reading the endless line after the stop"
    finally:
        lifecycle.STOP.clear()
    if reader == "SnapshotReader":
        assert isinstance(ended[0], lifecycle.Interrupted)
    else:
        report = ended[0]
        assert isinstance(report, RunReport) and report.interrupted is not None
        assert report.records_loaded == 0


def test_a_stop_ends_the_wait_for_a_pipe_that_went_silent(tmp_path: Path) -> None:
    """A writer that sent 27 lines and keeps the pipe open without a word more: before, the
    read waited for ever (a blocked read is retried after the signal handler) and SIGTERM was
    not honoured; now the stop ends the wait and the run reports what it had read."""
    fifo = tmp_path / "silent.pipe"
    os.mkfifo(fifo)
    sent, hang_up = threading.Event(), threading.Event()

    def feed() -> None:
        with suppress(OSError), fifo.open("wb") as pipe:
            pipe.write(("\n".join(LINES[:27]) + "\n").encode())
            pipe.flush()
            sent.set()
            hang_up.wait(120)

    threading.Thread(target=feed, daemon=True).start()
    snapshot = read_snapshot(fifo)
    read: list[object] = []

    def read_all() -> None:
        try:
            for record in snapshot:
                read.append(record)
        except lifecycle.Interrupted as exc:
            read.append(exc)

    thread = threading.Thread(target=read_all, daemon=True)
    thread.start()
    try:
        assert sent.wait(60)
        while len(read) < 27 and thread.is_alive():  # the 27 lines came; then silence
            thread.join(0.05)
        lifecycle.request_stop()
        thread.join(60)
        assert not thread.is_alive(), "still waiting for the silent pipe after the stop"
    finally:
        lifecycle.STOP.clear()
        hang_up.set()
    assert len(read) == 28 and isinstance(read[-1], lifecycle.Interrupted)


def test_a_stop_ends_the_wait_for_a_pipe_no_writer_opens(tmp_path: Path) -> None:
    """A named pipe nobody writes to: before, opening it waited for a writer for ever, whatever
    the signal; now the stop ends the wait."""
    fifo = tmp_path / "unwritten.pipe"
    os.mkfifo(fifo)
    ended: list[BaseException] = []

    def read_all() -> None:
        try:
            list(read_snapshot(fifo))
        except lifecycle.Interrupted as exc:
            ended.append(exc)

    thread = threading.Thread(target=read_all, daemon=True)
    thread.start()
    try:
        thread.join(0.5)  # into the wait (a stop before it ends it just as well)
        lifecycle.request_stop()
        thread.join(60)
    finally:
        lifecycle.STOP.clear()
        if thread.is_alive():  # let the hung reader go
            with suppress(OSError), fifo.open("wb"):
                pass
    assert len(ended) == 1, "still waiting for a writer after the stop"
