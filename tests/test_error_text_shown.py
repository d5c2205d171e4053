"""An error answer's text is shown safely on its one line: cut to its first
``SHOWN_CHARS`` characters with a note of how many more it had (``…[99700 more characters]``),
and each character no reader sees (a bidi control, a zero-width or other format character:
identity.invisible's rule) or that is no text (DEL, C1: textcheck's) written as its escape
(``\\u202e``), so a server cannot make the line read reversed or act on a terminal. Before, an
OAI-PMH ``<error>``, an API error entry's ``<summary>`` (or its ``<id>``, told when it has no
summary) and an OAI-PMH error's ``code`` were told whole and as written: a 100 000-character
error was a 100 000-character error line, U+202E reversed the rest of it. The answers are the
recorded ones with the error's text edited (CONSTRUCTED), replayed from a loopback server to
the real clients; :func:`error_text` and :func:`shown` are checked directly too.

A control XML cannot hold (BEL, ``&#7;``), read masked so the answer parses, is shown as the
escape of that control (before: as the private-use character U+E007 standing for it); and the
other places an error line shows foreign text (a long query value of the URL it names, an
OpenSearch counter that is no integer) cut it with the same function and marker (before: each
its own, ``…[8192 chars]``, the whole length).
"""

from __future__ import annotations

import pytest
from lxml import etree

from arxiv_replay import ATOM_DIR, OAI_DIR, Fault, ReplayServer
from scholarkg.errors import ExtractError, ParseError
from scholarkg.extract.arxiv_api import ArxivApiClient
from scholarkg.extract.error_text import error_text
from scholarkg.extract.http import HttpClient
from scholarkg.extract.oai_pages import OaiPmhError
from scholarkg.extract.oai_pmh import OaiPmhClient
from scholarkg.shown_text import SHOWN_CHARS, shown

pytest_plugins = ("arxiv_fixtures",)

OAI_ERROR = (OAI_DIR / "inspire_error_idDoesNotExist_1305.9999.xml").read_bytes()
API_ERROR = next(ATOM_DIR.glob("id_abc_s0_m100_*.xml")).read_bytes()  # served with HTTP 400
OAI_TEXT = b"has correct form but does not correspond"
API_SUMMARY = b"<summary>incorrect id format for abc</summary>"
LONG = 100_000
# (as the answer writes it, as the error line shows it)
HIDDEN = [
    pytest.param("&#x202E;", "\\u202e", id="right-to-left override"),
    pytest.param("\u2067", "\\u2067", id="right-to-left isolate"),
    pytest.param("&#x200F;", "\\u200f", id="right-to-left mark"),
    pytest.param("&#x061C;", "\\u061c", id="arabic letter mark"),
    pytest.param("\u200b", "\\u200b", id="zero-width space"),
    pytest.param("&#x200D;", "\\u200d", id="zero-width joiner"),
    pytest.param("&#xFEFF;", "\\ufeff", id="byte order mark"),
    pytest.param("&#xE0041;", "\\U000e0041", id="tag character"),
    pytest.param("&#x9B;", "\\u009b", id="C1 control sequence introducer"),
    pytest.param("\x7f", "\\u007f", id="DEL"),
]


def _edited(body: bytes, old: bytes, new: bytes) -> bytes:
    assert old in body
    return body.replace(old, new, 1)


def _oai_error(arxiv_server: ReplayServer, arxiv_http: HttpClient, body: bytes) -> str:
    arxiv_server.add_fault(Fault("status", body=body), path="/oai")
    oai = OaiPmhClient(arxiv_http, base_url=arxiv_server.oai_url)
    with pytest.raises(OaiPmhError) as caught:
        oai.get_record("1305.9999")
    return str(caught.value)


def _api_error(arxiv_server: ReplayServer, arxiv_http: HttpClient, body: bytes) -> str:
    arxiv_server.add_fault(Fault("status", status=400, body=body))
    api = ArxivApiClient(arxiv_http, base_url=arxiv_server.api_url)
    with pytest.raises(ExtractError) as caught:
        api.query_page(id_list=["abc"], max_results=100)
    assert caught.value.status == 400
    return str(caught.value)


