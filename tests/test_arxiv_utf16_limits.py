"""``[limits] literal_bytes`` counts a text value's UTF-8 bytes, whatever the encoding of the
answer holding it: an API or OAI-PMH answer in UTF-16 (two bytes to an ASCII letter) holds as
much text in one field as one in UTF-8, and one oversize field quarantines its record, the
error naming that limit. ``line_bytes``, ``profile_bytes`` and ``max_body_bytes`` count the
bytes as received (README, Configuration). Before, a UTF-16 answer kept libxml2's own bound
on a text node (10 MB): a field past it refused the whole page, ``Resource limit exceeded:
Text node too long``, naming no limit of the config. Pages are the recorded hep-ex page, its
first abstract replaced and the page written in UTF-16 (CONSTRUCTED)."""

from __future__ import annotations

import re

import pytest

from harvest_pages import HEP_EX
from scholarkg.extract.oai_pages import parse_oai_response
from scholarkg.limits import Limits

LIMIT = 1300  # over the page's two other abstracts (1234 and 1213 bytes)


def utf16_page(abstract: str) -> bytes:
    text = re.sub(
        r"<abstract>.*?</abstract>",
        f"<abstract>{abstract}</abstract>",
        HEP_EX.decode(),
        count=1,
        flags=re.S,
    )
    return text.replace('encoding="UTF-8"', 'encoding="UTF-16"').encode("utf-16")


@pytest.mark.parametrize(
    ("abstract", "over"),
    [
        ("y" * LIMIT, False),  # 2 602 bytes of UTF-16, 1 300 of text: read
        ("y" * (LIMIT + 1), True),
        ("\u00e9" * (LIMIT // 2), False),  # é: 2 bytes in UTF-8 as in UTF-16
        ("\u00e9" * (LIMIT // 2) + "y", True),
        ("\u4e2d" * (LIMIT // 3), False),  # 中: 3 bytes in UTF-8, 2 in UTF-16
        ("\u4e2d" * (LIMIT // 3) + "yy", True),
    ],
)
def test_a_utf16_field_is_bounded_by_its_text_in_utf8(abstract: str, over: bool) -> None:
    page = parse_oai_response(
        utf16_page(abstract),
        source="x",
        container="ListRecords",
        limits=Limits(literal_bytes=LIMIT),
    )
    assert len(page.records) == (2 if over else 3)
    if over:
        (bad,) = page.quarantined
        size = len(abstract.encode("utf-8"))
        assert bad.reason.startswith(f"abstract is {size} bytes: over [limits] literal_bytes = ")
    else:
        assert not page.quarantined


def test_a_utf16_field_past_libxml2s_own_bound_quarantines_its_record_only() -> None:
    """10.1 million characters: before, the page was refused at libxml2's 10 MB text-node
    bound (``x:15: not well-formed XML: Resource limit exceeded: Text node too long``)."""
    page = parse_oai_response(utf16_page("y" * 10_100_000), source="x", container="ListRecords")
    assert [r.header.arxiv_id for r in page.records] == ["1706.09418", "1707.00874"]
    (bad,) = page.quarantined
    assert bad.reason.startswith("abstract is 10100000 bytes: over [limits] literal_bytes = ")
    assert bad.line == 6
