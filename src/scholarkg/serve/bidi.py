"""Bidirectional isolation of text from the sources on HTML pages.

A title or a name may hold bidi controls (U+202A–U+202E embeddings and overrides, U+2066–U+2069
isolates, U+200E/U+200F marks) or right-to-left script. Shown as they are, an unterminated
RIGHT-TO-LEFT OVERRIDE reverses the page's own text after it, and an Arabic name pulls a
following number to its left. :func:`isolated` puts such a value in its own ``<bdi>`` and keeps
its text exactly as stored; three things a bare ``<bdi>`` lets through are handled:

* browsers lay an isolate out as FSI … PDI around its text, so a PDI in the value closes the
  element's isolate early: the ``<bdi>`` opens one more isolate per such PDI (``data-o``, drawn
  by :data:`CSS` as generated content, which is no part of the page's text);
* an isolate the value opens and leaves open is closed the same way (``data-c``);
* a paragraph separator (Bidi_Class B) ends every isolate: each paragraph of the value gets
  its own ``<bdi>``, the separators stay between them.

:func:`isolated_plain` is the same for text that holds no markup (``<title>``): the value
between FSI and PDI (balanced as above), characters that are then part of that text.

Code shown to be read (a query's text on its results page) is another matter: a control in it
must not make the text look other than what runs. :func:`controls_shown` draws each bidi
control as a mark of its own (``[RLO]``), as the query editor does; :func:`controls_named` draws
the same marks in a plain-text answer (an error naming what was asked).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from html import escape

INITIATORS = frozenset("\u2066\u2067\u2068")  # LRI, RLI, FSI
FSI, PDI = "\u2068", "\u2069"
_PARAGRAPHS = re.compile("([\n\r\x1c-\x1e\x85\u2029])")
CSS = "bdi[data-o]::before{content:attr(data-o)}bdi[data-c]::after{content:attr(data-c)}"


def unbalanced(text: str) -> tuple[int, int]:
    """The PDIs of ``text`` that match no isolate it opened, and the isolates it leaves open
    (matched as the Unicode Bidirectional Algorithm's BD9 matches them)."""
    opened = stray = 0
    for char in text:
        if char in INITIATORS:
            opened += 1
        elif char == PDI:
            if opened:
                opened -= 1
            else:
                stray += 1
    return stray, opened


def _bdi(part: str) -> str:
    stray, opened = unbalanced(part)
    attributes = (f' data-o="{FSI * stray}"' if stray else "") + (
        f' data-c="{PDI * opened}"' if opened else ""
    )
    return f"<bdi{attributes}>{escape(part)}</bdi>"


def isolated(text: str) -> str:
    """``text`` escaped, its direction held inside ``<bdi>`` (one per paragraph of it)."""
    parts = _PARAGRAPHS.split(text)
    return "".join(escape(p) if i % 2 else _bdi(p) for i, p in enumerate(parts))


def isolated_plain(text: str) -> str:
    """``text`` (not escaped) between FSI and PDI, for plain text such as ``<title>``."""
    out = []
    for i, part in enumerate(_PARAGRAPHS.split(text)):
        if i % 2:
            out.append(part)
        else:
            stray, opened = unbalanced(part)
            out.append(FSI * (1 + stray) + part + PDI * (1 + opened))
    return "".join(out)


CONTROLS = {
    "\u061c": "ALM", "\u200e": "LRM", "\u200f": "RLM",
    "\u202a": "LRE", "\u202b": "RLE", "\u202c": "PDF", "\u202d": "LRO", "\u202e": "RLO",
    "\u2066": "LRI", "\u2067": "RLI", "\u2068": "FSI", "\u2069": "PDI",
}  # fmt: skip
_CONTROL = re.compile("[" + "".join(CONTROLS) + "]")


def _marked(text: str, plain: Callable[[str], str], mark: Callable[[str], str]) -> str:
    """``text`` with each run between bidi controls given to ``plain`` and each control to
    ``mark``."""
    out, at = [], 0
    for found in _CONTROL.finditer(text):
        out.append(plain(text[at : found.start()]))
        out.append(mark(found.group()))
        at = found.end()
    out.append(plain(text[at:]))
    return "".join(out)


def _name(char: str) -> str:
    return f"[{CONTROLS[char]}]"


def controls_shown(text: str) -> str:
    """``text`` escaped, each bidi control in it replaced by a mark naming it (``<abbr
    class="bidi-mark" title="U+202E">[RLO]</abbr>``): no control acts on the text around it."""
    return _marked(
        text,
        escape,
        lambda char: f'<abbr class="bidi-mark" title="U+{ord(char):04X}">{_name(char)}</abbr>',
    )


def controls_named(text: str) -> str:
    """``text`` (plain, not escaped) with each bidi control replaced by the mark
    :func:`controls_shown` draws (``[RLO]``), for plain-text answers."""
    return _marked(text, str, _name)
