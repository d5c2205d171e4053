"""The versions of 0704.0002 as the version tests serve, load and read them back, shared by
test_harvest_versions.py, test_version_rollback.py and the tests beside them: arXivRaw
listings CONSTRUCTED from its real snapshot line (as tests/arxiv_raw_record.py's ARXIV_RAW) with
versions 1 to n (:func:`raw_record`, :func:`page`, :func:`serve`), the real line with its later
versions taken out (:func:`snapshot`), the recorded API answer of 2104.12255v1 made 0704.0002v1
(:func:`answer_v1`) and the versions the store holds (:func:`held_versions`). The ``config``
fixture (a module uses it with ``from arxiv_versions import config`` and
``__all__ = ["config"]``) needs tests/arxiv_fixtures.py loaded."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from arxiv_replay import ATOM_DIR, STITCHED_TOKEN, Fault, ReplayServer
from conftest import write_config
from constructed import snapshot_lines
from scholarkg.config import Config, load_config
from scholarkg.query_results import run_select
from scholarkg.store.embedded import EmbeddedStore

PAPER = "0704.0002"

DATES = {
    1: "Sat, 31 Mar 2007 02:26:18 GMT",
    2: "Sat, 13 Dec 2008 17:26:00 GMT",
    3: "Mon, 22 Jan 2024 10:00:00 GMT",
}


def raw_record(latest: int, datestamp: str = "2024-01-26") -> str:
    """CONSTRUCTED: an arXivRaw record of 0704.0002 listing versions 1 to ``latest``."""
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
    """A ``ListRecords`` answer of ``records`` ending in the resumption token ``token``."""
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<OAI-PMH xmlns="http://www.openarchives.org/OAI/2.0/">
<responseDate>2024-01-27T10:00:00Z</responseDate>
<request verb="ListRecords">http://export.arxiv.org/oai2</request>
<ListRecords>{records}<resumptionToken>{token}</resumptionToken></ListRecords></OAI-PMH>
""".encode()


def serve(server: ReplayServer, two: str, three: str) -> None:
    """Records ``two`` as page 2 (page 1's resumption token), ``three`` as page 3, the last."""
    server.add_fault(
        Fault("status", body=page(two, "P3")), path="/oai", times=-1, resumptionToken=STITCHED_TOKEN
    )
    server.add_fault(
        Fault("status", body=page(three, "")), path="/oai", times=-1, resumptionToken="P3"
    )


@pytest.fixture
def config(tmp_path: Path, arxiv_server: ReplayServer, monkeypatch: pytest.MonkeyPatch) -> Config:
    """A config of a store in ``tmp_path`` whose arXiv URLs (OAI-PMH, API) are the replay
    server's."""
    monkeypatch.setenv("SCHOLARKG_OAI_URL", arxiv_server.oai_url)
    monkeypatch.setenv("SCHOLARKG_ARXIV_API_URL", arxiv_server.api_url)
    return load_config(
        write_config(tmp_path, [], arxiv={"min_interval": 0.01}, http={"max_retries": 1})
    )


def held_versions(config: Config, arxiv_id: str = PAPER) -> tuple[list[int], list[str]]:
    """The version numbers and the title of the record's graph in the store."""
    graph = f"<https://w3id.org/scholarkg/id/graph/arxiv/{arxiv_id}>"
    ontology = "https://w3id.org/scholarkg/ontology#"
    with EmbeddedStore(config.store.path, read_only=True) as store:
        numbers = run_select(
            store,
            f"SELECT ?n WHERE {{ GRAPH {graph} {{ ?v <{ontology}versionNumber> ?n }} }} "
            "ORDER BY ?n",
        ).rows
        titles = run_select(
            store,
            f"SELECT ?t WHERE {{ GRAPH {graph} {{ ?p a <{ontology}Paper> ; "
            "<http://purl.org/dc/terms/title> ?t } }",
        ).rows
    return [int(str(n)) for (n,) in numbers], [str(t) for (t,) in titles]


def snapshot(tmp_path: Path, latest: int) -> Path:
    """The real line of 0704.0002 with its versions up to ``latest`` (it has v1 and v2)."""
    line = dict(snapshot_lines()[PAPER])
    line["versions"] = list(line["versions"])[:latest]  # type: ignore[call-overload]
    path = tmp_path / f"snapshot-v{latest}.jsonl"
    path.write_text(json.dumps(line) + "\n", encoding="utf-8")
    return path


def answer_v1() -> bytes:
    """The recorded API answer for 2104.12255v1, its id made 0704.0002v1."""
    [path] = ATOM_DIR.glob("id_2104.12255v1_s0_m100_*.xml")
    return path.read_bytes().replace(b"2104.12255", PAPER.encode())
