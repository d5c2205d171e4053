"""An error answer whose text holds an element is refused at the element's line, saying the error
text holds markup: ``error text: element <b> is markup, not text``. Before, the OAI-PMH
``<error>``'s and the API error entry's ``<summary>`` were told with their child elements' text
joined, the markup dropped without a word, as a record's field's or a resumptionToken's was
before they were refused alike (tests/test_arxiv_title_markup.py). The answers are the recorded
ones with the error's text edited (CONSTRUCTED), replayed from a loopback server to the real
clients.
"""

from __future__ import annotations

import pytest

from arxiv_replay import ATOM_DIR, OAI_DIR, Fault, ReplayServer
from scholarkg.errors import ExtractError, ParseError
from scholarkg.extract.arxiv_api import ArxivApiClient
from scholarkg.extract.http import HttpClient
from scholarkg.extract.oai_pages import OaiPmhError
from scholarkg.extract.oai_pmh import OaiPmhClient

pytest_plugins = ("arxiv_fixtures",)

OAI_ERROR = (OAI_DIR / "inspire_error_idDoesNotExist_1305.9999.xml").read_bytes()
API_ERROR = next(ATOM_DIR.glob("id_abc_s0_m100_*.xml")).read_bytes()  # served with HTTP 400


def _edited(body: bytes, old: bytes, new: bytes) -> bytes:
    assert old in body
    return body.replace(old, new, 1)


@pytest.mark.parametrize("status", [200, 400])
def test_markup_in_an_oai_error_refuses_the_answer(
    arxiv_server: ReplayServer, arxiv_http: HttpClient, status: int
) -> None:
    """``<error code="idDoesNotExist">`` (line 5) with ``<b>`` around the identifier: before,
    OaiPmhError 'idDoesNotExist: Identifier 'oai:arXiv.org:1305.9999' has correct form…', the
    markup dropped."""
    body = _edited(OAI_ERROR, b"'oai:arXiv.org:1305.9999'", b"<b>'oai:arXiv.org:1305.9999'</b>")
    arxiv_server.add_fault(Fault("status", status=status, body=body), path="/oai")
    oai = OaiPmhClient(arxiv_http, base_url=arxiv_server.oai_url)
    with pytest.raises(ParseError) as caught:
        oai.get_record("1305.9999")
    assert caught.value.line == 5
    assert caught.value.message == "error text: element <b> is markup, not text"
    assert caught.value.source.startswith(arxiv_server.oai_url)


def test_markup_in_a_no_records_match_error_refuses_the_answer(
    arxiv_server: ReplayServer, arxiv_http: HttpClient
) -> None:
    """``noRecordsMatch``'s text is not shown, but an answer holding markup is none arXiv sends:
    refused as any other (before: an empty page)."""
    said = "no <i>records</i>"
    arxiv_server.add_fault(Fault("oai_error", code="noRecordsMatch", message=said), path="/oai")
    oai = OaiPmhClient(arxiv_http, base_url=arxiv_server.oai_url)
    with pytest.raises(ParseError, match=r":2: error text: element <i> is markup, not text$"):
        list(oai.list_records(set_spec="physics:hep-ex", from_date="2030-01-01"))


def test_an_oai_error_without_markup_is_still_told(
    arxiv_server: ReplayServer, arxiv_http: HttpClient
) -> None:
    """A comment inside the error's text is no markup: the error is told as arXiv wrote it."""
    body = _edited(OAI_ERROR, b"Identifier '", b"Identifier <!-- c -->'")
    arxiv_server.add_fault(Fault("status", body=body), path="/oai")
    oai = OaiPmhClient(arxiv_http, base_url=arxiv_server.oai_url)
    told = r"idDoesNotExist: Identifier 'oai:arXiv\.org:1305\.9999' has correct form"
    with pytest.raises(OaiPmhError, match=told):
        oai.get_record("1305.9999")


@pytest.mark.parametrize(
    ("old", "new", "said"),
    [
        (
            b"<summary>incorrect id",
            b"<summary><b>incorrect</b> id",
            ":14: error summary: element <b>",
        ),
        (
            b"<id>https://arxiv.org/api/errors#",
            b'<id><a href="x">https://arxiv.org/api/errors</a>#',
            ":10: error id: element <a>",
        ),
    ],
)
def test_markup_in_an_api_error_entry_refuses_the_answer(
    arxiv_server: ReplayServer, arxiv_http: HttpClient, old: bytes, new: bytes, said: str
) -> None:
    """arXiv's error feed (HTTP 400) with markup in its ``<summary>`` (line 14) or its ``<id>``
    (line 10, the text told when the summary is empty): before, ExtractError 'arXiv API error:
    incorrect id format for abc', the markup dropped; had the refusal been raised, the client
    told the answer as 'HTTP 400' alone."""
    arxiv_server.add_fault(Fault("status", status=400, body=_edited(API_ERROR, old, new)))
    api = ArxivApiClient(arxiv_http, base_url=arxiv_server.api_url)
    with pytest.raises(ParseError) as caught:
        api.query_page(id_list=["abc"], max_results=100)
    assert str(caught.value).endswith(f"{said} is markup, not text")
    assert caught.value.source.startswith(arxiv_server.api_url)


def test_an_api_error_and_a_body_that_is_no_feed_are_told_as_before(
    arxiv_server: ReplayServer, arxiv_http: HttpClient
) -> None:
    """arXiv's own error feed is told with its message and status; a 4xx body that is no XML, or
    XML but no feed, by its status (the client's wrapping, now parse_feed's)."""
    api = ArxivApiClient(arxiv_http, base_url=arxiv_server.api_url)
    with pytest.raises(ExtractError, match=r"arXiv API error: incorrect id format for abc$"):
        api.query_page(id_list=["abc"], max_results=100)
    for body in (b"<html><p>gone", b"<html><p>gone</p></html>"):
        arxiv_server.add_fault(Fault("status", status=404, body=body))
        with pytest.raises(ExtractError) as caught:
            api.fetch_by_ids(["1605.08386"])
        assert str(caught.value).endswith(": HTTP 404") and caught.value.status == 404
