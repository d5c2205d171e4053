"""A person's shown name (``foaf:name``) does not depend on the order the sources came in.

Of spellings as full as each other (``Łukasz Kaiser`` and ``Lukasz Kaiser``, ``Smith Jr.,
John`` and ``John Smith Jr.``), the person's graph showed the first the registry had seen, so
two builds of the same sources in another order showed two names. Now the one that writes more
of the name, then the first in code-point order. The names are CONSTRUCTED pairs of spellings
of one person; the snapshot lines are CONSTRUCTED (tests/constructed.py: a real snapshot line
with its id and authors changed).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib.namespace import FOAF

from building import rows
from one_author import MINTER, P
from paper_mentions import BASE, listed_paper
from registry_marks import dirty_once
from scholarkg.identity import name_choice
from scholarkg.identity.emit import emit_person
from scholarkg.identity.registry import Registry
from scholarkg.identity.resolver import IdentityResolver
from scholarkg.transform.emit import GraphEmitter
from snapshot_persons import load_papers

# two spellings of one person, and the one to show whichever comes first
ORDER_FREE = [
    ("Łukasz Kaiser", "Lukasz Kaiser", "Łukasz Kaiser"),  # letters beyond ASCII
    ("Deniz Yıldız", "Deniz Yildiz", "Deniz Yıldız"),
    ("Þórður Guðmundsson", "Thordur Gudmundsson", "Þórður Guðmundsson"),
    ("Siobhan O'Brien", "Siobhan OBrien", "Siobhan O'Brien"),  # the apostrophe
    ("Smith Jr., John", "John Smith Jr.", "John Smith Jr."),  # given name first
    ("Smith, John, Jr.", "John Smith, Jr.", "John Smith, Jr."),  # a suffix after the comma
    ("JOHN SMITH", "John Smith", "John Smith"),  # fewer words in capitals
    ("Bill Smith", "Will Smith", "Bill Smith"),  # as full, no name compared: code-point order
    ("Laurens van der Maaten", "Laurens Van Der Maaten", "Laurens van der Maaten"),  # particles
    ("Maria De la Cruz", "Maria de la Cruz", "Maria de la Cruz"),
    ("john smith", "John Smith", "John Smith"),  # given name and surname capitalised
    # a word in capitals loses whatever else the other writes (before: the hyphen, the Ł, the
    # apostrophe won): two letters or more in capitals, not initials nor a suffix
    ("Ahmed EL-SAYED", "Ahmed El Sayed", "Ahmed El Sayed"),
    ("AHMED EL-SAYED", "Ahmed El Sayed", "Ahmed El Sayed"),
    ("ŁUKASZ KAISER", "Lukasz Kaiser", "Lukasz Kaiser"),
    ("Siobhan O'BRIEN", "Siobhan OBrien", "Siobhan OBrien"),
    ("JOHN SMITH JR.", "Smith Jr., John", "Smith Jr., John"),
    ("A.B. Łukasiewicz", "A. B. Lukasiewicz", "A.B. Łukasiewicz"),  # initials are no capitals
    ("John Smith III", "JOHN SMITH III", "John Smith III"),
]


@pytest.mark.parametrize(("a", "b", "shown"), ORDER_FREE)
def test_the_shown_name_is_one_whatever_the_order(a: str, b: str, shown: str) -> None:
    assert name_choice.preferred([a, b]) == name_choice.preferred([b, a]) == shown


@pytest.mark.parametrize("compared", ["Wei Wang", "Wang Wei"])
def test_of_two_as_full_the_name_compared_by_is_shown(compared: str) -> None:
    """The resolver compares a person by ``Wei Wang`` where a profile wrote it given name first
    (the spellings cannot tell which word is the surname): that one is shown."""
    assert name_choice.preferred(["Wang Wei", "Wei Wang"], compared=compared) == compared
    assert name_choice.preferred(["Lukasz Kaiser"], compared="Łukasz Kaiser") == "Łukasz Kaiser"


@pytest.mark.parametrize(
    ("spellings", "shown"),
    [
        (["R. Dadashi", "Robert Dadashi"], "Robert Dadashi"),  # fuller first, as before
        (["Hans Mueller", "Hans Müller", "Hans Muller"], "Hans Müller"),
        (["Wang W.", "W. Wang"], "W. Wang"),
        (["R. Tom\\`as", "R. Tomàs"], "R. Tomàs"),
        (["ATLAS Collaboration: G. Aad", "G. Aad"], "G. Aad"),
        (["HANS MÜLLER", "Hans Mueller"], "Hans Mueller"),  # capitals before the umlaut
        (["ROBERT DADASHI", "R. Dadashi"], "ROBERT DADASHI"),  # but not before a fuller name
    ],
)
def test_fuller_names_are_still_shown_first(spellings: list[str], shown: str) -> None:
    assert name_choice.preferred(spellings) == name_choice.preferred(spellings[::-1]) == shown


@pytest.mark.parametrize("order", ["plain-first", "written-first"])
def test_a_snapshot_load_shows_one_name_in_either_order(tmp_path: Path, order: str) -> None:
    """``Lukasz Kaiser`` and ``Łukasz Kaiser`` beside Alice Martin are one person, shown as
    ``Łukasz Kaiser`` in both orders (before: ``Lukasz Kaiser`` when it came first)."""
    names = ["Lukasz Kaiser", "Łukasz Kaiser"][:: 1 if order == "plain-first" else -1]
    config, _ = load_papers(tmp_path, [names[0], "Alice Martin"], [names[1], "Alice Martin"])
    shown = rows(
        config,
        P + "PREFIX foaf: <http://xmlns.com/foaf/0.1/> SELECT ?name WHERE { ?a skg:author ?p ."
        " ?a skg:nameAsListed ?listed . FILTER(STRSTARTS(?listed, 'L') || STRSTARTS(?listed, 'Ł'))"
        " ?p foaf:name ?name }",
    )
    assert {row["name"] for row in shown} == {"Łukasz Kaiser"} and len(shown) == 2


def test_a_registry_written_before_has_tied_persons_written_again(tmp_path: Path) -> None:
    """A registry without the ``shown`` mark has the persons whose shown name was the first of a
    tie written again (Łukasz Kaiser), not the others (Alice Martin; Robert Dadashi, whose
    fuller name was shown anyway); once."""
    reg = Registry(tmp_path / "identity.sqlite")
    resolver = IdentityResolver(reg)
    resolver.add(listed_paper("2101.00001", "Lukasz Kaiser", "Alice Martin", "R. Dadashi"))
    resolver.add(listed_paper("2101.00002", "Łukasz Kaiser", "Alice Martin", "Robert Dadashi"))

    def kaiser_shown_as_written(reg: Registry) -> list[int]:
        [kaiser] = reg.mentions([f"{BASE}2101.00001/authorship/1"]).values()
        [record] = reg.person_records([reg.live(kaiser.person)])
        assert name_choice.preferred(record.names, compared=record.person.name) == "Łukasz Kaiser"
        return [record.person.id]

    dirty_once(reg, "shown", kaiser_shown_as_written)


@pytest.mark.parametrize(
    ("first", "second", "shown"),
    [("Bill Smith", "Will Smith", "Bill Smith"), ("Rob Jones", "Bob Jones", "Bob Jones")],
)
@pytest.mark.parametrize("order", ["as-given", "reversed"])
def test_short_forms_as_full_show_one_name_and_keep_their_decisions(
    tmp_path: Path, first: str, second: str, shown: str, order: str
) -> None:
    """``Bill Smith`` and ``Will Smith`` beside Alice Martin are one person, shown as ``Bill
    Smith`` in both orders (before: the first seen, the name the resolver compares them by).
    The resolver still compares them by the first seen: a ``B. Smith`` beside Alice Martin
    joins them only when ``Bill Smith`` came first, as before (join decisions unchanged)."""
    if order == "reversed":
        first, second = second, first
    reg = Registry(tmp_path / "identity.sqlite")
    resolver = IdentityResolver(reg)
    initial = f"{first[0]}. {first.split()[-1]}"
    other = f"{second[0]}. {second.split()[-1]}"
    resolver.add(listed_paper("2101.00001", first, "Alice Martin"))
    resolver.add(listed_paper("2101.00002", second, "Alice Martin"))
    resolver.add(listed_paper("2101.00003", other, "Alice Martin"))
    resolver.add(listed_paper("2101.00004", initial, "Alice Martin"))

    def person(arxiv_id: str) -> int:
        [mention] = reg.mentions([f"{BASE}{arxiv_id}/authorship/1"]).values()
        return reg.live(mention.person)

    [record] = reg.person_records([person("2101.00001")])
    assert record.person.name == first  # compared by the first seen, as before
    out = GraphEmitter()
    assert emit_person(record, MINTER, out)
    names = {str(n) for n in out.graph.objects(MINTER.person(record.person.slug), FOAF.name)}
    assert names == {shown}
    assert person("2101.00002") == person("2101.00004") == person("2101.00001")
    assert person("2101.00003") != person("2101.00001")  # the second's initial: another person


def test_a_registry_shown_by_mark_1_has_short_forms_written_again(tmp_path: Path) -> None:
    """A registry marked ``shown`` 1 (ties of short forms shown as the first seen) has its
    Bill and Will Smith written again once; Alice Martin not."""
    reg = Registry(tmp_path / "identity.sqlite")
    resolver = IdentityResolver(reg)
    resolver.add(listed_paper("2101.00001", "Will Smith", "Alice Martin"))
    resolver.add(listed_paper("2101.00002", "Bill Smith", "Alice Martin"))
    reg.written(reg.dirty())
    reg.db.execute("UPDATE meta SET value = '1' WHERE key = 'shown'")
    reg.commit()
    reg.close()
    reg = Registry(tmp_path / "identity.sqlite")
    try:
        [smith] = reg.mentions([f"{BASE}2101.00001/authorship/1"]).values()
        assert reg.dirty() == [reg.live(smith.person)]
    finally:
        reg.close()


@pytest.mark.parametrize(
    ("surname_first", "given_first", "shown"),
    [
        ("Nguyễn Văn Thành", "Van Thanh Nguyen", "Văn Thành Nguyễn"),
        ("Kim Jong Un", "Jongun Kim", "Jong Un Kim"),
        ("Park Chan Wook", "Chan-Wook Park", "Chan-Wook Park"),
    ],
)
@pytest.mark.parametrize("order", ["surname-first-first", "given-first-first"])
def test_a_name_read_given_name_first_is_shown_in_either_order(
    tmp_path: Path, surname_first: str, given_first: str, shown: str, order: str
) -> None:
    """``Nguyễn Văn Thành`` and ``Van Thanh Nguyen`` beside Alice Martin are one person, read
    ``Văn Thành Nguyễn``: shown so in both orders (before: so when ``Nguyễn Văn Thành`` came
    first, the reading being the name compared by, and ``Nguyễn Văn Thành`` when it came
    second, the reading then no candidate)."""
    first, second = (surname_first, given_first)[:: 1 if order == "surname-first-first" else -1]
    reg = Registry(tmp_path / "identity.sqlite")
    resolver = IdentityResolver(reg)
    resolver.add(listed_paper("2101.00001", first, "Alice Martin"))
    resolver.add(listed_paper("2101.00002", second, "Alice Martin"))
    mentions = reg.mentions([f"{BASE}2101.0000{n}/authorship/1" for n in (1, 2)]).values()
    [pid] = {reg.live(m.person) for m in mentions}
    [record] = reg.person_records([pid])
    out = GraphEmitter()
    assert emit_person(record, MINTER, out)
    names = {str(n) for n in out.graph.objects(MINTER.person(record.person.slug), FOAF.name)}
    assert names == {shown}


def test_a_registry_of_shown_mark_2_has_persons_in_capitals_written_again(tmp_path: Path) -> None:
    """A registry of shown mark 2 has the persons with a spelling in capitals written again
    (shown ``HANS MÜLLER`` for its umlaut before, ``Hans Mueller`` now: not tied by
    :func:`~.name_choice.tied`), not the others (Alice Martin); once."""
    path = tmp_path / "identity.sqlite"
    reg = Registry(path)
    resolver = IdentityResolver(reg)
    resolver.add(listed_paper("2101.00001", "HANS MÜLLER", "Alice Martin"))
    resolver.add(listed_paper("2101.00002", "Hans Mueller", "Alice Martin"))
    [mention] = reg.mentions([f"{BASE}2101.00001/authorship/1"]).values()
    [record] = reg.person_records([reg.live(mention.person)])
    assert not name_choice.tied(record.names)
    assert name_choice.preferred(record.names, compared=record.person.name) == "Hans Mueller"
    reg.written(reg.dirty())
    reg.db.execute("INSERT OR REPLACE INTO meta VALUES ('shown', '2')")
    reg.commit()
    reg.close()
    for expected in ([record.person.id], []):  # marked once
        reg = Registry(path)
        try:
            assert reg.dirty() == expected
            reg.written(reg.dirty())
            reg.commit()
        finally:
            reg.close()
