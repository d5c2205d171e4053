"""Title evidence: similarity that forgives how titles get written, and searchable words.

Listed titles differ from arXiv's in ways that are not different papers: case and punctuation,
hyphenation (``pre-training`` / ``pretraining``), abbreviations (``Open LMs`` / ``Open Language
Models``), a dropped subtitle, a one-letter typo, TeX. :func:`title_similarity` is 1.0 for
identical folded titles and stays high for those, while two different papers that share most
words (``A First Comparative Study`` / ``A Second Comparative Study``) stay below acceptance.

Titles are compared with their symbols (:func:`~scholarkg.iris.work_key`, as works are minted):
``$\\alpha$`` and ``α`` are one symbol, and two titles that put different symbols in one place
(``C++`` / ``C#``, ``$\\Lambda_b^0$`` / ``$\\Xi_b^0$``, ``→`` / ``←``) are two papers however
alike their words. A symbol only one of them writes (``π^-`` / ``π−``, ``~`` / ``∼``) is how
it was written, not another paper.
"""

from __future__ import annotations

import re
from difflib import SequenceMatcher
from functools import lru_cache

from scholarkg.iris import fold, work_key

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
_SUBTITLE = re.compile(r"\s*(?::|\s[-–—]\s|\?\s)\s*")
MATCHING = "2"
"""Bump when the same titles are matched differently (2: symbols count), so profiles resolved
under the old rules are built again (it is part of the configuration hash)."""
SYMBOLS_DIFFER = 0.85
"""The most two titles that write different symbols in one place score: below
:data:`~scholarkg.resolution.score.MIN_TITLE_SIMILARITY`, so never accepted as one paper."""


def _ratio(a: str, b: str) -> float:
    return SequenceMatcher(None, a, b, autojunk=False).ratio()


def main_title(title: str) -> str:
    """The part before a subtitle separator (``BOND: Aligning …`` → ``bond``), folded with
    its symbols."""
    head = _SUBTITLE.split(title, maxsplit=1)[0]
    return work_key(head)


def _symbols(key: str) -> str:
    """What a :func:`~scholarkg.iris.work_key` holds besides ASCII letters and digits: its
    symbols (``+``, ``#``, ``→``) and symbol letters (``λ``), in order."""
    return "".join(c for c in key if not c.isspace() and not (c.isascii() and c.isalnum()))


def symbols_differ(a: str, b: str) -> bool:
    """Whether the work keys ``a`` and ``b`` write different symbols in one place (``c + +`` /
    ``c #``); a symbol only one of them has is not a difference."""
    ops = SequenceMatcher(None, _symbols(a), _symbols(b), autojunk=False).get_opcodes()
    return any(op == "replace" for op, *_ in ops)


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
    """Similarity in [0, 1] of two titles, after folding, hyphenation and abbreviations; at
    most :data:`SYMBOLS_DIFFER` for titles whose symbols differ."""
    a, b = work_key(listed), work_key(other)
    if not a or not b:
        return 0.0
    if a == b:
        return 1.0
    if symbols_differ(a, b):
        return min(SYMBOLS_DIFFER, round(_ratio(a, b), 4))
    if a.replace(" ", "") == b.replace(" ", ""):
        return 0.99
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
    return fold(title).split()


def distinctive_words(title: str, limit: int) -> list[str]:
    """Up to ``limit`` words most likely to find the paper: no stopwords, longest first
    (ties in title order), at least three letters."""
    words = [w for w in dict.fromkeys(searchable_words(title)) if w not in STOPWORDS]
    words = [w for w in words if len(w) >= 3 or any(c.isdigit() for c in w)]
    ranked = sorted(enumerate(words), key=lambda p: (-len(p[1]), p[0]))[:limit]
    return [w for _, w in sorted(ranked)]
