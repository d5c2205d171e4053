"""The header of a profile page: the researcher's name, subject code and metrics.

A metric or the subject code is read without the invisible characters in its line
(:func:`~scholarkg.extract.profile_block_start.bare`: ``h-index\u200e117`` is the h-index 117);
a subject code with a combining mark (``L\u0301G``) refuses the page at its line, as a count in
digits other than ASCII does (:func:`~scholarkg.extract.profile_block_start.marked_code`);
a name (the researcher's, an author's, an organisation's) without them too, in NFC
(:func:`shown_name`).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field

from scholarkg.errors import LimitExceeded, ParseError
from scholarkg.extract.page_text import read_count, refuse_non_text
from scholarkg.extract.profile_block_start import bare, marked_code
from scholarkg.identity.invisible import visible
from scholarkg.identity.person_names import not_a_person
from scholarkg.iris import fold
from scholarkg.limits import Limits, check_literal
from scholarkg.models import Metrics

_SUBJECT_CODE = re.compile(r"^[A-Za-z][A-Za-z\-]{0,11}(?:\.[A-Za-z\-]{1,12})?$")
_METRICS: dict[str, re.Pattern[str]] = {
    "h_index": re.compile(r"^h-index\s*(?P<n>\d[\d,]*)$", re.IGNORECASE),
    "papers": re.compile(r"^(?P<n>\d[\d,]*)\s*papers$", re.IGNORECASE),
    "citations": re.compile(r"^(?P<n>\d[\d,]*)\s*citations$", re.IGNORECASE),
    "novelty_percent": re.compile(r"^Novelty\s*(?P<n>\d[\d,]*)\s*%$", re.IGNORECASE),
    "ai_score": re.compile(r"^AI\s*Score\s*(?P<n>\d[\d,]*)$", re.IGNORECASE),
}
UNRECOGNISED_SHOWN = 5  # unrecognised header lines warned of one by one; the rest are counted
HEADER_KEPT = 1000  # header lines read as such; a page has a name, a code and five metrics
# More words than any name has (``María de los Ángeles García de la Fuente`` has 8): a name
# (the researcher's, an author's) this long is a sentence, no name.
NAME_WORDS = 12
_WORD = re.compile(r"\S+")
_METRIC_NAMES = {
    "h_index": "h-index",
    "papers": "papers count",
    "citations": "citations count",
    "novelty_percent": "novelty",
    "ai_score": "AI score",
}


@dataclass
class Header:
    """The lines above the papers heading: the first :data:`HEADER_KEPT` kept, the rest (no
    page has them: each is an unrecognised line) only counted, so a page of millions of them
    is never held."""

    lines: list[tuple[int, str]] = field(default_factory=list)  # past the first, only those
    dropped: int = 0  # that may be a metric or the subject code (another HEADER_KEPT at most)
    first_dropped: int = 0
    last_dropped: int = 0

    def add(self, number: int, text: str) -> None:
        kept = len(self.lines)
        if kept < HEADER_KEPT or (kept < 2 * HEADER_KEPT and _may_be_read(text)):
            self.lines.append((number, text))
        else:
            self.dropped += 1
            self.first_dropped, self.last_dropped = self.first_dropped or number, number


def shown_name(name: str) -> str:
    """``name`` as analysts are shown it and its key is read from: without the characters no
    one sees, in NFC (its white space as written). A bidi override or embedding (U+202A-
    U+202E, U+2066-U+2069) reverses how the name reads wherever it is shown, and a zero-width,
    tag or variation-selector character splits its key while no one sees it; so every one goes,
    but a joiner between two letters of a script that joins (Persian, Indic), which spells the
    name: :func:`~scholarkg.identity.invisible.visible`, the one rule every door reads a name
    by (before: this dropped every Cf, arXiv's doors a fixed few, so ``Rob\U000e0041ert``
    read two ways). Before: a page's name, authors and organisations kept them: an
    organisation's label kept an override, and a listed paper's key (its first author's
    surname) split at a zero-width space (``Ses\u200bsa`` keyed ``sa``) where the name
    recorded read ``Sessa``."""
    return unicodedata.normalize("NFC", visible(name))


def is_metric(text: str) -> bool:
    """Whether a header line is a metric (``h-index5``, ``2 papers``, ``12 citations``…)."""
    text = bare(text)
    return any(p.match(text) for p in _METRICS.values())


def _may_be_read(text: str) -> bool:
    """Whether a header line is one :func:`parse_header` reads (a metric, a subject code)."""
    text = bare(text)
    return bool(_SUBJECT_CODE.match(text)) or any(p.match(text) for p in _METRICS.values())


def parse_header(
    header: Header,
    source: str,
    warnings: list[str],
    limits: Limits,
    subject_codes: Mapping[str, str],
) -> tuple[str, str, Metrics]:
    """The researcher's name, primary subject code and metrics from the lines above the
    papers heading (a ParseError at its line for a name no author may have either:
    :func:`~scholarkg.identity.person_names.not_a_person`, and for a known subject code with
    a combining mark: :func:`~.profile_block_start.marked_code`, the first line's too);
    unrecognised lines become
    warnings, and so does a novelty over 100 % (left out: no share is more than the whole)
    and a metric stated twice with two values (left out, one warning however often: which is
    the page's is not known)."""
    if not header.lines:
        raise ParseError(source, "no researcher name before the papers heading", line=1)
    (name_line, name), rest = header.lines[0], header.lines[1:]
    if (why := marked_code(name, subject_codes)) is not None:  # before: read as the name
        raise ParseError(source, why, line=name_line)
    read_as = next((key for key, pattern in _METRICS.items() if pattern.match(bare(name))), None)
    if read_as is not None:  # the name line is missing: the header starts with the metrics
        raise ParseError(
            source,
            f"no researcher name: the first line {name!r} is the page's {_METRIC_NAMES[read_as]}, "
            "not a name",
            line=name_line,
        )
    try:
        check_literal("the researcher's name", name, limits)
    except LimitExceeded as exc:
        raise ParseError(source, str(exc), line=name_line) from exc
    refuse_non_text("name", (name_line, name), source)
    written, name = name, shown_name(name)
    if not fold(name):  # only invisible characters (zero-width ones), symbols or punctuation
        raise ParseError(
            source,
            f"no researcher name: the first line {written!r} holds no letter or digit",
            line=name_line,
        )
    if (words := sum(1 for _ in _WORD.finditer(name))) > NAME_WORDS:
        raise ParseError(
            source,
            f"no researcher name: the first line is {words} words long ({name[:40]!r}…): a "
            "sentence, not a name",
            line=name_line,
        )
    # the rule an author's name is read by (which reads it without honorifics too: the name
    # the researcher is founded by), on the name as written, as every door reads an author's
    # (before: on its NFC form, 'Lo' and 50 marks told as 49, composed with the o)
    if (why := not_a_person(written)) is not None:
        raise ParseError(source, f"no researcher name: {why}", line=name_line)
    subject_code = ""
    stated: dict[str, tuple[int, int]] = {}  # metric: its value, the line first stating it
    disagreeing: set[str] = set()  # metrics stated again with another value
    unrecognised = 0
    first_unlisted = last_unlisted = 0  # the lines not warned of one by one
    for number, text in rest:
        read = bare(text)  # before: a direction mark in 'h-index117' left the metric out
        for key, pattern in _METRICS.items():
            metric = pattern.match(read)
            if metric:
                value = read_count(metric["n"], source, number)
                if key == "novelty_percent" and value > 100:  # a share: at most all of it
                    warnings.append(f"{source}:{number}: novelty {value}% is over 100%: left out")
                elif key in stated and stated[key][0] != value:  # which is the page's? neither
                    if key not in disagreeing:  # one line a metric, however often restated
                        first, at = stated[key]
                        warnings.append(
                            f"{source}:{number}: {_METRIC_NAMES[key]} {value} where line {at} "
                            f"states {first}: left out"
                        )
                    disagreeing.add(key)
                else:
                    stated.setdefault(key, (value, number))
                break
        else:
            if (why := marked_code(read, subject_codes)) is not None:  # before: a warning, and
                raise ParseError(source, why, line=number)  # 'header has no primary subject code'
            if not subject_code and _SUBJECT_CODE.match(read):
                subject_code = read
            else:
                unrecognised += 1
                if unrecognised <= UNRECOGNISED_SHOWN:
                    warnings.append(f"{source}:{number}: unrecognised header line {text[:60]!r}")
                else:
                    first_unlisted, last_unlisted = first_unlisted or number, number
    if header.dropped:
        unrecognised += header.dropped
        first_unlisted = min(first_unlisted or header.first_dropped, header.first_dropped)
        last_unlisted = max(last_unlisted, header.last_dropped)
    if unrecognised > UNRECOGNISED_SHOWN:  # one line, not one a line: a page can hold millions
        warnings.append(
            f"{source}: {unrecognised - UNRECOGNISED_SHOWN} more unrecognised header lines "
            f"(lines {first_unlisted}-{last_unlisted}) not listed"
        )
    if not subject_code and bare(name) in subject_codes:
        # the page's only text line is a known subject code: its name line is missing (a page
        # lists name, code, metrics; no researcher is called 'SE' and has no code line)
        raise ParseError(
            source,
            f"no researcher name: the first line {name!r} is the page's subject code "
            f"({subject_codes[bare(name)]}), not a name",
            line=name_line,
        )
    if not subject_code:
        warnings.append(f"{source}: header has no primary subject code")
    values = {key: value for key, (value, _) in stated.items() if key not in disagreeing}
    return name, subject_code, Metrics(**values)
