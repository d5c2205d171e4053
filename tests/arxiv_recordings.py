"""The recorded arXiv answers the replay server (tests/arxiv_replay.py) serves, routed by the
requests the recordings themselves name (nothing invented):

* ``/api/query`` — the arXiv API. The routing table comes from the original request URL and
  status code stored in ``atom/arxiv_py_fixtures_raw/*.json``; the body served is the matching
  ``atom/*.xml`` (checked byte-equal to the JSON body). An ``id_list`` request is matched on its
  set of ids (``max_results`` and sort parameters ignored); a ``search_query`` request on
  ``(search_query, start, max_results)``. The recorded status is returned (400 for ``abc``).
* ``/oai`` — OAI-PMH. Each ``oai/*.xml`` is routed by the attributes of its own ``<request>``
  element (verb, identifier, metadataPrefix, set, from).
  STITCHED FOR TESTS: the resumptionToken ``6960524|1001`` of the oai_dc ``set=cs`` page is
  answered with the *hep-ex* ``ListRecords`` response, its ``<request>`` element rewritten to
  ``verb=ListRecords resumptionToken=…`` and an empty ``<resumptionToken/>`` (end of list, as
  the new arXiv endpoint writes it) added. Its records are real but in the ``arXiv`` format.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from lxml import etree

FIXTURES = Path(__file__).parent / "fixtures" / "arxiv"
ATOM_DIR = FIXTURES / "atom"
OAI_DIR = FIXTURES / "oai"
STITCHED_TOKEN = "6960524|1001"
ATOM_TYPE = "application/atom+xml; charset=utf-8"
XML_TYPE = "text/xml; charset=utf-8"


@dataclass(frozen=True)
class Answer:
    """A recorded answer: its status, body and Content-Type."""

    status: int
    body: bytes
    content_type: str


def atom_routes() -> dict[tuple[object, ...], Answer]:
    """The API recordings, keyed by :func:`atom_key` of the request each answered."""
    routes: dict[tuple[object, ...], Answer] = {}
    for raw in sorted((ATOM_DIR / "arxiv_py_fixtures_raw").glob("*.json")):
        recorded = json.loads(raw.read_text(encoding="utf-8"))
        body = (ATOM_DIR / f"{raw.stem}.xml").read_bytes()
        assert body == recorded["body"].encode("latin-1"), raw.name
        query = parse_qs(urlsplit(recorded["url"]).query, keep_blank_values=True)
        routes[atom_key(query)] = Answer(recorded["status_code"], body, ATOM_TYPE)
    return routes


def atom_key(query: dict[str, list[str]]) -> tuple[object, ...]:
    """An API request's route: its set of ids, or its search, start and page size."""
    ids = [i for i in (query.get("id_list") or [""])[0].split(",") if i]
    if ids:
        return ("id", frozenset(ids))
    first = {k: (v[0] if v else "") for k, v in query.items()}
    return ("q", first.get("search_query", ""), first.get("start", "0"), first.get("max_results"))


def oai_routes() -> dict[frozenset[tuple[str, str]], Answer]:
    """The OAI-PMH recordings keyed by their ``<request>`` attributes, the stitched page among
    them."""
    routes: dict[frozenset[tuple[str, str]], Answer] = {}
    for path in sorted(OAI_DIR.glob("*.xml")):
        body = path.read_bytes()
        request = etree.fromstring(body).find("{http://www.openarchives.org/OAI/2.0/}request")
        assert request is not None, path.name
        routes[frozenset((str(k), str(v)) for k, v in request.attrib.items())] = Answer(
            200, body, XML_TYPE
        )
    hep_ex = (OAI_DIR / "hepcrawl_arXiv_ListRecords_physics-hep-ex_2017-12-14.xml").read_bytes()
    stitched = re.sub(
        rb"<request [^>]*>",
        f'<request verb="ListRecords" resumptionToken="{STITCHED_TOKEN}">'.encode(),
        hep_ex,
        count=1,
    ).replace(b"</ListRecords>", b"<resumptionToken/>\n</ListRecords>")
    key = frozenset({("verb", "ListRecords"), ("resumptionToken", STITCHED_TOKEN)})
    routes[key] = Answer(200, stitched, XML_TYPE)
    return routes
