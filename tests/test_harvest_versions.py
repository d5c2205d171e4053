"""An OAI-PMH harvest in ``arXivRaw`` that lists a record again with an older latest version than
the listing read before (a server lying about the state, or a stale mirror: one datestamp, a day
long, for both) keeps the newer version: the later listing is stale, not loaded, not counted,
and noted, as a listing with an older datestamp is.

Page 1 is the real oai_dc ``set=cs`` answer (5 records); pages 2 and 3 are CONSTRUCTED: each one
arXivRaw record of 0704.0002 (facts from its real snapshot line, as tests/test_oai_pmh.py's
ARXIV_RAW), page 2 listing versions 1 to 3, page 3 versions 1 and 2, both datestamped
2024-01-26; page 3 ends the list.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from arxiv_replay import STITCHED_TOKEN, Fault, ReplayServer
from building import counted
from conftest import write_config
from scholarkg.config import Config, load_config
from scholarkg.query_results import run_select
from scholarkg.runs.arxiv_harvest import harvest
from scholarkg.store.embedded import EmbeddedStore

pytest_plugins = ("arxiv_fixtures",)

DATES = {
    1: "Sat, 31 Mar 2007 02:26:18 GMT",
    2: "Sat, 13 Dec 2008 17:26:00 GMT",
    3: "Mon, 22 Jan 2024 10:00:00 GMT",
}


def raw_record(latest: int, datestamp: str = "2024-01-26") -> str:
    versions = "".join(
        f'<version version="v{n}"><date>{DATES[n]}</date><size>20kb</size></version>'
        for n in range(1, latest + 1)
    )
    return f"""<record><header><identifier>oai:arXiv.org:0704.0002</identifier>
<datestamp>{datestamp}</datestamp><setSpec>cs</setSpec></header>
<metadata><arXivRaw xmlns="http://arxiv.org/OAI/arXivRaw/">
<id>0704.0002</id><submitter>Louis Theran</submitter>{versions}
<title>Sparsity-certifying Graph Decompositions (v{latest})</title>
<authors>Ileana Streinu and Louis Theran</authors><categories>math.CO cs.CG</categories>
<abstract>We describe a new algorithm.</abstract>
</arXivRaw></metadata></record>"""


def page(records: str, token: str) -> bytes:
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<OAI-PMH xmlns="http://www.openarchives.org/OAI/2.0/">
<responseDate>2024-01-27T10:00:00Z</responseDate>
<request verb="ListRecords">http://export.arxiv.org/oai2</request>
<ListRecords>{records}<resumptionToken>{token}</resumptionToken></ListRecords></OAI-PMH>
""".encode()


@pytest.fixture
def config(tmp_path: Path, arxiv_server: ReplayServer, monkeypatch: pytest.MonkeyPatch) -> Config:
    monkeypatch.setenv("SCHOLARKG_OAI_URL", arxiv_server.oai_url)
    return load_config(
        write_config(tmp_path, [], arxiv={"min_interval": 0.01}, http={"max_retries": 1})
    )


def held_versions(config: Config) -> tuple[list[int], list[str]]:
    """The version numbers and the title of 0704.0002's graph in the store."""
    graph = "<https://w3id.org/scholarkg/id/graph/arxiv/0704.0002>"
    with EmbeddedStore(config.store.path, read_only=True) as store:
        numbers = run_select(
            store,
            f"SELECT ?n WHERE {{ GRAPH {graph} {{ ?v <https://w3id.org/scholarkg/ontology#"
            "versionNumber> ?n } } ORDER BY ?n",
        ).rows
        titles = run_select(
            store,
            f"SELECT ?t WHERE {{ GRAPH {graph} {{ ?p a <https://w3id.org/scholarkg/ontology#"
            "Paper> ; <http://purl.org/dc/terms/title> ?t } }",
        ).rows
    return [int(str(n)) for (n,) in numbers], [str(t) for (t,) in titles]


def serve(server: ReplayServer, two: str, three: str) -> None:
    server.add_fault(
        Fault("status", body=page(two, "P3")), path="/oai", times=-1, resumptionToken=STITCHED_TOKEN
    )
    server.add_fault(
        Fault("status", body=page(three, "")), path="/oai", times=-1, resumptionToken="P3"
    )


@pytest.mark.parametrize(
    ("two", "three"),
    [
        (raw_record(3), raw_record(2)),  # on two pages
        ("", raw_record(3) + raw_record(2)),  # twice on one page
    ],
    ids=["two pages", "one page"],
)
def test_a_listing_with_an_older_latest_version_is_stale(
    config: Config, arxiv_server: ReplayServer, two: str, three: str
) -> None:
    """Before, the later listing replaced the graph: the store held v2, and v3 was lost."""
    serve(arxiv_server, two, three)
    report = harvest(config, "cs", "oai_dc", "2024-01-25").report
    assert counted(report) == (6, 6, 0, 0)
    assert held_versions(config) == ([1, 2, 3], ["Sparsity-certifying Graph Decompositions (v3)"])
    assert any("0704.0002 (v2 < v3" in note and "older" in note for note in report.notes)


def test_a_listing_with_a_newer_latest_version_replaces_the_state(
    config: Config, arxiv_server: ReplayServer
) -> None:
    serve(arxiv_server, raw_record(2), raw_record(3))
    report = harvest(config, "cs", "oai_dc", "2024-01-25").report
    assert counted(report) == (6, 6, 0, 0)
    assert held_versions(config) == ([1, 2, 3], ["Sparsity-certifying Graph Decompositions (v3)"])
