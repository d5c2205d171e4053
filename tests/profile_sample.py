"""The sample profile page as the profile parser tests read it (:data:`SAMPLE`, its
:data:`PAPERS` papers, the second one's date line :data:`BOND` and title :data:`BOND_TITLE`),
:func:`parse` and :func:`encoded`: shared by test_profile_fuzz.py and
test_hidden_characters_doors.py."""

from __future__ import annotations

import datetime as dt

from samples import SAMPLE_PROFILE
from scholarkg.config import load_config
from scholarkg.extract.profile_page import parse_profile
from scholarkg.models import Profile

WHEN = dt.datetime(2026, 12, 3, tzinfo=dt.UTC)
CODES = load_config().subject_codes
SOURCE = "/pages/hostile.txt"
SAMPLE = SAMPLE_PROFILE.read_text(encoding="utf-8")
PAPERS = 25
BOND = "LGJul 19, 2024"  # the second paper's date line (the sample's line 19)
BOND_TITLE = "BOND: Aligning LLMs with Best-of-N Distillation"


def parse(data: bytes) -> Profile:
    """``data`` parsed as a profile page of :data:`SOURCE`."""
    return parse_profile(data, source=SOURCE, retrieved_at=WHEN, subject_codes=CODES)


def encoded(text: str) -> bytes:
    """``text`` in UTF-8, a lone surrogate as the three bytes it would take (no UTF-8)."""
    return text.encode("utf-8", "surrogatepass")
