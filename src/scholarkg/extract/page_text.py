"""The text of a profile page: its decoding, its numbered lines, and what no text may hold."""

from __future__ import annotations

import codecs
import itertools
import re
from collections.abc import Iterator

from scholarkg.errors import ParseError
from scholarkg.extract.textcheck import non_text_reason

_SAMPLED = 64  # bytes of a page's start looked at for UTF-16 without a byte-order mark


def _utf16(data: bytes) -> str | None:
    """Which UTF-16 ``data`` is written in, if its start shows it: a byte-order mark, or
    (none written) every other byte NUL, as ASCII text is in UTF-16 (which is valid UTF-8
    then, each character a NUL apart: the page read as no profile, its encoding unsaid)."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "its byte-order mark"
    start = data[: _SAMPLED - _SAMPLED % 2] if len(data) >= 4 else b""
    for zeros, letters, order in ((start[1::2], start[::2], "LE"), (start[::2], start[1::2], "BE")):
        if start and not zeros.strip(b"\0") and b"\0" not in letters:
            return f"UTF-16{order}, no byte-order mark"
    return None


def decode_page(data: bytes, source: str) -> str:
    """UTF-8 text of a page; a wrong encoding is a ParseError naming the line (UTF-16 named
    as such)."""
    if (utf16 := _utf16(data)) is not None:
        raise ParseError(source, f"UTF-16 text ({utf16}), not UTF-8: save it as UTF-8", line=1)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise ParseError(source, "not UTF-8 text (wrong encoding?)", line=line) from exc


def read_count(text: str, source: str, line: int) -> int:
    """A count as the page writes it (``1,234``); ParseError past 15 digits, which no profile
    holds (Python refuses to read more than 4 300 of them at all)."""
    digits = text.replace(",", "")
    if len(digits) > 15:
        raise ParseError(source, f"{text[:20]}…: a number no profile holds", line=line)
    return int(digits)


# White space, but the separators U+001C-U+001F (Python's str.strip takes them as spaces): they
# are no text, and the text check must see them. Every white space character is in the BMP.
_EDGE_SPACE = "".join(
    c for c in map(chr, range(0x10000)) if c.isspace() and not "\x1c" <= c <= "\x1f"
)
# One run of that white space: matched once each, so a line of any length is read in linear
# time (a pattern that has to find a vertical tab or the line's end after a run backtracks
# over the run from each of its places: quadratic, hours for a run of a million spaces).
_SPACE_RUN = re.compile(r"[^\S\x1c-\x1f]+")


def _one_space_if_page_break(run: re.Match[str]) -> str:
    text = run.group()
    return " " if "\x0b" in text or "\x0c" in text else text


def _folded(line: str) -> str:
    """``line`` without white space at its ends; a white-space run with a vertical tab or form
    feed (no XML text can hold them) one space, as the arXiv doors fold it."""
    if "\x0b" in line or "\x0c" in line:
        line = _SPACE_RUN.sub(_one_space_if_page_break, line)
    return line.strip(_EDGE_SPACE)


def numbered_lines(text: str) -> Iterator[tuple[int, str]]:
    """Non-blank lines with their 1-based line numbers, one at a time (a page of millions of
    short lines is never a list of them); CRLF, CR and trailing spaces folded, a white-space run
    with a vertical tab or form feed folded to one space."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    start = 0
    for number in itertools.count(1):
        end = text.find("\n", start)
        line = _folded(text[start:] if end < 0 else text[start:end])
        if line:
            yield number, line
        if end < 0:
            return
        start = end + 1


def refuse_non_text(field: str, line: tuple[int, str], source: str) -> None:
    """ParseError at ``line`` when its text holds what is no text (a control character that is
    not white space), by the rule every arXiv door applies (:mod:`~scholarkg.extract.textcheck`)."""
    number, text = line
    if reason := non_text_reason(text, field):
        raise ParseError(source, reason, line=number)


def reject_non_profile(lines: Iterator[tuple[int, str]], source: str) -> Iterator[tuple[int, str]]:
    """The lines again, once their first ones showed a profile page: ParseError for an empty
    page or one that is HTML."""
    first = list(itertools.islice(lines, 5))
    if not first:
        raise ParseError(source, "empty page: not a researcher profile", line=1)
    for number, text in first:
        if text.startswith("<") or "<html" in text.lower() or "<!doctype" in text.lower():
            raise ParseError(source, "looks like HTML, not a researcher profile page", line=number)
    return itertools.chain(first, lines)
