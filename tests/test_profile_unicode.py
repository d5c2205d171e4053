"""The profile-page door under hostile Unicode: every page CONSTRUCTED from the real sample
(``examples/profiles/leonard-hussenot.txt``), each test saying what it changed. A name is
stored as it reads (no bidi override, NFC), a paper's start is found under a combining mark, a
number is ASCII digits, and a line no one sees is blank."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pytest

from samples import SAMPLE_PROFILE
from scholarkg.config import load_config
from scholarkg.errors import ParseError
from scholarkg.extract.profile_page import parse_profile
from scholarkg.identity.names import name_key
from scholarkg.iris import Minter
from scholarkg.models import Profile

WHEN = dt.datetime(2026, 12, 3, tzinfo=dt.UTC)
CODES = load_config().subject_codes
SAMPLE = SAMPLE_PROFILE.read_text(encoding="utf-8")
BOND = "LGJul 19, 2024"  # the second paper's date line (line 19)
BOND_TITLE = "BOND: Aligning LLMs with Best-of-N Distillation"
BOND_AUTHORS = "Pier Giuseppe Sessa, Robert Dadashi, Léonard Hussenot et al."
GEMMA_AUTHORS = "Gemma Team, Morgane Riviere, Shreya Pathak et al. · deepmind"


def parse(page: str) -> Profile:
    return parse_profile(page.encode(), source="p.txt", retrieved_at=WHEN, subject_codes=CODES)


@pytest.mark.parametrize(
    "control",
    [
        pytest.param("\u202e", id="right-to-left override"),
        pytest.param("\u202a", id="left-to-right embedding"),
        pytest.param("\u202b", id="right-to-left embedding"),
        pytest.param("\u2066", id="left-to-right isolate"),
        pytest.param("\u2069", id="pop directional isolate"),
        pytest.param("\U000e0041", id="tag A"),
    ],
)
def test_a_bidi_control_in_a_name_is_not_stored(control: str) -> None:
    """CONSTRUCTED: a right-to-left override (an embedding, an isolate, a tag) opening the
    researcher's name, inside BOND's first author's surname and inside Gemma 2's organisation.
    Each was kept in the name (``'\\u202eLéonard Hussenot'``): shown, the name read backwards,
    and the listed paper's key (its first author's surname) split where no one sees a break.
    Now each is the name without it, its key the plain name's."""
    page = SAMPLE.replace("Léonard Hussenot\n", f"{control}Léonard Hussenot\n", 1)
    page = page.replace(BOND_AUTHORS, BOND_AUTHORS.replace("Sessa", f"Ses{control}sa"), 1)
    page = page.replace(GEMMA_AUTHORS, GEMMA_AUTHORS.replace("deepmind", f"deep{control}mind"))
    profile, plain = parse(page), parse(SAMPLE)
    assert profile.name == "Léonard Hussenot"
    assert profile.papers == plain.papers
    bond = profile.papers[1]
    assert bond.authors[0] == "Pier Giuseppe Sessa"
    assert name_key(bond.authors[0]) == "pier-giuseppe-sessa"
    minter = Minter()
    assert minter.paper_listed(bond.title, bond.authors[0]) == minter.paper_listed(
        BOND_TITLE, "Pier Giuseppe Sessa"
    )
    assert profile.papers[0].organizations == ("deepmind",)


def test_a_name_is_nfc_and_keeps_a_joiner_that_spells_it() -> None:
    """CONSTRUCTED: the researcher's name in NFD, and a Persian author whose name a zero-width
    non-joiner spells (``محمد‌رضا``) with a left-to-right mark after it. The name was kept in
    NFD and the mark kept; now the name is NFC, the mark gone and the joiner kept."""
    persian = "\u0645\u062d\u0645\u062f\u200c\u0631\u0636\u0627 \u0627\u062d\u0645\u062f\u06cc"
    page = SAMPLE.replace("Léonard Hussenot\n", "Le\u0301onard Hussenot\n", 1)
    page = page.replace(BOND_AUTHORS, BOND_AUTHORS.replace("Robert Dadashi", persian + "\u200e"))
    profile = parse(page)
    assert profile.name == "Léonard Hussenot"
    assert profile.papers[1].authors[1] == persian


