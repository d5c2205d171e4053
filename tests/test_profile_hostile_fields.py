"""A profile page's paper fields under hostile input: every page CONSTRUCTED from the real
sample (``examples/profiles/leonard-hussenot.txt``), each test saying what it changed. A
field that names nothing quarantines its paper with the reason and line; the others load."""

from __future__ import annotations

import datetime as dt

import pytest

from samples import SAMPLE_PROFILE
from scholarkg.config import load_config
from scholarkg.extract.profile_page import parse_profile
from scholarkg.identity.invisible import unjoined
from scholarkg.models import Profile

WHEN = dt.datetime(2026, 12, 3, tzinfo=dt.UTC)
CODES = load_config().subject_codes
SAMPLE = SAMPLE_PROFILE.read_text(encoding="utf-8")
BOND_TITLE = "BOND: Aligning LLMs with Best-of-N Distillation"
BOND_AUTHORS = "Pier Giuseppe Sessa, Robert Dadashi, Léonard Hussenot et al."
GEMMA_AUTHORS = "Gemma Team, Morgane Riviere, Shreya Pathak et al. · deepmind"


def parse(page: str) -> Profile:
    return parse_profile(page.encode(), source="p.txt", retrieved_at=WHEN, subject_codes=CODES)


@pytest.mark.parametrize("title", ["\u200b\u200b", "!!! ...", "\u2060", "\u3164\u3164"])
def test_a_title_of_no_letter_or_digit_quarantines_the_paper(title: str) -> None:
    """CONSTRUCTED: BOND's title replaced by zero-width spaces or punctuation. The paper was
    read with that title (its work key empty); now it is quarantined, the other 24 load: at
    its title line for punctuation; a line of invisible characters only is blank, so the
    block lost its title line and its abstract is read as the author line: a sentence, no
    name (before: ``title '\\u200b\\u200b' holds no letter or digit`` at line 20). A title of
    symbols alone (``→``) stays a title. Hangul fillers are letters no one sees: a line of them
    only is blank as well (before: read as a title holding no letter or digit at line 20, and
    before that written empty once titles dropped them)."""
    profile = parse(SAMPLE.replace(BOND_TITLE, title, 1))
    [bad] = profile.quarantined
    assert (bad.source, bad.line, bad.reason) == (
        ("p.txt", 20, f"title {title!r} holds no letter or digit")
        if unjoined(title)  # not of characters no one sees only
        else (
            "p.txt",
            24,
            "author 1 is 20 words long: no name (is the paper's title or author line missing?)",
        )
    )
    assert len(profile.papers) == 24
    assert BOND_TITLE not in {p.title for p in profile.papers}
    arrow = parse(SAMPLE.replace(BOND_TITLE, "→", 1))
    assert not arrow.quarantined and "→" in {p.title for p in arrow.papers}


def test_an_author_of_hangul_fillers_alone_is_nameless() -> None:
    """CONSTRUCTED: Robert Dadashi on BOND written as a Hangul filler (a letter no one sees).
    Before: an author so named, shown empty once names dropped it; now no name, quarantined."""
    profile = parse(SAMPLE.replace(BOND_AUTHORS, BOND_AUTHORS.replace("Robert Dadashi", "\u3164")))
    [bad] = profile.quarantined
    assert (bad.line, bad.reason[:9]) == (22, "author 2 ")
    assert len(profile.papers) == 24


@pytest.mark.parametrize("line", ["et al.", "et al", "  et   al."])
def test_an_author_line_of_et_al_alone_quarantines_the_paper(line: str) -> None:
    """CONSTRUCTED: BOND's author line cut to ``et al.``. It was read as one author named
    ``et al.`` (a person keyed ``et-al`` founded and given the paper); now the paper lists no
    authors and is quarantined at its author line."""
    profile = parse(SAMPLE.replace(BOND_AUTHORS, line, 1))
    [bad] = profile.quarantined
    assert (bad.line, bad.reason) == (22, "paper block lists no authors")
    assert len(profile.papers) == 24
    assert not [a for p in profile.papers for a in p.authors if a.split()[-1].strip(".") == "al"]


@pytest.mark.parametrize("orgs", ["· · ·", "\u200b", "deepmind, --", "\u3164"])
def test_an_organisation_of_no_letter_or_digit_quarantines_the_paper(orgs: str) -> None:
    """CONSTRUCTED: Gemma 2's organisation list written as dots, a zero-width space or a
    dash after a real one. Each was an organisation node keyed ``x``, shared by every page
    doing the same; now the paper is quarantined naming the organisation and its place."""
    profile = parse(SAMPLE.replace(GEMMA_AUTHORS, GEMMA_AUTHORS.replace("deepmind", orgs), 1))
    [bad] = profile.quarantined
    place = 2 if orgs.startswith("deepmind") else 1
    nameless = orgs.split(", ")[-1]
    assert (bad.line, bad.reason) == (
        15,
        f"organisation {place} {nameless!r} holds no letter or digit",
    )
    assert len(profile.papers) == 24
    kept = parse(SAMPLE.replace(GEMMA_AUTHORS, GEMMA_AUTHORS.replace("deepmind", "DeepMind"), 1))
    assert not kept.quarantined and kept.papers[0].organizations == ("DeepMind",)


def test_a_metric_stated_twice_with_two_values_is_one_warning_and_left_out() -> None:
    """CONSTRUCTED: the h-index line followed by ``h-index3`` and, 1 000 times more, by
    ``h-index4``. The last line stated was kept without a word (h-index 4 observed); now
    neither is the page's: one warning naming both lines and values, the metric left out,
    the others kept. Stated twice with one value, it is kept."""
    profile = parse(SAMPLE.replace("h-index117\n", "h-index117\nh-index3\n" + "h-index4\n" * 1000))
    assert profile.warnings == ("p.txt:5: h-index 3 where line 4 states 117: left out",)
    assert profile.metrics.h_index is None
    assert (profile.metrics.citations, profile.metrics.novelty_percent) == (11030, 49)
    again = parse(SAMPLE.replace("h-index117\n", "h-index117\nH-index 117\n"))
    assert again.metrics.h_index == 117 and not again.warnings
