"""The text of a profile page: its decoding, its numbered lines, and what no text may hold."""

from __future__ import annotations

import codecs
import itertools
import re
from collections.abc import Iterator, Mapping

from scholarkg.errors import ParseError
from scholarkg.extract.textcheck import non_text_reason
from scholarkg.identity.invisible import has_invisible, unjoined

_PIECE = 64 * 1024  # bytes of a page decoded at a time
_BREAK = re.compile(r"\r\n|\r|\n")
_SAMPLED = 64  # bytes of a page's start looked at for UTF-16 without a byte-order mark
# Byte-order marks and the text they start; UTF-32LE's before UTF-16LE's, which starts it.
BYTE_ORDER_MARKS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_NAMES = {"utf-8": "UTF-8", "utf-16-le": "UTF-16LE", "utf-16-be": "UTF-16BE"}
_NAMES |= {"utf-32-le": "UTF-32LE", "utf-32-be": "UTF-32BE", "cp1252": "Windows-1252"}
# Charsets a server may declare for a page in one byte a character, read as browsers read them
# (WHATWG: ISO-8859-1 and its aliases are Windows-1252, whose 0x80-0x9F are letters and signs)
_SINGLE_BYTE = {"iso-8859-1", "iso8859-1", "latin1", "latin-1", "l1", "windows-1252", "cp1252"}
# A character of more than one byte as UTF-8 writes it: a page holding one is UTF-8 in part
_UTF8_SEQUENCE = re.compile(
    rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}"
)


def _unmarked_utf16(data: bytes) -> str | None:
    """The UTF-16 codec of ``data`` without a byte-order mark, if its start shows it: every
    other byte NUL, the others not (as ASCII and Latin-1 text are in UTF-16). In UTF-8 or any
    single-byte encoding a NUL is no text, so no other reading of such a start is text."""
    start = data[: _SAMPLED - _SAMPLED % 2] if len(data) >= 4 else b""
    for zeros, letters, codec in (
        (start[1::2], start[::2], "utf-16-le"),
        (start[::2], start[1::2], "utf-16-be"),
    ):
        if start and not zeros.strip(b"\0") and b"\0" not in letters:
            return codec
    return None


def wide_text(data: bytes) -> str | None:
    """The name of the UTF-16 or UTF-32 encoding ``data``'s start shows (``UTF-16LE``…): its
    byte-order mark, or UTF-16 without one (:func:`_unmarked_utf16`); None for any other."""
    codec, _ = page_encoding(data)
    return _NAMES[codec] if codec.startswith(("utf-16", "utf-32")) else None


def declared_charset(headers: Mapping[str, str]) -> str | None:
    """The charset an HTTP answer's ``Content-Type`` declares, in lower case; None if none."""
    content_type = next((v for k, v in headers.items() if k.lower() == "content-type"), "")
    for parameter in content_type.split(";")[1:]:
        name, _, value = parameter.partition("=")
        if name.strip().lower() == "charset":
            return value.strip().strip("\"'").lower() or None
    return None


