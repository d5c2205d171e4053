"""How the ``shared-coauthor`` rule breaks ties (a part of
:class:`~.coauthor_rule.CoauthorRule`): another author of the paper as compatible with the
person the evidence gives (:meth:`CoauthorTies._twin`), the spelling that tells persons of as
much evidence apart (:meth:`CoauthorTies._spelled_first`), and evidence tied between persons
who cannot be one (:meth:`CoauthorTies._ambiguous`)."""

from __future__ import annotations

from collections.abc import Callable

from scholarkg.identity import names
from scholarkg.identity.mentions import AuthorMention
from scholarkg.identity.names import spelled_surnames
from scholarkg.identity.registry import Registry


class CoauthorTies:
    """The tie-breaks of :class:`~.coauthor_rule.CoauthorRule`."""

    registry: Registry
    _names: dict[int, str]
    _kept_apart: Callable[[int, int, str, bool], str | None]

    def _twin(
        self,
        author: AuthorMention,
        pid: int,
        listed: list[tuple[str, str, tuple[str, ...], frozenset[str]]],
    ) -> str | None:
        """Why ``author`` does not join ``pid``, the person the evidence gives it: another
        author of the paper is as compatible with that person (``Maria Smith`` listed twice,
        or ``Daniel Lopez`` and ``David Lopez`` beside a co-author of ``D. Lopez``). Beside the
        same co-authors, the evidence for either is the same, so the one decided first would
        join (the paper's position order), and read the other way (``pid`` made by the paper
        read later) the one author is tied between the two (:meth:`_ambiguous`): neither. Not
        where the spelling tells them apart as :meth:`_spelled_first` does (``Maria Smith``
        written so, ``M. Smith`` beside it). None: no such author."""
        person = self._names.get(pid) or self.registry.person(pid).name
        surnames = spelled_surnames(person)
        exact = author.name == person and any(len(w) > 1 for w in names.tokens(person)[:-1])
        for node, name, _, theirs in listed:
            if (
                node != author.node
                and surnames & theirs
                and not (exact and name != person)
                and names.compatible(name, person)
            ):
                return (
                    f"{name!r} on the paper too is as compatible with {person!r}, whose"
                    " co-authors they share: a person of its own"
                )
        return None

    def _spelled_first(
        self, ranked: list[tuple[int, int, tuple[str, str]]], name: str
    ) -> tuple[list[tuple[int, int, tuple[str, str]]], bool]:
        """``ranked`` with the persons of the most evidence compared by ``name`` exactly first,
        and whether there are such, who can all be one: a tie-break (``Wei Wang`` beside a
        co-author of the persons ``Wei Wang`` and ``W. Wang``, who are not one, is the former;
        beside co-authors of two ``Wei Wang`` too, both, made one) where ``name`` writes a
        given name whole; an initials-only name (``D. Ritter``, ``W. Wang``) is told by no
        spelling, and two persons so written tie still. Before, two exact ones tied still: the
        authorship came after both and was a person of its own, or between them and joined
        both, as the papers came."""
        words = names.tokens(name)
        if len(ranked) < 2 or ranked[1][1] != ranked[0][1] or all(len(w) < 2 for w in words[:-1]):
            return ranked, False
        top = [r for r in ranked if r[1] == ranked[0][1]]
        exact = [r for r in top if self._names.get(r[0], self.registry.person(r[0]).name) == name]
        if not exact or any(
            self._kept_apart(a[0], b[0], "shared-coauthor", False) is not None
            for i, a in enumerate(exact)
            for b in exact[i + 1 :]
        ):
            return ranked, False
        return [*exact, *(r for r in ranked if r not in exact)], True

    def _ambiguous(self, ranked: list[tuple[int, int, tuple[str, str]]]) -> str | None:
        """Why no one of ``ranked`` is the author: the most evidence is tied between persons
        who cannot be one (``D. Ritter`` beside a co-author of ``Debashish Ritter`` and of
        ``Damian C. Ritter``), so joining either would depend on which came first; None when
        the evidence decides."""
        top = [pid for pid, count, _ in ranked if count == ranked[0][1]]
        for i, a in enumerate(top):
            for b in top[i + 1 :]:
                if (reason := self._kept_apart(a, b, "shared-coauthor", False)) is not None:
                    shown = sorted(self._names.get(p, self.registry.person(p).name) for p in (a, b))
                    return (
                        f"as much co-author evidence for {shown[0]!r} as for {shown[1]!r},"
                        f" who are not one person ({reason}): a person of its own"
                    )
        return None