@pytest.mark.parametrize(
    ("stamp", "reason"),
    [
        pytest.param(
            "L\u0301GJul 19, 2024",
            "subject code 'L\u0301G' holds a combining mark (U+0301)",
            id="acute on the code's L",
        ),
        pytest.param(
            "\u0139GJul 19, 2024",
            "subject code 'L\u0301G' holds a combining mark (U+0301)",
            id="precomposed L acute",
        ),
        pytest.param(
            "LG\u0301Jul 19, 2024",
            "subject code 'LG\u0301' holds a combining mark (U+0301)",
            id="acute after the code",
        ),
        pytest.param(
            "LG\u0301 Jul 19, 2024",
            "subject code 'LG\u0301' holds a combining mark (U+0301)",
            id="acute after the code, then a space",
        ),
        pytest.param(
            "cs.L\u0301GJul 19, 2024",
            "subject code 'cs.L\u0301G' holds a combining mark (U+0301)",
            id="acute on cs.LG's L",
        ),
        pytest.param(
            "LGJ\u0300ul 19, 2024",
            "paper date 'J\u0300ul 19, 2024' holds a combining mark (U+0300)",
            id="grave on the month",
        ),
        pytest.param(
            "L\u0301G",
            "paper has no date: its line is the subject code 'L\u0301G' alone",
            id="acute on a code alone",
        ),
        pytest.param(
            "LGJul \uff11\uff19, 2024",
            "paper date 'Jul \uff11\uff19, 2024' is written in digits other than ASCII 0-9",
            id="full-width day",
        ),
        pytest.param(
            "LGJul 19, \u0662\u0660\u0662\u0664",
            "paper date 'Jul 19, \u0662\u0660\u0662\u0664' is written in digits other than "
            "ASCII 0-9",
            id="Arabic-Indic year",
        ),
    ],
)
def test_a_paper_line_with_a_combining_mark_or_other_digits_quarantines_the_paper_not_merged(
    stamp: str, reason: str
) -> None:
    """CONSTRUCTED: BOND's date line with a combining acute on a letter of its subject code,
    right after it, or on its month (``LG\\u0301Jul 19, 2024``), or its date written with
    full-width or Arabic-Indic digits. The marked line started no block: BOND's title, authors
    and abstract were read as more paragraphs of Gemma 2's abstract, and only the count told it;
    the other digits were read as 19 July 2024. Now BOND is quarantined at its line naming the
    mark or the digits, the others load."""
    profile = parse(SAMPLE.replace(BOND + "\n", stamp + "\n", 1))
    assert [p.abstract for p in profile.papers] == [
        p.abstract for p in parse(SAMPLE).papers if p.title != BOND_TITLE
    ]
    [bad] = profile.quarantined
    decomposed = ("\u0139G", "L\u0301G")
    assert (bad.line, bad.reason.replace(*decomposed)) == (19, reason)
    assert BOND_TITLE in bad.text
    assert not [w for w in profile.warnings if "states" in w]


@pytest.mark.parametrize(
    ("line", "changed", "refused"),
    [
        pytest.param(
            "LG",
            "L\u0301G",
            "subject code 'L\u0301G' holds a combining mark (U+0301)",
            id="acute on the code's L",
        ),
        pytest.param(
            "LG",
            "\u0139G",
            "subject code '\u0139G' holds a combining mark (U+0301)",
            id="precomposed L acute",
        ),
        pytest.param(
            "LG",
            "LG\u0300",
            "subject code 'LG\u0300' holds a combining mark (U+0300)",
            id="grave after the code",
        ),
        pytest.param(
            "LG",
            "cs.LG\u0301",
            "subject code 'cs.LG\u0301' holds a combining mark (U+0301)",
            id="acute after cs.LG",
        ),
        pytest.param(
            "LG",
            "\u200eL\u0301G",
            "subject code 'L\u0301G' holds a combining mark (U+0301)",
            id="left-to-right mark, then acute on the code's L",
        ),
        pytest.param(
            "h-index117",
            "h-index\uff11\uff11\uff17",
            "'\uff11\uff11\uff17': a number in digits other than ASCII 0-9",
            id="full-width h-index",
        ),
        pytest.param(
            "11,030citations",
            "\u0661\u0661,030citations",
            "'\u0661\u0661,030': a number in digits other than ASCII 0-9",
            id="Arabic-Indic citations",
        ),
        pytest.param(
            "25 Papers",
            "\uff12\uff15 Papers",
            "'\uff12\uff15': a number in digits other than ASCII 0-9",
            id="full-width papers heading",
        ),
    ],
)
def test_a_subject_code_with_a_combining_mark_or_a_count_in_other_digits_refuses_the_page(
    line: str, changed: str, refused: str
) -> None:
    """CONSTRUCTED: the header's subject code ``LG`` (line 3) with a combining mark on one of
    its letters or after it (``cs.LG\\u0301``), or the h-index, the citations and the papers
    heading written in full-width or Arabic-Indic digits. The marked code was an unrecognised
    header line and the page had no primary subject code, two warnings, while the same mark on
    a paper's line quarantines the paper; int() read each count as the number (h-index 117),
    where every other door reads ASCII digits only (an arXiv answer's counters, its
    identifiers). The code is a field of the researcher, as the counts below it: now the page
    is refused in one line naming its line and what it holds, as a count of 16 digits is."""
    at = SAMPLE.split("\n").index(line) + 1
    with pytest.raises(ParseError) as caught:
        parse(SAMPLE.replace(f"\n{line}\n", f"\n{changed}\n", 1))
    assert str(caught.value) == f"p.txt:{at}: {refused}"