def test_a_long_oai_error_is_cut_saying_how_much_more(
    arxiv_server: ReplayServer, arxiv_http: HttpClient
) -> None:
    """``idDoesNotExist``'s text followed by 100 000 ``x``: its first SHOWN_CHARS characters
    and how many more (before: all of it)."""
    body = _edited(OAI_ERROR, OAI_TEXT, OAI_TEXT + b" " + b"x" * LONG)
    told = _oai_error(arxiv_server, arxiv_http, body)
    text = "Identifier 'oai:arXiv.org:1305.9999' has correct form but does not correspond"
    whole = f"{text} {'x' * LONG} to an item in this repository"
    more = len(whole) - SHOWN_CHARS
    assert told.endswith(
        f": OAI-PMH error idDoesNotExist: {whole[:SHOWN_CHARS]}…[{more} more characters]"
    )
    assert len(told.splitlines()) == 1


def test_a_long_api_error_summary_is_cut_saying_how_much_more(
    arxiv_server: ReplayServer, arxiv_http: HttpClient
) -> None:
    """The error feed's ``<summary>`` of 100 000 ``y`` after its words (before: all of it)."""
    new = b"<summary>incorrect id format for abc " + b"y" * LONG + b"</summary>"
    told = _api_error(arxiv_server, arxiv_http, _edited(API_ERROR, API_SUMMARY, new))
    whole = "incorrect id format for abc " + "y" * LONG
    more = len(whole) - SHOWN_CHARS
    assert told.endswith(f": arXiv API error: {whole[:SHOWN_CHARS]}…[{more} more characters]")


@pytest.mark.parametrize(("written", "escape"), HIDDEN)
def test_an_oai_error_shows_hidden_characters_escaped(
    arxiv_server: ReplayServer, arxiv_http: HttpClient, written: str, escape: str
) -> None:
    """One hidden character before ``does not correspond``: shown as its escape (before: as
    written, a right-to-left override reversing the rest of the line in a terminal)."""
    new = b"has correct form but " + written.encode() + b"does not correspond"
    told = _oai_error(arxiv_server, arxiv_http, _edited(OAI_ERROR, OAI_TEXT, new))
    assert told.endswith(
        f": OAI-PMH error idDoesNotExist: Identifier 'oai:arXiv.org:1305.9999' has correct form "
        f"but {escape}does not correspond to an item in this repository"
    )
    assert told.isprintable()


@pytest.mark.parametrize(("written", "escape"), HIDDEN)
def test_an_api_error_summary_shows_hidden_characters_escaped(
    arxiv_server: ReplayServer, arxiv_http: HttpClient, written: str, escape: str
) -> None:
    new = f"<summary>incorrect id {written}format for abc</summary>".encode()
    told = _api_error(arxiv_server, arxiv_http, _edited(API_ERROR, API_SUMMARY, new))
    assert told.endswith(f": arXiv API error: incorrect id {escape}format for abc")
    assert told.isprintable()


def test_an_api_error_id_told_without_summary_is_shown_alike(
    arxiv_server: ReplayServer, arxiv_http: HttpClient
) -> None:
    """An error entry with no ``<summary>`` is told by its ``<id>``, which any id holding
    ``/api/errors#`` is: a bidi override and 100 000 ``z`` in it are escaped and cut alike
    (before: told whole, as written)."""
    old_id = b"<id>https://arxiv.org/api/errors#incorrect_id_format_for_abc</id>"
    new_id = b"<id>&#x202E;https://arxiv.org/api/errors#" + b"z" * LONG + b"</id>"
    body = _edited(_edited(API_ERROR, API_SUMMARY, b""), old_id, new_id)
    told = _api_error(arxiv_server, arxiv_http, body)
    whole = "\\u202ehttps://arxiv.org/api/errors#" + "z" * LONG
    more = (len(whole) - 5) - (SHOWN_CHARS - 5)  # the override is 1 character, shown in 6
    assert told.endswith(f": arXiv API error: {whole[:SHOWN_CHARS]}…[{more} more characters]")
    assert told.isprintable()


