"""Other ways one listed name is written, for comparing names (never for keys or blocks).

A profile and arXiv often write one author differently at the very same place of one paper:
``Hans Müller`` / ``Hans Mueller`` (German umlauts transliterated), ``Xiao-Li Meng`` /
``Xiaoli Meng`` (a given name written as one word or two), ``Jean-Pierre Dupont`` / ``JP
Dupont`` (initials run together), ``Yuri Makarov`` / ``Yu. Makarov`` (a given name shortened to
more than one letter). The keys and name blocks stay as
:func:`~scholarkg.identity.names.tokens` reads the name; these readings only widen
:func:`~scholarkg.identity.names.compatible`, which is evidence where something else places the
two names (the same position of one paper, a shared co-author in one block). ``Siobhan
O'Brien`` and ``Siobhan OBrien`` need no other spelling: an apostrophe between letters is part
of its word (names version 5), so the two read alike.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from scholarkg.iris import fold
from scholarkg.tex_letters import tex_letters

_TEX_UMLAUT = re.compile(r'\{?\\"\s*\{?([aouAOU])\}?\}?')  # M\"uller, M\"{u}ller, M{\"u}ller
_UMLAUTS = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "Ä": "Ae", "Ö": "Oe", "Ü": "Ue"})
# two or three capitals written together before another word: "JP Dupont" (not a numeral)
_RUN_OF_INITIALS = re.compile(
    r"\b(?!(?:II|III|IV|VI|VII|XI|JR|SR)\b)([A-Z])([A-Z])([A-Z])?\b(?=\W+\w)"
)
# what any other spelling needs: a quick test first (most names have none)
_MAYBE_OTHER = re.compile(r"[^\x00-\x7f]|\\|[A-Z][A-Z]")
# a given name cut to two to four letters and a full stop: "Yu.", "Ph.", "Chr."
_SHORTENED = re.compile(r"(?<![\w.])(\w{2,4})\.")
_NOT_SHORTENED = frozenset({"jr", "sr", "phd", "st"})


@lru_cache(maxsize=32_768)
def spellings(name: str) -> tuple[str, ...]:
    """``name`` and the other spellings it stands for: umlauts transliterated, a run of
    capitals before another word as initials where the name is not all in capitals (``JP
    Dupont`` as ``J. P. Dupont``); ``name`` first, each once."""
    if not _MAYBE_OTHER.search(name):
        return (name,)
    out = [name]
    text = name
    if "\\" in text:
        text = tex_letters(_TEX_UMLAUT.sub(lambda m: f"{m[1]}\u0308", text))
    if not text.isascii():
        text = unicodedata.normalize("NFC", text)
        if (transliterated := text.translate(_UMLAUTS)) != text:
            out.append(transliterated)
    if _RUN_OF_INITIALS.search(text) and not text.isupper():
        out += [_RUN_OF_INITIALS.sub(_as_initials, spelled) for spelled in out]
    return tuple(dict.fromkeys(out))


def _as_initials(found: re.Match[str]) -> str:
    return " ".join(f"{letter}." for letter in found.groups() if letter)


@lru_cache(maxsize=32_768)
def shortened(name: str) -> frozenset[str]:
    """The folded words ``name`` writes cut short with a full stop (``Yu. Makarov``: ``yu``),
    each of which stands for any given name it begins (as an initial does)."""
    words = (fold(w) for w in _SHORTENED.findall(tex_letters(name)))
    return frozenset(w for w in words if len(w) > 1 and w not in _NOT_SHORTENED)
