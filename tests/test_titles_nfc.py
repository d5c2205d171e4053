"""A title written in NFD (``Schro\\u0308dinger``) is NFC in the graph, whichever door it came
through: a snapshot line, an API answer and a profile page give the literal an NFC source gives.
Inputs are CONSTRUCTED (tests/constructed.py): real snapshot lines and a recorded Atom entry
with new ids and titles, a profile page in the sample page's layout."""

from __future__ import annotations

import datetime as dt
import json
import unicodedata
from pathlib import Path

from rdflib.namespace import DCTERMS

from arxiv_replay import ReplayServer
from building import rows
from conftest import write_config
from constructed import listing, profile_page, snapshot_line, variant_entry
from scholarkg.config import Config, load_config
from scholarkg.iris import Minter
from scholarkg.models import ArxivAuthor, ArxivRecord, ArxivVersion
from scholarkg.runs.arxiv_fetch import fetch_ids
from scholarkg.runs.arxiv_snapshot import load_snapshot
from scholarkg.runs.build import build
from scholarkg.transform.arxiv import arxiv_graph

pytest_plugins = ("arxiv_fixtures",)

P = "PREFIX skg: <https://w3id.org/scholarkg/ontology#> PREFIX dct: <http://purl.org/dc/terms/> "
LISTED = "Schrödinger Operators on Constructed Graphs"
SNAPSHOT = "Émile Borel on Constructed Measures"
API = "Gödel Numbers in Constructed Proofs"


def nfd(text: str) -> str:
    decomposed = unicodedata.normalize("NFD", text)
    assert decomposed != text
    return decomposed


def titles(config: Config) -> list[tuple[str, str]]:
    """(property, title) of every paper, paper version and resolution, sorted."""
    found = rows(
        config,
        P + "SELECT ?p ?t WHERE { { ?s a skg:Paper } UNION { ?x skg:hasVersion ?s }"
        " UNION { ?s skg:titleAsListed ?any }"
        " ?s ?p ?t FILTER(?p IN (dct:title, skg:titleAsListed)) }",
    )
    return sorted((r["p"].rsplit("/", 1)[-1].rsplit("#", 1)[-1], r["t"]) for r in found)


def test_titles_written_in_nfd_are_nfc_through_every_door(
    tmp_path: Path, replay: ReplayServer
) -> None:
    new_id, entry = variant_entry("2202.12139", "9004.00011", title=nfd(API))
    replay.extra[new_id] = entry
    page = tmp_path / "profile.txt"
    page.write_bytes(profile_page("Helge Spieker", [listing("2202.12139", title=nfd(LISTED))]))
    line = json.loads(snapshot_line("0704.0002", new_id="9004.00012"))
    line["title"] = nfd(SNAPSHOT)
    snapshot = tmp_path / "snapshot.jsonl"
    snapshot.write_text(json.dumps(line, ensure_ascii=False) + "\n", encoding="utf-8")
    arxiv = {"api_url": replay.api_url, "min_interval": 0.01}
    config = load_config(write_config(tmp_path, [page], arxiv=arxiv))
    assert build(config).report.paper_states == {"unresolved": 1}
    assert load_snapshot(config, snapshot, workers=0).report.outcome == "ok"
    assert fetch_ids(config, [new_id]).report.outcome == "ok"
    assert titles(config) == [
        ("title", API),
        ("title", LISTED),
        ("title", SNAPSHOT),
        ("titleAsListed", LISTED),
    ]


def test_a_version_title_in_nfd_is_nfc() -> None:
    """arXivRaw names each version's title: NFC too, as the record's."""
    written = nfd(API)
    record = ArxivRecord(
        arxiv_id="9004.00013",
        title=written,
        abstract="",
        authors=(ArxivAuthor("Quinn Tester"),),
        categories=("cs.SE",),
        published=dt.date(2023, 1, 2),
        versions=(ArxivVersion(1, dt.datetime(2023, 1, 2, tzinfo=dt.UTC), written),),
    )
    graph = arxiv_graph(record, Minter()).graph
    found = sorted(str(o) for o in graph.objects(None, DCTERMS.title))
    assert found == [API, API]
