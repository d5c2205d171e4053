"""Listed author names that can name no person: digits alone, an e-mail address, letters
buried under combining marks. Each door refuses the record (a profile's paper line, an arXiv
record) naming the author, as it refuses an author without a name: dropping the author would
move every author after it up one place, and a person minted for ``12345`` or ``a@b.org``
would join every record that lists it so. The same rule reads the other names an identity is
minted or looked up by: a profile page's heading (the researcher's name), the organisations a
profile paper lists, and the listed names ``[people]`` references give."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

from scholarkg.extract.reasons import nameless_author
from scholarkg.identity.honorifics import without_titles
from scholarkg.identity.invisible import unjoined
from scholarkg.iris import fold

MARKS = 4  # combining marks on one letter: Vietnamese written decomposed needs two, ǘ two
_EMAIL = re.compile(r"[^\s@<>()]+@[^\s@<>()]+\.[^\s@<>()]+")


def not_a_person(name: str) -> str | None:
    """Why ``name`` names no person (the reason names it), or ``None`` for a name. The name
    without its honorifics and degrees (:func:`~scholarkg.identity.honorifics.without_titles`,
    the name a researcher is founded by) is read too: ``Dr a@b.org`` is an e-mail address,
    ``Dr. 12345`` digits, and ``Dr.`` or ``Prof. ---`` no name at all."""
    if (why := _not_a_name(name)) is not None:
        return why
    bare = without_titles(name.strip().strip("<>"))
    if bare == name.strip().strip("<>"):
        return None
    if (why := _not_a_name(bare)) is not None:
        return why
    if not any(c.isalpha() for c in bare):
        return f"{name!r} holds no letter beside its honorifics and degrees, no name"
    return None


def _not_a_name(name: str) -> str | None:
    """:func:`not_a_person` for ``name`` as written."""
    text = name.strip().strip("<>")
    if "@" in text and _EMAIL.fullmatch(text.replace(". ", ".")):  # arXiv spaces a stop
        return f"{name!r} is an e-mail address, no name"
    if any(c.isdigit() for c in text) and not any(c.isalpha() for c in text):
        return f"{name!r} holds no letter, no name"
    run = most = 0
    for char in text:
        run = run + 1 if unicodedata.combining(char) or _is_mark(char) else 0
        most = max(most, run)
    if most > MARKS:
        letters = "".join(c for c in text if not (unicodedata.combining(c) or _is_mark(c)))
        return (
            f"{letters!r} carries {most} combining marks on one letter (at most {MARKS} in a"
            " name), no name"
        )
    return None


def holds_no_name(name: str) -> bool:
    """``name`` holds no letter or digit once the characters no one sees are dropped
    (:func:`~scholarkg.identity.invisible.unjoined`): a zero-width space, a tag character, a
    Hangul filler, punctuation alone. Every door refuses such an author as nameless
    (:func:`~scholarkg.extract.reasons.nameless_author`): it would be keyed ``x`` and shown
    empty."""
    return not fold(unjoined(name))


def unfit_author(position: int, name: str, what: str = "author") -> str | None:
    """The reason a record listing ``name`` as its ``what`` (an author, an organisation) at
    ``position`` (from 1) is refused for, or ``None``."""
    why = not_a_person(name)
    return None if why is None else f"{what} {position} {why}"


def _is_mark(char: str) -> bool:
    return unicodedata.category(char) in ("Mn", "Me")


def refuse_unfit_authors(names: Iterable[str]) -> None:
    """A ValueError (its record quarantined) for the first of ``names`` that names no
    person: one of hidden characters alone is nameless (:func:`holds_no_name`, as a profile
    paper's author is), any other :func:`unfit_author`."""
    for position, name in enumerate(names, start=1):
        if holds_no_name(name):  # before: the arXiv doors listed '\u200b', keyed 'x'
            raise ValueError(nameless_author(position))
        if (why := unfit_author(position, name)) is not None:
            raise ValueError(why)
