"""Whole-or-nothing file writes (scholarkg.files), on the real file system."""

from __future__ import annotations

import errno
import os
import subprocess
import sys
from pathlib import Path

import pytest

from scholarkg.files import replacing, write_atomic


def test_write_atomic_leaves_only_the_target(tmp_path: Path) -> None:
    target = tmp_path / "sub" / "state.json"
    assert write_atomic(target, b'{"a": 1}\n') == target
    assert target.read_bytes() == b'{"a": 1}\n'
    assert target.stat().st_mode & 0o777 == 0o644
    write_atomic(target, b"second")
    assert target.read_bytes() == b"second"
    assert [p.name for p in tmp_path.joinpath("sub").iterdir()] == ["state.json"]


@pytest.mark.parametrize("durable", [False, True])
def test_write_atomic_failed_write_keeps_old_target(tmp_path: Path, durable: bool) -> None:
    target = tmp_path / "state.json"
    target.write_bytes(b"old")
    with pytest.raises(TypeError):
        write_atomic(target, "not bytes", durable=durable)  # type: ignore[arg-type]
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["state.json"]


def test_write_atomic_failed_rename_removes_temp(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "state.json"
    target.write_bytes(b"old")

    def refuse(src: object, dst: object) -> None:
        raise OSError("no rename today")

    monkeypatch.setattr(os, "replace", refuse)
    with pytest.raises(OSError, match="no rename today"):
        write_atomic(target, b"new")
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["state.json"]


def test_write_atomic_durable_fsyncs_and_writes_the_same_bytes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    synced: list[int] = []
    real_fsync = os.fsync

    def fsync(fd: int) -> None:
        synced.append(fd)
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", fsync)
    data = "naïve ☃\n".encode()
    plain, durable = tmp_path / "plain.bin", tmp_path / "durable.bin"
    write_atomic(plain, data)
    assert synced == []
    write_atomic(durable, data, durable=True)
    assert len(synced) == 1
    assert durable.read_bytes() == plain.read_bytes() == data
    assert sorted(p.name for p in tmp_path.iterdir()) == ["durable.bin", "plain.bin"]


def test_replacing_renames_the_temporary_file_over_the_target(tmp_path: Path) -> None:
    target = tmp_path / "sub" / "dump.nq"
    with replacing(target) as temp:
        assert temp.parent == target.parent and temp != target
        assert not target.exists()  # nothing of it shows until the block ends
        with temp.open("wb") as out:
            out.write(b"one\n")
    assert target.read_bytes() == b"one\n"
    assert target.stat().st_mode & 0o777 == 0o644
    assert [p.name for p in target.parent.iterdir()] == ["dump.nq"]


def test_an_error_inside_replacing_removes_the_temporary_file_and_keeps_the_target(
    tmp_path: Path,
) -> None:
    target = tmp_path / "dump.nq"
    target.write_bytes(b"old")
    with pytest.raises(ValueError, match="mid-way"), replacing(target, durable=True) as temp:
        temp.write_bytes(b"half of the new")
        raise ValueError("mid-way")
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["dump.nq"]


def test_replacing_durable_fsyncs_the_temporary_file_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    synced: list[bytes] = []
    real_fsync = os.fsync

    def fsync(fd: int) -> None:
        synced.append(os.pread(fd, 100, 0))  # what the file holds when it is synced
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", fsync)
    with replacing(tmp_path / "plain") as temp:
        temp.write_bytes(b"plain")
    assert synced == []
    with replacing(tmp_path / "durable", durable=True) as temp:
        temp.write_bytes(b"durable")
    assert synced == [b"durable"]


REFUSED = """
import resource, signal, sys
from pathlib import Path
from scholarkg.errors import WriteFailed
from scholarkg.files import replacing

resource.setrlimit(resource.RLIMIT_FSIZE, (4096, 4096))  # a file past 4 KiB: refused
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
target = Path(sys.argv[1])
try:
    with replacing(target, durable=True, what="dump") as temp, temp.open("wb") as out:
        out.write(b"x" * 8192)
except WriteFailed as exc:
    print(f"{type(exc).__name__} {exc.errno}: {exc}")
"""


def test_a_write_refused_inside_replacing_is_write_failed_naming_the_target(
    tmp_path: Path,
) -> None:
    target = tmp_path / "dump.nq"
    target.write_bytes(b"old")
    done = subprocess.run(
        [sys.executable, "-c", REFUSED, str(target)],
        capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    # EFBIG: a file-size limit's refusal, as ENOSPC is a full disk's
    said = f"WriteFailed {errno.EFBIG}: {target}: cannot write the dump: File too large\n"
    assert done.stdout == said
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["dump.nq"]
