"""A publication killed while it rewrites the dump parts, after it brought the manifest in line
with a store written around scholarkg: the next publication still gives the store's quads, and
the person graph dropped by hand is written again (its person was due again before the manifest
forgot the graph).

The kill is an exception no handler takes (``BaseException``) raised where a part is written:
what a killed process leaves on disk (the manifest committed, the parts rewritten so far), with
no clean-up of scholarkg's own but closing the files it was writing."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest

from conftest import write_config
from published import dumped, store_quads_but_void
from samples import SAMPLE_PROFILE, SECOND_PROFILE
from scholarkg import dump_parts
from scholarkg.cli import main
from scholarkg.config import load_config
from scholarkg.load.contents import bucket_of
from scholarkg.runs.build import build
from scholarkg.store.embedded import EmbeddedStore


class Killed(BaseException):
    """The process died here."""


@pytest.mark.parametrize("at", [0, 40])
def test_a_publication_killed_among_the_parts_leaves_none_stale(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, at: int
) -> None:
    config_path = write_config(tmp_path, [SAMPLE_PROFILE])
    config = load_config(config_path)
    build(config)
    with EmbeddedStore(config.store.path) as store:  # a graph dropped by hand
        person = max(g for g in store.iter_graph_names() if "/graph/person/" in g)
        store.native.remove_graph(ox.NamedNode(person))
    assert bucket_of(person) > at  # its part comes after the kill
    write_part = dump_parts.DumpParts._write_part

    def killed_at(parts: dump_parts.DumpParts, contents: object, bucket: int) -> int:
        if bucket == at:
            raise Killed
        return write_part(parts, contents, bucket)  # type: ignore[arg-type]

    monkeypatch.setattr(dump_parts.DumpParts, "_write_part", killed_at)
    with pytest.raises(Killed):  # the published dump, written as a publication
        main(["export", "--format", "nq", "--config", str(config_path)])
    monkeypatch.undo()
    assert build(config, [str(SECOND_PROFILE)]).report.outcome == "ok"
    # before: the dropped graph's 12 quads stayed in the dump, their part never rewritten (the
    # manifest had been brought in line, so no later publication saw the change)
    published = dumped(config.exports_dir / "scholarkg.nq")
    assert published == store_quads_but_void(config.store.path)
    # its person was due again before the manifest forgot the graph, so before the kill: the
    # next run wrote it again, in the store and the dump (before: lost for good)
    assert [q for q in published if q.endswith(f"<{person}>")]
