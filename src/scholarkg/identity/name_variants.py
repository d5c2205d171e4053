"""Other ways one listed name is written, for comparing names (never for keys or blocks).

A profile and arXiv often write one author differently at the very same place of one paper:
``Hans Müller`` / ``Hans Mueller`` (German umlauts transliterated), ``Xiao-Li Meng`` /
``Xiaoli Meng`` (a given name written as one word or two), ``Jean-Pierre Dupont`` / ``JP
Dupont`` (initials run together), ``Yuri Makarov`` / ``Yu. Makarov`` (a given name shortened to
more than one letter), ``Daniel O'Brien`` / ``Daniel O Brien`` (a particle's apostrophe written
as a space), ``J. P. Dupont`` / ``Dupont JP`` (initials after the surname), ``Wei Li`` / ``LI
Wei`` (the surname first, in capitals), ``Jong-Un Kim`` / ``Kim Jong Un`` (an East Asian name
surname first, :mod:`~.east_asian_order`), ``Yann Le Cun`` / ``Yann LeCun`` (particles written
apart or joined to the surname), ``José García López`` / ``José García`` (the first of two
Spanish surnames alone), ``S. M. Ali Eslami`` / ``Ali Eslami`` (the given name one goes by,
without the initials before it), ``Henry Ford`` / ``Henry Ford V`` (a fifth; a
generational suffix, :func:`generation_of`, tells two people apart). The keys and name
blocks stay as :func:`~scholarkg.identity.names.tokens` reads the name; these readings only
widen :func:`~scholarkg.identity.names.compatible`, which is evidence where something else
places the two names (the same position of one paper, a shared co-author in one block), and
add name blocks the co-author pair index holds a name under too
(:func:`~scholarkg.identity.names.blocks`). ``Siobhan O'Brien`` and ``Siobhan OBrien`` need no
other spelling: an apostrophe between letters is part of its word (names version 5), so the
two read alike."""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from functools import lru_cache

from scholarkg.identity.double_surnames import first_surname_alone
from scholarkg.identity.east_asian_order import surname_first
from scholarkg.identity.name_reading import is_suffix, person_and_group
from scholarkg.iris import fold
from scholarkg.tex_letters import tex_letters

