"""Reading a listed name into words: TeX letters, apostrophes inside a word, generational
suffixes, names inverted at a comma, a person named for a group (``ATLAS Collaboration: G.
Aad``), and the rules of earlier names versions (a registry written under them is re-keyed with
:func:`tokens_as`).
"""

from __future__ import annotations

import re

from scholarkg.identity.invisible import unjoined, unjoined_6
from scholarkg.iris import fold
from scholarkg.tex_letters import tex_letters

# Words that make a listed author a group (team, collaboration, consortium), not a person.
GROUP_WORDS = frozenset(
    {
        "team",
        "teams",
        "collaboration",
        "collaborations",
        "consortium",
        "consortia",
        "group",
        "initiative",
        "committee",
        "alliance",
        "project",
        "taskforce",
        "organization",
        "organisation",
        "network",
        "survey",
        "observatory",
        "laboratory",
    }
)
_SUFFIXES = frozenset({"jr", "sr", "ii", "iii", "iv", "phd"})
_NUMERALS = frozenset({"ii", "iii", "iv"})  # a suffix only in capitals ("Ii" is a surname)
SPACE = re.compile(r"\s+")
_INITIAL_FIRST = re.compile(r"\s*\w\.")  # "J. Smith, …": a name in order, not "Smith, J."
# an apostrophe between letters is part of the word (names version 5: "O'Brien" is "obrien",
# "D’Souza" "dsouza"; 4 read "o brien", a middle initial and the surname "brien"). After TeX
# letters, so a TeX accent (\'e, \`a) is no apostrophe; a space beside one breaks ("O' Brien").
_APOSTROPHES = "'’ʼ`´"
_APOSTROPHE = re.compile(rf"(?<=[^\W\d_])[{_APOSTROPHES}](?=[^\W\d_])")
# names versions 2 and 3 folded a capital Ø, Ł, Đ so (fold's letters 1 fold the small ones only)
_CAPITALS = str.maketrans({"Ø": "O", "Ł": "L", "Đ": "D"})
# Han, kana and Hangul: scripts that write a name with or without a space between family and
# given name ("王伟" / "王 伟", "山田太郎" / "山田 太郎"), so a name written in them is one word.
_CJK_WORD = re.compile(
    "[\u1100-\u11ff\u3040-\u30ff\u3130-\u318f\u31f0-\u31ff\u3400-\u4dbf\u4e00-\u9fff"
    "\uac00-\ud7af\uf900-\ufaff\U00020000-\U0003134f]+"
)


_ON_BEHALF = (("on", "behalf", "of"), ("for",))  # "for the X Collaboration" too


def _writing_for(words: list[str]) -> int | None:
    """Where ``… for the IceCube Collaboration`` / ``… on behalf of …`` begins: a person who
    writes for a group (the tail must name one), else ``None``."""
    # whether a group word comes at or after each place: known in one pass from the end, not
    # looked for again after each "for" (quadratic in a name of many)
    group_after = [False] * (len(words) + 1)
    for at in range(len(words) - 1, -1, -1):
        group_after[at] = group_after[at + 1] or words[at] in GROUP_WORDS
    for start in range(1, len(words)):
        for phrase in _ON_BEHALF:
            end = start + len(phrase)
            if tuple(words[start:end]) == phrase and group_after[min(end, len(words))]:
                return start
    return None


# "… on behalf of …" / "… for …" as written (words, not parts of words)
_FOR_RAW = re.compile(r"(?<![^\W_])(?:on[\W_]+behalf[\W_]+of|for)(?![^\W_])", re.IGNORECASE)
_ARTICLE = re.compile(r"^the\s+(?=\S)", re.IGNORECASE)


def _names_a_group(text: str) -> bool:
    return any(w in GROUP_WORDS for w in fold(text).split())


def group_name(text: str) -> str:
    """A group's name as written inside a person's listed name, without a leading article."""
    return _ARTICLE.sub("", text.strip(" ,;:()[]"))


def _named_before(name: str) -> tuple[str, str] | None:
    """``ATLAS Collaboration: G. Aad`` (arXiv's form for a collaboration paper's first author):
    (the person's part, the group's part); ``None`` when the part before the colon names no
    group, or the part after it is empty or a group itself."""
    head, colon, tail = name.partition(":")
    if colon and _names_a_group(head) and fold(tail) and not _names_a_group(tail):
        return tail, head
    return None


def person_and_group(name: str) -> tuple[str, str] | None:
    """(the person's part, the group's part) of a name written for a group, as written;
    ``None`` for any other name."""
    before = _named_before(name)
    if before is not None:
        return before[0].strip(), before[1]
    for found in _FOR_RAW.finditer(name):
        if not fold(name[: found.start()]):
            continue  # nothing before it names a person
        # the first "for" with a name before it: what follows a later one is part of what
        # follows this one, so if this tail names no group no later tail does (looking again
        # after each "for" was quadratic in a name of many)
        if not _names_a_group(name[found.end() :]):
            return None
        return name[: found.start()].strip(" ,;:(["), name[found.end() :]
    return None


def _letters(name: str) -> str:
    r"""``name`` with TeX letters as their letters and a TeX accent as the letter it marks
    (``\v{S}r\'amek`` → ``Sramek``, ``{\O}bro`` → ``{Ø}bro``), and capital Ø, Ł, Đ as O, L,
    D (as names versions 2 and 3 read them: fold's letters 1 folded the small ones only): what
    folds alike to the name written in Unicode (``Šrámek``, ``Øbro``)."""
    return tex_letters(name).translate(_CAPITALS)


