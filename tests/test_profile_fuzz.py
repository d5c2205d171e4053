"""The profile-page door fuzzed the way attackers try it: pages mutated from the real sample
(``examples/profiles/leonard-hussenot.txt``) by truncation, lines duplicated, dropped, swapped
or repeated at length, huge or odd numbers and dates, empty fields, and characters that are no
text or invisible (NUL, lone surrogates, a byte-order mark mid-file, direction marks, combining
marks, CR and CRLF line ends, tabs).

A page is read, its bad papers quarantined each with one line of reason, or refused with one
:class:`ParseError` line naming the source and the line; never another exception. A hidden
character in a paper's lines never makes that paper more of the abstract before: it is kept,
or quarantined naming what is no text.

The examples are few and derandomized (the suite runs on a busy two-core machine); the explicit
tests pin each failure the fuzzing found.
"""

from __future__ import annotations

import datetime as dt

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from profile_sample import BOND, BOND_TITLE, CODES, PAPERS, SAMPLE, SOURCE, encoded, parse
from scholarkg.errors import ParseError
from scholarkg.models import Profile, QuarantinedRecord

LINES = SAMPLE.split("\n")
HEADING = LINES.index("25 Papers")  # the lines after it are the papers'
DATE_LINES = [at for at, line in enumerate(LINES) if at > HEADING and line[:2] in CODES]
GEMMA_TITLE = "Gemma 2: Improving Open Language Models at a Practical Size"
FUZZ = settings(
    max_examples=60,
    derandomize=True,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

# Invisible characters (format: BOM, direction marks and overrides, zero-width ones, a soft
# hyphen, a tag) and what is no text (C0, DEL, C1, noncharacters, lone surrogates).
HIDDEN = [
    "\ufeff", "\u200b", "\u200c", "\u200d", "\u200e", "\u200f", "\u202a", "\u202e", "\u2066",
    "\u2069", "\u00ad", "\U000e0041", "\x00", "\x01", "\x1b", "\x1f", "\x7f", "\x9b", "\ufffe",
    "\uffff", "\ud800", "\udfff",
]  # fmt: skip
ODD = [*HIDDEN, "\u0301", "\t", "\r", "\r\n", "\x0b", "\x0c", "\x85", "\u2028", "\xa0", "  ", " · "]
NUMBERS = ["1" + "0" * 400, "1e9", "-5", "0", "", "9" * 20, "1,,2", "\u0663", "\uff11\uff12"]
DATES = [
    "0000-00-00",
    "2024-13-45",
    "Feb 30, 2024",
    "Jul 0, 2024",
    "Jul 19, 0000",
    "jul 19, 2024",
    "JUL 1, 2024",
]
FIELDS = [
    *(f"h-index{n}" for n in NUMBERS),
    *(f"{n}papers" for n in NUMBERS),
    *(f"{n} Papers" for n in NUMBERS),
    *(f"{n}citations" for n in NUMBERS),
    *(f"Novelty{n}%" for n in NUMBERS),
    *(f"AI Score{n}" for n in NUMBERS),
    *(f"LG{d}" for d in DATES),
    *(f"CL {d}Code" for d in DATES),
    "LG",
    "",
    " · ",
    "et al.",
]


def _mutate(lines: list[str], draw: st.DrawFn) -> list[str]:
    """``lines`` after one mutation drawn from ``draw``."""
    at = draw(st.integers(0, len(lines) - 1))
    other = draw(st.integers(0, len(lines) - 1))
    line = lines[at]
    cut = draw(st.integers(0, len(line)))
    kind = draw(
        st.sampled_from(["cut", "twice", "drop", "swap", "section", "odd", "field", "long"])
    )
    if kind == "cut":  # the page ends mid-line
        return [*lines[:at], line[:cut]]
    if kind == "twice":
        return [*lines[: at + 1], line, *lines[at + 1 :]]
    if kind == "drop":
        return lines[:at] + lines[at + 1 :]
    if kind == "swap":
        swapped = list(lines)
        swapped[at], swapped[other] = swapped[other], swapped[at]
        return swapped
    if kind == "section":  # a run of lines (a paper block, the metrics) again, elsewhere
        start, end = sorted((at, other))
        return [*lines[:at], *lines[start : end + 1], *lines[at:]]
    if kind == "odd":
        return [*lines[:at], line[:cut] + draw(st.sampled_from(ODD)) + line[cut:], *lines[at + 1 :]]
    if kind == "field":
        return [*lines[:at], draw(st.sampled_from(FIELDS)), *lines[at + 1 :]]
    return [*lines[:at], line * draw(st.sampled_from([2, 300])), *lines[at + 1 :]]


@st.composite
def mutated_pages(draw: st.DrawFn) -> bytes:
    lines = list(LINES)
    for _ in range(draw(st.integers(1, 5))):
        if lines:
            lines = _mutate(lines, draw)
    page = encoded(draw(st.sampled_from(["\n", "\r\n", "\r"])).join(lines))
    if draw(st.booleans()):  # cut at any byte: mid-character too
        page = page[: draw(st.integers(0, len(page)))]
    return page


def _blocks_quarantined(profile: Profile) -> list[QuarantinedRecord]:
    """The paper blocks quarantined (not the text before the first paper, no block)."""
    return [r for r in profile.quarantined if not r.reason.startswith("text before the first")]


@FUZZ
@given(mutated_pages())
def test_a_mutated_page_is_read_or_refused_in_one_line(page: bytes) -> None:
    try:
        profile = parse(page)
    except ParseError as exc:
        assert exc.source == SOURCE
        assert exc.line is not None and exc.line >= 1
        assert "\n" not in str(exc) and "\r" not in str(exc)
        assert str(exc).startswith(f"{SOURCE}:{exc.line}: ")
        return
    for record in profile.quarantined:
        assert record.source == SOURCE and record.line >= 1
        assert record.reason and "\n" not in record.reason
    assert all("\n" not in warning for warning in profile.warnings)
    # every paper block is a paper or a quarantined one; a count unlike the stated one is said
    blocks = len(profile.papers) + len(_blocks_quarantined(profile))
    if profile.stated_paper_count not in (None, blocks):
        said = f"{SOURCE}: page states {profile.stated_paper_count} papers but lists {blocks}"
        assert said in profile.warnings


@st.composite
def hidden_in_papers(draw: st.DrawFn) -> bytes:
    """The sample with hidden characters put anywhere in the papers' lines (the header left)."""
    lines = list(LINES)
    for _ in range(draw(st.integers(1, 6))):
        at = draw(st.sampled_from(DATE_LINES) | st.integers(HEADING + 1, len(lines) - 1))
        cut = draw(st.integers(0, len(lines[at])))
        lines[at] = lines[at][:cut] + draw(st.sampled_from(HIDDEN)) + lines[at][cut:]
    return encoded("\n".join(lines))


@FUZZ
@given(hidden_in_papers())
def test_a_hidden_character_never_merges_a_paper_into_another(page: bytes) -> None:
    try:
        profile = parse(page)
    except ParseError as exc:  # a lone surrogate: no UTF-8, the page refused at its line
        assert "not UTF-8 text" in str(exc) and exc.line is not None and exc.line > HEADING
        return
    # a line of hidden characters alone before the first paper is quarantined as text no
    # paper holds; every paper block is a paper or a quarantined one
    assert len(profile.papers) + len(_blocks_quarantined(profile)) == PAPERS
    assert not any("page states" in warning for warning in profile.warnings)


def _with_bond_line(line: str) -> Profile:
    return parse(encoded(SAMPLE.replace(BOND, line, 1)))


def test_an_invisible_character_in_a_date_line_keeps_its_paper() -> None:
    # before: a byte-order mark (a page pasted together), a direction or zero-width mark in
    # 'LGJul 19, 2024' made it no block start; BOND was more of Gemma 2's abstract, only
    # "page states 25 papers but lists 24" said so
    for mark in ("\ufeff", "\u200f", "\u200b", "\u202e"):
        for line in (mark + BOND, BOND[:2] + mark + BOND[2:], BOND[:1] + mark + BOND[1:]):
            profile = _with_bond_line(line)
            titles = [paper.title for paper in profile.papers]
            assert titles[:2] == [GEMMA_TITLE, BOND_TITLE], line
            bond = profile.papers[1]
            assert (bond.subject_code, bond.date, bond.line) == ("LG", dt.date(2024, 7, 19), 19)
            assert "Reinforcement learning" not in (profile.papers[0].abstract or "")
            assert (len(profile.papers), profile.quarantined) == (PAPERS, ())


def test_a_nul_in_a_date_line_quarantines_that_paper_alone() -> None:
    # before: 'LG\x00Jul 19, 2024' was no block start: BOND was more of Gemma 2's abstract,
    # and Gemma 2 was quarantined for the NUL (two papers lost for one bad line)
    profile = _with_bond_line("LG\x00Jul 19, 2024")
    assert profile.papers[0].title == GEMMA_TITLE
    assert len(profile.papers) == PAPERS - 1
    [record] = profile.quarantined
    assert (record.line, record.reason) == (19, "date line: control character U+0000 is not text")
    assert BOND_TITLE in record.text


def test_a_subject_code_alone_with_a_direction_mark_starts_a_block() -> None:
    profile = _with_bond_line("LG\u200f")
    [record] = profile.quarantined
    assert record.line == 19 and record.reason.startswith("paper has no date")
    assert len(profile.papers) == PAPERS - 1


def test_a_month_in_another_case_after_a_known_code_quarantines_its_paper_alone() -> None:
    # before: 'LGjul 19, 2024' and 'LGJUL 19, 2024' were no block start: BOND was more of
    # Gemma 2's abstract, only "page states 25 papers but lists 24" said so
    for month in ("jul", "JUL"):
        profile = _with_bond_line(f"LG{month} 19, 2024")
        assert profile.papers[0].abstract is not None
        assert "Reinforcement learning" not in profile.papers[0].abstract
        [record] = profile.quarantined
        assert (record.line, record.reason) == (19, f"unreadable paper date '{month} 19, 2024'")
        assert len(profile.papers) == PAPERS - 1


def test_an_invisible_character_in_the_heading_or_a_metric_line_is_read_past() -> None:
    # before: '\ufeff25 Papers' (a page pasted after another) was no heading: the page was
    # refused at its last line, every paper lost; 'h-index\u200e117' and 'LG\u200b' were
    # unrecognised header lines, the h-index and the subject code left out
    for old, new in (
        ("25 Papers\n", "\ufeff25 Papers\n"),
        ("25 Papers\n", "25 Papers\u200f\n"),
        ("h-index117", "h-index\u200e117"),
        ("\nLG\nh-index", "\nLG\u200b\nh-index"),
    ):
        profile = parse(encoded(SAMPLE.replace(old, new, 1)))
        assert (profile.subject_code, profile.metrics.h_index) == ("LG", 117), new
        assert profile.stated_paper_count == PAPERS
        assert (len(profile.papers), profile.quarantined, profile.warnings) == (PAPERS, (), ())
