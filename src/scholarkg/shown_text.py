"""Foreign text (a server's or a source's words: an error's text or code, a counter, a long
query value of a URL) as one error line shows it: :func:`shown`, the one way every error line
cuts and escapes what it did not write.

What no reader sees (identity.invisible's rule: a bidi control, which reorders the line after
it in a terminal, a zero-width or other format character) or what is no text (textcheck's:
DEL, C1, U+009B a terminal reads as ESC [) is written as its escape (``\\u202e``); so is what
a mask (:mod:`scholarkg.text_masks`) stands for, in a text read from a masked body
(``\\u0007`` where the source had BEL, not the private-use U+E007). A long
text is cut, saying how many characters more it held: ``…[4999700 more characters]``, one
marker for every place (it counts what was left out, which a reader cannot work out from the
shown part, where a total length must be subtracted from). A value a user typed (a ``--param``,
a ``NAME=VALUE`` pair) is quoted by :func:`shown_value`, cut alike."""

from __future__ import annotations

import re
from collections.abc import Iterable

from scholarkg.identity.invisible import INVISIBLE
from scholarkg.text_masks import NOT_TEXT, Masks

SHOWN_CHARS = 300
"""The most characters of foreign text one error line shows, escapes included: arXiv's longest
recorded error is under 120; a broken or hostile server's 5 MB ``<error>`` is shown by its
first 300 and ``…[4999700 more characters]``."""

_HIDDEN = re.compile(f"{INVISIBLE.pattern}|{NOT_TEXT.pattern}")


def _escape(char: str) -> str:
    code = ord(char)
    return f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}"


def _piece(char: str, masked: Masks | None) -> str:
    if masked and masked.is_mask(char):
        return masked.escape(char)
    return _escape(char) if _HIDDEN.match(char) else char


def shown(
    text: str, *, limit: int = SHOWN_CHARS, quoted: bool = False, masked: Masks | None = None
) -> str:
    """``text`` (already on one line) as an error line shows it: each character no reader sees
    or no text holds as its escape (``\\u202e``, ``\\U000e0041``), cut after at most ``limit``
    characters shown, between two characters of ``text`` (never inside an escape), with how
    many more it held (``…[12345 more characters]``). ``quoted``: what is shown is put in
    single quotes, the marker after them (``'999…9'…[4960 more characters]``); ``masked``: the
    masks of the masked body ``text`` was read from, each shown as the escape of what it
    stands for (``\\u0007``). Reads
    only what it shows, whatever the text's length."""
    pieces: list[str] = []
    size = 0
    for at, char in enumerate(text[: limit + 1]):
        piece = _piece(char, masked)
        if size + len(piece) > limit:
            more = len(text) - at
            told = _quoted(pieces, quoted)
            return f"{told}…[{more} more character{'s' if more != 1 else ''}]"
        pieces.append(piece)
        size += len(piece)
    return _quoted(pieces, quoted)


def _quoted(pieces: list[str], quoted: bool) -> str:
    told = "".join(pieces)
    return f"'{told}'" if quoted else told


def shown_value(value: str, *, limit: int = SHOWN_CHARS) -> str:
    """A value a user typed as an error line quotes it: its ``repr`` (every quote, line break
    and character no reader sees escaped) of at most its first ``limit`` characters, with the
    marker :func:`shown` writes after it when it held more (``'aaa…a'…[99700 more characters]``)."""
    if len(value) <= limit:
        return repr(value)
    more = len(value) - limit
    return f"{value[:limit]!r}…[{more} more character{'s' if more != 1 else ''}]"


def shown_word(value: str, *, limit: int = SHOWN_CHARS) -> str:
    """A value a user typed where one word is asked for (an arXiv id) as an error line shows
    it: as typed when it is short and printable, else quoted by :func:`shown_value` (a line
    break, an escape sequence a terminal acts on, 100 000 characters: before, written whole)."""
    if len(value) <= limit and value.isprintable():
        return value
    return shown_value(value, limit=limit)


def some(items: Iterable[str], shown: int = 10) -> str:
    """The first ``shown`` of ``items`` (ids a note names), then how many more there were."""
    listed = list(items)
    more = f" and {len(listed) - shown} more" if len(listed) > shown else ""
    return ", ".join(listed[:shown]) + more
