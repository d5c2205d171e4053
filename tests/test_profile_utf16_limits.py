"""``[limits] literal_bytes`` bounds a profile paper's abstract by its text's UTF-8 bytes,
whatever the page's encoding: the page in UTF-16 (two bytes to an ASCII letter, as to ``é``)
holds as much abstract as in UTF-8, and the reason tells the abstract's UTF-8 bytes. Before,
an abstract whose later paragraphs were only counted (past the limit) was told in characters
as bytes: ``the abstract is 3504 bytes`` for 6 304. ``[limits] profile_bytes`` counts the page's
bytes as received (README, Limits). Pages: the sample, its first abstract (line 17, 700
bytes) grown (CONSTRUCTED)."""

from __future__ import annotations

import datetime as dt

import pytest

from samples import SAMPLE_PROFILE
from scholarkg.extract.profile_page import parse_profile
from scholarkg.limits import Limits
from scholarkg.models import Profile

WHEN = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
LIMIT = 2000  # over every abstract of the sample (the longest is 1 905 bytes)
FIRST_ABSTRACT = "In this work, we introduce Gemma 2"
ENCODINGS = ["utf-8", "utf-16"]


def parse(grown: str, encoding: str) -> Profile:
    lines = SAMPLE_PROFILE.read_text(encoding="utf-8").split("\n")
    [number] = [i for i, line in enumerate(lines) if line.startswith(FIRST_ABSTRACT)]
    lines[number] += grown
    page = "\n".join(lines).encode(encoding)
    limits = Limits(literal_bytes=LIMIT)
    return parse_profile(page, source="p", retrieved_at=WHEN, subject_codes={}, limits=limits)


@pytest.mark.parametrize("encoding", ENCODINGS)
@pytest.mark.parametrize(("grown", "over"), [("y", False), ("yy", True)])
def test_an_abstract_just_under_and_just_over_the_limit_in_utf16(
    encoding: str, grown: str, over: bool
) -> None:
    """700 + 1 + 2 x 649 + 1 = 2 000 bytes of text (1 351 characters, 2 702 bytes of UTF-16):
    read; one letter more: quarantined at its line, its UTF-8 bytes told."""
    profile = parse(" " + "\u00e9" * 649 + grown, encoding)
    assert len(profile.papers) == (24 if over else 25)
    if over:
        (bad,) = profile.quarantined
        assert (bad.line, bad.reason) == (
            17,
            "the abstract is 2001 bytes: over [limits] literal_bytes = 2000; raise it in your "
            "config if this is genuine",
        )
    else:
        assert not profile.quarantined and len(profile.papers[0].abstract.encode()) == LIMIT


@pytest.mark.parametrize("encoding", ENCODINGS)
def test_an_abstract_counted_past_the_limit_is_told_in_utf8_bytes(encoding: str) -> None:
    """Two more paragraphs of 1 400 ``é``: the second only counted (the first took the abstract
    past 2 000 characters). Before: ``the abstract is 3504 bytes`` (characters)."""
    paragraph = "\u00e9" * 1400
    profile = parse(f"\n\n{paragraph}\n\n{paragraph}", encoding)
    (bad,) = profile.quarantined
    assert bad.line == 17 and bad.reason.startswith("the abstract is 6304 bytes: over ")
