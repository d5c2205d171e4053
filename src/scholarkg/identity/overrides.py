"""``[people.merge]`` and ``[people.split]``: explicit identity decisions from configuration.

A *reference* names who a rule is about:

* ``profile:<location>`` — the researcher of that profile source (a path or URL as configured);
* ``person:<slug>`` — a person by the last segment of its IRI;
* ``<paper>#<n>`` — the author at position ``n`` of a paper (an arXiv id, or a profile
  paper's title); it covers every source listing that authorship;
* ``<paper>|<name as listed>`` — the author so named on that paper;
* ``<name-key>`` (``l-hussenot``) — everyone with that folded name; allowed in merges only,
  and only while it names exactly one person.

``[people.merge]``: ``A = B`` — the persons A and B name are one person.
``[people.split]``: ``A = "label"`` — the authorships A names are a person of their own
(``…/person/<label>``); references split to the same label are one person.

An arXiv id's digit count is its month's (4 after the point from 0704 to 1412, 5 from 1501):
``0704.00020#1`` is a configuration error saying so, never read as a title.

A title names one paper: a title that two live papers fold to (``Paper One On Graphs``,
``Papér One On Graphs``) is a configuration error naming both, and neither is split or merged
by it (:meth:`~.configured.ConfiguredDecisions.apply_overrides`); a listing its arXiv paper
replaced is no live paper.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from operator import itemgetter

from scholarkg.counts import count_of
from scholarkg.errors import ConfigError, ParseError
from scholarkg.extract.arxiv_ids import digits_problem, normalise_arxiv_id, not_an_id
from scholarkg.identity.names import compatible, listed_name
from scholarkg.identity.person_names import not_a_person
from scholarkg.iris import KEY_CHARS, fold, work_key
from scholarkg.iris import slug as make_slug

# A name key as names.name_key writes it ("l-hussenot", "王伟", "x"): folded words, each of
# letters and digits ("\w" but "_"), joined by single hyphens. No word holds "-", so a key reads
# one way only (with "-" in the words' class too, it was read two ways at each hyphen).
_NAME_KEY = re.compile(r"[^\W_A-Z]+(?:-[^\W_A-Z]+)*")
_REFERENCES = (
    "profile:<location>, person:<slug>, <arXiv id or title>#<position> or "
    "<arXiv id or title>|<name as listed>"
)


@dataclass(frozen=True)
class Ref:
    """One parsed reference (see the module doc)."""

    text: str
    kind: str  # "profile" | "person" | "position" | "named" | "key"
    value: str = ""  # location, slug, paper (arXiv id or title key) or name key
    position: int | None = None
    name: str | None = None

    def matches(self, keys: tuple[str, ...], position: int | None, name: str) -> bool:
        """Whether this reference names the authorship at ``position`` listed as ``name`` on a
        paper known by ``keys`` (arXiv id, title keys)."""
        if self.kind == "position":
            return self.value in keys and position == self.position
        if self.kind == "named":
            return self.value in keys and self.name is not None and listed_name(name) == self.name
        return False


def _paper_key(text: str) -> str:
    """An arXiv id (normalised, no version) or, for any other text, its title folded with its
    symbols (``C++`` and ``C#`` name two papers, as they mint two)."""
    try:
        return normalise_arxiv_id(text, source="[people]")
    except ParseError:
        return work_key(text)


def _known_paper(paper: str, where: str, text: str) -> str:
    """:func:`_paper_key` of ``paper``; a ConfigError for a title that folds to nothing (only
    punctuation or invisible characters: no paper's key, so the rule could name none) and for
    an arXiv id of the wrong digit count for its month (``0704.00020``: no paper has it; before,
    read as a title, the rule named no paper and the run said only that)."""
    if digits_problem(paper) is not None:
        raise ConfigError(f"{where} {text!r}: {paper!r} is {not_an_id(paper)}")
    key = _paper_key(paper)
    if not key:
        raise ConfigError(f"{where} {text!r}: the paper {paper!r} holds no letter or digit")
    return key


def parse_ref(text: str, where: str, *, merge: bool) -> Ref:
    """Parse one reference; a malformed one is a :class:`ConfigError` naming it."""
    raw = text.strip()
    if raw.startswith("profile:") and len(raw) > len("profile:"):
        return Ref(text, "profile", raw.removeprefix("profile:"))
    if raw.startswith("person:") and len(raw) > len("person:"):
        return Ref(text, "person", raw.removeprefix("person:"))
    if "|" in raw:
        paper, _, name = raw.rpartition("|")
        if paper.strip() and name.strip():
            if not fold(name):
                raise ConfigError(f"{where} {text!r}: the name {name!r} holds no letter or digit")
            if (why := not_a_person(name.strip())) is not None:  # no door lets one be listed
                raise ConfigError(f"{where} {text!r}: the name {why}")
            return Ref(
                text, "named", _known_paper(paper.strip(), where, text), name=listed_name(name)
            )
    if "#" in raw:
        paper, _, number = raw.rpartition("#")
        position = count_of(number, digits=6)
        if paper.strip() and position is not None and position >= 1:
            return Ref(
                text, "position", _known_paper(paper.strip(), where, text), position=position
            )
    if merge and not any(c in raw for c in "|#:"):
        why = _not_a_name_key(raw)
        if why is None:
            return Ref(text, "key", raw)
        raise ConfigError(
            f"{where} {text!r}: not a name key ({why}), nor any other reference: {_REFERENCES}"
        )
    raise ConfigError(f"{where} {text!r}: not a reference; use {_REFERENCES}")


def _not_a_name_key(raw: str) -> str | None:
    """Why :func:`~scholarkg.identity.names.name_key` cannot write ``raw``; ``None`` if it can."""
    words = raw.replace("-", " ")
    if _NAME_KEY.fullmatch(raw):
        if fold(words, voicing=True) == words:  # (ø, ł, æ, þ … fold too: "orsted", not "ørsted")
            return None
        why = "its letters are not folded"
    elif any(c.isspace() for c in raw):
        why = "a name key has no spaces: its words are joined by hyphens"
    elif raw.startswith("-") or raw.endswith("-") or "--" in raw:
        why = "a name key's words are joined by single hyphens, none at either end"
    else:
        why = "a name key's words are lower-case letters and digits"
    folded = fold(words, voicing=True).replace(" ", "-")
    return f"{why}; as a key: {folded!r}" if folded else why


def refused_entry(merge: Mapping[str, str], split: Mapping[str, str]) -> tuple[str, ...]:
    """``(table, key)`` of the first ``[people]`` entry :meth:`Overrides.parse` refuses, each
    parsed alone (its error names the reference, not the table that holds it); ``()``: none."""
    for table, entries in (("merge", merge), ("split", split)):
        for key, value in entries.items():
            try:
                Overrides.parse(**{"merge": {}, "split": {}, table: {key: value}})
            except ConfigError:
                return (table, key)
    return ()


@dataclass(frozen=True)
class Overrides:
    """The parsed ``[people]`` tables."""

    merges: tuple[tuple[Ref, Ref], ...] = ()
    splits: tuple[tuple[Ref, str], ...] = ()
    used: set[str] = field(default_factory=set, compare=False)
    # the authorship splits by the paper they name: (place in ``splits``, ref, label)
    _by_paper: dict[str, list[tuple[int, Ref, str]]] = field(
        init=False, default_factory=dict, compare=False, repr=False
    )

    def __post_init__(self) -> None:
        for n, (ref, label) in enumerate(self.splits):
            if ref.kind in ("position", "named"):
                self._by_paper.setdefault(ref.value, []).append((n, ref, label))

    @classmethod
    def parse(cls, merge: Mapping[str, str], split: Mapping[str, str]) -> Overrides:
        merges = tuple(
            (parse_ref(a, "[people.merge]", merge=True), parse_ref(b, "[people.merge]", merge=True))
            for a, b in merge.items()
        )
        splits = []
        for ref, label in split.items():
            parsed = parse_ref(ref, "[people.split]", merge=False)
            if parsed.kind not in ("position", "named", "profile"):
                raise ConfigError(
                    f"[people.split] {ref!r}: a split names authorships "
                    "(<paper>#<n>, <paper>|<name>) or a profile (profile:<location>)"
                )
            if not make_slug(label) or make_slug(label) == "x":
                raise ConfigError(f"[people.split] {ref!r} = {label!r}: the label must be a name")
            if len(make_slug(label)) > KEY_CHARS:  # the label is the person IRI's last segment
                raise ConfigError(
                    f"[people.split] {ref!r} = {label[:40]!r}…: the label is "
                    f"{len(make_slug(label))} characters as an IRI segment; at most {KEY_CHARS}"
                )
            splits.append((parsed, make_slug(label)))
        return cls(merges, tuple(splits))

    def split_for(
        self, keys: tuple[str, ...], position: int | None, name: str
    ) -> tuple[Ref, str] | None:
        """The split rule (reference, label) naming the authorship so described, if any: the
        first so configured. Only the rules naming one of the paper's ``keys`` are compared
        (a thousand configured splits are not each asked of every authorship)."""
        found = [rule for key in set(keys) for rule in self._by_paper.get(key, ())]
        for _, ref, label in sorted(found, key=itemgetter(0)):
            if ref.matches(keys, position, name):
                self.used.add(ref.text)
                return ref, label
        return None

    def profile_split(self, location_keys: tuple[str, ...]) -> str | None:
        for ref, label in self.splits:
            if ref.kind == "profile" and ref.value in location_keys:
                self.used.add(ref.text)
                return label
        return None

    def unused_splits(self) -> list[str]:
        return [ref.text for ref, _ in self.splits if ref.text not in self.used]


def name_matches(ref: Ref, name: str) -> bool:
    """A ``|name`` reference also accepts a compatible spelling of the name."""
    return ref.name is not None and compatible(ref.name, name)
