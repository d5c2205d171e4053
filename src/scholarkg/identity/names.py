"""Names as evidence: Unicode normal form, folded keys, name blocks, compatibility, groups.

A name is never an identity on its own. These functions only say which names *could* be the
same person (:func:`compatible`) and which bucket a name is looked up in (:func:`block`); the
rules in :mod:`scholarkg.identity.rules` decide from evidence.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache

from scholarkg.identity.double_surnames import second_surname_alone, two_second_surnames
from scholarkg.identity.given_names import full_name_blocks, same_given
from scholarkg.identity.invisible import visible
from scholarkg.identity.name_reading import (
    GROUP_WORDS,
    SPACE,
    group_name,
    person_and_group,
    tokens_as,
)
from scholarkg.identity.name_variants import (
    generation_of,
    shortened,
    spellings,
    transliterated,
)

# Bump when tokens() reads a name into other words: name blocks and keys are kept in the
# identity registry, which re-keys what an older version wrote when it opens
# (identity.registry). 1: until 2026-12; 2: a suffix needs a surname before it ("K. Ii") and a
# Roman numeral is one only in capitals ("John Smith II", not "Kazuo Ii"), kana keep their
# voicing marks ("ジョン" is not "ション"), TeX letters and accents are letters ("\v{S}r\'amek" is
# "Šrámek", not "Sr amek"), capital Ø, Ł, Đ fold like small ones, and "ATLAS Collaboration:
# G. Aad" is the person G. Aad (a group in 1, so no registry held it). 3: a Roman numeral after
# one given name is the surname in capitals too ("KAZUO II" is "Kazuo Ii"; a numeral is a
# suffix after a given name and a surname), and a name inverted at a comma reads in order
# ("Smith, J." is "J. Smith", "Smith, Jr., John" is "John Smith"; 2 read "smith j"). 4: the
# Latin letters NFKD keeps whole fold as arXiv's ASCII spellings write them (iris.LETTERS 2:
# "Yıldız" is "Yildiz", "Guðmundsson" "Gudmundsson", "Þór" "Thor", "Læssig" "Laessig",
# "Col·lell" "Collell", a capital with a mark "Ǿrjan" "Orjan"; 3 kept "yıldız", "ørjan").
# 5: an apostrophe (' ’ ʼ ` ´) between letters is part of the word: "O'Brien" is "obrien",
# "D'Souza" "dsouza", "Dell'Orso" "dellorso" (4 read "o brien": the surname "brien" and an
# initial "o", compatible with "Daniel Brien" and in his block). 6: characters no one sees
# (identity.invisible: a zero-width space, soft hyphen, word joiner, bidi control) are read as
# nothing ("Rob\u200bert Dadashi" is "robert-dadashi"; 5 read "rob-ert-dadashi"). 7: so is
# every other default-ignorable or format character (a tag character, a variation selector,
# the combining grapheme joiner, a Hangul filler: "Rob\U000e0041ert" from arXiv is the
# profile's "Robert"; 6 read "rob-ert", or kept the filler as a letter).
NAMES = "7"
NAME_CACHE = 32_768  # names (and pairs) kept per cache: ~45 MiB less at 100k records than 200 000


def nfc(name: str) -> str:
    """The name as listed, NFC-normalised with whitespace collapsed (kept exactly otherwise)."""
    return SPACE.sub(" ", unicodedata.normalize("NFC", name)).strip()


def listed_name(name: str) -> str:
    """A person's name as listed (:func:`nfc`) without the characters no one sees
    (:func:`~.invisible.visible`): what every door records and shows of a name, and of a
    paper's title."""
    return nfc(visible(name))


@lru_cache(maxsize=NAME_CACHE)
def written_for(name: str) -> str | None:
    """The group a person author is named for, as the listed name writes it (leading article
    left out): ``IceCube Collaboration`` for ``T. Montaruli for the IceCube Collaboration`` or
    ``… on behalf of the IceCube Collaboration``, ``ATLAS Collaboration`` for ``ATLAS
    Collaboration: G. Aad``; ``None`` for a plain name and for a group."""
    parts = None if is_group(name) else person_and_group(name)
    return None if parts is None else group_name(parts[1])


@lru_cache(maxsize=NAME_CACHE)
def tokens(name: str) -> tuple[str, ...]:
    """Folded name tokens in order (given names, then surname: ``Smith, J.`` and ``Smith, Jr.,
    John`` read as ``J. Smith`` and ``John Smith``) with generational suffixes dropped
    (``Jr.``, ``III``) where a word that can be a surname stays (``K. Ii`` is Ii: an initial
    is no surname); a Roman numeral is a suffix only in capitals and after a given name and a
    surname (``John Smith II``, ``JOHN SMITH II``; ``Kazuo Ii`` and ``KAZUO II`` are Ii);
    for a person named for a group (``T. Montaruli for the IceCube Collaboration``, ``ATLAS
    Collaboration: G. Aad``) the person's part. A name written only in Han, kana or Hangul is
    one token however it is spaced; an apostrophe between letters is part of its word
    (``O'Brien`` is ``obrien``, never ``o brien``)."""
    return tokens_as(name, NAMES)


