"""Characters no name needs and no reader sees: a name's key and shown name are read without
them (``Rob\\u200bert Dadashi`` is Robert Dadashi, never ``rob-ert-dadashi``).

Default-ignorable format characters (zero-width space, word joiner, soft hyphen, byte order
mark, the invisible operators) and bidi controls (marks, embeddings, overrides, isolates): an
override reorders the text after it where the name is shown. The zero-width joiner and
non-joiner spell Persian and Indic names: a shown name keeps one between two letters of a
script that joins (neither Latin, Greek nor Cyrillic); a key, which holds folded letters
only, never does."""

from __future__ import annotations

import re
import unicodedata

_IGNORABLE = "\u00ad\u180e\u200b\u2060-\u2064\ufeff"
_BIDI = "\u200e\u200f\u202a-\u202e\u2066-\u2069"
_DROPPED = re.compile(f"[{_IGNORABLE}{_BIDI}]")
_JOINERS = "\u200c\u200d"
_JOINER = re.compile(f"[{_JOINERS}]")
_ANY = re.compile(f"[{_IGNORABLE}{_BIDI}{_JOINERS}]")
_ALPHABETS = ("LATIN", "GREEK", "CYRILLIC")


def has_invisible(name: str) -> bool:
    """``name`` holds a character :func:`visible` or :func:`unjoined` drops."""
    return _ANY.search(name) is not None


def unjoined(name: str) -> str:
    """``name`` without any of these characters, joiners too (what a key is read from)."""
    return _ANY.sub("", name) if has_invisible(name) else name


def visible(name: str) -> str:
    """``name`` without these characters; a joiner stays only between two letters of a script
    that joins (``Ra\\u200cza`` loses it, an Arabic or Devanagari name keeps it)."""
    if not has_invisible(name):
        return name
    text = _DROPPED.sub("", name)
    return _JOINER.sub(lambda m: m[0] if _joins(text, m.start()) else "", text)


def _joins(text: str, at: int) -> bool:
    if at == 0 or at + 1 >= len(text):
        return False
    before, after = text[at - 1], text[at + 1]
    return all(
        (c.isalpha() or unicodedata.category(c).startswith("M"))  # a virama before a joiner
        and not unicodedata.name(c, "").startswith(_ALPHABETS)
        for c in (before, after)
    )
