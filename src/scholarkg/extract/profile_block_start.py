"""Which line of a profile page starts a paper block, and the date that line holds.

A block starts with a subject code glued to a date (``CLJul 31, 2024``, flagged ``Code`` when
the paper has code), or a known code apart from a readable date (``CL Jul 31, 2024``,
``CL - Jul 31, 2024``); a line of prose so written (``Attention Mar 3, 2020``, ``AI May 3
agents``) stays text. A known code before a date in digits (``LG2024-07-19``, ``LG 0000-00-00``)
or glued to a month in another case (``LGjul 19, 2024``) starts a block too, quarantined for its
date: never more of the abstract before. A date's month is a whole word (``SuperMario 64`` is
no code and date). A line is read so without the invisible characters in it
(:mod:`scholarkg.identity.invisible`: a byte-order mark, a right-to-left or zero-width mark, a
variation selector: a page pasted together or copied from a right-to-left
one) and what is no text (NUL): a block starts there all the same, its paper kept, or
quarantined for what is no text in its date line, never more of the abstract before. A line
that is a start but for a combining mark (``L\u0301GJul 19, 2024``, ``ĹGJul 19, 2024``,
``LG\u0301Jul 19, 2024``) starts a block too, quarantined for the mark; so does a date in
digits other than ASCII ones (``Jul １９, 2024``), which no door reads as a number.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Mapping

from scholarkg.errors import ParseError
from scholarkg.extract.textcheck import NOT_TEXT
from scholarkg.identity.invisible import has_invisible, unjoined

_MONTHS = "Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec"
# A month as a whole word, abbreviated or in full (``Mar``, ``March``, ``Sept``), never the
# start of another word (``Mario``, ``Decoder``).
_MONTH_WORD = (
    "(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?"
    "|Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)"
)
# Loose: a short line with a subject code glued to a month and some digits starts a paper
# block; a block whose date then fails the strict pattern is quarantined, not merged.
_BLOCK_START = re.compile(
    rf"^(?=.{{6,48}}$)(?P<code>[A-Za-z][A-Za-z.\-]{{0,11}}?)(?P<rest>{_MONTH_WORD}\.?\s.*\d.*)$"
)
# A known code glued to a month in another case (``LGjul 19, 2024``, ``LGJUL 19, 2024``): no
# date the page writes, but a block's start all the same (block_start), its paper quarantined.
_ANY_CASE_START = re.compile(
    rf"^(?=.{{6,48}}$)(?P<code>[A-Za-z][A-Za-z.\-]{{0,11}}?)(?P<rest>(?i:{_MONTH_WORD})\.?\s.*\d.*)$"
)
# A code apart from its date (``CL Jul 31, 2024``, ``CL - Jul 31, 2024``): read as the glued
# form when the code is known and the date readable (block_start). The line is short (48
# characters at most), so no pattern here backtracks far.
_CODE_APART = re.compile(
    r"^(?=.{6,48}$)(?P<code>[A-Za-z][A-Za-z.\-]*?)[\s\-\u2013\u2014:|\u00b7/]*\s(?P<rest>\S.*)$"
)
# A known code before a date in digits (``LG2024-07-19``, ``LG - 19/07/2024``): no date the
# page writes, but a block's start all the same (block_start), so its paper is quarantined.
_DIGIT_DATE = re.compile(
    r"^(?=.{6,48}$)(?P<code>[A-Za-z][A-Za-z.\-]*?)[\s\-\u2013\u2014:|\u00b7/]*"
    r"(?P<rest>\d{1,5}[-/.]\d{1,2}[-/.]\d{1,5}\s*(?:Code)?)$"
)
# Strict: what a readable block start looks like.
_DATE_AND_FLAG = re.compile(
    rf"^(?P<month>{_MONTH_WORD})\.?\s+(?P<day>\d{{1,2}}),\s*(?P<year>\d{{4}})\s*(?P<code>Code)?$"
)
# A readable date followed by something other than the flag (``Jul 19, 2024code``): named as
# an unreadable flag, not an unreadable date.
_DATE_AND_ODD_FLAG = re.compile(
    rf"^(?P<date>{_MONTH_WORD}\.?\s+\d{{1,2}},\s*\d{{4}})(?!\d)\s*(?P<flag>\S.*)$"
)


# A line longer than this is no block start however many hidden characters it holds (a start
# is 48 characters at most), so a long abstract line is never rewritten to find out.
_BARED_CHARS = 256
_MONTH_NUMBER = {name: i for i, name in enumerate(_MONTHS.split("|"), start=1)}
A_DAY = dt.timedelta(days=1)


def bare(text: str) -> str:
    """``text`` without its invisible characters and what is no text (``LG\\u200fJul 19, 2024``
    is ``LGJul 19, 2024``); a line over :data:`_BARED_CHARS` characters as it is. Invisible by
    the one rule names and titles are read by (:func:`~scholarkg.identity.invisible.unjoined`:
    before, this door's own set of format characters kept a variation selector, the combining
    grapheme joiner, a Hangul filler: ``h-index\\ufe0f117`` was no metric)."""
    if len(text) > _BARED_CHARS or (text.isprintable() and not has_invisible(text)):
        return text
    return NOT_TEXT.sub("", unjoined(text))


def _is_mark(c: str) -> bool:
    return unicodedata.category(c)[0] == "M"


def _unmarked(text: str) -> str | None:
    """``text`` (NFD) without its combining marks; None where it holds none, or is too long to
    be a block's start (so a long abstract line is never rewritten to find out)."""
    if text.isascii() or len(text) > _BARED_CHARS:
        return None
    decomposed = unicodedata.normalize("NFD", text)
    unmarked = "".join(c for c in decomposed if not _is_mark(c))
    return unmarked if unmarked != decomposed else None


