"""A person's shown name (``foaf:name``) is never a spelling that differs from another only by
characters no one can see: a zero-width space, a soft hyphen, a direction mark or override.
The page is CONSTRUCTED from the real sample (``examples/profiles/leonard-hussenot.txt``)."""

from __future__ import annotations

from pathlib import Path

import pytest

from building import rows
from conftest import write_config
from samples import SAMPLE_PROFILE
from scholarkg.config import load_config
from scholarkg.identity.name_choice import preferred
from scholarkg.runs.build import build

NAMED = (
    "PREFIX foaf: <http://xmlns.com/foaf/0.1/> SELECT DISTINCT ?n WHERE {{ ?p foaf:name ?n "
    'FILTER(CONTAINS(?n, "{part}")) }}'
)


@pytest.mark.parametrize(
    ("plain", "hidden"),
    [
        ("Robert Dadashi", "Rob\u200bert Dadashi"),  # zero-width space: read as a word break
        ("Léonard Hussenot", "Léonard Hus\u00adsenot"),  # soft hyphen
        ("Léonard Hussenot", "\u202eLéonard Hussenot\u202c"),  # right-to-left override
        ("Kaiwen Wang", "Kaiwen\u2060 Wang\u200e"),  # word joiner, left-to-right mark
    ],
)
def test_a_spelling_with_invisible_characters_is_not_shown_over_the_plain_one(
    plain: str, hidden: str
) -> None:
    """``Rob\\u200bert Dadashi`` was shown over ``Robert Dadashi``: its zero-width space split
    ``Robert`` in two, so it counted two given names, the fuller. Now each spelling is
    weighed without such characters, and of two as full the one holding none is shown, in
    either order. A zero-width joiner (spelling Persian and Indic names) is not among them."""
    assert preferred([plain, hidden]) == preferred([hidden, plain]) == plain
    assert preferred(["R. Dadashi", "Robert Dadashi"]) == "Robert Dadashi"
    joined = "Mohammad Ra\u200cza"  # zero-width non-joiner: part of the spelling, kept
    assert preferred([joined, "Mohammad Raza"]) == preferred(["Mohammad Raza", joined])


def test_a_zero_width_space_in_one_listing_does_not_become_the_persons_name(
    tmp_path: Path,
) -> None:
    """CONSTRUCTED: the sample page with a zero-width space inside ``Robert Dadashi`` on BOND
    only (three other papers list him plainly). The run joined the four listings into one
    person, shown as ``Rob\\u200bert Dadashi``: searching the site for his name found nobody."""
    sample = SAMPLE_PROFILE.read_text(encoding="utf-8")
    hidden = "Pier Giuseppe Sessa, Rob\u200bert Dadashi, Léonard Hussenot et al."
    page = tmp_path / "page.txt"
    page.write_text(sample.replace(hidden.replace("\u200b", ""), hidden, 1), encoding="utf-8")
    config = load_config(write_config(tmp_path, [page]))
    assert build(config).report.outcome == "ok"
    assert rows(config, NAMED.format(part="Dada")) == [{"n": "Robert Dadashi"}]
