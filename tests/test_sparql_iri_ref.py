"""``iri_ref``: which IRIs SPARQL text may carry, decided by one search (before: a Python
generator over every character, which a snapshot load ran on every record's graph IRI)."""

from __future__ import annotations

import pytest

from scholarkg.errors import LoadError
from scholarkg.store.sparql_text import iri_ref

FORBIDDEN = '<>"{}|^`\\ \n\t'


def old_rule(text: str) -> str | None:
    """The rule as it was written first, character by character (the reference)."""
    if not text or any(c in set(FORBIDDEN) for c in text):
        return None
    return f"<{text}>"


HOSTILE = [
    "",
    "https://w3id.org/scholarkg/id/graph/arxiv/2401.00001",
    "https://example.org/a b",
    "https://example.org/a>b",
    "https://example.org/a> } ; DROP ALL ; INSERT DATA { <x",
    'https://example.org/"q"',
    "https://example.org/{x}",
    "https://example.org/a|b",
    "https://example.org/a^b",
    "https://example.org/a`b",
    "https://example.org/a\\u003e",
    "https://example.org/line\nbreak",
    "https://example.org/tab\there",
    "https://example.org/\r",  # not forbidden by this rule (nor before)
    "https://example.org/[]()*+?.$-",  # regex metacharacters: allowed, not a pattern
    "https://example.org/caf\u00e9/\u202e/\u2028",
    "https://example.org/\x00\x7f",
    *[f"https://example.org/{c}" for c in FORBIDDEN],
    *list(FORBIDDEN),
]


@pytest.mark.parametrize("text", HOSTILE)
def test_iri_ref_decides_as_the_character_rule(text: str) -> None:
    expected = old_rule(text)
    if expected is None:
        with pytest.raises(LoadError, match="not a valid IRI for SPARQL"):
            iri_ref(text)
    else:
        assert iri_ref(text) == expected


def test_every_character_of_the_first_plane_decided_as_before() -> None:
    refused = []
    for code in range(0x10000):
        text = f"https://example.org/{chr(code)}"
        try:
            iri_ref(text)
        except LoadError:
            refused.append(chr(code))
        else:
            assert old_rule(text) == f"<{text}>"
    assert sorted(refused) == sorted(FORBIDDEN)
