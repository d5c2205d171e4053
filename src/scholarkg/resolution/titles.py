"""Title evidence: similarity that forgives how titles get written, and searchable words.

Listed titles differ from arXiv's in ways that are not different papers: case and punctuation,
hyphenation (``pre-training`` / ``pretraining``), abbreviations (``Open LMs`` / ``Open Language
Models``), a dropped subtitle, a one-letter typo, TeX. :func:`title_similarity` is 1.0 for
identical folded titles and stays high for those, while two different papers that share most
words (``A First Comparative Study`` / ``A Second Comparative Study``) stay below acceptance.

Words are scored without symbols; symbols only veto (:func:`symbols_differ`, read as
:func:`~scholarkg.iris.work_key` keeps them for minting): two titles that put different
symbols in one place (``C++`` / ``C#``, ``$\\Lambda_b^0$`` / ``$\\Xi_b^0$``, ``→`` / ``←``) are
two papers however alike their words. ``$\\alpha$`` and ``α`` are one symbol; ASCII renderings
(``->``, ``<=``, ``+/-``) are their symbols; ``~``, ``∼`` and ``≃`` all say "about"; a symbol
only one title writes (``π^-`` / ``π−``, TeX a source dropped) is how it was written, not
another paper.
"""

from __future__ import annotations

import re
import unicodedata
from difflib import SequenceMatcher
from functools import lru_cache

from scholarkg.iris import title_key, work_key

STOPWORDS = frozenset(
    [
        "a",
        "an",
        "and",
        "are",
        "as",
        "at",
        "be",
        "by",
        "for",
        "from",
        "how",
        "in",
        "into",
        "is",
        "it",
        "of",
        "on",
        "or",
        "our",
        "the",
        "their",
        "to",
        "towards",
        "toward",
        "via",
        "vs",
        "we",
        "what",
        "when",
        "where",
        "which",
        "with",
        "without",
        "using",
        "based",
        "new",
        "approach",
        "study",
    ]
)
# A subtitle separator: ":", a dash between spaces, "?" and a space. The white space before it
# is found by rstrip (a pattern beginning with \s* tried each of its characters again: quadratic)
_SUBTITLE = re.compile(r":|(?<=\s)[-–—](?=\s)|\?(?=\s)")
MATCHING = "3"
"""Bump when the same titles are matched differently (2: different symbols veto; 3: titles past
:data:`COMPARED_CHARACTERS` match only when equal), so profiles resolved under the old rules are
built again (it is part of the configuration hash)."""
COMPARED_CHARACTERS = 2000
"""The longest folded title compared word by word (real titles have a few hundred characters):
a longer one matches only a title equal to it, as comparing two of a megabyte took hours
(:class:`difflib.SequenceMatcher` and the abbreviation search are quadratic)."""
SYMBOLS_DIFFER = 0.85
"""The most two titles that write different symbols in one place score: below
:data:`~scholarkg.resolution.score.MIN_TITLE_SIMILARITY`, so never accepted as one paper."""


def _ratio(a: str, b: str) -> float:
    return SequenceMatcher(None, a, b, autojunk=False).ratio()


def main_title(title: str) -> str:
    """The part before a subtitle separator (``BOND: Aligning …`` → ``bond``), folded."""
    separator = _SUBTITLE.search(title)
    head = title if separator is None else title[: separator.start()].rstrip()
    return title_key(head)


_ASCII_SYMBOLS = (  # how titles write symbols in ASCII, longest first
    ("<->", "↔"),
    ("->", "→"),
    ("<-", "←"),
    ("<=", "≤"),
    (">=", "≥"),
    ("!=", "≠"),
    ("=>", "⇒"),
    ("+/-", "±"),
    ("~", "∼"),
)
_LOOK_ALIKE = str.maketrans(dict.fromkeys("≃∼~≅", "≈"))  # "about": written any of these ways


