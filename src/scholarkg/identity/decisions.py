"""How a decision is made and kept: a new person, an authorship assigned, a name kept, a
configured split, and a merge the evidence allows (a part of
:class:`~.resolver.IdentityResolver`; the rules that call them are there and in its parts)."""

from __future__ import annotations

from collections.abc import Sequence

from scholarkg.identity import name_choice, names
from scholarkg.identity.east_asian_order import surname_first
from scholarkg.identity.mentions import AuthorMention, IdentityEvent, PaperMentions
from scholarkg.identity.name_variants import capitals_first, spellings
from scholarkg.identity.overrides import Overrides
from scholarkg.identity.registry import CACHE_LIMIT, Mention, Person, Registry, short_hash
from scholarkg.identity.run_lines import RunLines
from scholarkg.iris import capped


class Decisions:
    """Writing decisions to the registry, for the rules of the resolver."""

    registry: Registry
    overrides: Overrides
    events: RunLines[IdentityEvent]
    conflicts: RunLines[str]
    _names: dict[int, str]  # the fullest spelling of persons seen in this run
    _retired: set[int]  # persons merged away in the batch being decided (resolver)

    def _new(
        self,
        name: str,
        founded: str,
        *,
        slug: str | None = None,
        profile: str | None = None,
        label: str | None = None,
        split_from: int | None = None,
    ) -> int:
        chosen = label or slug or f"{capped(names.name_key(name))}-{short_hash(founded)}"
        pid = self.registry.new_person(
            chosen,
            names.block(name),
            name,
            founded,
            profile=profile,
            label=label,
            split_from=split_from,
        )
        self._remember(pid, name)
        return pid

    def _assign(
        self,
        author: AuthorMention,
        paper: PaperMentions,
        pid: int,
        rule: str,
        score: float | None,
        basis: str,
        evidence: str | None = None,
        *,
        keep: Mention | None = None,
        pinned: bool = False,
        previous: int | None = -1,
    ) -> None:
        name = keep.name if keep is not None else author.name
        self.registry.assign(
            Mention(
                author.node,
                paper.paper,
                author.position,
                pid,
                name,
                rule,
                score,
                basis,
                evidence or paper.source,
                pinned,
            ),
            previous,
        )
        self._longer_name(pid, author.name, given_first=paper.given_first)

    def _remember(self, pid: int, name: str) -> None:
        """Cache a person's fullest spelling (bounded: the registry holds it too)."""
        if len(self._names) >= CACHE_LIMIT:
            self._names.clear()
        self._names[pid] = name

    def _longer_name(self, pid: int, name: str, *, given_first: bool = False) -> None:
        """Compare the person by ``name`` from now on where :func:`compared_name` keeps it."""
        current = self._names.get(pid)
        if current is None:
            current = self.registry.person(pid).name
            self._remember(pid, current)
        kept = compared_name(current, name, given_first=given_first)
        if kept != current:
            self._remember(pid, kept)
            self.registry.set_name(pid, kept)

    def _label_taken(self, label: str) -> Person | None:
        """The person whose IRI a ``[people.split]`` label names already, if it is no person
        of that label (``ann-lee-<hash>``): a split names a person of its own, so it is not
        applied, and :meth:`~.configured.ConfiguredDecisions.apply_overrides` says so."""
        person = self.registry.by_slug(label)
        return None if person is None or person.label == label else person

    def _split(
        self, author: AuthorMention, paper: PaperMentions, label: str, existing: Mention | None
    ) -> None:
        reg = self.registry
        person = reg.by_label(label)
        before = None if existing is None else reg.live(existing.person)
        if person is None:
            pid = self._new(author.name, f"config:{label}", label=label, split_from=before)
            if before is not None and reg.person(before).published:
                self.events.append(
                    IdentityEvent(
                        "split",
                        reg.person(pid).slug,
                        reg.person(before).slug,
                        "config-split",
                        label,
                    )
                )
        else:
            pid = person.id
        if existing is None or not existing.pinned or reg.live(existing.person) != pid:
            basis = f"[people.split] names this authorship {label!r}"
            self._assign(author, paper, pid, "config-split", 1.0, basis, pinned=True)

    def _merge(
        self,
        a: int,
        b: int,
        rule: str,
        basis: str,
        allow_profiles: bool,
        evidence: str | None = None,
    ) -> int:
        """Make ``a`` and ``b`` one person unless the evidence forbids it; returns the survivor.
        ``evidence``: the authorship whose co-authors join them (the merge is undone when no
        source lists that author there any more), or the :func:`~.claims_table.claim_key` of
        the profile's claim that joins them (undone when the profile no longer claims it); None
        for a configured merge."""
        reg = self.registry
        a, b = reg.live(a), reg.live(b)
        if a == b:
            return a
        pa, pb = reg.person(a), reg.person(b)
        if rule != "config-merge" and (reason := self._kept_apart(a, b, rule, allow_profiles)):
            self.conflicts.append(f"{pa.slug} and {pb.slug} not merged ({rule}): {reason}")
            return b
        # the older published person; else a profile's researcher; else the first slug (two
        # pages' researchers: named by their pages, so the same survivor in any order)
        keep, drop = sorted(
            (pa, pb),
            key=lambda p: (not p.published, p.profile is None, p.id if p.published else 0, p.slug),
        )
        reg.retire(drop.id, keep.id, evidence)
        self._retired.add(drop.id)
        dropped = self._names.get(drop.id, drop.name)
        given_first = drop.profile is not None and dropped == reg.profile_name(drop.profile)
        self._longer_name(keep.id, dropped, given_first=given_first)
        if drop.published:
            self.events.append(IdentityEvent("merge", keep.slug, drop.slug, rule, basis))
        return keep.id

    def _kept_apart(self, a: int, b: int, rule: str, allow_profiles: bool) -> str | None:
        """Why the live persons ``a`` and ``b`` cannot be made one by ``rule`` (None: they
        can): :meth:`_merge` refuses them so."""
        reg = self.registry
        pa, pb = reg.person(a), reg.person(b)
        if pa.label or pb.label:
            return "a [people.split] keeps one of them apart"
        if pa.profile and pb.profile and not allow_profiles:
            return "two profiles are one person only if they claim the same authorship"
        if (shared := reg.share_a_paper(a, b)) is not None:
            return f"both are authors of {shared}"
        name_a, name_b = self._names.get(a, pa.name), self._names.get(b, pb.name)
        if rule == "shared-coauthor" and not names.compatible(name_a, name_b):
            return f"{name_a!r} and {name_b!r} are not one name"
        return None