def name_key(name: str) -> str:
    """Folded full name joined by hyphens (``Léonard Hussenot`` → ``leonard-hussenot``)."""
    return "-".join(tokens(name)) or "x"


def name_keys(name: str) -> tuple[str, ...]:
    """:func:`name_key` of ``name`` under this names version and each earlier one, newest
    first and each once: a slug minted from a name keyed otherwise then (``KAZUO II`` was
    ``kazuo`` in version 2, ``kazuo-ii`` now) is found under one of them."""
    keys = ("-".join(tokens_as(name, str(v))) or "x" for v in range(int(NAMES), 0, -1))
    return tuple(dict.fromkeys(keys))


@lru_cache(maxsize=NAME_CACHE)
def block(name: str) -> str:
    """The lookup bucket of a name: folded surname and first initial (``dadashi-r``)."""
    return _block(tokens(name))


@lru_cache(maxsize=NAME_CACHE)
def blocks(name: str) -> tuple[str, ...]:
    """:func:`block`, then the block of each other spelling of the name where that differs
    (:func:`~.name_variants.spellings`): ``muller-h`` and ``mueller-h`` for ``Hans Müller``,
    ``brien-d`` and ``obrien-d`` for ``Daniel O Brien``, ``jp-d`` and ``dupont-j`` for ``Dupont
    JP``, ``wei-l`` and ``li-w`` for ``LI Wei``, ``cun-y`` and ``lecun-y`` for ``Yann Le
    Cun``, ``lopez-j`` and ``garcia-j`` for ``José García López``, ``un-k`` and ``kim-j`` for
    ``Kim Jong Un``; and a short given name's
    the block of each full name it stands for (``smith-b`` and ``smith-w`` for ``Bill Smith``:
    :mod:`~.given_names`). :func:`block` stays as the name is read: what a registry keys it by.
    The co-author pair index holds an authorship under each, so either spelling finds it."""
    spelled = spellings(name)
    short = [b for s in spelled for b in full_name_blocks(tokens(s))]
    if len(spelled) == 1 and not short:
        return (block(name),)
    return tuple(dict.fromkeys([*(block(s) for s in spelled), *short]))


@lru_cache(maxsize=NAME_CACHE)
def spelled_surnames(name: str) -> frozenset[str]:
    """The surname of each spelling of ``name`` (``muller`` and ``mueller`` for ``Hans
    Müller``, ``un`` and ``kim`` for ``Kim Jong Un``): two compatible names share one. Kept
    per name: the co-author rule asks it of every author of a paper for each author of it."""
    return frozenset(words[-1] for s in spellings(name) if (words := tokens(s)))


def block_as(name: str, version: str) -> str:
    """The block names version ``version`` gave ``name`` (what a registry it wrote holds)."""
    return _block(tokens_as(name, version))


def _block(words: tuple[str, ...]) -> str:
    if not words:
        return "x"
    if len(words) == 1:
        return words[0]
    return f"{words[-1]}-{words[0][0]}"


def is_group(name: str) -> bool:
    """``Gemma Team``, ``The ATLAS Collaboration``: an agent that is not a person (a person
    named for one, ``T. Montaruli for the IceCube Collaboration`` or ``ATLAS Collaboration:
    G. Aad``, is a person: see :func:`written_for`)."""
    return any(w in GROUP_WORDS for w in tokens(name))


def _given_compatible(x: str, y: str, short: frozenset[str] = frozenset()) -> bool:
    return (
        x == y
        or ((len(x) == 1 or x in short) and y.startswith(x))
        or ((len(y) == 1 or y in short) and x.startswith(y))
        or same_given(x, y)  # "chris" and "christopher"
    )


@lru_cache(maxsize=NAME_CACHE)
def generation(name: str) -> str | None:
    """The generational suffix a name writes (``jr`` for ``John Smith Jr.`` and ``Smith Jr.,
    John``, ``iii``, ``v`` for ``Henry Ford V``), ``None`` for none: two names with two are
    two people (father and son), a name without one may be either."""
    return generation_of(name, tokens(name))


