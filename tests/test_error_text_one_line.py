"""An error answer's text is told as the server wrote it, trimmed, and on one line: a white-space
run that breaks the line (a line feed, ``&#13;``, NEL, U+2028, U+2029) is one space, so the words
it parts stay apart; any other run is kept (``does not  correspond``). Before, the OAI-PMH
``<error>``'s and the API error entry's ``<summary>`` were read by ``text_of``, every run folded.
The answers are the recorded ones with the error's text edited (CONSTRUCTED), replayed from a
loopback server to the real clients.
"""

from __future__ import annotations

import pytest

from arxiv_replay import ATOM_DIR, OAI_DIR, Fault, ReplayServer
from scholarkg.errors import ExtractError
from scholarkg.extract.arxiv_api import ArxivApiClient
from scholarkg.extract.http import HttpClient
from scholarkg.extract.oai_pages import OaiPmhError
from scholarkg.extract.oai_pmh import OaiPmhClient

pytest_plugins = ("arxiv_fixtures",)

OAI_ERROR = (OAI_DIR / "inspire_error_idDoesNotExist_1305.9999.xml").read_bytes()
API_ERROR = next(ATOM_DIR.glob("id_abc_s0_m100_*.xml")).read_bytes()  # served with HTTP 400
BREAKS = [
    pytest.param(b"\n      ", id="line feed and indent"),
    pytest.param(b"\r\n", id="CRLF"),
    pytest.param(b"&#13;", id="carriage return reference"),
    pytest.param(b" &#13;&#10; ", id="spaces around CRLF references"),
    pytest.param("\u0085".encode(), id="NEL"),
    pytest.param("\u2028".encode(), id="line separator"),
    pytest.param(b"&#x2029;", id="paragraph separator reference"),
]


def _edited(body: bytes, old: bytes, new: bytes) -> bytes:
    assert old in body
    return body.replace(old, new, 1)


@pytest.mark.parametrize("line_break", BREAKS)
def test_an_oai_error_text_is_told_as_written_on_one_line(
    arxiv_server: ReplayServer, arxiv_http: HttpClient, line_break: bytes
) -> None:
    """arXiv's ``idDoesNotExist`` (its text between line breaks, as recorded) with a line break
    inside it and two spaces: the break is one space, the two spaces kept, the ends trimmed."""
    new = b"has correct form" + line_break + b"but does not  correspond"
    body = _edited(OAI_ERROR, b"has correct form but does not correspond", new)
    arxiv_server.add_fault(Fault("status", body=body), path="/oai")
    oai = OaiPmhClient(arxiv_http, base_url=arxiv_server.oai_url)
    with pytest.raises(OaiPmhError) as caught:
        oai.get_record("1305.9999")
    told = str(caught.value)
    assert told.endswith(
        ": OAI-PMH error idDoesNotExist: Identifier 'oai:arXiv.org:1305.9999' has correct form "
        "but does not  correspond to an item in this repository"
    )
    assert len(told.splitlines()) == 1


def test_the_recorded_oai_error_is_told_as_before(
    arxiv_server: ReplayServer, arxiv_http: HttpClient
) -> None:
    """The recorded answer (its text between a line feed and a line feed) told as it was."""
    arxiv_server.add_fault(Fault("status", body=OAI_ERROR), path="/oai")
    oai = OaiPmhClient(arxiv_http, base_url=arxiv_server.oai_url)
    with pytest.raises(OaiPmhError) as caught:
        oai.get_record("1305.9999")
    assert str(caught.value).endswith(
        ": OAI-PMH error idDoesNotExist: Identifier 'oai:arXiv.org:1305.9999' has correct form but "
        "does not correspond to an item in this repository"
    )


@pytest.mark.parametrize("line_break", BREAKS)
def test_an_api_error_summary_is_told_as_written_on_one_line(
    arxiv_server: ReplayServer, arxiv_http: HttpClient, line_break: bytes
) -> None:
    """arXiv's error feed (HTTP 400) with its ``<summary>`` broken over lines and padded."""
    new = b"<summary>\n  incorrect id" + line_break + b"format  for abc \n</summary>"
    body = _edited(API_ERROR, b"<summary>incorrect id format for abc</summary>", new)
    arxiv_server.add_fault(Fault("status", status=400, body=body))
    api = ArxivApiClient(arxiv_http, base_url=arxiv_server.api_url)
    with pytest.raises(ExtractError) as caught:
        api.query_page(id_list=["abc"], max_results=100)
    told = str(caught.value)
    assert told.endswith(": arXiv API error: incorrect id format  for abc")
    assert len(told.splitlines()) == 1 and caught.value.status == 400