_TEX_UMLAUT = re.compile(r'\{?\\"\s*\{?([aouAOU])\}?\}?')  # M\"uller, M\"{u}ller, M{\"u}ller
_UMLAUTS = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "Ä": "Ae", "Ö": "Oe", "Ü": "Ue"})
# two or three capitals written together before another word: "JP Dupont", "AJ Smith" (not a
# numeral, nor a run that ends as a syllable does, in a vowel or a vowel and N, NG or M: "LI
# Wei", "LIN Wei", "KIM Ji-Woo" write the surname in capitals, see capitals_first)
_RUN_OF_INITIALS = re.compile(
    r"\b(?!(?:II|III|IV|VI|VII|XI|JR|SR)\b)(?![A-Z]{0,2}[AEIOU](?:NG?|M)?\b)([A-Z])([A-Z])([A-Z])?\b(?=\W+\w)"
)
# a surname in capitals before given names written in small letters: "LI Wei", "KIM Ji-Woo"
_WORD = re.compile(r"[^\W\d_]{2,}(?:[-'’][^\W\d_]+)*")
_INITIAL = re.compile(r"[A-Z]\.")
# a trailing V after a given name and a surname: the fifth of the name ("Henry Ford V")
_FIFTH = re.compile(r"(?<=\S\s)(?<=[^\W\d_]{2}\s)V$")
_GENERATIONS = frozenset({"jr", "sr", "ii", "iii", "iv"})
_MAYBE_GENERATION = re.compile(r"(?<![^\W\d_])(?:jr|sr|ii|iii|iv|v)(?![^\W\d_])", re.IGNORECASE)
# a lone O or D after another word and before a capitalised word: an apostrophe written as a
# space ("Daniel O Brien" for "Daniel O'Brien", "Maria D Angelo"); "O." is an initial only
_PARTICLE_APART = re.compile(r"(?<=\S\s)([OD])\s(?=[A-Z][a-z])")
_MAYBE_PARTICLE = re.compile(r"\s[OD]\s")
# particles of more than one letter written apart before the surname, after a given name:
# joined to it they are the surname as many write it ("Yann Le Cun" / "Yann LeCun", "Laurens
# van der Maaten" / "Laurens Vandermaaten"); "Van" is a Vietnamese middle name too, harmless;
# the Arabic article too, written apart, hyphenated or joined ("El Sayed", "El-Sayed", "Elsayed")
_PARTICLES = (
    r"(?:al|da|das|de|degli|dei|del|della|delle|dello|den|der|des|di|do|dos|du|el|la|las|le|les"
    r"|lo|ten|ter|van|vom|von|zu|zur)"
)
_PARTICLE_WORD = re.compile(_PARTICLES, re.IGNORECASE)
# initials after a surname of one word: "Dupont JP", "Dupont J.P.", "Dupont J. -P.", "Dupont J"
_SURNAME = re.compile(r"[^\W\d_]+(?:[-'’][^\W\d_]+)*")
_INITIALS_AFTER = re.compile(r"[A-Z](?:[.\s-]*[A-Z]){0,2}\.?")
# a run of capitals is initials only without a vowel ("Wei LI", "Ji-Woo KIM" write the surname
# so) and when no suffix or surname is written so ("JR", "NG")
_RUN = re.compile(r"[A-Z]{2,}")
_NOT_INITIALS = frozenset({"JR", "SR", "PHD", "NG"})
_VOWELS = frozenset("AEIOUY")
_VOWELS_ONLY = frozenset("AEIOU")  # before given names: "JY Park" writes initials
# what any other spelling needs: a quick test first (most names have none)
_MAYBE_OTHER = re.compile(
    rf"[^\x00-\x7f]|\\|[A-Z][A-Z]|{_MAYBE_PARTICLE.pattern}|[A-Z]\.?\s*$|(?i:\s{_PARTICLES}[\s-])"
    r"|^\s*[A-Z](?:\.|\s)"
)
# leading initials before a full given name: "S. M. Ali Eslami", "J. Robert Oppenheimer"
_LEADING_INITIAL = re.compile(r"(?:[A-Z]\.)+|[A-Z]")
# a given name cut to two to four letters and a full stop: "Yu.", "Ph.", "Chr."
_SHORTENED = re.compile(r"(?<![\w.])(\w{2,4})\.")
_NOT_SHORTENED = frozenset({"jr", "sr", "phd", "st"})


@lru_cache(maxsize=32_768)
def spellings(name: str) -> tuple[str, ...]:
    """``name`` and the other spellings it stands for, where the name is not all in capitals:
    umlauts transliterated, a run of capitals before another word as initials (``JP Dupont``
    as ``J. P. Dupont``), a lone ``O`` or ``D`` joined to the capitalised word after it
    (``Daniel O Brien`` as ``Daniel OBrien``; it stays an initial in ``name``), initials after
    a surname of one word before it (``Dupont JP`` as ``J. P. Dupont``), a surname written
    first in capitals (``LI Wei`` as ``Wei LI``: :func:`capitals_first`), an East Asian name of
    three words surname first (``Kim Jong Un`` as ``Jong Un Kim``:
    :func:`~.east_asian_order.surname_first`), a fifth without its
    V (``Henry Ford V`` as ``Henry Ford``, in capitals too), particles written apart joined to
    the surname (``Yann Le Cun`` as ``Yann LeCun``: :func:`particles_joined`), a Spanish
    name without its second surname (``José García López`` as ``José García``:
    :func:`~.double_surnames.first_surname_alone`), the name without initials before a full
    given name (``S. M. Ali Eslami`` as ``Ali Eslami``: :func:`initials_dropped`); ``name``
    first, each once."""
    if (
        not _MAYBE_OTHER.search(name)
        and first_surname_alone(name) is None
        and surname_first(name) is None
    ):
        return (name,)
    out = [name]
    text = _letters(name)
    if (transliterated := text.translate(_UMLAUTS)) != text:
        out.append(transliterated)
    if _fifth(text):
        out += [_FIFTH.sub("", spelled.rstrip()).rstrip() for spelled in out]
    if text.isupper():
        return tuple(dict.fromkeys(out))
    if capitals_first(text) is not None:
        out += [first for spelled in out if (first := capitals_first(spelled)) is not None]
    if surname_first(text) is not None:
        out += [first for spelled in out if (first := surname_first(spelled)) is not None]
    if _RUN_OF_INITIALS.search(text):
        out += [_RUN_OF_INITIALS.sub(_as_initials, spelled) for spelled in out]
    if _PARTICLE_APART.search(text):
        out += [_PARTICLE_APART.sub(r"\1", spelled) for spelled in out]
    if particles_joined(text) is not None:
        out += [joined for spelled in out if (joined := particles_joined(spelled)) is not None]
    if first_surname_alone(text) is not None:
        out += [alone for spelled in out if (alone := first_surname_alone(spelled)) is not None]
    if _initials_first(text) is not None:
        out += [first for spelled in out if (first := _initials_first(spelled)) is not None]
    if initials_dropped(text) is not None:
        out += [given for spelled in out if (given := initials_dropped(spelled)) is not None]
    return tuple(dict.fromkeys(out))


