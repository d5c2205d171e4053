"""The OAI-PMH pages the harvest tests serve and what they read back, shared by
test_door_counts_harvest.py, test_harvest_deletions.py and the tests beside them. Page 1 is the
real oai_dc ``set=cs`` answer of the fixtures (:data:`CS`, 5 records). Page 2
(:func:`page_two`) is CONSTRUCTED from the real hep-ex ``ListRecords`` answer (3 records,
``arXiv`` format) served for page 1's resumption token; :func:`relisting` and
:func:`deleted` are CONSTRUCTED records to add to it. The fixtures :func:`replay` and
:func:`config` (a module uses them with ``from harvest_pages import config, replay`` and
``__all__ = ["config", "replay"]``) need tests/arxiv_fixtures.py loaded."""

from __future__ import annotations

import re
from pathlib import Path

import pyoxigraph as ox
import pytest

from arxiv_replay import OAI_DIR, STITCHED_TOKEN, Fault, ReplayServer
from conftest import write_config
from scholarkg.config import Config, load_config
from scholarkg.query_results import run_select
from scholarkg.resolution.index import TitleIndex
from scholarkg.runs.state_paths import title_index_path
from scholarkg.store.embedded import EmbeddedStore

CS = OAI_DIR / "atomiklabs_oai_dc_ListRecords_set-cs_from-2024-01-25_resumptionToken.xml"
HEP_EX = (OAI_DIR / "hepcrawl_arXiv_ListRecords_physics-hep-ex_2017-12-14.xml").read_bytes()
RELISTED = "2401.14034"  # on page 1 with datestamp 2024-01-26
PAPER = "https://w3id.org/scholarkg/ontology#Paper"


def page_one_record(arxiv_id: str) -> bytes:
    """The ``<record>`` of ``arxiv_id`` on page 1, as served."""
    found = re.search(
        rb"<record>(?:(?!</record>).)*?oai:arXiv.org:"
        + re.escape(arxiv_id.encode())
        + rb"<.*?</record>",
        CS.read_bytes(),
        flags=re.DOTALL,
    )
    assert found is not None
    return found.group(0)


def relisting(datestamp: str, title: str) -> bytes:
    """CONSTRUCTED: page 1's record 2401.14034 with another datestamp and title."""
    record = page_one_record(RELISTED)
    record = re.sub(rb"<datestamp>[^<]*<", f"<datestamp>{datestamp}<".encode(), record)
    return re.sub(rb"<dc:title>[^<]*<", f"<dc:title>{title}<".encode(), record)


def page_two(*extra: bytes, bad: bool = True) -> bytes:
    """CONSTRUCTED: the hep-ex page as the last page of the cs harvest; with ``bad``, 1706.05371
    has a date that is no date (quarantined) and 1706.09418 a category SHACL rejects."""
    body = HEP_EX
    if bad:
        body = body.replace(b"<created>2017-06-16</created>", b"<created>2017-06-31</created>")
        body = body.replace(
            b"<categories>hep-ph hep-ex</categories>", b"<categories>zz.XX!</categories>"
        )
        assert body.count(b"2017-06-31") == 1 and body.count(b"zz.XX!") == 1
    return body.replace(b"</ListRecords>", b"".join(extra) + b"<resumptionToken/>\n</ListRecords>")


@pytest.fixture
def replay(arxiv_server: ReplayServer, monkeypatch: pytest.MonkeyPatch) -> ReplayServer:
    """The replay server, the OAI-PMH address of the run (``SCHOLARKG_OAI_URL``)."""
    monkeypatch.setenv("SCHOLARKG_OAI_URL", arxiv_server.oai_url)
    return arxiv_server


def serve_page_two(replay: ReplayServer, body: bytes) -> None:
    """``body`` served for page 1's resumption token, as often as asked."""
    replay.add_fault(
        Fault("status", status=200, body=body),
        path="/oai",
        times=-1,
        resumptionToken=STITCHED_TOKEN,
    )


def serve_pages_two_and_three(replay: ReplayServer, two: bytes, three: bytes) -> None:
    """Page two (its last-page token turned into ``P3``), then ``three`` as the last page."""
    serve_page_two(
        replay, two.replace(b"<resumptionToken/>", b"<resumptionToken>P3</resumptionToken>")
    )
    replay.add_fault(
        Fault("status", status=200, body=three), path="/oai", times=-1, resumptionToken="P3"
    )


@pytest.fixture
def config(tmp_path: Path, replay: ReplayServer) -> Config:
    """A config of a store in ``tmp_path`` harvesting from ``replay`` (fast, one retry)."""
    return load_config(
        write_config(tmp_path, [], arxiv={"min_interval": 0.01}, http={"max_retries": 1})
    )


def papers(config: Config) -> dict[str, str]:
    """arXiv id -> title of every paper the store holds."""
    query = (
        "SELECT ?id ?title WHERE { GRAPH ?g { ?p a <" + PAPER + "> ; "
        "<https://w3id.org/scholarkg/ontology#arxivId> ?id ; "
        "<http://purl.org/dc/terms/title> ?title } }"
    )
    with EmbeddedStore(config.store.path, read_only=True) as store:
        return {str(i): str(title) for i, title in run_select(store, query).rows}


SNAPSHOT = Path(__file__).parent / "fixtures" / "arxiv" / "kaggle" / "snapshot_sample_100.jsonl"
GONE = "0704.0002"  # in the snapshot sample: Ileana Streinu and Louis Theran
BASE = "https://w3id.org/scholarkg/id/"
SKG = "https://w3id.org/scholarkg/ontology#"


def deleted(arxiv_id: str, datestamp: str) -> bytes:
    """CONSTRUCTED: the header OAI-PMH lists for a deleted item."""
    return (
        f'<record><header status="deleted"><identifier>oai:arXiv.org:{arxiv_id}</identifier>'
        f"<datestamp>{datestamp}</datestamp><setSpec>cs</setSpec></header></record>"
    ).encode()


def authors_of(config: Config, arxiv_id: str) -> set[str]:
    """Persons any graph names as authors of the paper's authorships."""
    prefix = f"{BASE}paper/arxiv/{arxiv_id}/authorship/"
    query = (
        f"SELECT DISTINCT ?who WHERE {{ GRAPH ?g {{ ?a <{SKG}author> ?who }} "
        f'FILTER(STRSTARTS(STR(?a), "{prefix}")) }}'
    )
    with EmbeddedStore(config.store.path, read_only=True) as store:
        rows = store.query(query)
        assert isinstance(rows, ox.QuerySolutions)
        return {row[0].value for row in rows}


def indexed(config: Config, arxiv_id: str) -> bool:
    """Whether profile resolution could still find the record by its title."""
    index = TitleIndex(title_index_path(config))
    try:
        return bool(index.get([arxiv_id]))
    finally:
        index.close()


def dump_text(config: Config) -> str:
    """The N-Quads dump's text."""
    return (config.exports_dir / "scholarkg.nq").read_text(encoding="utf-8")


SAID = b'completeListSize="1162"'


def page_one_saying(server: ReplayServer, size: int) -> None:
    """CONSTRUCTED: page 1 with its ``completeListSize`` rewritten to ``size``."""
    body = CS.read_bytes()
    assert body.count(SAID) == 1
    body = body.replace(SAID, f'completeListSize="{size}"'.encode())
    server.add_fault(Fault("status", body=body), path="/oai", metadataPrefix="oai_dc")


def froms(server: ReplayServer) -> list[str | None]:
    """The ``from`` of each harvest (the first request of each list)."""
    return [r.param("from") for r in server.requests_to("/oai") if not r.param("resumptionToken")]
