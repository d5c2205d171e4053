"""Which of a person's spellings to compare them by and which to show.

:func:`completeness` and :func:`one_reading` choose the name a person is compared by (the
narrower: ``Hans Mueller`` over ``Hans Müller``; :func:`~.decisions.compared_name`),
:func:`preferred` the one shown as their ``foaf:name`` (the fullest: ``Hans Müller``).
"""

from __future__ import annotations

import re
from collections.abc import Callable

from scholarkg.identity import names
from scholarkg.identity.east_asian_order import surname_first
from scholarkg.identity.invisible import visible
from scholarkg.identity.name_reading import is_suffix
from scholarkg.identity.name_variants import initials_dropped, particle_readings, transliterated


def completeness(name: str) -> tuple[int, int]:
    """How fully a name is written: (full given-name words, letters); higher is fuller. A name
    ending in an initial is written surname first (an initial is never a surname): ``Wang W.``
    is as full as ``W. Wang`` (0, 5), its ``wang`` no given name. Letters as read: ``Hans
    Mueller`` (1, 11) is fuller than ``Hans Müller`` (1, 10), and the resolver compares a
    person by it, the narrower of the two (``Hans Muller`` is compatible with ``Müller``
    only); the person's ``foaf:name`` is :func:`preferred`."""
    words = names.tokens(name)
    if _ends_in_initial(words):
        words = names.surname_first_words(words) or words
    return sum(1 for w in words[:-1] if len(w) > 1), sum(len(w) for w in words)


def one_reading(name: str, current: str) -> bool | None:
    """Of two names with given names as full, one reading a lone ``O`` or ``D`` both as an
    initial and as a particle (``Daniel O Brien``, compatible with ``Daniel Brien`` and
    ``Daniel O'Brien``, which are not one name) and the other agreeing with one reading only:
    True when that is ``name``, False when it is ``current``, else None. A person is compared
    by the one reading, so an author joined to them as ``Daniel O Brien`` joins no third.
    Likewise of a name with initials before a full given name (``J. Robert Smith``) and one
    without whose first given name is full (``Robert Smith``, ``John Smith``): the latter, so
    ``J. Robert Smith`` bridges no ``Robert Smith`` and ``John Smith``."""
    if (lead := initials_dropped(current) is not None) != (initials_dropped(name) is not None):
        words = names.tokens(name if lead else current)
        if len(words) > 1 and len(words[0]) > 1:
            return lead
    of_current, of_name = particle_readings(current), particle_readings(name)
    if of_current is not None and of_name is None:
        other, readings, side = name, of_current, True
    elif of_name is not None and of_current is None:
        other, readings, side = current, of_name, False
    else:
        return None  # the common case: neither reads a particle written apart
    if completeness(name)[0] != completeness(current)[0]:
        return None
    initial, joined = (names.compatible(other, r) for r in readings)
    return side if initial != joined else None


def _spelled_out(name: str) -> bool:
    """``name`` writes umlauts as the letters they are (``Hans Müller``; not ``Hans Mueller``,
    nor TeX's ``Hans M\\"uller``)."""
    return "\\" not in name and transliterated(name) != name


def _ends_in_initial(words: tuple[str, ...]) -> bool:
    return len(words) > 1 and len(words[-1]) == 1


def surname_first_of(a: str, b: str) -> bool:
    """``a`` and ``b`` are one name only once one of them is read surname first (``Wang Wei``
    and ``Wei Wang``; not ``W. Wang`` and ``Wei Wang``, compatible as written)."""
    return names.compatible_at_position(a, b) and not names.compatible(a, b)


_MARKS = frozenset("'\u2019\u02bc-")  # written between letters: O'Brien, Jong-Un


def _fullness(name: str) -> tuple[int, int, bool, bool, bool]:
    # completeness, an umlaut two letters as transliterated; then written in Unicode over
    # written in TeX, given name first over ending in an initial, umlauts as letters over not
    given, letters = completeness(name)
    if (spelled := transliterated(name)) != name:
        letters = sum(len(w) for w in names.tokens(spelled))
    tex, initial = "\\" not in name, not _ends_in_initial(names.tokens(name))
    return given, letters, tex, initial, _spelled_out(name)