def _is_utf8(data: bytes) -> bool:
    """Whether ``data`` is UTF-8 throughout, read a piece at a time (its text never held)."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        for start in range(0, len(data), _PIECE):
            decoder.decode(data[start : start + _PIECE])
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


def page_encoding(data: bytes, charset: str | None = None) -> tuple[str, int]:
    """The codec a page is written in and the length of its byte-order mark: the mark's
    (UTF-8, UTF-16, UTF-32), UTF-16 without one where its start shows it, Windows-1252 where
    the server declared ISO-8859-1 or Windows-1252 (``charset``) and the page is no UTF-8 in
    whole or in part, else UTF-8. A file, with no declaration, in Latin-1 or Windows-1252 is
    refused as no UTF-8: no byte shows which it is; so is a page mixing the two."""
    for mark, codec in BYTE_ORDER_MARKS:
        if data.startswith(mark):
            return codec, len(mark)
    if unmarked := _unmarked_utf16(data):
        return unmarked, 0
    if charset in _SINGLE_BYTE and not _UTF8_SEQUENCE.search(data) and not _is_utf8(data):
        return "cp1252", 0
    return "utf-8", 0


def page_lines(data: bytes, source: str, charset: str | None = None) -> Iterator[tuple[int, str]]:
    """The non-blank lines of a page (a line of invisible characters only is blank) with their
    1-based numbers, decoded a piece at a time
    (:func:`page_encoding`; ``charset``: the one the server declared), so neither the page's
    text nor its lines are ever held whole; CRLF, CR and trailing spaces folded, a white-space
    run with a vertical tab or form feed folded to one space. Bytes that are no text in the
    page's encoding are a ParseError naming their line, byte offset and value, raised when the
    lines reach them."""
    codec, mark = page_encoding(data, charset)
    decoder = codecs.getincrementaldecoder(codec)()
    lines = _Lines()
    view = memoryview(data)
    for start in range(mark, len(data) + 1, _PIECE):
        pending = len(decoder.getstate()[0])
        try:
            text = decoder.decode(view[start : start + _PIECE], final=start + _PIECE >= len(data))
        except UnicodeDecodeError as exc:
            for _ in lines.feed(str(exc.object[: exc.start], codec)):
                pass  # counted only: the page is refused at the byte that follows
            offset = start - pending + exc.start
            reason = exc.reason if codec != "utf-8" else _not_utf8(data, mark, offset)
            raise ParseError(
                source,
                f"not {_NAMES[codec]} text at byte {offset} (0x{data[offset]:02x}): {reason}",
                line=lines.number,
            ) from None
        yield from lines.feed(text)
    yield from lines.end()


def _not_utf8(data: bytes, mark: int, offset: int) -> str:
    """What a page that is no UTF-8 at ``offset`` may be: UTF-16 or UTF-32 without a
    byte-order mark when NUL bytes came before (no UTF-8 text holds one; UTF-16 of a page
    whose first characters are no Latin-1 letters does not show it at its start)."""
    if data.find(b"\0", mark, offset) >= 0:
        return "NUL bytes before it: UTF-16 or UTF-32 without a byte-order mark? save it as UTF-8"
    return "wrong encoding? save it as UTF-8"


class _Lines:
    """The lines of a text given in pieces, numbered: a line break (CRLF, CR, LF) may fall
    between two pieces, and a line (even one of 64 MiB) spread over many."""

    def __init__(self) -> None:
        self.number = 1  # the line being read
        self._parts: list[str] = []
        self._after_cr = False  # the last piece ended with CR: a LF next ends no line

    def feed(self, text: str) -> Iterator[tuple[int, str]]:
        if not text:
            return
        if self._after_cr and text.startswith("\n"):
            text = text[1:]
        self._after_cr = text.endswith("\r")
        pieces = _BREAK.split(text)
        self._parts.append(pieces[0])
        for piece in pieces[1:]:
            yield from self._ended("".join(self._parts))
            self._parts = [piece]

    def end(self) -> Iterator[tuple[int, str]]:
        yield from self._ended("".join(self._parts))
        self._parts = []

    def _ended(self, line: str) -> Iterator[tuple[int, str]]:
        number, self.number = self.number, self.number + 1
        if (folded := _folded(line)) and not _invisible_only(folded):
            yield number, folded


def _invisible_only(line: str) -> bool:
    """``line`` holds only characters no one sees (:mod:`~scholarkg.identity.invisible`'s one
    rule: ``\u200b\u2060``, a Hangul filler ``\u3164``, a variation selector, the combining
    grapheme joiner) and white space: a blank line no one sees as text (before: read as a line,
    so between a title and its author line it was the author line; before too, its own rule,
    format characters only, read a line of Hangul fillers or variation selectors as text). What
    is no text (NUL, U+001C: Cc) is no such character: the text check sees it."""
    return has_invisible(line) and not unjoined(line).strip(_EDGE_SPACE)


def read_count(text: str, source: str, line: int) -> int:
    """A count as the page writes it (``1,234``) in ASCII digits, as every door reads its
    counters (an arXiv answer's OpenSearch counter, a version's number): ParseError for other
    digits (``１１７``, ``١١٧``; before: int() read them as 117) and past 15 digits, which no
    profile holds (Python refuses to read more than 4 300 of them at all)."""
    digits = text.replace(",", "")
    if not digits.isascii():
        raise ParseError(
            source, f"{text[:20]!r}: a number in digits other than ASCII 0-9", line=line
        )
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