def tokens_as(name: str, version: str) -> tuple[str, ...]:
    """:func:`tokens` as names version ``version`` read them (a registry migration reads the
    keys an older version wrote)."""
    if version in ("1", "2"):
        return _tokens_before_3(name, version)
    if int(version) >= 7:  # 7: nor any other default-ignorable ("Rob\U000e0041ert")
        name = unjoined(name)
    elif version == "6":  # 6: invisible characters are no word break ("Rob\u200bert")
        name = unjoined_6(name)
    letters = "1" if version == "3" else None  # 4: fold's letters 2 (Þ as th, ı as i, …)
    before = _named_before(name)
    person = _letters(name if before is None else before[0])
    if version not in ("3", "4") and any(a in person for a in _APOSTROPHES):
        person = _APOSTROPHE.sub("", person)  # 5: "O'Brien" is one word
    pieces = [fold(p, voicing=True, letters=letters).split() for p in person.split(",")]
    words = [w for piece in pieces for w in piece]
    if len(words) > 1 and all(_CJK_WORD.fullmatch(w) for w in words):
        return ("".join(words),)
    written = [[w.upper() for w in piece] for piece in pieces]  # as cased, where it tells
    if _NUMERALS.intersection(words):
        for at, piece in enumerate(person.split(",")):
            cased = fold(piece, voicing=True, cased=True, letters=letters).split()
            written[at] = cased if len(cased) == len(pieces[at]) else written[at]
    cut = _writing_for(words)
    if cut is not None:  # the person's part: the pieces before the cut
        pieces, written = _first_words(pieces, cut), _first_words(written, cut)
    kept = [(w, c) for w, c in zip(pieces, written, strict=True) if w]
    if len(kept) > 1 and not _INITIAL_FIRST.match(person):  # "J. Smith, K. Jones": in order
        head = kept[:1] + [p for p in kept[1:] if not _is_suffix(*p)]
        if len(head) == 1:  # "John Smith, Jr.": in order, a suffix after the comma
            kept = head
        elif len(head) == 2:  # "Smith, J.", "Smith Jr., John", "Smith, John, III"
            surname = _without_suffixes(*head[0], inverted=True)
            given = _without_suffixes(*head[1], inverted=True)
            return (*given, *surname)
    flat = [w for piece, _ in kept for w in piece]
    cased = [c for _, piece in kept for c in piece]
    return tuple(_without_suffixes(flat, cased, inverted=False))


def _first_words(pieces: list[list[str]], count: int) -> list[list[str]]:
    """The first ``count`` words of ``pieces``, in their pieces."""
    out = []
    for piece in pieces:
        out.append(piece[: max(count, 0)])
        count -= len(piece)
    return out


def is_suffix(text: str) -> bool:
    """``text`` is only generational suffixes (``Jr.``, ``III``, ``PhD``; a Roman numeral only
    in capitals: ``Ii`` is a surname), no name of its own: the one rule for names and for the
    author lists that separate a suffix by a comma (``John Smith, Jr.``)."""
    words, written = fold(text).split(), fold(text, cased=True).split()
    return bool(words) and len(words) == len(written) and _is_suffix(words, written)


def _is_suffix(words: list[str], written: list[str]) -> bool:
    """A comma-separated piece that is only generational suffixes (``Jr.``, ``III``)."""
    return all(
        w in _SUFFIXES and (w not in _NUMERALS or c.isupper())
        for w, c in zip(words, written, strict=True)
    )


def _without_suffixes(words: list[str], written: list[str], *, inverted: bool) -> list[str]:
    """``words`` without trailing generational suffixes (``Jr.``, ``III``); a Roman numeral is
    one only in capitals (``Kazuo Ii`` is Ii). In a name written in order (``inverted``
    false) a suffix needs a word that can be a surname before it (``K. Ii`` is Ii: an initial
    is no surname), and a numeral needs a given name and a surname before it, the first word
    being a given name (``KAZUO II`` is Ii, ``JOHN SMITH II`` is John Smith). In a piece of an
    inverted name (``Evans II, Neal J.``, ``Smith, J. Jr.``) the surname is its own piece."""
    words = list(words)
    while (
        len(words) > 1
        and words[-1] in _SUFFIXES
        and (words[-1] not in _NUMERALS or written[len(words) - 1].isupper())  # "II", not "Ii"
        and (
            inverted
            or (
                any(len(w) > 1 for w in words[:-1])  # a surname stays
                and (words[-1] not in _NUMERALS or len(words) > 2)  # after given and surname
            )
        )
    ):
        words.pop()
    return words


def _tokens_before_3(name: str, version: str) -> tuple[str, ...]:
    """Names versions 1 and 2: no inverted names (``Smith, J.`` read as ``smith j``), and a
    Roman numeral in capitals after one given name a suffix (``KAZUO II`` read as ``kazuo``)."""
    before = None if version == "1" else _named_before(name)
    person = name if before is None else before[0]
    if version != "1":
        person = _letters(person)
    words = fold(person, voicing=version != "1", letters="1").split()
    written = [w.upper() for w in words]  # as cased (1: a numeral in any case is a suffix)
    if version != "1" and _NUMERALS.intersection(words):
        cased = fold(person, voicing=True, cased=True, letters="1").split()
        written = cased if len(cased) == len(words) else written
    if len(words) > 1 and all(_CJK_WORD.fullmatch(w) for w in words):
        words = ["".join(words)]
    cut = _writing_for(words)
    if cut is not None:
        del words[cut:]
    while (
        len(words) > 1
        and words[-1] in _SUFFIXES
        and (words[-1] not in _NUMERALS or written[len(words) - 1].isupper())  # "II", not "Ii"
        and (version == "1" or any(len(w) > 1 for w in words[:-1]))  # a surname stays
    ):
        words.pop()
    return tuple(words)