def _as_written(name: str) -> tuple[bool, int, int, int, int, bool]:
    """Of names :func:`_fullness` ties, which writes more of the name: given name first (not
    inverted at a comma: ``John Smith Jr.`` over ``Smith Jr., John``), more letters beyond ASCII
    (``Łukasz Kaiser`` over ``Lukasz Kaiser``), more apostrophes and hyphens (``Siobhan
    O'Brien`` over ``Siobhan OBrien``), first and last word capitalised (``John Smith`` over
    ``john smith``), more
    particles in small letters between them (``Laurens van der Maaten`` over ``Laurens Van Der
    Maaten``), not a name of three words read surname first
    (:func:`~.east_asian_order.surname_first`: ``Văn Thành Nguyễn`` over ``Nguyễn Văn
    Thành``)."""
    _, comma, rest = name.partition(",")
    in_order = not comma or all(is_suffix(part) for part in rest.split(","))
    beyond_ascii = sum(1 for c in name if c.isalpha() and not c.isascii())
    marks = sum(1 for c in name if c in _MARKS)
    words = name.split()
    ends = sum(1 for w in words[:1] + words[-1:] if w[:1].isupper())
    particles = sum(1 for w in words[1:-1] if w[:1].islower())
    given_first = surname_first(name) is None
    return in_order, beyond_ascii, marks, ends, particles, given_first


_LETTER_RUNS = re.compile(r"[^\W\d_]{2,}")


def capitals(name: str) -> int:
    """How many words of ``name`` write two letters or more in capitals (``EL-SAYED``,
    ``O'BRIEN``; not an initial, ``A.B.``, nor a suffix, ``III``, ``JR.``)."""
    return sum(
        1
        for word in name.split()
        if not is_suffix(word) and any(run.isupper() for run in _LETTER_RUNS.findall(word))
    )


def _shown_key(name: str) -> tuple[object, ...]:
    """:func:`_fullness` then :func:`_as_written`, but a name with fewer words in capitals
    first once given names and letters are as full: ``Ahmed El Sayed`` over ``Ahmed
    EL-SAYED`` (its hyphen), ``Hans Mueller`` over ``HANS MÜLLER`` (its umlaut), ``Lukasz
    Kaiser`` over ``ŁUKASZ KAISER``; ``Robert Dadashi`` written in capitals still over ``R.
    Dadashi``. Each read as :func:`~scholarkg.identity.invisible.visible` shows it, then the
    name holding no invisible character first: ``Rob\u200bert Dadashi`` is no fuller than
    ``Robert Dadashi`` (its zero-width space read as a word break made it two given names), and
    shown below it."""
    seen = visible(name)
    given, letters, *rest = _fullness(seen)
    return (given, letters, -capitals(seen), *rest, *_as_written(seen), seen == name)


def preferred(
    spellings: list[str],
    compared: str | None = None,
    settled: Callable[[str], bool] = lambda other: True,
) -> str:
    """The fullest spelling (``Robert Dadashi`` over ``R. Dadashi``; an umlaut counts as the
    two letters it is transliterated to, so ``Hans Müller`` is as full as ``Hans Mueller``
    and fuller than ``Hans Muller``); ties: the one with fewer words in capitals
    (:func:`capitals`: ``Ahmed El Sayed`` over ``Ahmed EL-SAYED``, whatever else either
    writes), then the one not written in TeX (``R. Tomàs`` over
    ``R. Tom\\`as``), then the one not ending in an initial (``W. Wang`` over ``Wang W.``),
    then the one with its umlauts (``Hans Müller`` over ``Hans Mueller``), then the one that
    writes more (:func:`_as_written`), then ``compared``, the name the person is compared by
    (``Wei Wang`` over ``Wang Wei`` where a profile wrote it given name first:
    :func:`~.decisions.compared_name`) where ``settled(other)`` holds for each other spelling
    tied with it (the names chose it, not the order they came in:
    :func:`~.decisions.settled`; not so of ``Bill Smith`` and ``Will Smith``), then the first in
    code-point order: as far as the spellings tell, one name whatever the order the sources
    came in. For a person named for a group, the person's part (:func:`~.names.person_part`):
    ``G. Aad``, not ``ATLAS Collaboration: G. Aad`` (the authorship keeps the name as listed)."""
    written = sorted({*spellings, *([] if compared is None else [compared])})
    if len(written) == 1:  # most persons: one spelling, nothing to rank (keys cost ~0.3 ms)
        return names.person_part(written[0])
    keys = {name: _shown_key(name) for name in written}  # each once
    top = max(keys.values())
    tied = [name for name in written if keys[name] == top]
    if compared in tied and all(settled(other) for other in tied if other != compared):
        return names.person_part(compared)
    return names.person_part(tied[0])


def tied(spellings: list[str]) -> bool:
    """More than one of ``spellings`` is fullest by :func:`_fullness` alone: before
    :func:`_as_written` and the code-point order, the first given of them was shown, so a
    person's ``foaf:name`` depended on the order the sources came in (registry meta
    ``shown``)."""
    top = max(map(_fullness, spellings))
    return len({names.person_part(s) for s in spellings if _fullness(s) == top}) > 1