def title_tokens(title: str) -> list[str]:
    """The title's words and symbols as :func:`~scholarkg.iris.work_key` keeps them (``+``,
    ``#``, ``→``, Greek letters), with ASCII renderings (``->``, ``<=``, ``+/-``, ``~``) read
    as their symbol and the ways of writing "about" as one."""
    for ascii_form, symbol in _ASCII_SYMBOLS:
        title = title.replace(ascii_form, symbol)
    return work_key(title).translate(_LOOK_ALIKE).split()


def _is_symbol(token: str) -> bool:
    """No ASCII letter or digit and no letter of a script titles are written in (a CJK or
    Cyrillic title's letters are its words; Greek letters in a title are symbols)."""
    return all(
        not (c.isascii() and c.isalnum()) and (not c.isalpha() or "GREEK" in unicodedata.name(c))
        for c in token
    )


def symbols_differ(a: str, b: str) -> bool:
    """Whether two titles write different symbols in one place, their words around them the
    same (``C++`` / ``C#``, ``Λ`` / ``Ξ``, ``→`` / ``←``); a symbol only one of them has (TeX
    a source dropped, ``π^-`` / ``π−``) is not a difference, nor are words that differ."""
    mine, theirs = title_tokens(a), title_tokens(b)
    ops = SequenceMatcher(None, mine, theirs, autojunk=False).get_opcodes()
    return any(
        op == "replace"
        and all(_is_symbol(t) for t in mine[i1:i2])
        and all(_is_symbol(t) for t in theirs[j1:j2])
        for op, i1, i2, j1, j2 in ops
    )


def _expand_abbreviations(mine: list[str], theirs: list[str]) -> list[str]:
    """Replace a token of ``mine`` that abbreviates consecutive words of ``theirs`` (``lms`` ~
    ``language models``, ``rl`` ~ ``reinforcement learning``) by those words."""
    out: list[str] = []
    for token in mine:
        stem = token[:-1] if token.endswith("s") and len(token) > 2 else token
        replaced = None
        if 2 <= len(stem) <= 6 and token not in theirs:
            for i in range(len(theirs) - len(stem) + 1):
                words = theirs[i : i + len(stem)]
                if "".join(w[0] for w in words) == stem:
                    replaced = words
                    break
        out.extend(replaced or [token])
    return out


@lru_cache(maxsize=100_000)
def title_similarity(listed: str, other: str) -> float:
    """Similarity in [0, 1] of two titles' words, after folding, hyphenation and abbreviations;
    at most :data:`SYMBOLS_DIFFER` for titles whose symbols differ."""
    score = _words_similarity(listed, other)
    if score > SYMBOLS_DIFFER and symbols_differ(listed, other):
        return SYMBOLS_DIFFER
    return score


def _words_similarity(listed: str, other: str) -> float:
    a, b = title_key(listed), title_key(other)
    if not a or not b:
        return 0.0
    if a == b:
        return 1.0
    if a.replace(" ", "") == b.replace(" ", ""):
        return 0.99
    if max(len(a), len(b)) > COMPARED_CHARACTERS:
        return 0.0
    scores = [_ratio(a, b)]
    expanded = " ".join(_expand_abbreviations(a.split(), b.split()))
    if expanded != a:
        scores.append(_ratio(expanded, b) - 0.02)
    # one of them dropped its subtitle: the other's main title is all of it (3+ words)
    if (len(a.split()) >= 3 and main_title(other) == a) or (
        len(b.split()) >= 3 and main_title(listed) == b
    ):
        scores.append(0.95)
    return round(max(scores), 4)


def searchable_words(title: str) -> list[str]:
    """The title's words for an arXiv query (letters and digits only, operators lower-cased)."""
    return title_key(title).split()  # (without the characters no one sees)


def distinctive_words(title: str, limit: int) -> list[str]:
    """Up to ``limit`` words most likely to find the paper: no stopwords, longest first
    (ties in title order), at least three letters."""
    words = [w for w in dict.fromkeys(searchable_words(title)) if w not in STOPWORDS]
    words = [w for w in words if len(w) >= 3 or any(c.isdigit() for c in w)]
    ranked = sorted(enumerate(words), key=lambda p: (-len(p[1]), p[0]))[:limit]
    return [w for _, w in sorted(ranked)]