@lru_cache(maxsize=NAME_CACHE)
def compatible(a: str, b: str) -> bool:
    """Same surname and given names that agree where both have them (initials match names).

    ``R. Dadashi`` ~ ``Robert Dadashi``; ``J.-P. Dupont`` ~ ``Jean Pierre Dupont``;
    ``Wei Wang`` ≁ ``Wen Wang``; ``Wei Wang`` ≁ ``Wang Wei`` (see :func:`compatible_at_position`).
    A missing middle name is no disagreement. Other spellings of a name count
    (:mod:`~scholarkg.identity.name_variants`): ``Hans Müller`` ~ ``Hans Mueller``, ``Xiao-Li
    Meng`` ~ ``Xiaoli Meng``, ``Jean-Pierre Dupont`` ~ ``JP Dupont`` ~ ``Dupont JP``, ``Yuri
    Makarov`` ~ ``Yu. Makarov``, ``Daniel O'Brien`` ~ ``Daniel O Brien``, ``LI Wei`` ~ ``Wei
    Li``, ``Kim Jong Un`` ~ ``Jong-Un Kim`` (:mod:`~.east_asian_order`; never ``Un Kim``),
    ``Chris Manning`` ~ ``Christopher Manning`` (:mod:`~.given_names`), ``John Smith
    Jr.`` ~ ``John Smith``, ``Yann Le Cun`` ~ ``Yann LeCun`` (and, a word written apart
    being a middle name too, ~ ``Yann Cun``, which ``Yann LeCun`` is not), ``José García
    López`` ~ ``José García`` (:mod:`~.double_surnames`), ``S. M. Ali Eslami`` ~ ``Ali
    Eslami``; never ``José García López`` ~ ``José
    López``, nor ``John Smith Jr.`` ~ ``John Smith Sr.`` (:func:`generation`).
    """
    return _compatible_names(a, b, surname_first=False)


@lru_cache(maxsize=NAME_CACHE)
def compatible_at_position(a: str, b: str) -> bool:
    """:func:`compatible`, or compatible once one of the two is read surname first (its first
    word the surname, the rest its given names in order): ``Wei Wang`` ~ ``Wang Wei``,
    ``Mohit Kumar Ahuja`` ~ ``Ahuja Mohit Kumar``, ``W. Wang`` ~ ``Wang W.`` ~ ``Wang Wei``;
    never ``Wei Wang`` ~ ``Wang Wen``, and an initial is never read as a surname.

    Evidence only for two sources' authors of the *same paper at the same position*, where
    arXiv writes many names surname first (Chinese, Korean, Japanese, Hungarian) and a profile
    given name first. Across papers ``Wang Wei`` and ``Wei Wang`` may be two people: no block,
    key or other rule reads a name this way (but three words after a common East Asian surname,
    ``Kim Jong Un``: :mod:`~.east_asian_order`)."""
    return _compatible_names(a, b, surname_first=True)


def _compatible_names(a: str, b: str, *, surname_first: bool) -> bool:
    """Some spelling of ``a`` and some of ``b`` agree as written (or, ``surname_first``, once
    one of the two is read surname first), and no two generations (``Jr.``, ``Sr.``)."""
    if (ga := generation(a)) is not None and (gb := generation(b)) is not None and ga != gb:
        return False
    if two_second_surnames(tokens(a), tokens(b)):
        return False  # "José García López" and "José García Pérez"
    short = shortened(a) | shortened(b)
    for x in spellings(a):
        for y in spellings(b):
            ta, tb = tokens(x), tokens(y)
            if _compatible_words(ta, tb, short) or (
                surname_first
                and (
                    _compatible_words(ta, surname_first_words(tb), short)
                    or _compatible_words(surname_first_words(ta), tb, short)
                )
            ):
                return True
    return False


def surname_first_words(words: tuple[str, ...]) -> tuple[str, ...]:
    """``words`` read surname first, in the order :func:`tokens` gives (given names, then
    surname): ``wang wei`` → ``wei wang``; empty when that reads an initial (or nothing) as
    the surname, or the name is one word."""
    if len(words) < 2 or len(words[0]) < 2:
        return ()
    return (*words[1:], words[0])


def _compatible_words(
    ta: tuple[str, ...], tb: tuple[str, ...], short: frozenset[str] = frozenset()
) -> bool:
    """Same surname; given names that agree where both have them (an initial, or a word cut
    short in ``short``, agrees with the names it begins), or the same given names written as
    one word or several (``xiaoli`` and ``xiao li``)."""
    if not ta or not tb or ta[-1] != tb[-1]:
        return False
    if second_surname_alone(ta, tb) or second_surname_alone(tb, ta):
        return False  # "jose lopez" for "jose garcia lopez": only the first stands alone
    ga, gb = ta[:-1], tb[:-1]
    if not ga or not gb:
        return True
    if len(ga) != len(gb) and "".join(ga) == "".join(gb):
        return True
    if not _given_compatible(ga[0], gb[0], short):
        return False
    return all(_given_compatible(x, y, short) for x, y in zip(ga[1:], gb[1:], strict=False))


@lru_cache(maxsize=NAME_CACHE)
def person_part(name: str) -> str:
    """The person's part of a name written for a group, as written: ``G. Aad`` for ``ATLAS
    Collaboration: G. Aad``, ``T. Montaruli`` for ``T. Montaruli for the IceCube
    Collaboration`` (or ``… on behalf of …``); any other name (a group too) as it is."""
    parts = None if is_group(name) else person_and_group(name)
    return name if parts is None else parts[0]


def clear_caches() -> None:
    """Forget every name read so far (after ``NAMES`` or the fold's letters change in this
    process: a registry migration's test reads names as an earlier version did)."""
    for cached in (
        tokens, block, blocks, compatible, compatible_at_position, written_for, person_part,
        spelled_surnames, spellings, shortened, transliterated, generation,
    ):  # fmt: skip
        cached.cache_clear()