@pytest.mark.parametrize("code", ["L\u0301G", "\u0139G", "cs.LG\u0301", "\u200eL\u0301G"])
@pytest.mark.parametrize("code_line_kept", [False, True])
def test_a_marked_subject_code_as_the_first_line_refuses_the_page(
    code: str, code_line_kept: bool
) -> None:
    """CONSTRUCTED: the page's first line, the name's, replaced by the subject code ``LG`` with a
    combining mark, the code line ``LG`` below it kept or gone with the name. It was read as the
    researcher's name ('L\u0301G', stored and minted; no primary subject code warned of when
    the code line was gone); it is refused as a marked code elsewhere in the header is, at
    line 1."""
    replaced = "Léonard Hussenot\n" if code_line_kept else "Léonard Hussenot\n\nLG\n"
    with pytest.raises(ParseError) as caught:
        parse(SAMPLE.replace(replaced, f"{code}\n", 1))
    shown = code.lstrip("\u200e")
    assert str(caught.value) == f"p.txt:1: subject code {shown!r} holds a combining mark (U+0301)"


def test_an_accented_header_line_that_is_no_subject_code_only_warns() -> None:
    """CONSTRUCTED: ``Montréal`` below the subject code. Read without its mark it has a code's
    shape but is none known: it stays an unrecognised line, warned of, the page read."""
    profile = parse(SAMPLE.replace("\nLG\n", "\nLG\nMontre\u0301al\n", 1))
    assert profile.subject_code == "LG" and len(profile.papers) == 25
    assert [w for w in profile.warnings if "unrecognised header line" in w] == [
        "p.txt:4: unrecognised header line 'Montre\u0301al'"
    ]


@pytest.mark.parametrize(
    "hidden",
    [
        pytest.param("\u200b", id="zero-width space"),
        pytest.param("\u2060\u200e \ufeff", id="word joiner, left-to-right mark, space, BOM"),
        pytest.param("\U000e0041\u00ad", id="tag A, soft hyphen"),
        # before: page_text's own rule (format characters only) read these as a line
        pytest.param("\u3164", id="Hangul filler"),
        pytest.param("\u115f\u1160 \uffa0", id="Hangul choseong, jungseong, halfwidth fillers"),
        pytest.param("\ufe0f", id="variation selector 16"),
        pytest.param("\u034f\u200b", id="combining grapheme joiner, zero-width space"),
    ],
)
def test_a_line_of_invisible_characters_only_is_blank(hidden: str) -> None:
    """CONSTRUCTED: a line of invisible characters only (identity/invisible.py's one rule)
    between BOND's title and its author line, and another after the papers heading. The first
    was read as BOND's author line (``author 1 has no name``, BOND quarantined, its authors
    more of its abstract), the second as text before the first paper; now each is a blank
    line, the page read as the sample."""
    page = SAMPLE.replace(BOND_TITLE + "\n", f"{BOND_TITLE}\n{hidden}\n", 1)
    page = page.replace("25 Papers\n", f"25 Papers\n{hidden}\n", 1)
    profile, plain = parse(page), parse(SAMPLE)
    assert not profile.quarantined and not profile.warnings
    assert [replace(p, line=0) for p in profile.papers] == [
        replace(p, line=0) for p in plain.papers
    ]


@pytest.mark.parametrize("line", ["\x1c", "\u200b\x1f"])
def test_a_line_of_a_separator_control_is_no_blank_line(line: str) -> None:
    """CONSTRUCTED: a line holding U+001C (U+001F after a zero-width space) between BOND's title
    and its author line. Python takes the separators for white space: the line was blank,
    dropped without a word; it is no text, so BOND is quarantined at it, as for a NUL."""
    page = SAMPLE.replace(BOND_TITLE + "\n", f"{BOND_TITLE}\n{line}\n", 1)
    profile = parse(page)
    assert len(profile.papers) == 24
    [bad] = profile.quarantined
    assert (bad.line, bad.reason) == (
        21,
        f"authors: control character U+{ord(line[-1]):04X} is not text",
    )
