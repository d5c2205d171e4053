"""The text of an error a server answers with, as its one error line shows it: an OAI-PMH
``<error>``'s, an arXiv API error entry's ``<summary>``.

It is told as the server wrote it, trimmed (``text_of`` folded every white-space run to one
space, safe only because markup is refused first), but never on more than one line: a
white-space run that breaks the line (a line feed, ``&#13;``, NEL, U+2028, U+2029: where
``str.splitlines`` cuts) is one space, so the words it parted stay apart and the error stays
one line; any other run is kept as written (``a  b``).

And it is told safely (:func:`~scholarkg.shown_text.shown`, the one way every error line shows
foreign text): what no reader sees or no text holds is written as its escape, and a long text
is cut at :data:`~scholarkg.shown_text.SHOWN_CHARS`, saying how much more it held."""

from __future__ import annotations

import re

from lxml import etree

from scholarkg.extract.markup import refuse_answer_markup
from scholarkg.extract.xmlsafe import written_text_of
from scholarkg.shown_text import shown
from scholarkg.text_masks import Masks

_LINE_BREAKS = frozenset("\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029")  # str.splitlines cuts at
# one run of white space, matched once each: linear in the text whatever its runs
_SPACE_RUN = re.compile(r"\s+")


def _one_space_if_broken(run: re.Match[str]) -> str:
    text = run.group()
    return " " if not _LINE_BREAKS.isdisjoint(text) else text


def error_text(
    field: etree._Element, source: str, name: str, *, masked: Masks | None = None
) -> str:
    """``field``'s text as written, trimmed, on one line and
    :func:`~scholarkg.shown_text.shown` ("" when it has none; ``masked``: read from a masked
    body, each mask shown as what it stands for); a ParseError at its line, ``name`` naming
    it, when it holds an element (:func:`~scholarkg.extract.markup.refuse_answer_markup`:
    never shown joined)."""
    refuse_answer_markup(field, source, name)
    written = (written_text_of(field) or "").strip()
    return shown(_SPACE_RUN.sub(_one_space_if_broken, written), masked=masked)
