"""Characters no name or title needs and no reader sees: a name's key and shown name, and a
title's, are read without them (``Rob\\u200bert Dadashi`` is Robert Dadashi, never
``rob-ert-dadashi``; ``Rob\\U000e0041ert`` from arXiv is the profile's ``Robert``).

One rule for every door: Unicode's default-ignorable code points (zero-width space and
joiners, word joiner, soft hyphen, byte order mark, the invisible operators, the combining
grapheme joiner, variation selectors, tag characters, Hangul fillers, Mongolian free variation
selectors, the bidi controls: marks, embeddings, overrides, isolates, which reorder the text
after them where it is shown) and every other format character (Cf: the interlinear annotation
controls). Written out for Unicode 15.1, not read from Python's tables, so a key never changes
with the Python that reads it. The zero-width joiner and non-joiner spell Persian and Indic
names: a shown name keeps one between two letters of a script that joins (neither Latin, Greek
nor Cyrillic); a key, which holds folded letters only, never does."""

from __future__ import annotations

import re
import unicodedata

# Default_Ignorable_Code_Point (DerivedCoreProperties 15.1) and General_Category Cf, joiners
# apart: U+00AD, U+034F, U+0600-0605, U+061C, U+06DD, U+070F, U+0890-0891, U+08E2, U+115F-1160,
# U+17B4-17B5, U+180B-180F, U+200B-200F, U+202A-202E, U+2060-206F, U+3164, U+FE00-FE0F, U+FEFF,
# U+FFA0, U+FFF0-FFFB, U+110BD, U+110CD, U+13430-1343F, U+1BCA0-1BCA3, U+1D173-1D17A,
# U+E0000-E0FFF (tags, variation selectors 17-256, unassigned ones ignorable by default)
_DROPPED_CLASS = (
    "\u00ad\u034f\u0600-\u0605\u061c\u06dd\u070f\u0890\u0891\u08e2\u115f\u1160\u17b4\u17b5"
    "\u180b-\u180f\u200b\u200e\u200f\u202a-\u202e\u2060-\u206f\u3164\ufe00-\ufe0f\ufeff"
    "\uffa0\ufff0-\ufffb\U000110bd\U000110cd\U00013430-\U0001343f\U0001bca0-\U0001bca3"
    "\U0001d173-\U0001d17a\U000e0000-\U000e0fff"
)
_DROPPED = re.compile(f"[{_DROPPED_CLASS}]")
_JOINERS = "\u200c\u200d"
_JOINER = re.compile(f"[{_JOINERS}]")
_ANY = re.compile(f"[{_DROPPED_CLASS}{_JOINERS}]")
INVISIBLE = _ANY
"""One of the characters this rule names, joiners too (what :func:`has_invisible` finds): for a
door that shows them escaped rather than dropping them (an error's text, extract.error_text)."""
# names version 6 (identity.names) read a name without these only
_ANY_6 = re.compile(
    "[\u00ad\u180e\u200b\u2060-\u2064\ufeff\u200e\u200f\u202a-\u202e\u2066-\u2069\u200c\u200d]"
)
_ALPHABETS = ("LATIN", "GREEK", "CYRILLIC")
UNSEEN = "1"
"""This rule's version (1: Unicode 15.1's default-ignorables and format characters): bump when
what it drops changes; the title index keys again the titles holding one (resolution.index)."""


def has_invisible(text: str) -> bool:
    """``text`` holds a character :func:`visible` or :func:`unjoined` drops."""
    return _ANY.search(text) is not None


def unjoined(text: str) -> str:
    """``text`` without any of these characters, joiners too (what a key is read from)."""
    return _ANY.sub("", text) if has_invisible(text) else text


def unjoined_6(name: str) -> str:
    """:func:`unjoined` as names version 6 read a name: without the fixed few it knew (a tag
    character or variation selector stayed, and split the name's word), for keys written then."""
    return _ANY_6.sub("", name)


def visible(text: str) -> str:
    """``text`` without these characters; a joiner stays only between two letters of a script
    that joins (``Ra\\u200cza`` loses it, an Arabic or Devanagari name keeps it)."""
    if not has_invisible(text):
        return text
    text = _DROPPED.sub("", text)
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
