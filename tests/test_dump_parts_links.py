"""Symbolic links in and at the dump parts' folder (``data/exports/parts``) are never followed:
a part found a link is written again, one planted after the parts were checked is refused in
one line naming it. Real files and folders."""

from __future__ import annotations

import errno
import json
import os
from pathlib import Path

import pytest

from no_hang import no_hang
from scholarkg.dump_parts import DumpParts
from scholarkg.errors import ExportError
from scholarkg.held_folder import identity
from scholarkg.load.contents import BUCKETS

KEY = "the store's key"


def valid_parts(folder: Path) -> DumpParts:
    """A parts folder as a publication leaves it (one quad a part), read as valid."""
    folder.mkdir(parents=True)
    for bucket in range(BUCKETS):
        (folder / f"part-{bucket:02d}.nq").write_bytes(b"<s> <p> <o> <g> .\n")
    quads = {str(b): 1 for b in range(BUCKETS)}
    files = {str(b): identity((folder / f"part-{b:02d}.nq").stat()) for b in range(BUCKETS)}
    (folder / "parts.json").write_text(json.dumps({"key": KEY, "quads": quads, "files": files}))
    parts = DumpParts(folder, KEY)
    assert parts.valid
    return parts


def test_a_part_made_a_link_after_the_check_is_refused_never_read(tmp_path: Path) -> None:
    """A part made a link between the parts' check and the dump's assembly: the assembly
    stops on it, ELOOP naming the part, and the dump is not written (before: the file the
    link named was read into the dump)."""
    parts = valid_parts(tmp_path / "parts")
    secret = tmp_path / "private.txt"
    secret.write_bytes(b"a private line\n")
    planted = tmp_path / "parts" / "part-03.nq"
    planted.unlink()
    planted.symlink_to(secret)
    dump = tmp_path / "scholarkg.nq"

    with pytest.raises(OSError) as caught:
        parts.assemble(dump)

    assert (caught.value.errno, caught.value.filename) == (errno.ELOOP, str(planted))
    assert not dump.exists() and not dump.with_name("scholarkg.nq.sha256").exists()
    assert list(tmp_path.glob(".scholarkg.nq.*")) == []  # its temporary file removed


def test_a_part_found_a_link_leaves_the_parts_not_valid(tmp_path: Path) -> None:
    valid_parts(tmp_path / "parts")
    planted = tmp_path / "parts" / "part-63.nq"
    planted.unlink()
    planted.symlink_to(tmp_path / "parts" / "part-00.nq")  # even one to a part
    assert not DumpParts(tmp_path / "parts", KEY).valid  # every part written again


def racing_planter(
    monkeypatch: pytest.MonkeyPatch, folder: Path, outside: Path, times: int
) -> list[Path]:
    """Each of the first ``times`` removals of ``folder`` is followed at once by a link to
    ``outside`` put back there, as another process racing the publication would (the window
    between removing a link and making the folder, made deterministic); returns the removals."""
    real = Path.unlink
    removed: list[Path] = []

    def unlink(self: Path, missing_ok: bool = False) -> None:
        real(self, missing_ok)
        if self == folder:
            removed.append(self)
            if len(removed) <= times:
                self.symlink_to(outside, target_is_directory=True)

    monkeypatch.setattr(Path, "unlink", unlink)
    return removed


def test_a_link_put_back_while_the_parts_folder_is_made_is_never_taken(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``parts`` a link, and put back as a link right after the publication removes it: the
    link is removed again and a folder of its own made (before: ``mkdir(exist_ok=True)`` took
    the link put back for the folder, and the parts were written where it pointed)."""
    outside = tmp_path / "outside"
    outside.mkdir()
    folder = tmp_path / "exports" / "parts"
    folder.parent.mkdir()
    folder.symlink_to(outside, target_is_directory=True)
    removed = racing_planter(monkeypatch, folder, outside, times=1)

    parts = DumpParts(folder, KEY)
    parts.expect(None)
    parts._write_state()
    monkeypatch.undo()

    assert list(outside.iterdir()) == []  # before: parts.json written here
    assert folder.is_dir() and not folder.is_symlink()
    assert (folder / "parts.json").is_file()
    assert len(removed) == 2  # the link found, then the one put back


def test_a_link_put_back_every_time_is_refused_in_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    folder = tmp_path / "parts"
    folder.symlink_to(outside, target_is_directory=True)
    racing_planter(monkeypatch, folder, outside, times=10**6)

    with pytest.raises(ExportError) as caught:
        DumpParts(folder, KEY)
    monkeypatch.undo()

    message = str(caught.value)
    assert message.startswith(f"{folder}: not published: a symbolic link was put back there")
    assert "\n" not in message and list(outside.iterdir()) == []


def test_a_part_made_a_fifo_after_the_check_is_refused_without_waiting(tmp_path: Path) -> None:
    """A FIFO planted at a part after the parts' check: refused at once, EINVAL naming it, no
    dump written (before: its opening waited for a writer for ever, SIGTERM too)."""
    parts = valid_parts(tmp_path / "parts")
    planted = tmp_path / "parts" / "part-07.nq"
    planted.unlink()
    os.mkfifo(planted)
    dump = tmp_path / "scholarkg.nq"

    with no_hang(60, "the assembly"), pytest.raises(OSError) as caught:
        parts.assemble(dump)

    assert (caught.value.errno, caught.value.filename) == (errno.EINVAL, str(planted))
    assert "not a regular file" in str(caught.value)
    assert not dump.exists() and list(tmp_path.glob(".scholarkg.nq.*")) == []


@pytest.mark.parametrize("kind", ["fifo", "link to /dev/zero", "too large"])
def test_a_parts_state_that_is_no_small_regular_file_leaves_the_parts_not_valid(
    tmp_path: Path, kind: str
) -> None:
    """``parts.json`` a FIFO, a link (to /dev/zero) or oversized: not read (before: a FIFO hung
    every publication, /dev/zero was read until memory ran out), the parts written again."""
    valid_parts(tmp_path / "parts")
    state = tmp_path / "parts" / "parts.json"
    state.unlink()
    if kind == "fifo":
        os.mkfifo(state)
    elif kind == "too large":
        state.write_bytes(b" " * (2 << 20))
    else:
        state.symlink_to("/dev/zero")

    with no_hang(60, "reading the parts' state"):
        assert not DumpParts(tmp_path / "parts", KEY).valid
