"""The published dump is assembled from its parts by the kernel (``os.copy_file_range``),
and through Python where the kernel refuses (another file system, an old kernel), from where
its copy stopped; a full disk stays the write's error. Real files; the refusals are made by
replacing ``os.copy_file_range`` (no second file system or old kernel can be had here)."""

from __future__ import annotations

import errno
import os
from pathlib import Path

import pytest

from scholarkg import dump_parts
from scholarkg.dump_parts import append

DATA = bytes(range(256)) * (3 * 4096 + 17)  # 3 MiB and a bit: more than one block


def copied(tmp_path: Path, mode: str = "r+b") -> tuple[int, bytes]:
    source = tmp_path / "part-00.nq"
    source.write_bytes(DATA)
    target = tmp_path / "dump.nq"
    target.write_bytes(b"before\n")
    with source.open("rb", buffering=0) as part, target.open(mode, buffering=0) as out:
        out.seek(0, os.SEEK_END)
        count = append(part, out)
    return count, target.read_bytes()


def test_parts_are_appended_by_the_kernel(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[int] = []
    real = os.copy_file_range

    def counted(src: int, dst: int, count: int, *args: object) -> int:
        calls.append(count)
        return real(src, dst, count)

    monkeypatch.setattr(dump_parts.os, "copy_file_range", counted)
    assert copied(tmp_path) == (len(DATA), b"before\n" + DATA)
    assert len(calls) == 2  # the whole part, then the end of it


@pytest.mark.parametrize("refusal", [errno.EXDEV, errno.ENOSYS, errno.EINVAL])
def test_a_refused_kernel_copy_goes_on_through_python_where_it_stopped(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, refusal: int
) -> None:
    real = os.copy_file_range
    calls: list[int] = []

    def once_then_refused(src: int, dst: int, count: int, *args: object) -> int:
        calls.append(count)
        if len(calls) == 1:
            return real(src, dst, 1 << 20)  # a first MiB, then no more
        raise OSError(refusal, os.strerror(refusal))

    monkeypatch.setattr(dump_parts.os, "copy_file_range", once_then_refused)
    assert copied(tmp_path) == (len(DATA), b"before\n" + DATA)


def test_a_file_opened_to_append_to_is_appended_to_through_python(tmp_path: Path) -> None:
    """The kernel copies into no file opened with O_APPEND (EBADF)."""
    assert copied(tmp_path, "ab") == (len(DATA), b"before\n" + DATA)


def test_a_full_disk_is_the_copys_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def full(*args: object) -> int:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(dump_parts.os, "copy_file_range", full)
    with pytest.raises(OSError) as raised:
        copied(tmp_path)
    assert raised.value.errno == errno.ENOSPC
