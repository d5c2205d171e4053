"""A researcher's name as a profile page heads it, read without the honorifics before it
(``Dr.``, ``Prof.``, ``Prof. Dr.``, ``Mr``) and the degrees set after it by a comma (``, PhD``,
``, M.D.``): the name the researcher is compared by and founded as. The page's own spelling
stays where the page is quoted (``skg:researcherNameAsListed``)."""

from __future__ import annotations

import re

# one or more honorifics at the start, each ended by a dot or white space ("Drew" is no "Dr")
_LEADING = re.compile(
    r"^\s*(?:(?:prof(?:essor)?|dr|drs|mr|mrs|ms|mx)(?:\.(?:-ing\.?)?\s*|\s+))+", re.IGNORECASE
)
# degrees as written (case counts: "Ma" and "Ms" are names), after a comma
_DEGREES = frozenset(
    {"PhD", "Ph.D.", "Ph.D", "MD", "M.D.", "MSc", "M.Sc.", "DPhil", "D.Phil.", "DSc", "D.Sc."}
    | {"MBA", "FRS", "FREng"}
)


def without_titles(name: str) -> str:
    """``name`` without leading honorifics and trailing comma-separated degrees, whatever is
    left: ``''`` for ``Dr.``, ``12345`` for ``Dr. 12345`` (a name no person has:
    :func:`~scholarkg.identity.person_names.not_a_person` reads it)."""
    pieces = name.split(",")
    while len(pieces) > 1 and pieces[-1].strip() in _DEGREES:
        pieces.pop()
    return _LEADING.sub("", ",".join(pieces), count=1).strip()


def bare_name(name: str) -> str:
    """``name`` without leading honorifics and trailing comma-separated degrees; ``name`` as
    it is when nothing of a name would be left (``Dr.``, ``PhD``: a name no door lets in)."""
    rest = without_titles(name)
    return rest if any(c.isalpha() for c in rest) else name
