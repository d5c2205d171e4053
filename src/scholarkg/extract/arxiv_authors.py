"""Author names from arXiv's structured and free-text author fields."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping, Sequence

from scholarkg.extract.reasons import nameless_author
from scholarkg.extract.xmlsafe import squash
from scholarkg.identity.name_reading import is_suffix
from scholarkg.limits import Limits, check_author_count
from scholarkg.models import ArxivAuthor
from scholarkg.tex_letters import tex_unicode

# Footnote markers such as "1", "1 and 2", "1, 3" that stand in for affiliations.
_FOOTNOTE = re.compile(r"\d+(?:\s*(?:,|and)\s*\d+)*")
# (a run of white space is tried from its start only: from each of its characters, a search
# read the rest of the run again, quadratic in its length)
_AND = re.compile(r"(?<!\s)\s+and\s+")
# A footnote legend such as "((1) RIKEN, (2) Tokyo)" closing the list is not an affiliation.
# "…, et al" closing a list: the list is cut short, no author is called so (arXiv's own author
# parser, whose output the snapshot's authors_parsed is, drops it too)
# (found from its "et": the comma or white space before it by rstrip, as a pattern beginning
# with \s* was tried again from each character of a run of white space: quadratic)
_ET_AL = re.compile(r"et\.?\s+al\.?\s*$", re.IGNORECASE)
_LEGEND = re.compile(r"\s*\(\d+\)")
# where arXiv's parser looks for a legend: from the first "((" to the end of the list, which
# must hold no line break (arXiv wraps long lists over lines; its parser then reads none)
_LEGEND_OPENS = re.compile(r"\(\s*\(")
_NUMBERED = re.compile(r"\(\s*(\d+)\s*\)")
# a collaboration opening a list ("The BABAR Collaboration, B. Aubert (LAPP)") takes no
# affiliation of the authors after it (arXiv's parser's pattern, [a-z0-9\s]+\s+(collaboration|
# group|team), written to look back two characters: searched as written, it read a long name
# again from each of its characters, quadratic)
_COLLABORATION = re.compile(r"(?<=[a-z0-9\s]\s)(?:collaboration|group|team)", re.IGNORECASE)
# arXiv's author parser puts a space after a full stop that anything but white space follows,
# a TeX accent's (\.z) excepted: "J.R.R. Tolkien" is listed "J. R. R. Tolkien"
# (each such stop, "A..B" too: "A. . B", so a name arXiv spaced reads as written again)
_UNSPACED = re.compile(r"(?<!\\)\.(?=\S)")


def listed_name(name: str) -> str:
    r"""``name`` as arXiv lists the names it parsed (the snapshot's ``authors_parsed``, the
    API, OAI-PMH's ``arXiv`` and ``oai_dc``): an initial's full stop followed by a space
    (``J.R.R.`` → ``J. R. R.``, ``Z.-X.`` → ``Z. -X.``) and TeX letters as the letters
    (``G\"odel`` → ``Gödel``, :func:`~scholarkg.tex_letters.tex_unicode`). The one rule of
    every door, so a record's free-text list (arXivRaw, a snapshot line without
    ``authors_parsed``) lists the names its parsed list does."""
    return tex_unicode(_UNSPACED.sub(". ", name))


def person_name(keyname: str | None, forenames: str | None, suffix: str | None = None) -> str:
    """``Forenames Keyname Suffix`` with blanks dropped and whitespace normalised, the name
    read by :func:`listed_name`."""
    given = " ".join(p for p in (squash(forenames), squash(keyname)) if p)
    return " ".join(p for p in (listed_name(given), squash(suffix)) if p)


def inverted_name(text: str) -> str:
    """A name written ``Last, First`` in order: ``Neal J. Evans II`` for ``Evans, Neal J.,
    II``, for BibTeX's ``Evans, II, Neal J.`` and for ``Evans II, Neal J.`` alike (the
    suffix is no given name); a name without a comma as it is."""
    last, comma, rest = text.partition(",")
    if not comma:
        return text
    pieces = [p.strip() for p in rest.split(",")]
    suffixes = [p for p in pieces if is_suffix(p)]
    given = [p for p in pieces if p and not is_suffix(p)]
    return " ".join(p for p in (*given, last.strip(), *suffixes) if p)


def joined_suffixes(names: Sequence[str]) -> list[str]:
    """Names listed between commas, a suffix written after its own comma joined to the name
    before it (``John Smith, Jr.``): a suffix is no author (arXiv's own author parser joins
    them so too, and its ``authors_parsed`` keeps the suffix with its name)."""
    out: list[str] = []
    for name in names:
        if out and is_suffix(name):
            out[-1] = f"{out[-1]}, {name.strip()}"
        else:
            out.append(name)
    return out


def clean_affiliations(values: Sequence[str | None]) -> tuple[str, ...]:
    """Non-empty, whitespace-normalised affiliations, footnote markers left out, TeX letters
    as the letters (:func:`~scholarkg.tex_letters.tex_unicode`, as arXiv gives them)."""
    cleaned = (squash(v) for v in values)
    return tuple(tex_unicode(v) for v in cleaned if v and not _FOOTNOTE.fullmatch(v))


def structured_authors(
    entries: Iterable[tuple[str | None, str | None, str | None, Sequence[str | None]]],
) -> tuple[ArxivAuthor, ...]:
    """Authors given as (keyname, forenames, suffix, affiliations), in order: OAI-PMH's
    ``arXiv`` format and the snapshot's ``authors_parsed``. One without a name is a ValueError
    with :func:`~.reasons.nameless_author` (as the API's and a free-text list's)."""
    authors = []
    for position, (keyname, forenames, suffix, affiliations) in enumerate(entries, start=1):
        name = person_name(keyname, forenames, suffix)
        if not name:
            raise ValueError(nameless_author(position))
        authors.append(ArxivAuthor(name=name, affiliations=clean_affiliations(affiliations)))
    return tuple(authors)


def dc_authors(creators: Iterable[str | None]) -> tuple[ArxivAuthor, ...]:
    """Authors of ``dc:creator`` values in order (``Last, First`` read as ``First Last``, a
    suffix kept: :func:`inverted_name`); an empty one is a ValueError with
    :func:`~.reasons.nameless_author`."""
    authors = []
    for position, creator in enumerate(creators, start=1):
        if not creator:
            raise ValueError(nameless_author(position))
        authors.append(ArxivAuthor(name=listed_name(inverted_name(creator))))
    return tuple(authors)


def _top_level_pieces(text: str) -> Iterator[str]:
    """Split at commas and at `` and `` that are not inside parentheses, piece by piece (a
    list of many short names is not held twice over while its authors are made)."""
    current: list[str] = []
    depth = 0
    for char in text:
        depth += (char == "(") - (char == ")")
        if char == "," and depth == 0:
            yield from _split_and("".join(current))
            current = []
        else:
            current.append(char)
    yield from _split_and("".join(current))


def _without_et_al(text: str) -> str:
    """``text`` without a closing ``et al`` and the comma or white space before it."""
    found = _ET_AL.search(text)
    if found is None:
        return text
    before = text[: found.start()].rstrip()
    if before.endswith(","):
        return before[:-1]
    return before if len(before) < found.start() else text  # "…Bennet al": a name's end


def _split_and(piece: str) -> list[str]:
    parts: list[str] = []
    last = depth = counted = 0  # parentheses opened minus closed before ``counted``
    for match in _AND.finditer(piece):
        depth += piece.count("(", counted, match.start()) - piece.count(")", counted, match.start())
        counted = match.start()
        if depth == 0:
            if match.start() > 0 or last > 0:  # ", and B" (a serial comma): one separator
                parts.append(piece[last : match.start()])
            last = match.end()
    parts.append(piece[last:])
    return parts


def _parenthesised(piece: str) -> tuple[str, list[str]]:
    """The text outside top-level parentheses, and the text of each parenthesised group."""
    outside: list[str] = []
    groups: list[str] = []
    current: list[str] = []
    depth = 0
    for char in piece:
        if char == "(":
            if depth > 0:
                current.append(char)
            depth += 1
        elif char == ")" and depth > 0:
            depth -= 1
            if depth == 0:
                groups.append("".join(current))
                current = []
            else:
                current.append(char)
        elif depth > 0:
            current.append(char)
        else:
            outside.append(char)
    return "".join(outside), groups


def split_author_string(text: str, limits: Limits | None = None) -> tuple[ArxivAuthor, ...]:
    """Authors of a free-text list (``A. Gould (Ohio State), S. Dorsher and B. Gaudi``).

    A heuristic used only where no structured authors exist (arXivRaw, snapshot lines without
    ``authors_parsed``), given as written (line breaks kept), read as arXiv's own author
    parser reads it (whose output the parsed doors give): names are split at top-level commas
    and `` and `` (``, and`` is one separator); a parenthesised group after a name becomes its
    affiliation, footnote numbers the affiliations a footnote legend names (``A (1), B (2)
    ((1) MIT, (2) CMU)``) if arXiv's parser reads it: not when a line break follows its ``((``
    (arXiv wraps long lists, and its parsed lists then carry the numbers, which every door
    drops); without a legend read they are dropped; an author without one takes the
    affiliations of the next author who has some (``A, B (MIT)``: both of MIT), a
    collaboration opening the list excepted;
    pieces holding only parenthesised text are affiliations, not authors, and are dropped, as
    are a separator and an ``et al`` closing the list; a generational suffix after a comma
    stays with its name (``John Smith, Jr.``, as :func:`joined_suffixes` joins one), listed
    after it as every parsed door lists it (``John Smith Jr.``: arXiv's keyname, forenames and
    suffix), the affiliations of both theirs (``J. Smith (MIT), Jr. (1)``: MIT and footnote
    1's). An empty
    entry before an author (``A,, B``, ``, A``) is an author without a name: ValueError with
    :func:`~.reasons.nameless_author`, as the structured doors refuse one, once the list is
    read (a list over the limit is told by its count, as every door tells it; before: by the
    nameless author met first).

    ``limits`` given, reading stops at the first author past ``[limits] authors_per_record``
    (a nameless one counted, as the API counts an ``<author/>``):
    :class:`~scholarkg.errors.LimitExceeded`, the count told as read
    (:func:`~scholarkg.limits.check_author_count`; before: the whole list was made first, 100 000
    authors 1.3 s and 117 MB, then refused).
    """
    authors: list[ArxivAuthor] = []
    legend: dict[str, str] = {}
    footnoted: dict[int, list[str]] = {}  # the groups of each author with footnote numbers
    last: list[str] = []  # the groups of the last author (a suffix after it has them too)
    blank = False  # an empty piece: nameless if any piece with text follows, dropped if none
    nameless: list[int] = []  # the positions of nameless authors, told once the list is counted
    pieces = _top_level_pieces(_without_et_al(text))
    for piece in pieces:
        if not piece.strip():
            blank = True
            continue
        if blank:  # an author, counted as the API counts an <author/>
            nameless.append(len(authors) + len(nameless) + 1)
            blank = False
        outside, groups = _parenthesised(piece)
        for group in [g for g in groups if _LEGEND.match(g)]:
            legend.update(_legend(group))
        groups = [g for g in groups if not _LEGEND.match(g)]
        name = squash(outside)
        name = listed_name(name) if name else None
        if name and authors and is_suffix(name):  # "John Smith, Jr. (MIT)": one author
            before = authors[-1]  # listed "John Smith Jr.", as every parsed door lists it
            affiliations = (*before.affiliations, *clean_affiliations(groups))
            authors[-1] = ArxivAuthor(name=f"{before.name} {name}", affiliations=affiliations)
            position, groups = len(authors) - 1, [*last, *groups]
        elif name:
            authors.append(ArxivAuthor(name=name, affiliations=clean_affiliations(groups)))
            position, listed = len(authors) - 1, len(authors) + len(nameless)
            if limits is not None and listed > limits.authors_per_record:  # one past it
                check_author_count(listed, limits, read_all=next(pieces, None) is None)
        else:
            continue
        last = groups
        if any(_FOOTNOTE.fullmatch(squash(g) or "") for g in groups):
            footnoted[position] = groups
    if nameless:
        raise ValueError(nameless_author(nameless[0]))
    if legend and _legend_read(text):
        for position, groups in footnoted.items():
            resolved = clean_affiliations(_resolved(groups, legend))
            authors[position] = ArxivAuthor(name=authors[position].name, affiliations=resolved)
    _back_propagated(authors)
    return tuple(authors)


def _legend_read(text: str) -> bool:
    """Whether arXiv's parser reads the list's footnote legend: no line break after the
    first ``((`` but a closing one."""
    found = _LEGEND_OPENS.search(text)
    return found is not None and "\n" not in text[found.end() :].rstrip("\n")


def _without_stops(text: str) -> str:
    """``text`` without the full stops, commas and white space ending it (``(1) MIT, (2)
    CMU.``: ``MIT``, ``CMU``), read back from its end once (a pattern ``[.,\\s]+$`` was
    tried from each character of a long run of them: quadratic, 74 s for 160 000)."""
    end = len(text)
    while end and (text[end - 1] in ".," or text[end - 1].isspace()):
        end -= 1
    return text[:end]


def _legend(group: str) -> dict[str, str]:
    """A footnote legend's affiliations by number: ``(1) MIT, (2) CMU.`` → 1: MIT, 2: CMU."""
    parts = _NUMBERED.split(group)
    return {
        number: squash(_without_stops(affiliation)) or ""
        for number, affiliation in zip(parts[1::2], parts[2::2], strict=True)
    }


def _resolved(groups: Sequence[str], legend: Mapping[str, str]) -> list[str]:
    """``groups`` with footnote numbers (``1``, ``1, 2``, ``1 and 2``) as the legend's
    affiliations, each once; a number the legend lacks is none."""
    out: list[str] = []
    for group in groups:
        if _FOOTNOTE.fullmatch(squash(group) or ""):
            out += [legend[n] for n in re.findall(r"\d+", group) if n in legend]
        else:
            out.append(group)
    return list(dict.fromkeys(out))  # "(1) (1)": once


def _back_propagated(authors: list[ArxivAuthor]) -> None:
    """Each author without affiliations given those of the next author who has some, as
    arXiv's parser reads ``A, B (MIT)``; the collaborations opening the list take none."""
    first = 0
    while first < len(authors) and _COLLABORATION.search(authors[first].name):
        first += 1
    later: tuple[str, ...] = ()
    for position in range(len(authors) - 1, first - 1, -1):
        author = authors[position]
        if author.affiliations:
            later = author.affiliations
        elif later:
            authors[position] = ArxivAuthor(name=author.name, affiliations=later)
