"""A person named for a group keeps the group out of their name variants.

arXiv lists a collaboration paper's first author as ``ATLAS Collaboration: G. Aad`` (and a
person writing for one as ``T. Montaruli for the IceCube Collaboration``). The authorship keeps
that name exactly as listed (``skg:nameAsListed``) with the group as ``skg:onBehalfOf``; the
person is G. Aad, ``foaf:name "G. Aad"``. Before, the person's ``skg:nameVariant`` held the
whole listing too, so a person carried a group's name ("a spelling of the person's name" is
what the ontology says a variant is) and a search of persons' names for "ATLAS Collaboration"
found G. Aad. Now each variant is the person's part of a spelling, as written (a snapshot
load of such a listing: ``test_identity_names``).
"""

from __future__ import annotations

from pathlib import Path

from conftest import write_config
from paper_mentions import BASE, listed_paper
from registry_marks import dirty_once
from scholarkg.config import Config, load_config
from scholarkg.identity.emit import emit_person
from scholarkg.identity.registry import Registry
from scholarkg.identity.resolver import IdentityResolver
from scholarkg.iris import SKG, Minter
from scholarkg.transform.emit import GraphEmitter

MINTER = Minter()
VARIANT, LISTED, AUTHOR = f"<{SKG.nameVariant}>", f"<{SKG.nameAsListed}>", f"<{SKG.author}>"


def _config(directory: Path) -> Config:
    directory.mkdir(parents=True, exist_ok=True)
    return load_config(write_config(directory, []))


def _variants(reg: Registry, arxiv_id: str, position: int) -> set[str]:
    [mention] = reg.mentions([f"{BASE}{arxiv_id}/authorship/{position}"]).values()
    [record] = reg.person_records([reg.live(mention.person)])
    out = GraphEmitter()
    assert emit_person(record, MINTER, out)
    me = MINTER.person(record.person.slug)
    return {str(n) for n in out.graph.objects(me, SKG.nameVariant)}


def test_each_spelling_gives_the_persons_part_once(tmp_path: Path) -> None:
    reg = Registry(tmp_path / "identity.sqlite")
    try:
        resolver = IdentityResolver(reg)
        resolver.add(listed_paper("1207.7214", "ATLAS Collaboration: G. Aad", "B. Abbott"))
        resolver.add(listed_paper("1208.0001", "B. Abbott", "Georges Aad"))
        resolver.add(listed_paper("1208.0002", "G. Aad for the ATLAS Collaboration", "B. Abbott"))
        assert _variants(reg, "1207.7214", 1) == {"Georges Aad", "G. Aad"}
        montaruli = "Teresa Maria Montaruli for the IceCube Collaboration"  # as OAI lists her
        resolver.add(listed_paper("1512.07978", montaruli))
        assert _variants(reg, "1512.07978", 1) == {"Teresa Maria Montaruli"}
        resolver.add(listed_paper("1512.07979", "Smith: John"))  # no group before the colon
        assert _variants(reg, "1512.07979", 1) == {"Smith: John"}
    finally:
        reg.close()


def test_a_registry_written_before_has_such_persons_written_again(tmp_path: Path) -> None:
    """Their graphs in the store still hold the listing as a variant until written again."""
    reg = Registry(tmp_path / "identity.sqlite")
    IdentityResolver(reg).add(listed_paper("1207.7214", "ATLAS Collaboration: G. Aad", "B. Abbott"))

    def aad_only(reg: Registry) -> list[int]:  # G. Aad, not B. Abbott
        [mention] = reg.mentions([f"{BASE}1207.7214/authorship/1"]).values()
        return [reg.live(mention.person)]

    dirty_once(reg, "variants", aad_only)
