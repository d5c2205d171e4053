"""The text of a profile page: its decoding, its numbered lines, and what no text may hold."""

from __future__ import annotations

import re

from scholarkg.errors import ParseError
from scholarkg.extract.textcheck import non_text_reason


def decode_page(data: bytes, source: str) -> str:
    """UTF-8 text of a page; a wrong encoding is a ParseError naming the line."""
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


# White space at a line's ends, but the separators U+001C-U+001F (Python's str.strip takes
# them as spaces): they are no text, and the text check must see them.
_EDGE_SPACE = re.compile(r"^[^\S\x1c-\x1f]+|[^\S\x1c-\x1f]+$")
# A run of white space holding a vertical tab or form feed (no XML text can hold them): one
# space, as the arXiv doors fold it.
_PAGE_BREAK_RUN = re.compile(r"[^\S\x1c-\x1f]*[\x0b\x0c][^\S\x1c-\x1f]*")


def numbered_lines(text: str) -> list[tuple[int, str]]:
    """Non-blank lines with their 1-based line numbers; CRLF, CR and trailing spaces folded, a
    white-space run with a vertical tab or form feed folded to one space."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    stripped = (
        (n, _EDGE_SPACE.sub("", _PAGE_BREAK_RUN.sub(" ", line)))
        for n, line in enumerate(lines, start=1)
    )
    return [(n, line) for n, line in stripped if line]


def refuse_non_text(field: str, line: tuple[int, str], source: str) -> None:
    """ParseError at ``line`` when its text holds what is no text (a control character that is
    not white space), by the rule every arXiv door applies (:mod:`~scholarkg.extract.textcheck`)."""
    number, text = line
    if reason := non_text_reason(text, field):
        raise ParseError(source, reason, line=number)


def reject_non_profile(lines: list[tuple[int, str]], source: str) -> None:
    """ParseError for an empty page or one that is HTML."""
    if not lines:
        raise ParseError(source, "empty page: not a researcher profile", line=1)
    for number, text in lines[:5]:
        if text.startswith("<") or "<html" in text.lower() or "<!doctype" in text.lower():
            raise ParseError(source, "looks like HTML, not a researcher profile page", line=number)
