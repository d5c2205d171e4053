"""The text of an error a server answers with, as its one error line shows it: an OAI-PMH
``<error>``'s, an arXiv API error entry's ``<summary>``.

It is told as the server wrote it, trimmed (``text_of`` folded every white-space run to one
space, safe only because markup is refused first), but never on more than one line: a
white-space run that breaks the line (a line feed, ``&#13;``, NEL, U+2028, U+2029: where
``str.splitlines`` cuts) is one space, so the words it parted stay apart and the error stays
one line; any other run is kept as written (``a  b``).

And it is told safely (:func:`shown`): what no reader sees or no text holds is written as its
escape, and a long text is cut at :data:`SHOWN_CHARS`, saying how much more it held."""

from __future__ import annotations

import re

from lxml import etree

from scholarkg.extract.markup import refuse_answer_markup
from scholarkg.extract.textcheck import NOT_TEXT
from scholarkg.extract.xmlsafe import written_text_of
from scholarkg.identity.invisible import INVISIBLE

SHOWN_CHARS = 300
"""The most characters of a server's words (an error's text, its code) one error line shows,
escapes included: arXiv's longest recorded error is under 120; a broken or hostile server's
5 MB ``<error>`` is shown by its first 300 and ``…[4999700 more characters]``."""

_LINE_BREAKS = frozenset("\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029")  # str.splitlines cuts at
# one run of white space, matched once each: linear in the text whatever its runs
_SPACE_RUN = re.compile(r"\s+")
# what is shown escaped: a character no reader sees (identity.invisible's one rule: a bidi
# control, which reorders the line after it in a terminal, a zero-width or other format
# character) or that is no text (textcheck's: DEL, C1, U+009B a terminal reads as ESC [)
_HIDDEN = re.compile(f"{INVISIBLE.pattern}|{NOT_TEXT.pattern}")


def _one_space_if_broken(run: re.Match[str]) -> str:
    text = run.group()
    return " " if not _LINE_BREAKS.isdisjoint(text) else text


def _escape(char: str) -> str:
    code = ord(char)
    return f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}"


def shown(text: str) -> str:
    """``text`` (a server's words, already on one line) as an error line shows it: each
    character no reader sees or no text holds as its escape (``\\u202e``, ``\\U000e0041``),
    cut after at most :data:`SHOWN_CHARS` characters shown, between two characters of
    ``text`` (never inside an escape), with how many more it held (``…[12345 more
    characters]``). Reads only what it shows, whatever the text's length."""
    pieces: list[str] = []
    size = 0
    for at, char in enumerate(text[: SHOWN_CHARS + 1]):
        piece = _escape(char) if _HIDDEN.match(char) else char
        if size + len(piece) > SHOWN_CHARS:
            more = len(text) - at
            return f"{''.join(pieces)}…[{more} more character{'s' if more != 1 else ''}]"
        pieces.append(piece)
        size += len(piece)
    return "".join(pieces)


def error_text(field: etree._Element, source: str, name: str) -> str:
    """``field``'s text as written, trimmed, on one line and :func:`shown` ("" when it has
    none); a ParseError at its line, ``name`` naming it, when it holds an element
    (:func:`~scholarkg.extract.markup.refuse_answer_markup`: never shown joined)."""
    refuse_answer_markup(field, source, name)
    written = (written_text_of(field) or "").strip()
    return shown(_SPACE_RUN.sub(_one_space_if_broken, written))
