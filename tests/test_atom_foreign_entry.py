"""An ``<entry>`` of an Atom feed that is not in the Atom namespace is said to be that: the
entry is quarantined with its source, line and text, ``an <entry> in namespace …, not in
Atom's (…)``, and its id, answered, is not told missing.

CONSTRUCTED: the recorded answer for 1605.08386, its entry moved to another namespace or to
none. Before, the entry was passed over without a word and the id reported as ``arXiv returned
no such record``.
"""

from __future__ import annotations

import pytest

from arxiv_replay import ATOM_DIR, Fault, ReplayServer
from scholarkg.errors import ParseError
from scholarkg.extract.arxiv_api import ArxivApiClient
from scholarkg.extract.atom import ATOM_NS, parse_feed
from scholarkg.extract.http import HttpClient

pytest_plugins = ("arxiv_fixtures",)

RECORDED = next(ATOM_DIR.glob("id_1605.08386_*.xml")).read_bytes()
OTHER = "http://example.org/not-atom"
CASES = [
    (f'<entry xmlns="{OTHER}">', f"an <entry> in namespace {OTHER}, not in Atom's ({ATOM_NS})"),
    ('<entry xmlns="">', f"an <entry> in no namespace, not in Atom's ({ATOM_NS})"),
]


def _moved(opening: str) -> bytes:
    assert RECORDED.count(b"<entry>") == 1
    return RECORDED.replace(b"<entry>", opening.encode())


@pytest.mark.parametrize(("opening", "said"), CASES)
def test_a_foreign_entry_is_quarantined_saying_what_it_is(opening: str, said: str) -> None:
    feed = parse_feed(_moved(opening), source="api")
    assert feed.entries == ()
    (held,) = feed.quarantined
    assert held.reason == f"{said}: not read as an arXiv entry"
    assert "\n" not in held.reason and held.source == "api" and held.line > 0
    assert "Heat-bath random walks" in held.text


@pytest.mark.parametrize(("opening", "said"), CASES)
def test_a_foreign_entry_s_id_is_not_told_missing(
    arxiv_server: ReplayServer, arxiv_http: HttpClient, opening: str, said: str
) -> None:
    arxiv_server.add_fault(Fault("status", status=200, body=_moved(opening)))
    api = ArxivApiClient(arxiv_http, base_url=arxiv_server.api_url)
    result = api.fetch_by_ids(["1605.08386"])
    assert result.records == () and result.missing == ()  # before: missing, "no such record"
    (held,) = result.quarantined
    assert held.reason.startswith(said) and held.source.startswith(arxiv_server.api_url)


def test_a_namespace_that_is_no_uri_is_one_error_line() -> None:
    """libxml2 refuses ``xmlns="a&#10;b"``, quoting it with its line break. Before, the error
    was two lines."""
    with pytest.raises(ParseError) as refused:
        parse_feed(_moved('<entry xmlns="a&#10;b">'), source="api")
    assert "\n" not in str(refused.value) and "a\\x0ab" in str(refused.value)