def compared_name(current: str, name: str, *, given_first: bool = False) -> str:
    """The name to compare a person by, who was compared by ``current`` and is now written
    ``name`` too: ``name`` if it is fuller, or as full and ``current`` read surname first while
    ``name`` is written given name first (``given_first``: a profile's spelling): ``Wei Wang``
    over ``Wang Wei``, which only the source tells. Fuller by :func:`~.name_choice.completeness`
    (letters as read): ``Hans Mueller`` over ``Hans Müller``, the narrower name to compare by
    (``foaf:name`` is :func:`~.name_choice.preferred`, ``Hans Müller``). One reading of a particle
    written apart is narrower, whichever is fuller (:func:`~.name_choice.one_reading`): ``Daniel
    Brien`` or ``Daniel O'Brien`` over ``Daniel O Brien``. Of two as full, the one that tells
    more: ``John Smith Jr.`` over ``John Smith`` (no ``John Smith Sr.`` joins them then),
    ``Wei Li`` over ``LI Wei`` (compatible with ``Li Wei`` too, read as written). Either way
    the name kept writes the suffix one of the two wrote (:func:`_with_generation`). An East
    Asian name surname first that the other agrees with only so read is that reading:
    ``Kim Jong Un`` and ``Jongun Kim`` are compared as ``Jong Un Kim`` (no ``K. J. Un``)."""
    if name == current:  # no fuller than itself, nor itself surname first
        return current
    current, name = _as_read(current, name), _as_read(name, current)
    fuller, now = name_choice.completeness(name), name_choice.completeness(current)
    reading = name_choice.one_reading(name, current)  # "Daniel Brien" for "Daniel O Brien"
    switch = reading is not False and (
        fuller > now
        or reading
        or (given_first and fuller == now and name_choice.surname_first_of(current, name))
        or (fuller == now and _tells_more(name, current))
    )
    return _with_generation(name, current) if switch else _with_generation(current, name)


def settled(compared: str, other: str) -> bool:
    """:func:`compared_name` keeps ``compared`` over ``other`` had ``other`` come first (a
    profile's spelling given name first allowed): the names chose it, not the order they came
    in. Not so of two given names as full that the first seen of is kept (``Bill Smith`` and
    ``Will Smith``): the person is compared by that one (an author ``B. Smith`` joins them only
    if it is ``Bill``), but shown by the spellings alone
    (:func:`~.name_choice.preferred`)."""
    return compared_name(other, compared, given_first=True) == compared


_WRITTEN = {"jr": "Jr.", "sr": "Sr.", "ii": "II", "iii": "III", "iv": "IV", "v": "V"}


def _with_generation(name: str, other: str) -> str:
    """``name``, with the generational suffix of ``other`` it does not write (``John Smith``
    with ``J. Smith Jr.`` is compared as ``John Smith Jr.``, so no ``John Smith Sr.`` joins);
    ``name`` itself when it writes one, ``other`` none, or it is inverted at a comma."""
    suffix = names.generation(other)
    if suffix is None or names.generation(name) is not None or "," in name:
        return name
    return f"{name} {_WRITTEN[suffix]}"


def _tells_more(name: str, current: str) -> bool:
    """``name`` writes a generation ``current`` does not, or its surname where ``current``
    writes it first in capitals (``LI Wei``: read so, and as written too)."""
    if names.generation(current) is None and names.generation(name) is not None:
        return True
    return capitals_first(current) is not None and capitals_first(name) is None


def read_given_first(spellings: Sequence[str]) -> list[str]:
    """Each spelling read given name first where another agrees with it only so read
    (:func:`_as_read`): ``Văn Thành Nguyễn`` for ``Nguyễn Văn Thành`` beside ``Van Thanh
    Nguyen``. Names to show beside the spellings (:func:`~.name_choice.preferred`), whichever
    the person is compared by: the first seen of two as full, ``Van Thanh Nguyen`` or the
    reading."""
    out: list[str] = []
    for name in dict.fromkeys(spellings):
        if surname_first(name) is not None:
            out += [r for other in spellings if (r := _as_read(name, other)) != name]
    return list(dict.fromkeys(out))


def _as_read(name: str, other: str) -> str:
    """``name`` read surname first (``Jong Un Kim`` for ``Kim Jong Un``:
    :func:`~.east_asian_order.surname_first`) where ``other`` agrees with it only so read
    (``Jongun Kim``, not ``K. J. Un``), else ``name``."""
    reading = surname_first(name)
    if reading is None or surname_first(other) is not None:
        return name
    written = names.tokens(name)[-1:]
    if any(names.tokens(s)[-1:] == written for s in spellings(other)):
        return name
    return reading if names.compatible(other, reading) else name
