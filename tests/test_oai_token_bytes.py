"""A resumptionToken goes back to the server as it wrote it: it is opaque.

CONSTRUCTED from the real hep-ex and hep-th ListRecords pages (tests/fixtures/arxiv/oai; they
have no token), served by the loopback replay server: the first with a token put in as each
case says, the second, which that token names, without one. Before, the token was read as a
text field is (white space folded): ``a  b<TAB>c`` was asked for as ``a b c``, which the
server never gave (a real server answers ``badResumptionToken``; here no page is found).
"""

from __future__ import annotations

import pytest

from arxiv_replay import OAI_DIR, Fault, ReplayServer
from scholarkg.extract.http import HttpClient
from scholarkg.extract.oai_pmh import OaiPmhClient

pytest_plugins = ("arxiv_fixtures",)

HEP = "hepcrawl_arXiv_ListRecords_physics-hep-{}_2017-12-14.xml"


def _page(part: str, token_xml: str) -> bytes:
    body = (OAI_DIR / HEP.format(part)).read_text(encoding="utf-8")
    assert body.count("</ListRecords>") == 1
    return body.replace("</ListRecords>", f"{token_xml}</ListRecords>").encode()


@pytest.mark.parametrize(
    ("written", "token"),
    [
        ("a  b\tc", "a  b\tc"),
        ("\n    6960524|1001\n  ", "6960524|1001"),  # pretty-printed: the ends are no token
        ("x\u00a0y\u2028", "x\u00a0y\u2028"),  # no XML white space: part of it
    ],
)
def test_the_token_is_sent_back_as_written(
    written: str, token: str, arxiv_server: ReplayServer, arxiv_http: HttpClient
) -> None:
    first = _page("ex", f'<resumptionToken cursor="0">{written}</resumptionToken>')
    arxiv_server.add_fault(Fault("status", body=first), path="/oai", metadataPrefix="arXiv")
    last = _page("th", "<resumptionToken/>")
    arxiv_server.add_fault(Fault("status", body=last), path="/oai", resumptionToken=token)
    client = OaiPmhClient(arxiv_http, base_url=arxiv_server.oai_url)
    pages = list(client.list_records(metadata_prefix="arXiv", from_date="2017-12-14"))
    assert [p.resumption_token for p in pages] == [token, None]
    assert [len(p.records) for p in pages] == [3, 3]
    second = arxiv_server.requests_to("/oai")[1]
    assert second.query == {"verb": ["ListRecords"], "resumptionToken": [token]}
