"""A profile page whose author lines write the white space around ``·`` and in ``et al.`` as a
no-break space or a tab (a page taken from HTML writes ``&nbsp;·&nbsp;``) is read as the same
page written with spaces: the same authors, organisations and "et al.", the same graphs.

Measured before: on the sample page with ``\\u00a0·\\u00a0`` and ``\\u00a0et\\u00a0al.``, the
organisations and "et al." were part of the last author's name, and each organisation after
the first was an author: ``scholarkg run`` said ``outcome: ok`` and the store held persons
named ``Shreya Pathak et al. · deepmind``, ``baidu`` and ``mit`` (47 persons, not 44).

The pages are constructed from the sample by replacing the spaces around ``·`` and ``et al.``.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from building import build_store, rows
from samples import SAMPLE_PROFILE
from scholarkg.config import load_config
from scholarkg.extract.profile_page import parse_profile
from scholarkg.models import Profile

WHEN = dt.datetime(2026, 12, 4, 12, 0, tzinfo=dt.UTC)
CODES = load_config().subject_codes
SPACES = {
    "no-break space": "\u00a0",
    "tab": "\t",
    "narrow no-break space": "\u202f",
    "two spaces": "  ",
}


def parse(data: bytes) -> Profile:
    return parse_profile(data, source="page.txt", retrieved_at=WHEN, subject_codes=CODES)


def spaced(space: str) -> bytes:
    text = SAMPLE_PROFILE.read_text(encoding="utf-8")
    text = text.replace(" · ", f"{space}·{space}").replace(" et al.", f"{space}et{space}al.")
    return text.encode("utf-8")


def author_lines(profile: Profile) -> list[tuple[tuple[str, ...], bool, tuple[str, ...]]]:
    return [(p.authors, p.authors_truncated, p.organizations) for p in profile.papers]


@pytest.mark.parametrize("space", SPACES.values(), ids=SPACES.keys())
def test_an_author_line_reads_alike_whatever_its_white_space(space: str) -> None:
    plain = parse(SAMPLE_PROFILE.read_bytes())
    page = parse(spaced(space))
    assert spaced(space) != SAMPLE_PROFILE.read_bytes()
    assert author_lines(page) == author_lines(plain)
    gemma = page.papers[0]
    assert gemma.authors[-1] == "Shreya Pathak" and gemma.organizations == ("deepmind",)
    assert gemma.authors_truncated


def test_a_middle_dot_inside_a_name_is_no_separator() -> None:
    page = (
        "Jordi Collell\nLG\n\n1 Papers\n\nLGJan 5, 2024\nA Title\n"
        "Jordi Col·lell, Ann\u00a0Lee\u00a0et\u00a0al.\u00a0·\u00a0mit, upc\n"
    )
    [paper] = parse(page.encode("utf-8")).papers
    assert paper.authors == ("Jordi Col·lell", "Ann\u00a0Lee")
    assert paper.authors_truncated and paper.organizations == ("mit", "upc")


def test_a_page_with_no_break_spaces_builds_the_graph_of_the_plain_page(tmp_path: Path) -> None:
    names = (
        "PREFIX foaf: <http://xmlns.com/foaf/0.1/> SELECT ?name WHERE { ?person a "
        "<https://w3id.org/scholarkg/ontology#Person> ; foaf:name ?name }"
    )
    orgs = (
        "SELECT ?name WHERE { ?org a <https://w3id.org/scholarkg/ontology#Organization> ; "
        "<http://www.w3.org/2000/01/rdf-schema#label> ?name }"
    )
    held = {}
    for kind, data in (("plain", SAMPLE_PROFILE.read_bytes()), ("nbsp", spaced("\u00a0"))):
        page = tmp_path / kind / "page.txt"
        page.parent.mkdir()
        page.write_bytes(data)
        config, report = build_store(page.parent, [page])
        assert report.outcome == "ok", report.summary_lines()
        held[kind] = (
            sorted(r["name"] for r in rows(config, names)),
            sorted(r["name"] for r in rows(config, orgs)),
        )
    assert held["nbsp"] == held["plain"]
    assert len(held["plain"][0]) == 44 and "baidu" in held["plain"][1]
