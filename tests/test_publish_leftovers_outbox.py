"""An interrupted write into the outbox leaves a temporary file; settling the folder's graphs
removes it with the folder, and an outbox folder holding nothing else goes at the next run."""

from __future__ import annotations

import os
from pathlib import Path

from conftest import write_config
from scholarkg.config import load_config
from scholarkg.files import temp_file_beside
from scholarkg.load.outbox import Outbox
from scholarkg.load.payload import GraphPayload

GRAPH = "https://w3id.org/scholarkg/id/graph/arxiv/"


def payload(name: str) -> GraphPayload:
    data = f'<{GRAPH}{name}> <http://purl.org/dc/terms/title> "{name}" .\n'.encode()
    return GraphPayload(iri=GRAPH + name, kind="arxiv", data=data, digest=name, triples=1)


def interrupted_write(target: Path) -> Path:
    """What a write killed before its rename leaves: the temporary file beside ``target``."""
    fd, temp = temp_file_beside(target)
    os.write(fd, b"<half")
    os.close(fd)
    return temp


def test_settling_removes_temporaries_an_interrupted_write_left(tmp_path: Path) -> None:
    store = load_config(write_config(tmp_path, [])).store
    earlier = Outbox(tmp_path, "run-1", store=store)
    earlier.keep([payload("kept")])
    temps = [
        interrupted_write(earlier.folder() / "cut-0123456789abcdef.json"),
        interrupted_write(earlier.folder() / "cut-0123456789abcdef.nt"),
        interrupted_write(earlier.folder() / "store"),
    ]
    assert all(t.exists() for t in temps)
    later = Outbox(tmp_path, "run-2", store=store)
    waiting = later.pending()
    assert [p.iri for _, p in waiting] == [GRAPH + "kept"]
    for record, _ in waiting:
        later.settle(record)
    assert not earlier.folder().exists()


def test_a_folder_holding_only_temporaries_goes_at_the_next_run(tmp_path: Path) -> None:
    store = load_config(write_config(tmp_path, [])).store
    earlier = Outbox(tmp_path, "run-1", store=store)
    earlier.keep([payload("kept")])
    interrupted_write(earlier.folder() / "cut-0123456789abcdef.json")
    for record in earlier.folder().glob("*.json"):  # settled by an older version, which
        for path in (record, record.with_suffix(".nt")):  # left the folder for the temporary
            path.unlink()
    assert earlier.folder().exists()
    assert Outbox(tmp_path, "run-2", store=store).pending() == []
    assert not earlier.folder().exists()


def test_other_files_in_an_outbox_folder_stay(tmp_path: Path) -> None:
    store = load_config(write_config(tmp_path, [])).store
    earlier = Outbox(tmp_path, "run-1", store=store)
    earlier.keep([payload("kept")])
    note = earlier.folder() / "README.txt"  # not the outbox's
    note.write_text("mine\n", encoding="utf-8")
    interrupted_write(earlier.folder() / "cut-0123456789abcdef.json")
    later = Outbox(tmp_path, "run-2", store=store)
    for record, _ in later.pending():
        later.settle(record)
    assert note.exists()
