"""The answers of each arXiv door for the one record 0704.0002 that the door tests edit (Atom
:data:`ATOM` and OAI-PMH ``arXiv`` :data:`OAI` derived from the real ones, the SYNTHETIC
``arXivRaw`` :data:`RAW` of tests/arxiv_raw_record.py, the snapshot sample's real line 1
:data:`LINE`, and all its lines :data:`SAMPLE`), how to edit them (:func:`element`,
:func:`xml_text`, :func:`list_records`) and what a door stored (:func:`door_graphs`): shared by
test_door_whitespace.py, test_door_listed_names.py and the tests beside them."""

from __future__ import annotations

import json
import re
from xml.sax.saxutils import escape

from arxiv_raw_record import ARXIV_RAW
from building import content
from samples import ROOT
from scholarkg.config import Config

FIXTURES = ROOT / "tests" / "fixtures" / "arxiv"
ATOM = (FIXTURES / "derived" / "atom_0704.0002.xml").read_text(encoding="utf-8")
OAI = (FIXTURES / "derived" / "oai_arXiv_0704.0002.xml").read_text(encoding="utf-8")
LINE = json.loads((FIXTURES / "kaggle" / "snapshot_sample_100.jsonl").open().readline())
RAW = ARXIV_RAW.decode()
KAGGLE = ROOT / "tests" / "fixtures" / "arxiv" / "kaggle" / "snapshot_sample_100.jsonl"
SAMPLE = [json.loads(line) for line in KAGGLE.read_text(encoding="utf-8").splitlines()]
DOOR_SPECIFIC = ("/dc/terms/hasVersion>", "/dc/terms/license>")


def element(body: str, tag: str, text: str) -> str:
    """``body`` with the text of its one ``<tag>`` replaced."""
    start, end = body.index(f"<{tag}>") + len(tag) + 2, body.index(f"</{tag}>")
    return body[:start] + text + body[end:]


def xml_text(text: str) -> str:
    """``text`` as XML character data: a carriage return as a reference (written raw, every
    XML parser reads it as a line feed)."""
    return escape(text).replace("\r", "&#13;")


def list_records(body: str, prefix: str) -> bytes:
    """The ``GetRecord`` answer ``body`` as the last ``ListRecords`` page in ``prefix``."""
    body = re.sub(
        r"<request [^>]*>", f'<request verb="ListRecords" metadataPrefix="{prefix}">', body
    )
    body = body.replace("<GetRecord>", "<ListRecords>").replace(
        "</GetRecord>", "<resumptionToken/></ListRecords>"
    )
    return body.encode()


def door_graphs(config: Config) -> dict[str, set[tuple[str, str, str]]]:
    """The data graphs as stored, without what a door alone carries: version nodes and links,
    the licence (the API has none), and each graph's provenance about itself."""
    return {
        graph: {
            t
            for t in triples
            if "/v" not in t[0].rsplit("0704.0002", 1)[-1] and not t[1].endswith(DOOR_SPECIFIC)
        }
        for graph, triples in content(config).items()
    }
