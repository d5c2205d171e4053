"""A source URL as typed becomes an IRI the store takes: what an IRI cannot hold is encoded."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest

from building import build_store, rows
from loopback import Pages
from samples import SAMPLE_PROFILE
from scholarkg.transform.terms import source_iri

TYPED = [
    (
        "https://example.org/people/Léonard Hussenot",
        "https://example.org/people/Léonard%20Hussenot",
    ),
    (
        'https://example.org/p/"Léonard"|all?tab=a b|c',
        "https://example.org/p/%22Léonard%22%7Call?tab=a%20b%7Cc",
    ),
    (
        "https://example.org/a<b>{c}\\d^e`f\tg",
        "https://example.org/a%3Cb%3E%7Bc%7D%5Cd%5Ee%60f%09g",
    ),
    ("https://example.org/100% sure", "https://example.org/100%25%20sure"),
    ("https://example.org/a[1]#x#y", "https://example.org/a%5B1%5D#x%23y"),
    ("file:///data/profiles/a b.txt", "file:///data/profiles/a%20b.txt"),
]
VALID = [
    "https://example.org/people/Léonard%20Hussenot",
    "https://example.org/людей/Преображенская?tab=статьи#верх",
    "https://example.org/~a-b_c.d!$&'()*+,;=:@/p?q=1&r=%C3%A9#frag?/x",
    "http://[::1]:8080/profile.txt",
    "https://example.org/日本語/😀",
]


@pytest.mark.parametrize(("typed", "expected"), TYPED)
def test_characters_an_iri_cannot_hold_are_percent_encoded(typed: str, expected: str) -> None:
    iri = str(source_iri(typed))
    assert iri == expected
    ox.NamedNode(iri)  # the store takes it
    assert str(source_iri(iri)) == iri  # and it is not encoded twice


@pytest.mark.parametrize("valid", VALID)
def test_a_valid_iri_is_kept_as_it_is(valid: str) -> None:
    ox.NamedNode(valid)
    assert str(source_iri(valid)) == valid


@pytest.fixture
def any_path() -> Iterator[Pages]:
    """A loopback server answering every path with the sample page."""
    body = SAMPLE_PROFILE.read_bytes()
    with Pages(lambda _: ("text/plain; charset=utf-8", body)) as server:
        yield server


def test_a_profile_at_a_url_with_a_space_loads_rather_than_going_to_dead_letter(
    tmp_path: Path, any_path: Pages
) -> None:
    location = f"{any_path.base}/people/Léonard Hussenot|all.txt"
    config, report = build_store(tmp_path, [location], http={"min_interval": 0.0})
    assert any_path.paths == ["/people/L%C3%A9onard%20Hussenot%7Call.txt"]
    assert not report.dead and not report.rejected, report.summary_lines()
    assert report.outcome == "ok", report.summary_lines()
    iri = f"{any_path.base}/people/Léonard%20Hussenot%7Call.txt"
    sources = rows(config, f"SELECT ?g WHERE {{ GRAPH ?g {{ ?s ?p <{iri}> }} }}")
    kinds = {"/snapshot/" in r["g"] for r in sources}
    assert kinds == {True, False}  # the profile graph and its snapshot name it
