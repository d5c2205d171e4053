"""Whole-or-nothing file writes (scholarkg.files), on the real file system."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from scholarkg.files import write_atomic


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
