"""One record whose text fields hold every kind of white space gives the same graphs through
every arXiv door: the API, OAI-PMH (``arXiv`` and ``arXivRaw``) and the snapshot.

arXiv writes one text three ways: the snapshot keeps the line breaks the submitter typed, the
Atom and OAI-PMH answers wrap and indent. Every door folds a run of white space (tab, line
feed, carriage return, CR LF, U+2028, U+2029, NEXT LINE, no-break and the other Unicode
spaces) to one space and trims the ends, in every text field, the abstract too (no paragraph
breaks are kept); zero-width characters (U+200B-U+200D, U+2060, U+FEFF) are no white space and
stay as read (the graph's title and names are written without them, as every door's:
:mod:`scholarkg.identity.invisible`). A DOI field is split into DOIs at any such run.

CONSTRUCTED from record 0704.0002 as the derived fixtures carry it (tests/fixtures/arxiv/derived
and the snapshot sample's line 1; arXivRaw in tests/arxiv_raw_record.py's synthetic wrapper): its
title, abstract, comments and author names with white space and zero-width characters put in,
and a journal reference, a second DOI and an affiliation added. The API and OAI-PMH answers are
served by the loopback replay server, the snapshot line read from a file.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from arxiv_replay import Fault, ReplayServer
from conftest import write_config
from door_bodies import ATOM, LINE, OAI, RAW, door_graphs, element, list_records, xml_text
from scholarkg.config import load_config
from scholarkg.extract.atom import parse_feed
from scholarkg.extract.oai_pages import parse_oai_response
from scholarkg.extract.snapshot import SnapshotReader
from scholarkg.models import ArxivRecord
from scholarkg.runs.arxiv_fetch import fetch_ids
from scholarkg.runs.arxiv_harvest import harvest
from scholarkg.runs.arxiv_snapshot import load_snapshot

pytest_plugins = ("arxiv_fixtures",)


# every white space an XML answer can carry (XML has no vertical tab or form feed)
SPACES = {
    "tab": "\t",
    "line feed": "\n",
    "carriage return": "\r",
    "CR LF": "\r\n",
    "U+2028": "\u2028",
    "U+2029": "\u2029",
    "NEL": "\x85",
    "no-break space": "\xa0",
    "narrow no-break space": "\u202f",
    "thin space": "\u2009",
    "ideographic space": "\u3000",
    "spaces": "   ",
    "paragraph break": "\n\n  ",
}
ZERO_WIDTH = "\u200b\u200c\u200d\u2060\ufeff"
TITLE = "Sparsity-certifying Graph Decompositions"
DOIS = ("10.1007/s00373-008-0834-4", "10.1000/constructed.second")


def fields(space: str) -> dict[str, str]:
    """The constructed field values, ``space`` (a run of white space) put in each."""
    abstract = LINE["abstract"].replace(" game", f"{space}game").replace(". ", f".{space}")
    return {
        "title": f"{space}Sparsity-certifying{space}Graph Decom{ZERO_WIDTH}positions{space}",
        "abstract": f"{space}{abstract}{space}",
        "comments": f"To appear{space}in Graphs{ZERO_WIDTH} and Combinatorics{space}",
        "journal-ref": f"{space}Graphs Combin.{space}25 (2009) 1",
        "doi": f"{space}{DOIS[0]}{space}{DOIS[1]}{space}",
        "keyname": f"{space}Strei{ZERO_WIDTH}nu{space}",
        "forenames": f"Ileana{space}Maria{space}",
        "affiliation": f"University of{space}Massachusetts{space}",
    }


def atom_feed(space: str) -> bytes:
    f = {k: xml_text(v) for k, v in fields(space).items()}
    body = ATOM.replace(f"<title>{TITLE}</title>", f"<title>{f['title']}</title>")
    body = element(body, "summary", f["abstract"])
    body = body.replace(
        "</arxiv:comment>",
        f"</arxiv:comment><arxiv:journal_ref>{f['journal-ref']}</arxiv:journal_ref>"
        f"<arxiv:doi>{f['doi']}</arxiv:doi>",
    ).replace(">To appear in Graphs and Combinatorics<", f">{f['comments']}<")
    body = body.replace(
        "<name>Ileana Streinu</name>",
        f"<name>{f['forenames']} {f['keyname']}</name>"
        f"<arxiv:affiliation>{f['affiliation']}</arxiv:affiliation>",
    ).replace(
        "<name>Louis Theran</name>",
        f"<name>Louis Theran</name><arxiv:affiliation>{f['affiliation']}</arxiv:affiliation>",
    )
    return _changed(ATOM, body).encode()


def oai_page(space: str) -> bytes:
    """A ListRecords page (the last) in the ``arXiv`` format."""
    f = {k: xml_text(v) for k, v in fields(space).items()}
    body = OAI.replace(f"<title>{TITLE}</title>", f"<title>{f['title']}</title>")
    body = element(body, "abstract", f["abstract"])
    body = body.replace(
        "<comments>To appear in Graphs and Combinatorics</comments>",
        f"<comments>{f['comments']}</comments><journal-ref>{f['journal-ref']}</journal-ref>"
        f"<doi>{f['doi']}</doi>",
    )
    body = body.replace(
        "<keyname>Streinu</keyname><forenames>Ileana</forenames>",
        f"<keyname>{f['keyname']}</keyname><forenames>{f['forenames']}</forenames>"
        f"<affiliation>{f['affiliation']}</affiliation>",
    ).replace(
        "<forenames>Louis</forenames>",
        f"<forenames>Louis</forenames><affiliation>{f['affiliation']}</affiliation>",
    )
    return list_records(_changed(OAI, body), "arXiv")


def raw_page(space: str) -> bytes:
    """A ListRecords page (the last) in the ``arXivRaw`` format: the authors one line."""
    f = {k: xml_text(v) for k, v in fields(space).items()}
    body = RAW.replace(f"<title>{TITLE}</title>", f"<title>{f['title']}</title>")
    body = element(body, "abstract", f["abstract"])
    body = body.replace(
        "<comments>To appear in Graphs and Combinatorics</comments>",
        f"<comments>{f['comments']}</comments><journal-ref>{f['journal-ref']}</journal-ref>"
        f"<doi>{f['doi']}</doi>",
    )
    authors = f"{f['forenames']} {f['keyname']} and Louis Theran ({f['affiliation']})"
    body = body.replace(
        "<authors>Ileana Streinu and Louis Theran</authors>", f"<authors>{authors}</authors>"
    )
    return list_records(_changed(RAW, body), "arXivRaw")


def snapshot_line(space: str) -> str:
    f = fields(space)
    line = dict(LINE, title=f["title"], abstract=f["abstract"], comments=f["comments"])
    line.update({"journal-ref": f["journal-ref"], "doi": f["doi"]})
    line["authors"] = f"{f['forenames']} {f['keyname']} and Louis Theran ({f['affiliation']})"
    line["authors_parsed"] = [
        [f["keyname"], f["forenames"], "", f["affiliation"]],
        ["Theran", "Louis", "", f["affiliation"]],
    ]
    return json.dumps(line, ensure_ascii=False)


def _changed(before: str, after: str) -> str:
    """``after``, checked to hold every constructed value (title, comments, keyname)."""
    assert after != before and after.count(ZERO_WIDTH) == 3, "a fixture no longer matches"
    return after


EXPECTED = {
    "title": f"Sparsity-certifying Graph Decom{ZERO_WIDTH}positions",
    "comments": f"To appear in Graphs{ZERO_WIDTH} and Combinatorics",
    "journal-ref": "Graphs Combin. 25 (2009) 1",
    "doi": " ".join(DOIS),
    "authors": (f"Ileana Maria Strei{ZERO_WIDTH}nu", "Louis Theran"),
    # both: "A and B (affiliation)" is read as arXiv's parser reads it, each parsed door so
    "affiliations": (("University of Massachusetts",), ("University of Massachusetts",)),
}


def _fields(record: ArxivRecord) -> dict[str, object]:
    return {
        "title": record.title,
        "comments": record.comment,
        "journal-ref": record.journal_ref,
        "doi": record.doi,
        "authors": tuple(a.name for a in record.authors),
        "affiliations": tuple(a.affiliations for a in record.authors),
    }


def _records(space: str, tmp_path: Path) -> dict[str, ArxivRecord]:
    feed = parse_feed(atom_feed(space), source="api.xml")
    oai = parse_oai_response(oai_page(space), source="oai.xml", container="ListRecords")
    raw = parse_oai_response(raw_page(space), source="raw.xml", container="ListRecords")
    path = tmp_path / "snapshot.jsonl"
    path.write_text(snapshot_line(space) + "\n", encoding="utf-8")
    reader = SnapshotReader(path)
    records = {
        "api": feed.records,
        "oai arXiv": oai.arxiv_records,
        "oai arXivRaw": raw.arxiv_records,
        "snapshot": tuple(reader),
    }
    assert not feed.quarantined and not oai.quarantined and not raw.quarantined
    assert not reader.quarantined
    assert {door: len(r) for door, r in records.items()} == dict.fromkeys(records, 1)
    return {door: r[0] for door, r in records.items()}


@pytest.mark.parametrize("space", SPACES.values(), ids=SPACES.keys())
def test_every_door_folds_each_white_space_alike(space: str, tmp_path: Path) -> None:
    records = _records(space, tmp_path)
    abstract = " ".join(LINE["abstract"].split())
    for door, record in records.items():
        assert _fields(record) == EXPECTED, door
        assert record.abstract == abstract, door


@pytest.mark.parametrize("space", ["\v", "\f", "\v\f"])
def test_the_snapshot_folds_the_white_space_no_xml_answer_can_carry(
    space: str, tmp_path: Path
) -> None:
    """Vertical tab and form feed are no XML 1.0 character: only a snapshot line holds them."""
    path = tmp_path / "snapshot.jsonl"
    path.write_text(snapshot_line(space) + "\n", encoding="utf-8")
    (record,) = SnapshotReader(path)
    assert _fields(record) == EXPECTED


# --- through the whole pipeline: the same graphs in the store ------------------------------

ALL = "".join(SPACES.values())


@pytest.fixture
def replay(arxiv_server: ReplayServer, monkeypatch: pytest.MonkeyPatch) -> ReplayServer:
    monkeypatch.setenv("SCHOLARKG_ARXIV_API_URL", arxiv_server.api_url)
    monkeypatch.setenv("SCHOLARKG_OAI_URL", arxiv_server.oai_url)
    arxiv_server.add_fault(Fault("status", body=atom_feed(ALL)), path="/api/query", times=-1)
    for prefix, page in (("arXiv", oai_page(ALL)), ("arXivRaw", raw_page(ALL))):
        arxiv_server.add_fault(
            Fault("status", body=page), path="/oai", times=-1, metadataPrefix=prefix
        )
    return arxiv_server


def test_every_door_stores_the_same_graphs(tmp_path: Path, replay: ReplayServer) -> None:
    stored = {}
    for door in ("api", "arXiv", "arXivRaw", "snapshot"):
        directory = tmp_path / door
        directory.mkdir()
        config = load_config(write_config(directory, [], arxiv={"min_interval": 0.01}))
        if door == "api":
            report = fetch_ids(config, ["0704.0002"]).report
        elif door == "snapshot":
            path = directory / "snapshot.jsonl"
            path.write_text(snapshot_line(ALL) + "\n", encoding="utf-8")
            report = load_snapshot(config, path, workers=0).report
        else:
            report = harvest(config, None, door, "2008-12-01").report
        assert (report.records_loaded, report.quarantined, report.failures) == (1, [], []), door
        stored[door] = door_graphs(config)
    assert (len(replay.requests_to("/api/query")), len(replay.requests_to("/oai"))) == (1, 2)
    first = stored["api"]
    # 2 persons, the paper (with an affiliation as listed for each author)
    assert sorted(len(triples) for triples in first.values()) == [9, 9, 30]
    paper = first["https://w3id.org/scholarkg/id/graph/arxiv/0704.0002"]
    titles = [o for _, p, o in paper if p == "<http://purl.org/dc/terms/title>"]
    # read as written (EXPECTED), written without what no one sees (identity.invisible)
    assert titles == [f'"{TITLE}"']
    dois = sorted(o for _, p, o in paper if p == "<https://w3id.org/scholarkg/ontology#doi>")
    assert dois == [f'"{d}"' for d in sorted(DOIS)]
    for door, graphs in stored.items():
        assert graphs == first, door