def test_an_oai_error_code_is_shown_alike(
    arxiv_server: ReplayServer, arxiv_http: HttpClient
) -> None:
    """The ``code`` attribute the line names: escaped and cut alike, kept whole on the error
    (``OaiPmhError.code``) for the client to match (before: shown as written)."""
    code = "badArgument\u202e" + "c" * LONG
    body = _edited(OAI_ERROR, b'code="idDoesNotExist"', f'code="{code}"'.encode())
    arxiv_server.add_fault(Fault("status", body=body), path="/oai")
    oai = OaiPmhClient(arxiv_http, base_url=arxiv_server.oai_url)
    with pytest.raises(OaiPmhError) as caught:
        oai.get_record("1305.9999")
    assert caught.value.code == code
    told = str(caught.value)
    more = len(code) - SHOWN_CHARS + len("\\u202e") - 1
    cut = f"badArgument\\u202e{'c' * (SHOWN_CHARS - len('badArgument') - 6)}"
    assert f": OAI-PMH error {cut}…[{more} more characters]: Identifier 'oai:" in told
    assert told.isprintable()


def _field(xml: str) -> etree._Element:
    return etree.fromstring(f"<error>{xml}</error>".encode())


@pytest.mark.parametrize(("written", "escape"), HIDDEN)
def test_error_text_escapes_what_no_reader_sees(written: str, escape: str) -> None:
    assert error_text(_field(f"a {written}b"), "S", "error text") == f"a {escape}b"


def test_error_text_is_cut_at_shown_chars_on_a_character_boundary() -> None:
    """Cut by characters (never inside an escape, never past SHOWN_CHARS shown), the note
    counting what the text holds past the cut; a text of SHOWN_CHARS is shown whole."""
    exact = "é" * SHOWN_CHARS
    assert error_text(_field(exact), "S", "error text") == exact
    assert error_text(_field(exact + "ü"), "S", "error text") == exact + "…[1 more character]"
    # the override's escape would end past SHOWN_CHARS: it is cut before it, whole
    near = "a" * (SHOWN_CHARS - 3)
    told = error_text(_field(f"{near}&#x202E;bc"), "S", "error text")
    assert told == f"{near}…[3 more characters]"


