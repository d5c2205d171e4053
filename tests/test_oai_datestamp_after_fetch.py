"""An OAI-PMH header whose datestamp is after the answer was fetched is quarantined,
``datestamp <date> is after the answer was fetched (<time>)``, a deleted header's too: the rule
and moment of the record dates' (:func:`~scholarkg.extract.record_fields.refuse_dated_after`,
the archive's first retrieval). Before, the datestamp was never judged: a deletion dated 2999
removed the record and left a tombstone dated 2999 that withheld every later listing of it, and
a state dated 2999 made each real later one stale.

Each answer is CONSTRUCTED from a recorded one (tests/fixtures/arxiv, see its PROVENANCE.md),
its datestamp changed as stated, and served by the replay server to the real clients.
"""

from __future__ import annotations

from arxiv_replay import Fault, ReplayServer
from harvest_pages import (
    GONE,
    HEP_EX,
    SNAPSHOT,
    config,
    deleted,
    page_two,
    papers,
    replay,
    serve_page_two,
)
from scholarkg.config import Config
from scholarkg.extract.http import HttpClient
from scholarkg.extract.oai_pmh import OaiPmhClient
from scholarkg.harvest import WATERMARKS_NAME
from scholarkg.load.manifest import store_state_dir
from scholarkg.runs.arxiv_harvest import harvest
from scholarkg.runs.arxiv_snapshot import load_snapshot
from scholarkg.runs.deletions import Deletions
from scholarkg.runs.state_paths import deletions_path

pytest_plugins = ("arxiv_fixtures",)
__all__ = ["config", "replay"]  # fixtures

STAMPED = b"<identifier>oai:arXiv.org:1706.09418</identifier>\n <datestamp>2017-12-14</datestamp>"


def test_a_header_datestamp_after_the_fetch_is_quarantined_naming_it(
    arxiv_server: ReplayServer, arxiv_http: HttpClient
) -> None:
    body = HEP_EX.replace(STAMPED, STAMPED.replace(b"2017-12-14", b"2999-12-14"))
    assert body != HEP_EX
    arxiv_server.add_fault(Fault("status", body=body), path="/oai")
    page = OaiPmhClient(arxiv_http, base_url=arxiv_server.oai_url).fetch_page(
        set_spec="physics:hep-ex"
    )
    assert [r.record and r.record.arxiv_id for r in page.records] == ["1706.05371", "1707.00874"]
    (held,) = page.quarantined  # before: listed, its state begun in 2999
    assert page.archived is not None
    fetched = page.archived.first_retrieved_at.isoformat()
    assert held.reason == f"datestamp 2999-12-14 is after the answer was fetched ({fetched})"
    assert held.source == page.source and held.line > 0 and "1706.09418" in held.text


def test_a_deletion_dated_after_the_fetch_deletes_nothing_and_leaves_no_tombstone(
    config: Config, replay: ReplayServer
) -> None:
    """Before: the record was deleted, its tombstone dated 2999 (so every later listing of it
    was withheld), and nothing said the date was wrong."""
    load_snapshot(config, SNAPSHOT, workers=0)
    assert GONE in papers(config)
    serve_page_two(replay, page_two(deleted(GONE, "2999-01-27")))
    report = harvest(config, "cs", "oai_dc", "2024-01-25").report
    assert report.records_deleted == 0 and GONE in papers(config)
    said = [q for q in report.quarantined if "datestamp 2999-01-27 is after the answer" in q]
    assert len(said) == 1, report.quarantined
    assert "2999" not in (store_state_dir(config) / WATERMARKS_NAME).read_text(encoding="utf-8")
    gone = deletions_path(config)
    if gone.exists():  # no deletion was ever remembered: no file
        tombstones = Deletions(gone)
        try:
            assert tombstones.of([GONE]) == {}
        finally:
            tombstones.close()
