"""A paged arXiv search that reads one paper twice with other content keeps one record of it by
the rule the fetch job keeps (the newest version; of one version, the later answer's) and says
so, as fetch and a harvest note a record read again; a copy alike (overlapping pages) is the
same record, said nothing of. Before, the first copy was kept and the other dropped unsaid.

CONSTRUCTED pages: the recorded ``search_query=testing`` pages (tests/fixtures/arxiv/atom) with
one entry of page 1 put in page 2's first place, as a later version (``v2``, dated a year on,
another title) or as the same version with another comment; or, on one page, a ``v2`` of an
entry put after it. Every other byte is arXiv's.
"""

from __future__ import annotations

import re

import pytest

from arxiv_replay import ATOM_DIR, Fault, ReplayServer
from scholarkg.extract.arxiv_api import ArxivApiClient
from scholarkg.extract.atom import parse_feed
from scholarkg.extract.http import HttpClient

pytest_plugins = ("arxiv_fixtures",)

PAGE_1 = next(ATOM_DIR.glob("q_testing_s0_m10_*.xml")).read_bytes()
PAGE_2 = next(ATOM_DIR.glob("q_testing_s10_m10_*.xml")).read_bytes()
ENTRY = re.compile(rb"  <entry>.*?</entry>\n", re.DOTALL)
FIRST_ID = "2202.12139"  # page 1's first entry
FIRST_TITLE = (
    "Testing Deep Learning Models: A First Comparative Study of Multiple Testing Techniques"
)


def first_entry() -> bytes:
    found = ENTRY.search(PAGE_1)
    assert found is not None and f"/abs/{FIRST_ID}v1<".encode() in found.group()
    return found.group()


def as_v2(entry: bytes) -> bytes:
    """The entry as its version 2, dated a year on, retitled (CONSTRUCTED)."""
    changed = entry.replace(f"{FIRST_ID}v1".encode(), f"{FIRST_ID}v2".encode())
    changed = changed.replace(b"<updated>2022-", b"<updated>2023-", 1)
    return changed.replace(FIRST_TITLE.encode(), b"Testing Deep Learning Models, revised", 1)


def recommented(entry: bytes) -> bytes:
    """The same version with another comment (CONSTRUCTED)."""
    changed, n = re.subn(rb"<arxiv:comment>[^<]*<", b"<arxiv:comment>6 pages, revised<", entry)
    assert n == 1
    return changed


def page_2_opening_with(entry: bytes) -> bytes:
    """The recorded second page, its first entry replaced by ``entry``, its last left out (the
    search asks for 9 more)."""
    found = list(ENTRY.finditer(PAGE_2))
    start, end = found[0].start(), found[-1].start()
    return PAGE_2[:start] + entry + PAGE_2[found[0].end() : end] + PAGE_2[found[-1].end() :]


def counting(page: bytes, total: int) -> bytes:
    """``page`` saying the search holds ``total`` results (so paging ends after it)."""
    changed, n = re.subn(
        rb"<opensearch:totalResults>[0-9]+<", f"<opensearch:totalResults>{total}<".encode(), page
    )
    assert n == 1
    return changed


def ids(page: bytes) -> list[str]:
    return [r.arxiv_id for r in parse_feed(page, source="x").records]


@pytest.fixture
def api(arxiv_server: ReplayServer, arxiv_http: HttpClient) -> ArxivApiClient:
    return ArxivApiClient(arxiv_http, base_url=arxiv_server.api_url)


@pytest.mark.parametrize(
    ("copy", "title", "comment"),
    [
        (as_v2, "Testing Deep Learning Models, revised", None),
        (recommented, FIRST_TITLE, "6 pages, revised"),
    ],
)
def test_a_paper_read_again_on_a_later_page_with_other_content_is_kept_once_and_noted(
    api: ArxivApiClient, arxiv_server: ReplayServer, copy: object, title: str, comment: str | None
) -> None:
    assert callable(copy)
    second = counting(page_2_opening_with(copy(first_entry())), 19)
    arxiv_server.add_fault(Fault("status", status=200, body=second), start="10")
    result = api.search("testing", max_results=19, page_size=10)
    assert result.complete and not result.quarantined
    read = [r.arxiv_id for r in result.records]
    assert read == ids(PAGE_1) + ids(second)[1:]  # the paper once, at its first place
    kept = result.records[0]
    assert kept.arxiv_id == FIRST_ID and kept.title == title
    assert comment is None or kept.comment == comment
    (note,) = result.notes
    assert note.startswith("1 paper was read again with other content") and FIRST_ID in note


def test_a_later_version_on_the_same_page_is_the_record_kept_and_noted(
    api: ArxivApiClient, arxiv_server: ReplayServer
) -> None:
    entry, last = first_entry(), list(ENTRY.finditer(PAGE_1))[-1]
    page = PAGE_1[: last.start()] + PAGE_1[last.end() :]  # its last left out, v2 after entry 1
    page = counting(page.replace(entry, entry + as_v2(entry), 1), 10)
    arxiv_server.add_fault(Fault("status", status=200, body=page), start="0")
    result = api.search("testing", max_results=10, page_size=10)
    assert result.complete and not result.quarantined
    assert [r.arxiv_id for r in result.records] == ids(PAGE_1)[:9]
    assert result.records[0].title == "Testing Deep Learning Models, revised"
    assert result.records[0].latest_version == 2
    (note,) = result.notes
    assert FIRST_ID in note


def test_copies_alike_on_overlapping_pages_are_said_nothing_of(api: ArxivApiClient) -> None:
    result = api.search("testing", max_results=20, page_size=10, overlap=5)
    assert len({r.arxiv_id for r in result.records}) == 20
    assert result.notes == ()