def test_shown_cuts_a_long_run_of_hidden_characters() -> None:
    """Five million overrides: as many escapes as fit in SHOWN_CHARS, then the rest counted."""
    text = "\u202e" * 5_000_000
    told = shown(text)
    assert told.startswith("\\u202e" * (SHOWN_CHARS // 6))
    assert told.endswith(f"…[{5_000_000 - SHOWN_CHARS // 6} more characters]")


# a control XML 1.0 cannot hold, as the answer writes it (the body is read masked:
# textcheck.mask_xml_controls), and as the error line shows it
MASKED = [
    pytest.param("&#7;", "\\u0007", id="BEL as a reference"),
    pytest.param("\x07", "\\u0007", id="raw BEL"),
    pytest.param("&#x1B;", "\\u001b", id="ESC as a reference"),
    pytest.param("&#xFFFE;", "\\ufffe", id="noncharacter"),
    pytest.param("&#xD800;", "\\ud800", id="lone surrogate"),
    pytest.param("\udcff", "\\xff", id="a byte that is no UTF-8"),
]


def _bytes(written: str) -> bytes:
    return written.encode("utf-8", "surrogateescape")


@pytest.mark.parametrize(("written", "escape"), MASKED)
def test_an_oai_error_shows_a_masked_control_as_what_it_stands_for(
    arxiv_server: ReplayServer, arxiv_http: HttpClient, written: str, escape: str
) -> None:
    """A BEL in an ``<error>`` is read masked (U+E007, so the answer parses) and shown as its
    escape (before: as the private-use mask, ``\\ue007`` written raw, an unknown glyph)."""
    new = b"has correct form but " + _bytes(written) + b"does not correspond"
    told = _oai_error(arxiv_server, arxiv_http, _edited(OAI_ERROR, OAI_TEXT, new))
    assert told.endswith(
        f": OAI-PMH error idDoesNotExist: Identifier 'oai:arXiv.org:1305.9999' has correct form "
        f"but {escape}does not correspond to an item in this repository"
    )
    assert told.isprintable()


def test_an_oai_error_code_shows_a_masked_control_as_what_it_stands_for(
    arxiv_server: ReplayServer, arxiv_http: HttpClient
) -> None:
    """The code keeps the mask for the client to match; its line shows the control."""
    body = _edited(OAI_ERROR, b'code="idDoesNotExist"', b'code="idDoes&#7;NotExist"')
    told = _oai_error(arxiv_server, arxiv_http, body)
    assert ": OAI-PMH error idDoes\\u0007NotExist: Identifier 'oai:" in told
    assert told.isprintable()


@pytest.mark.parametrize(("written", "escape"), MASKED)
def test_an_api_error_summary_shows_a_masked_control_as_what_it_stands_for(
    arxiv_server: ReplayServer, arxiv_http: HttpClient, written: str, escape: str
) -> None:
    new = b"<summary>incorrect id " + _bytes(written) + b"format for abc</summary>"
    told = _api_error(arxiv_server, arxiv_http, _edited(API_ERROR, API_SUMMARY, new))
    assert told.endswith(f": arXiv API error: incorrect id {escape}format for abc")
    assert told.isprintable()


def test_a_masked_control_in_a_long_error_is_cut_as_its_escape(
    arxiv_server: ReplayServer, arxiv_http: HttpClient
) -> None:
    """The escape counts as the characters it is shown in: cut before it, whole."""
    near = "a" * (SHOWN_CHARS - 3)
    new = f"<summary>{near}&#7;bc</summary>".encode()
    told = _api_error(arxiv_server, arxiv_http, _edited(API_ERROR, API_SUMMARY, new))
    assert told.endswith(f": arXiv API error: {near}…[3 more characters]")


# the three places that show foreign text on an error line cut it alike, one marker
TOKEN = "t" * 8192
FEED = (ATOM_DIR / "id_0808.05394_s0_m100_7b0c7d0a7cdd.xml").read_bytes()


def test_a_long_token_in_the_url_an_error_names_is_cut_alike(
    arxiv_server: ReplayServer, arxiv_http: HttpClient
) -> None:
    """A request for an 8 KB resumptionToken refused: the URL's token is its first 40 and how
    many more (before: ``…[8192 chars]``, its length, a marker of its own)."""
    arxiv_server.add_fault(Fault("status", status=404, body=b"gone"), path="/oai")
    oai = OaiPmhClient(arxiv_http, base_url=arxiv_server.oai_url)
    with pytest.raises(ExtractError) as caught:
        oai.fetch_page(resumption_token=TOKEN)
    told = str(caught.value)
    assert f"?verb=ListRecords&resumptionToken={TOKEN[:40]}…[8152 more characters]: " in told
    assert caught.value.source.endswith(TOKEN)


def test_a_long_counter_is_cut_alike(arxiv_server: ReplayServer, arxiv_http: HttpClient) -> None:
    """An OpenSearch counter of 5 000 digits: quoted, its first 40 and how many more (before:
    ``'99…9'…[5000 chars]``, its length)."""
    body = _edited(
        FEED, b">0</opensearch:totalResults>", b">" + b"9" * 5000 + b"</opensearch:totalResults>"
    )
    arxiv_server.add_fault(Fault("status", body=body))
    api = ArxivApiClient(arxiv_http, base_url=arxiv_server.api_url)
    with pytest.raises(ParseError) as caught:
        api.query_page(id_list=["0808.05394"], max_results=100)
    said = f"OpenSearch counter '{'9' * 40}'…[4960 more characters] is not an integer"
    assert str(caught.value).endswith(said)


def test_shown_cuts_shorter_when_asked_and_quotes() -> None:
    """One function for every place: a shorter cut and quotes are its parameters."""
    assert shown("x" * 41, limit=40) == f"{'x' * 40}…[1 more character]"
    assert shown("x" * 40, limit=40, quoted=True) == f"'{'x' * 40}'"
    assert shown("\u202e1", quoted=True) == "'\\u202e1'"


def test_a_private_use_character_beside_a_masked_control_is_shown_as_written(
    arxiv_server: ReplayServer, arxiv_http: HttpClient
) -> None:
    """The masks are of a block the answer holds none of: U+E007 the server wrote is itself
    (before: read as the mask of BEL, shown ``\\u0007``)."""
    new = b"<summary>incorrect id &#xE007; &#7;format for abc</summary>"
    told = _api_error(arxiv_server, arxiv_http, _edited(API_ERROR, API_SUMMARY, new))
    assert told.endswith(": arXiv API error: incorrect id \ue007 \\u0007format for abc")