def marked_code(text: str, subject_codes: Mapping[str, str]) -> str | None:
    """Why a line that is a known subject code (``LG``, ``cs.LG``) but for its combining marks
    (``L\u0301G``, ``cs.LG\u0301``) is refused, as such a paper line is (:func:`parse_date`);
    None for any other line (``Montre\u0301al`` is no code). The line is read :func:`bare`."""
    shown = bare(text)
    unmarked = _unmarked(shown)
    if unmarked is None or not (unmarked in subject_codes or unmarked in subject_codes.values()):
        return None
    mark = next(c for c in unicodedata.normalize("NFD", shown) if _is_mark(c))
    return f"subject code {shown!r} holds a combining mark (U+{ord(mark):04X})"


def block_start(text: str, subject_codes: Mapping[str, str]) -> re.Match[str] | None:
    """The code and the rest of a line that starts a paper block (``CLJul 31, 2024``; loose,
    the date is checked later); a known code apart from a readable date (``CL Jul 31, 2024``,
    ``CL - Jul 31, 2024``) or before one in digits (``CL2024-07-31``), never prose
    (``Published Jan 5, 2024``); one of these but for its combining marks (the match read
    without them: :func:`parse_date` refuses it). None: no such line. The line is read
    :func:`bare`."""
    text = bare(text)
    start = _start(text, subject_codes)
    if start is None and (unmarked := _unmarked(text)) is not None:
        return _start(unmarked, subject_codes)  # before: no start, more of the abstract before
    return start


def _start(text: str, subject_codes: Mapping[str, str]) -> re.Match[str] | None:
    glued = _BLOCK_START.match(text)
    if glued is not None:
        return glued
    digits = _DIGIT_DATE.match(text) or _ANY_CASE_START.match(text)
    if digits is not None and digits["code"] in subject_codes:
        return digits
    apart = _CODE_APART.match(text)
    if apart is None or apart["code"] not in subject_codes:
        return None
    return apart if _DATE_AND_FLAG.match(apart["rest"]) else None


def starts_block(text: str, title_next: bool, subject_codes: Mapping[str, str]) -> bool:
    """``text`` starts a paper block: a known subject code alone (a block whose date is
    missing, quarantined, never more of the abstract before) or a code glued to a date. Where
    a block's title goes (``title_next``), a line that only looks like a start (``ProMarch 2
    Protocol``: no readable date, no known code) is that title."""
    if bare(text) in subject_codes or _unmarked(bare(text)) in subject_codes:
        return True
    start = block_start(text, subject_codes)
    if start is None:
        return False
    if not title_next or start["code"] in subject_codes:
        return True
    return _DATE_AND_FLAG.match(start["rest"].strip()) is not None


def parse_date(
    header: str, line: int, source: str, subject_codes: Mapping[str, str], latest: dt.date
) -> tuple[dt.date, bool]:
    """The date of the block starting with ``header`` (at ``line``) and whether it is flagged
    ``Code``; a ParseError for a date that is none, or one after ``latest`` (a paper dated
    after the page listing it was retrieved)."""
    match = block_start(header, subject_codes)
    if match is None:  # a known subject code alone starts it (starts_block)
        raise ParseError(
            source,
            f"paper has no date: its line is the subject code {header!r} alone",
            line=line,
        )
    if _unmarked(shown := bare(header)) is not None:
        raise ParseError(source, _mark_reason(shown, len(match["code"])), line=line)
    stamp = _DATE_AND_FLAG.match(match["rest"].strip())
    if stamp is None:
        odd = _DATE_AND_ODD_FLAG.match(match["rest"].strip())
        if odd is not None:
            raise ParseError(
                source,
                f"unreadable has-code flag {odd['flag']!r} after the date {odd['date']!r}"
                " (only 'Code')",
                line=line,
            )
        raise ParseError(source, f"unreadable paper date {match['rest']!r}", line=line)
    if not (stamp["day"] + stamp["year"]).isascii():  # before: int() read '１９' as 19
        raise ParseError(
            source,
            f"paper date {match['rest'].strip()!r} is written in digits other than ASCII 0-9",
            line=line,
        )
    try:
        month = _MONTH_NUMBER[stamp["month"][:3]]
        date = dt.date(int(stamp["year"]), month, int(stamp["day"]))
    except ValueError as exc:
        raise ParseError(source, f"impossible date {match['rest']!r}: {exc}", line=line) from exc
    if date > latest:
        raise ParseError(
            source,
            f"date {match['rest']!r} is after the page was retrieved ({latest - A_DAY}): "
            "no paper is dated so",
            line=line,
        )
    return date, stamp["code"] is not None


def _mark_reason(text: str, code_letters: int) -> str:
    """Why a block's line ``text`` that starts it but for a combining mark is refused: the
    subject code (its first ``code_letters`` letters, marks read as none) or the date holding
    the mark, named with its code point."""
    end = taken = 0
    while end < len(text) and taken < code_letters:
        taken += sum(not _is_mark(c) for c in unicodedata.normalize("NFD", text[end]))
        end += 1
    while end < len(text) and _is_mark(text[end]):
        end += 1
    code, rest = text[:end], text[end:].strip()
    part, written = ("subject code", code) if _unmarked(code) is not None else ("paper date", rest)
    mark = next(c for c in unicodedata.normalize("NFD", written) if _is_mark(c))
    return f"{part} {written!r} holds a combining mark (U+{ord(mark):04X})"
