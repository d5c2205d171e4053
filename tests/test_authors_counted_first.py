"""An arXiv record over ``[limits] authors_per_record`` is refused before its authors are made,
through the API and OAI-PMH doors (and arXivRaw's author text over ``literal_bytes`` before it
is split). Before, each door made every author of the record (a name joined, an affiliation
cleaned, a free-text list split) and only then counted them: a record of 8 MiB
(``line_bytes``) listing 180 000 authors took ~4 s of CPU to be refused, each such record of a
page as long.

DERIVED from record 0704.0002 as the doors carry it (tests/door_authors.py) and from the real
``oai_dc`` page, with generated authors added; the authors made are counted, not timed.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from door_authors import (
    OAI_DC,
    atom_authors,
    atom_with,
    names,
    oai_authors,
    oai_with,
    raw_with,
    said,
)
from scholarkg.extract import arxiv_authors, atom_entry
from scholarkg.extract.atom import parse_feed
from scholarkg.extract.oai_pages import parse_oai_response
from scholarkg.limits import Limits
from scholarkg.models import ArxivAuthor

MOST = 50
LIMITS = Limits(authors_per_record=MOST, literal_bytes=10_000)


@pytest.fixture
def made(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """The names of the authors the doors make."""
    names_made: list[str] = []

    def counting(name: str, affiliations: tuple[str, ...] = ()) -> ArxivAuthor:
        names_made.append(name)
        return ArxivAuthor(name=name, affiliations=affiliations)

    for module in (arxiv_authors, atom_entry):
        monkeypatch.setattr(module, "ArxivAuthor", counting)
    yield names_made


def test_the_api_counts_an_entry_s_authors_before_it_makes_them(made: list[str]) -> None:
    feed = parse_feed(atom_with(atom_authors(4 * MOST)), source="api.xml", limits=LIMITS)
    assert [q.reason for q in feed.quarantined] == [said(4 * MOST + 2, MOST)]
    assert made == []


def test_oai_arxiv_format_counts_a_record_s_authors_before_it_makes_them(
    made: list[str],
) -> None:
    page = parse_oai_response(
        oai_with(oai_authors(4 * MOST)), source="o", container="GetRecord", limits=LIMITS
    )
    assert [q.reason for q in page.quarantined] == [said(4 * MOST + 2, MOST)]
    assert made == []


def test_oai_dc_counts_a_record_s_creators_before_it_makes_them(made: list[str]) -> None:
    first = b"<dc:creator>Liepins, Vilnis</dc:creator>"
    creators = "".join(f"<dc:creator>{k}, {f}</dc:creator>" for f, k in names(4 * MOST))
    body = OAI_DC.replace(first, first + creators.encode(), 1)
    page = parse_oai_response(body, source="oai.xml", container="ListRecords", limits=LIMITS)
    assert [q.reason for q in page.quarantined] == [said(4 * MOST + 1, MOST)]
    assert not any(name.startswith("Given") for name in made)  # the others' authors only


def test_arxiv_raw_bounds_its_author_text_before_it_splits_it(made: list[str]) -> None:
    long_names = ", ".join(f"Given{i} {'Family' * 50}{i}" for i in range(40))  # ~12 KB
    page = parse_oai_response(
        raw_with(long_names), source="o", container="GetRecord", limits=LIMITS
    )
    [reason] = [q.reason for q in page.quarantined]
    assert reason.startswith("authors is ") and "[limits] literal_bytes = 10000" in reason
    assert made == []


def test_arxiv_raw_splits_its_author_text_no_further_than_one_past_the_limit(
    made: list[str],
) -> None:
    """Within literal_bytes, arXivRaw's text of many short names is split to one past the
    limit, then refused (before: every name made, then counted)."""
    short_names = ", ".join(f"G{i} F{i}" for i in range(4 * MOST))  # ~1.7 KB
    page = parse_oai_response(
        raw_with(short_names), source="o", container="GetRecord", limits=LIMITS
    )
    [reason] = [q.reason for q in page.quarantined]
    assert reason.startswith(f"more than {MOST} authors: over [limits] authors_per_record")
    assert len(made) == MOST + 1


def test_arxiv_raw_bounds_all_its_author_text_after_a_comment_too(made: list[str]) -> None:
    """The bound reads the whole text the split reads (before: the element's text before its
    first child, none after a leading comment, so any length passed)."""
    long_names = ", ".join(f"Given{i} {'Family' * 50}{i}" for i in range(40))  # ~12 KB
    page = parse_oai_response(
        raw_with(f"<!-- -->{long_names}"), source="o", container="GetRecord", limits=LIMITS
    )
    [reason] = [q.reason for q in page.quarantined]
    assert reason.startswith("authors is ") and "[limits] literal_bytes = 10000" in reason
    assert made == []