def _fifth(text: str) -> bool:
    """``text`` ends in a Roman numeral V after a surname of two letters or more and a given
    name before it (``Henry Ford V``; not ``Vladimir V``, ``Smith J V`` or ``Smith, V``)."""
    text = text.rstrip()
    return "," not in text and len(text.split()) > 2 and _FIFTH.search(text) is not None


def capitals_first(text: str) -> str | None:
    """``LI Wei`` as ``Wei LI``: one or more words in capitals, each with a vowel (A, E, I, O,
    U) or ``NG``, then given names written in small letters (or initials), no comma; ``None``
    for any other name. A run of capitals without a vowel is initials (``JP Dupont``)."""
    words = text.split()
    lead = 0
    while lead < len(words) and words[lead].isupper() and _WORD.fullmatch(words[lead]):
        lead += 1
    if not 0 < lead < len(words) or "," in text:
        return None
    if not all(
        w == "NG" or not _VOWELS_ONLY.isdisjoint(fold(w).upper()) for w in words[:lead]
    ) or not all(
        _INITIAL.fullmatch(w) or (not w.isupper() and _WORD.fullmatch(w.rstrip(".")))
        for w in words[lead:]
    ):
        return None
    if not any(c.islower() for w in words[lead:] for c in w):
        return None
    return " ".join(words[lead:] + words[:lead])


def generation_of(name: str, read: tuple[str, ...]) -> str | None:
    """The generational suffix ``name`` writes (folded: ``jr``, ``sr``, ``ii``, ``iii``,
    ``iv``, ``v``): a suffix word ``read`` (its :func:`~.names.tokens`) leaves out, or a V
    after a given name and a surname (``Henry Ford V``, read with a surname V as written);
    ``None`` when it writes none. ``John Smith Jr.`` and ``John Smith Sr.`` are two people."""
    if not _MAYBE_GENERATION.search(name):
        return None
    parts = person_and_group(name)
    text = _letters(name if parts is None else parts[0])
    if _fifth(text):
        return "v"
    left = Counter(read)
    for word in fold(text).split():
        if left[word] > 0:
            left[word] -= 1
        elif word in _GENERATIONS:
            return word
    return None


def particle_readings(name: str) -> tuple[str, str] | None:
    """``name`` with each lone ``O`` or ``D`` before a capitalised word read as an initial
    only and as joined to the word (``Daniel O. Brien``, ``Daniel OBrien`` for ``Daniel O
    Brien``); ``None`` when it has none (or is all in capitals)."""
    if not _MAYBE_PARTICLE.search(name):
        return None
    text = _letters(name)
    if text.isupper() or not _PARTICLE_APART.search(text):
        return None
    return _PARTICLE_APART.sub(r"\1. ", text), _PARTICLE_APART.sub(r"\1", text)


