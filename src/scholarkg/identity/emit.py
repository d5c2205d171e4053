"""The identity layer as RDF: one named graph per person, written from the registry.

``…/graph/person/<slug>`` holds the person (one preferred ``foaf:name``, every spelling as
``skg:nameVariant``: of a name written for a group, the person's part), the ``skg:author``
link of each of their authorships with the rule, score, basis and evidence that decided it, the
links from their profile snapshots and metric observations, and the IRIs merged into them
(``owl:sameAs`` + ``skg:mergedInto``). Record graphs never name persons, so a merge or split
rewrites only these graphs.
"""

from __future__ import annotations

from rdflib import OWL, RDF
from rdflib.namespace import FOAF, XSD

from scholarkg.identity import name_choice, names
from scholarkg.identity.decisions import read_given_first, settled
from scholarkg.identity.invisible import visible
from scholarkg.identity.registry import Person, PersonRecord
from scholarkg.iris import SKG, Minter
from scholarkg.transform.emit import Emitter, T, decimal_lexical

A, PERSON, NAME = str(RDF.type), str(SKG.Person), str(FOAF.name)
NAME_VARIANT, NAME_KEY, NAME_BLOCK = str(SKG.nameVariant), str(SKG.nameKey), str(SKG.nameBlock)
AUTHOR, RULE, SCORE = str(SKG.author), str(SKG.identityRule), str(SKG.identityScore)
BASIS, EVIDENCE = str(SKG.identityBasis), str(SKG.identityEvidence)
SNAPSHOT_OF, OBSERVATION_OF = str(SKG.snapshotOf), str(SKG.observationOf)
SAME_AS, MERGED_INTO, SPLIT_FROM = str(OWL.sameAs), str(SKG.mergedInto), str(SKG.splitFrom)
DECIMAL = str(XSD.decimal)


def person_graph_iri(person: Person, minter: Minter) -> str:
    return str(minter.person_graph(person.slug))


def emit_person(record: PersonRecord, minter: Minter, out: Emitter[T]) -> bool:
    """Emit a live person's graph into ``out``; False (nothing emitted) for a retired person."""
    person = record.person
    if person.merged_into is not None:
        return False
    v, add = out.vocab, out.add
    me = out.iri(minter.person(person.slug))
    spellings = record.names or [person.name]
    preferred = visible(  # a registry written before names were read so may hold them
        name_choice.preferred(
            [*spellings, *read_given_first(spellings)],
            compared=person.name,
            settled=lambda other: settled(person.name, other),
        )
    )
    add(me, v(A), v(PERSON))
    add(me, v(NAME), out.plain(preferred))
    add(me, v(NAME_KEY), out.plain(names.name_key(preferred)))
    add(me, v(NAME_BLOCK), out.plain(person.block))
    # the person's part of each spelling: "ATLAS Collaboration: G. Aad" is G. Aad's listing,
    # not a spelling of their name (the authorship keeps it whole, the group is onBehalfOf)
    for spelling in dict.fromkeys([preferred, *(visible(names.person_part(s)) for s in spellings)]):
        add(me, v(NAME_VARIANT), out.plain(spelling))
    for mention in record.mentions:
        node = out.iri(mention.node)
        add(node, v(AUTHOR), me)
        add(node, v(RULE), out.plain(mention.rule))
        if mention.score is not None:
            add(node, v(SCORE), out.typed(decimal_lexical(mention.score), DECIMAL))
        if mention.basis:
            add(node, v(BASIS), out.plain(mention.basis))
        if mention.evidence:
            add(node, v(EVIDENCE), out.iri(mention.evidence))
    for snapshot, metrics in record.snapshots:
        add(out.iri(snapshot), v(SNAPSHOT_OF), me)
        for suffix in metrics.split():
            add(out.iri(f"{snapshot}/{suffix}"), v(OBSERVATION_OF), me)
    for retired in record.retired:
        old = out.iri(minter.person(retired.slug))
        add(old, v(SAME_AS), me)
        add(old, v(MERGED_INTO), me)
    if record.origin is not None:
        add(me, v(SPLIT_FROM), out.iri(minter.person(record.origin.slug)))
    return True
