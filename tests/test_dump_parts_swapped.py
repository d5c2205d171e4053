"""The dump parts' folder (``data/exports/parts``) swapped for a symbolic link while a
publication writes it, by anyone who can write ``data/exports``: every part, ``parts.json``
and the assembly's reads stay in the folder the publication opened; nothing is written, read
or removed where the link points. Real files, a real manifest's contents; the swap is made
between two part writes through the stop check each part write makes first."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

import pyoxigraph as ox
import pytest

from conftest import write_config
from samples import SAMPLE_PROFILE
from scholarkg import dump_parts
from scholarkg.config import load_config
from scholarkg.dump_parts import DumpParts
from scholarkg.dump_retiring import retire
from scholarkg.load.contents import BUCKETS, Contents, GraphStats, nquads

KEY = "the store's key"
PLANTED = b"the user's own file\n"


def contents_of(graphs: int) -> Contents:
    """A manifest's contents holding ``graphs`` one-triple graphs."""
    contents = Contents(sqlite3.connect(":memory:"))
    for n in range(graphs):
        iri = f"https://example.org/graph/{n}"
        triple = f'<https://example.org/s{n}> <https://example.org/p> "{n}" .\n'
        data = nquads(iri, triple.encode())
        stats = GraphStats.of_quads(ox.parse(data, format=ox.RdfFormat.N_QUADS))
        contents.put(iri, data, stats)
    return contents


def planted(outside: Path) -> dict[Path, bytes]:
    """``outside`` holding files named as the parts and their state are (the user's)."""
    outside.mkdir()
    names = [f"part-{b:02d}.nq" for b in range(BUCKETS)] + ["parts.json"]
    for name in names:
        (outside / name).write_bytes(PLANTED)
    return {outside / name: PLANTED for name in names}


def swapped_at(monkeypatch: pytest.MonkeyPatch, folder: Path, outside: Path, call: int) -> Path:
    """At the ``call``-th stop check of the dump parts (one before each part's write and each
    part's read), ``folder`` moved aside and a link to ``outside`` put in its place; returns
    where the folder went."""
    moved = folder.with_name("parts.moved")
    calls: list[int] = []

    def check_stop() -> None:
        calls.append(1)
        if len(calls) == call:
            folder.rename(moved)
            folder.symlink_to(outside, target_is_directory=True)

    monkeypatch.setattr(dump_parts, "check_stop", check_stop)
    return moved


def test_parts_folder_swapped_between_two_part_writes_writes_nothing_through_the_link(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Swapped after the first part is written: the other parts and ``parts.json`` land in
    the folder that was opened, and the dump is assembled from them (before: 63 parts and
    ``parts.json`` were written over the files of those names where the link pointed)."""
    outside = tmp_path / "outside"
    theirs = planted(outside)
    folder = tmp_path / "exports" / "parts"
    contents = contents_of(200)
    parts = DumpParts(folder, KEY)
    moved = swapped_at(monkeypatch, folder, outside, call=2)

    assert parts.refresh(contents) == BUCKETS
    done = parts.assemble(tmp_path / "exports" / "scholarkg.nq")

    assert {p: p.read_bytes() for p in outside.iterdir()} == theirs
    expected = b"".join(data for b in range(BUCKETS) for data, _ in contents.bucket(b))
    assert done.path.read_bytes() == expected and done.quads == 200
    assert sorted(p.name for p in moved.iterdir()) == sorted(p.name for p in theirs)
    assert (moved / "part-00.nq").read_bytes() == b"".join(d for d, _ in contents.bucket(0))


def test_parts_folder_swapped_before_the_assembly_reads_only_the_opened_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Swapped after the parts are written, before the assembly reads them: the dump is the
    parts' (before: the files where the link pointed were read into it)."""
    outside = tmp_path / "outside"
    theirs = planted(outside)
    folder = tmp_path / "exports" / "parts"
    contents = contents_of(80)
    parts = DumpParts(folder, KEY)
    swapped_at(monkeypatch, folder, outside, call=BUCKETS + 1)  # the assembly's first check

    parts.refresh(contents)
    done = parts.assemble(tmp_path / "exports" / "scholarkg.nq")

    expected = b"".join(data for b in range(BUCKETS) for data, _ in contents.bucket(b))
    assert done.path.read_bytes() == expected and PLANTED not in done.path.read_bytes()
    assert {p: p.read_bytes() for p in outside.iterdir()} == theirs


def test_parts_folder_swapped_while_retired_removes_nothing_through_the_link(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The N-Quads dump no longer configured, its parts removed: a link swapped in once the
    folder was looked at leaves the files it points to alone (before: the files named as parts
    where it pointed were removed)."""
    config = load_config(write_config(tmp_path, [SAMPLE_PROFILE]))
    folder = config.exports_dir / "parts"
    folder.mkdir(parents=True)
    for name in ("part-00.nq", "parts.json"):
        (folder / name).write_bytes(b"a part\n")
    outside = tmp_path / "outside"
    theirs = planted(outside)
    listed: list[object] = []
    real = os.listdir

    def listdir(path: object = ".") -> list[str]:
        if not listed:  # the folder was checked: swapped before it is listed
            folder.rename(folder.with_name("parts.moved"))
            folder.symlink_to(outside, target_is_directory=True)
        listed.append(path)
        return real(path)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "listdir", listdir)
    retire(config, ["scholarkg.nq"])
    monkeypatch.undo()

    assert {p: p.read_bytes() for p in outside.iterdir()} == theirs
    assert listed  # the folder was listed
    assert list(folder.with_name("parts.moved").iterdir()) == []


@pytest.mark.parametrize("how", ["replaced", "appended to"])
def test_a_foreign_file_at_a_parts_place_is_written_again_never_published(
    tmp_path: Path, how: str
) -> None:
    """A file someone else put at a part's place (a copy, an export ``--output`` there, lines
    added to it) between two publications: the next one writes that part again from the
    manifest, though its graphs did not change (before: the parts were taken as valid, and the
    file was published in the dump in place of the part's graphs)."""
    folder = tmp_path / "exports" / "parts"
    contents = contents_of(200)
    first = DumpParts(folder, KEY)
    first.refresh(contents)
    first.close()
    part = folder / "part-05.nq"
    if how == "replaced":
        part.unlink()
        part.write_bytes(PLANTED)
    else:
        with part.open("ab") as out:  # the same file, more in it
            out.write(PLANTED)

    parts = DumpParts(folder, KEY)
    assert not parts.valid
    parts.refresh(contents, buckets=[])  # nothing changed: only what is not valid is written
    done = parts.assemble(tmp_path / "exports" / "scholarkg.nq")

    expected = b"".join(data for b in range(BUCKETS) for data, _ in contents.bucket(b))
    assert done.path.read_bytes() == expected


def test_a_part_changed_after_it_was_written_is_refused_in_the_assembly(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A part replaced by someone else after the publication wrote it, before the dump is
    assembled: one line naming it, no dump (before: the file was assembled into the dump)."""
    folder = tmp_path / "exports" / "parts"
    contents = contents_of(80)
    parts = DumpParts(folder, KEY)
    parts.refresh(contents)
    part = folder / "part-09.nq"
    part.unlink()
    part.write_bytes(PLANTED)
    dump = tmp_path / "exports" / "scholarkg.nq"

    with pytest.raises(OSError) as caught:
        parts.assemble(dump)

    assert caught.value.filename == str(part) and "\n" not in str(caught.value)
    assert "changed since" in str(caught.value)
    assert not dump.exists()
    assert not DumpParts(folder, KEY).valid  # the next publication writes every part again