@lru_cache(maxsize=32_768)
def transliterated(name: str) -> str:
    """``name`` with its umlauts written as two letters (``Hans Mueller`` for ``Hans Müller``
    or ``Hans M\\"uller``); ``name`` itself when it has none."""
    text = _letters(name)
    spelled = text.translate(_UMLAUTS)
    return name if spelled == text else spelled


def _letters(name: str) -> str:
    """``name`` with TeX umlauts (and other TeX letters) as Unicode letters, NFC."""
    if "\\" in name:
        name = tex_letters(_TEX_UMLAUT.sub(lambda m: f"{m[1]}\u0308", name))
    return name if name.isascii() else unicodedata.normalize("NFC", name)


def _initials_first(name: str) -> str | None:
    """``Dupont JP`` as ``J. P. Dupont``: a surname of one word (not in capitals) and one to
    three initials after it (a run of capitals without a vowel, or letters each alone);
    ``None`` for any other name."""
    surname, _, initials = name.strip().partition(" ")
    initials = initials.strip()
    if (
        not _SURNAME.fullmatch(surname)
        or surname.isupper()
        or not _INITIALS_AFTER.fullmatch(initials)
        or any(run in _NOT_INITIALS or _VOWELS.intersection(run) for run in _RUN.findall(initials))
    ):
        return None
    return " ".join(f"{letter}." for letter in initials if letter.isupper()) + f" {surname}"


def initials_dropped(text: str) -> str | None:
    """``Ali Eslami`` for ``S. M. Ali Eslami``, ``Robert Oppenheimer`` for ``J. Robert
    Oppenheimer``: the name without the initials before its first full given name, the name
    the person goes by, where a surname follows it; ``None`` for any other name (``John
    Robert Smith``, ``J. R. Smith``, ``J. Robert``, an inverted ``Smith, J. Robert``)."""
    words = text.split()
    lead = 0
    while lead < len(words) and _LEADING_INITIAL.fullmatch(words[lead]):
        lead += 1
    if (
        lead == 0
        or len(words) - lead < 2
        or "," in text
        or not _WORD.fullmatch(words[lead])
        or _PARTICLE_WORD.fullmatch(words[lead])  # "L. van der Maaten"
        or all(is_suffix(w) for w in words[lead + 1 :])  # "J. García-López Jr.": no surname
    ):
        return None
    return " ".join(words[lead:])


def particles_joined(text: str) -> str | None:
    """``Yann LeCun`` for ``Yann Le Cun``, ``Laurens Vandermaaten`` for ``Laurens van der
    Maaten``: the particles written apart right before the last word (``van``, ``de la``,
    ``von``, ...) joined to it, where a word that is no particle comes before them; ``None``
    for any other name (``De la Cruz``, ``Maria de la``, ``Jan van der Berg Jr.``). Particles
    hyphenated to the last word count as written apart: ``Ahmed ElSayed`` for ``Ahmed
    El-Sayed``."""
    words = text.split()
    if words and "-" in words[-1]:
        *lead, last = words[-1].split("-")
        if last and all(_PARTICLE_WORD.fullmatch(p) for p in lead):
            words[-1:] = [*lead, last]
    start = end = len(words) - 1
    while start > 0 and _PARTICLE_WORD.fullmatch(words[start - 1]):
        start -= 1
    if start in (0, end) or _PARTICLE_WORD.fullmatch(words[end]):
        return None
    return " ".join([*words[:start], "".join(words[start:])])


def _as_initials(found: re.Match[str]) -> str:
    return " ".join(f"{letter}." for letter in found.groups() if letter)


@lru_cache(maxsize=32_768)
def shortened(name: str) -> frozenset[str]:
    """The folded words ``name`` writes cut short with a full stop (``Yu. Makarov``: ``yu``),
    each of which stands for any given name it begins (as an initial does)."""
    words = (fold(w) for w in _SHORTENED.findall(tex_letters(name)))
    return frozenset(w for w in words if len(w) > 1 and w not in _NOT_SHORTENED)
