"""The person-graph stage reads the registry a page at a time: what the main process holds is
bounded by the page (or batch), not by the persons of the input (150 000 at 100k records).

Observed through SQLite's statement trace (how many page statements ran) and through the ids
drawn from the registry before each batch of persons is emitted; the outcome — slugs, the
renames reported, the persons written — is the same with pages smaller than the input.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from conftest import write_config
from constructed import snapshot_line
from paper_mentions import listed_paper
from scholarkg.config import load_config
from scholarkg.identity import slug_settling
from scholarkg.identity.registry import Registry
from scholarkg.identity.resolver import IdentityResolver
from scholarkg.runs import identity_step
from scholarkg.runs.arxiv_snapshot import load_snapshot

PAPERS = [  # founded out of IRI order, joined later: renames and a swap
    listed_paper("2101.00003", "Jane Doe", "V. N. White", "Q. Black"),
    listed_paper("2101.00002", "Jane Doe", "Q. Black"),
    listed_paper("2101.00001", "Jane Doe", "V. N. White"),
    listed_paper("2101.00004", "A. Green", "B. Brown", "C. Gray"),
    listed_paper("2101.00005", "D. Blue", "E. Red"),
]


def _decided(path: Path, order: tuple[int, ...]) -> Registry:
    reg = Registry(path)
    resolver = IdentityResolver(reg)
    for n in order:
        resolver.add(PAPERS[n])
    return reg


def _slugs(reg: Registry) -> list[tuple[int, str]]:
    return [(int(i), str(s)) for i, s in reg.db.execute("SELECT id, slug FROM persons ORDER BY id")]


@pytest.mark.parametrize("order", [(0, 1, 2, 3, 4), (3, 0, 4, 1, 2)])
def test_settling_slugs_reads_a_page_of_persons_at_a_time(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, order: tuple[int, ...]
) -> None:
    whole = _decided(tmp_path / "whole.sqlite", order)
    renamed = whole.settle_slugs(last=True)
    assert renamed  # there was something to rename
    monkeypatch.setattr(slug_settling, "PAGE", 2)
    paged = _decided(tmp_path / "paged.sqlite", order)
    statements: list[str] = []
    paged.db.set_trace_callback(statements.append)
    assert paged.settle_slugs(last=True) == renamed
    assert _slugs(paged) == _slugs(whole)
    pages = [s for s in statements if "MIN(m.node)" in s]
    persons = paged.db.execute(
        "SELECT COUNT(*) FROM persons WHERE merged_into IS NULL AND label IS NULL"
    ).fetchone()[0]
    assert persons >= 8
    assert len(pages) == persons // 2 + 1  # two persons a statement, and the empty page
    assert all(s.rstrip().endswith("LIMIT 2") for s in pages)


def test_dirty_ids_are_read_a_page_at_a_time(tmp_path: Path) -> None:
    reg = _decided(tmp_path / "identity.sqlite", (0, 1, 2, 3, 4))
    statements: list[str] = []
    reg.db.set_trace_callback(statements.append)
    ids = reg.dirty_ids(page=3)
    first = next(ids)
    assert len([s for s in statements if "dirty = 1" in s]) == 1  # only the first page yet
    rest = list(ids)
    assert [first, *rest] == reg.dirty() and len(rest) >= 7
    pages = [s for s in statements if "dirty = 1" in s and "LIMIT 3" in s]
    assert len(pages) == (len(rest) + 1) // 3 + 1


def test_the_person_graph_stage_draws_persons_batch_by_batch(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each batch of persons is emitted before the next is read: the ids drawn from the
    registry run at most a batch and a read ahead of the persons emitted."""
    from scholarkg.identity import person_reads

    monkeypatch.setattr(identity_step, "BATCH", 2)
    monkeypatch.setattr(person_reads, "BATCH", 2)
    drawn: list[int] = []
    dirty_ids = Registry.dirty_ids

    def counted(self: Registry, page: int = 2000) -> Iterator[int]:
        assert page == 2
        for pid in dirty_ids(self, page):
            drawn.append(pid)
            yield pid

    batches: list[tuple[int, int]] = []  # (ids drawn, persons in the batch)
    emit = identity_step.person_graphs

    def emitted(records, iri_base):  # type: ignore[no-untyped-def]
        batches.append((len(drawn), len(records)))
        return emit(records, iri_base)

    monkeypatch.setattr(Registry, "dirty_ids", counted)
    monkeypatch.setattr(identity_step, "person_graphs", emitted)
    store = tmp_path / "store"
    store.mkdir()
    config = load_config(write_config(store, []))
    authors = [["Ann Ash", "Bo Birch"], ["Cy Cedar", "Di Dogwood"], ["Ed Elm", "Flo Fir"]]
    lines = [
        snapshot_line("0704.0002", new_id=f"9003.0003{n}", authors=names)
        for n, names in enumerate(authors)
    ]
    snapshot = tmp_path / "snapshot.jsonl"
    snapshot.write_text("\n".join(lines) + "\n", encoding="utf-8")
    report = load_snapshot(config, snapshot, workers=0).report
    assert report.outcome == "ok" and report.persons_new == 6
    assert [size for _, size in batches] == [2, 2, 2]
    emitted_before = 0
    for drawn_then, size in batches:
        emitted_before += size
        assert drawn_then <= emitted_before + 2  # a read of two ahead at most
    assert sorted(drawn) == drawn and len(drawn) == 6
