"""A record OAI-PMH lists as deleted (``<header status="deleted">``, OAI-PMH 2.0 2.5.1: the
item is gone, no metadata) leaves the store: its graph is removed, its authorships are withdrawn
from their persons (a person left with none loses its graph), the dump no longer holds it, and
the report counts it (``read = loaded + rejected + quarantined + deleted``). A deletion is a
state of the record like any listing: the newest state a harvest lists wins, and a deletion
older than the state read before is stale. Before, deleted headers were ignored: the paper
stayed in the store, its authors kept it, and the report did not mention it.

The pages are those of ``test_door_counts_harvest`` (page 1 real, page 2 CONSTRUCTED from a real
answer); the deleted headers are CONSTRUCTED, in the form the OAI-PMH specification gives
(its example names an arXiv identifier). The store is first loaded from the real snapshot
sample, whose record 0704.0002 a harvest then deletes.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pyoxigraph as ox
import pytest

from arxiv_replay import ReplayServer
from building import counted
from constructed import Listed, snapshot_line, snapshot_lines
from harvest_pages import (
    BASE,
    GONE,
    RELISTED,
    SKG,
    SNAPSHOT,
    authors_of,
    config,
    deleted,
    dump_text,
    indexed,
    page_two,
    papers,
    replay,
    serve_page_two,
)
from profile_config import page_config
from scholarkg.config import Config
from scholarkg.runs.arxiv_harvest import harvest
from scholarkg.runs.arxiv_snapshot import load_snapshot
from scholarkg.runs.build import build
from scholarkg.store.embedded import EmbeddedStore

pytest_plugins = ("arxiv_fixtures",)
__all__ = ["config", "replay"]  # fixtures


def test_a_deleted_record_leaves_the_store_its_persons_and_the_dump(
    config: Config, replay: ReplayServer
) -> None:
    load_snapshot(config, SNAPSHOT, workers=0)
    assert GONE in papers(config) and authors_of(config, GONE) and indexed(config, GONE)
    assert f"{BASE}paper/arxiv/{GONE}>" in dump_text(config)
    serve_page_two(replay, page_two(deleted(GONE, "2024-01-27")))
    report = harvest(config, "cs", "oai_dc", "2024-01-25").report
    read, loaded, rejected, quarantined = counted(report)
    assert (read, loaded, rejected, quarantined, report.records_deleted) == (9, 6, 1, 1, 1)
    assert "records: 9 read, 6 loaded, 1 rejected by SHACL, 1 quarantined, 1 deleted" in (
        report.summary_lines()
    )
    assert GONE not in papers(config)
    assert authors_of(config, GONE) == set()
    assert report.graphs_removed >= 1  # its graph (and the persons left with no authorship)
    assert any(e.startswith("withdrawn") for e in report.identity_events), report.identity_events
    assert f"{BASE}paper/arxiv/{GONE}>" not in dump_text(config)
    assert not indexed(config, GONE)
    counts = f"<{SKG}recordsDeleted> ?d ; <{SKG}graphsRemoved> ?r"
    recorded = f"SELECT ?d ?r WHERE {{ <{report.run_iri}> {counts} }}"  # its prov:Activity
    with EmbeddedStore(config.store.path, read_only=True) as store:
        rows = store.query(recorded)
        assert isinstance(rows, ox.QuerySolutions)
        assert [(int(d.value), int(r.value)) for d, r in rows] == [(1, report.graphs_removed)]


@pytest.mark.parametrize(
    ("datestamp", "counts", "held"),
    [
        ("2024-01-27", (8, 5, 1, 1, 1), False),  # newer than page 1's: counted once, deleted
        ("2024-01-20", (8, 6, 1, 1, 0), True),  # older than the state read before: stale
    ],
)
def test_a_deletion_of_a_record_listed_earlier_in_the_harvest_is_read_by_its_datestamp(
    config: Config,
    replay: ReplayServer,
    datestamp: str,
    counts: tuple[int, ...],
    held: bool,
) -> None:
    serve_page_two(replay, page_two(deleted(RELISTED, datestamp)))  # page 1: 2024-01-26
    report = harvest(config, "cs", "oai_dc", "2024-01-25").report
    assert (*counted(report), report.records_deleted) == counts
    assert (RELISTED in papers(config)) is held
    assert bool(authors_of(config, RELISTED)) is held
    stale = [n for n in report.notes if "older datestamp" in n and RELISTED in n]
    assert bool(stale) is held


def test_a_deletion_of_a_record_the_store_never_held_is_counted_and_removes_nothing(
    config: Config, replay: ReplayServer
) -> None:
    serve_page_two(replay, page_two(deleted("2401.99999", "2024-01-27")))
    report = harvest(config, "cs", "oai_dc", "2024-01-25").report
    assert (*counted(report), report.records_deleted) == (9, 6, 1, 1, 1)
    assert report.graphs_removed == 0


def test_of_a_record_and_its_deletion_on_one_page_with_one_datestamp_the_later_is_read(
    config: Config, replay: ReplayServer
) -> None:
    """CONSTRUCTED: page 2 lists 1706.05371's deletion and then the record again (reinstated),
    both with the datestamp page 2 gives the record."""
    body = page_two(bad=False)
    record = re.search(rb"<record>(?:(?!</record>).)*?1706\.05371.*?</record>", body, re.DOTALL)
    assert record is not None
    stamp = re.search(rb"<datestamp>([^<]*)<", record.group(0))
    assert stamp is not None
    gone = deleted("1706.05371", stamp.group(1).decode())
    serve_page_two(replay, body.replace(record.group(0), gone + record.group(0)))
    report = harvest(config, "cs", "oai_dc", "2024-01-25").report
    assert report.records_deleted == 0 and "1706.05371" in papers(config)


def stating(config: Config, arxiv_id: str) -> set[str]:
    """Graphs with a triple about (or pointing at) the arXiv paper."""
    paper = f"<{BASE}paper/arxiv/{arxiv_id}>"
    about = f"{{ {paper} ?p ?o }} UNION {{ ?s ?p {paper} }}"
    query = f"SELECT DISTINCT ?g WHERE {{ GRAPH ?g {{ {about} }} }}"
    with EmbeddedStore(config.store.path, read_only=True) as store:
        rows = store.query(query)
        assert isinstance(rows, ox.QuerySolutions)
        return {row[0].value for row in rows}


def test_a_profile_listing_a_deleted_paper_is_built_again_without_it(
    tmp_path: Path, replay: ReplayServer
) -> None:
    """CONSTRUCTED profile page listing two real snapshot records (title, date, first
    authors), resolved offline from the store's title index; then a harvest deletes one."""
    ids = [GONE, "0704.0007"]
    snapshot = tmp_path / "snapshot.jsonl"
    snapshot.write_text("\n".join(snapshot_line(i) for i in ids) + "\n", encoding="utf-8")
    listed = []
    for arxiv_id in ids:
        data = snapshot_lines()[arxiv_id]
        names = [f"{first} {last}".strip() for last, first, _ in data["authors_parsed"]]  # type: ignore[misc,attr-defined]
        created = dt.datetime.strptime(
            str(data["versions"][0]["created"]),  # type: ignore[index]
            "%a, %d %b %Y %H:%M:%S %Z",
        )
        title = " ".join(str(data["title"]).split())
        listed.append(Listed(title, created.date(), tuple(names[:3]), truncated=len(names) > 3))
    config = page_config(tmp_path, "http://127.0.0.1:9/api/query", listed)
    load_snapshot(config, snapshot, workers=0)
    assert build(config).report.resolved_from == {"store": 2}
    profile_graphs = {g for g in stating(config, GONE) if "/graph/profile/" in g}
    assert profile_graphs
    serve_page_two(replay, page_two(deleted(GONE, "2024-01-27")))
    report = harvest(config, "cs", "oai_dc", "2024-01-25").report
    assert any("profiles list a paper their source deleted" in w for w in report.warnings)
    assert stating(config, GONE) == profile_graphs  # until the profile is built again
    build(config)
    assert stating(config, GONE) == set()  # no person's evidence names it either
    assert "0704.0007" in papers(config)
