"""A profile page's paper lists at most ``[limits] authors_per_record`` authors, as an arXiv
record does (tests/test_authors_per_record.py).

Before, only ``[limits] literal_bytes`` bounded a paper's author line (1 MiB: some 200 000
short names, each an authorship and a person to decide). Now a paper over the limit is
quarantined at its author line with the count, and the page's other papers load.

DERIVED from the real sample page (examples/profiles/leonard-hussenot.txt), its first paper's
author line (line 15) given generated authors to reach the limit and one past it.
"""

from __future__ import annotations

from profile_sample import PAPERS, SAMPLE, SOURCE, WHEN
from scholarkg.config import load_config
from scholarkg.extract.profile_page import parse_profile
from scholarkg.limits import DEFAULT_LIMITS, Limits
from scholarkg.models import Profile

MOST = DEFAULT_LIMITS.authors_per_record
CODES = load_config().subject_codes
AUTHOR_LINE = 15
LISTED = "Gemma Team, Morgane Riviere, Shreya Pathak et al. · deepmind"  # three authors


def said(count: int, most: int = MOST) -> str:
    return (
        f"{count} authors: over [limits] authors_per_record = {most}; "
        "raise it in your config if this is genuine"
    )


def page_with(more: int, limits: Limits = DEFAULT_LIMITS) -> Profile:
    """The sample page, its first paper listing ``more`` generated authors after its three."""
    added = "".join(f", Given{i} Family{i}" for i in range(more))
    lines = SAMPLE.split("\n")
    assert lines[AUTHOR_LINE - 1] == LISTED
    lines[AUTHOR_LINE - 1] = LISTED.replace("Pathak", "Pathak" + added)
    data = "\n".join(lines).encode()
    return parse_profile(data, source=SOURCE, retrieved_at=WHEN, subject_codes=CODES, limits=limits)


def test_a_paper_over_the_limit_is_quarantined_the_others_load() -> None:
    profile = page_with(MOST - 2)  # three listed: one past the limit
    assert len(profile.papers) == PAPERS - 1
    (bad,) = profile.quarantined
    assert (bad.source, bad.line, bad.reason) == (SOURCE, AUTHOR_LINE, said(MOST + 1))
    assert "Gemma 2" in bad.text
    assert f"{SOURCE}:{AUTHOR_LINE}: 10001 authors" in f"{bad.source}:{bad.line}: {bad.reason}"


def test_a_paper_at_the_limit_loads() -> None:
    profile = page_with(MOST - 3)
    assert len(profile.papers) == PAPERS and not profile.quarantined
    assert len(profile.papers[0].authors) == MOST and profile.papers[0].authors_truncated


def test_the_limit_is_the_configured_one() -> None:
    """Lowered in ``[limits]``, each paper of the page is counted against it: the sample's
    papers listing more than two authors are quarantined, at their author lines."""
    two = parse_profile(
        SAMPLE.encode(),
        source=SOURCE,
        retrieved_at=WHEN,
        subject_codes=CODES,
        limits=Limits(authors_per_record=2),
    )
    full = parse_profile(SAMPLE.encode(), source=SOURCE, retrieved_at=WHEN, subject_codes=CODES)
    over = [p for p in full.papers if len(p.authors) > 2]
    assert over and len(two.papers) == PAPERS - len(over)
    assert [q.reason for q in two.quarantined] == [said(len(p.authors), 2) for p in over]
    assert all(q.line == p.line + 3 for q, p in zip(two.quarantined, over, strict=True))
