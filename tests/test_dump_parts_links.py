"""Symbolic links in and at the dump parts' folder (``data/exports/parts``) are never followed:
a part found a link is written again, one planted after the parts were checked is refused in
one line naming it. Real files and folders."""

from __future__ import annotations

import errno
import json
from pathlib import Path

import pytest

from scholarkg.dump_parts import DumpParts
from scholarkg.load.contents import BUCKETS

KEY = "the store's key"


def valid_parts(folder: Path) -> DumpParts:
    """A parts folder as a publication leaves it (one quad a part), read as valid."""
    folder.mkdir(parents=True)
    for bucket in range(BUCKETS):
        (folder / f"part-{bucket:02d}.nq").write_bytes(b"<s> <p> <o> <g> .\n")
    quads = {str(b): 1 for b in range(BUCKETS)}
    (folder / "parts.json").write_text(json.dumps({"key": KEY, "quads": quads}))
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
