"""A person's shown name (``foaf:name``) is never a spelling that differs from another only by
characters no one can see: a zero-width space, a soft hyphen, a direction mark or override.
The page is CONSTRUCTED from the real sample (``examples/profiles/leonard-hussenot.txt``)."""

from __future__ import annotations

from pathlib import Path

import pytest

from building import rows
from conftest import write_config
from samples import SAMPLE_PROFILE
from scholarkg.config import Config, load_config
from scholarkg.identity import names
from scholarkg.identity.invisible import has_invisible
from scholarkg.identity.name_choice import preferred
from scholarkg.identity.name_reading import tokens_as
from scholarkg.identity.registry import Registry
from scholarkg.load.manifest import open_manifest
from scholarkg.runs.build import build
from scholarkg.runs.state_paths import registry_path
from scholarkg.store.embedded import EmbeddedStore

KEYED = (
    "PREFIX skg: <https://w3id.org/scholarkg/ontology#> SELECT ?k WHERE { ?p skg:nameKey ?k"
    ' FILTER(CONTAINS(?k, "dadashi")) }'
)
OLD_STYLE = """PREFIX foaf: <http://xmlns.com/foaf/0.1/>
PREFIX skg: <https://w3id.org/scholarkg/ontology#>
DELETE { GRAPH ?g { ?p foaf:name ?n ; skg:nameKey ?k ; skg:nameVariant ?n } }
INSERT { GRAPH ?g { ?p foaf:name "HIDDEN" ; skg:nameKey "KEY" ;
  skg:nameVariant "HIDDEN" } }
WHERE { GRAPH ?g { ?p foaf:name ?n ; skg:nameKey ?k FILTER(?n = "Robert Dadashi") } }"""
NAMED_IN = 'SELECT ?g WHERE { GRAPH ?g { ?p <http://xmlns.com/foaf/0.1/name> "NAME" } }'
NAMED = (
    "PREFIX foaf: <http://xmlns.com/foaf/0.1/> SELECT DISTINCT ?n WHERE {{ ?p foaf:name ?n "
    'FILTER(CONTAINS(?n, "{part}")) }}'
)


@pytest.mark.parametrize(
    ("plain", "hidden"),
    [
        ("Robert Dadashi", "Rob\u200bert Dadashi"),  # zero-width space: read as a word break
        ("Léonard Hussenot", "Léonard Hus\u00adsenot"),  # soft hyphen
        ("Léonard Hussenot", "\u202eLéonard Hussenot\u202c"),  # right-to-left override
        ("Kaiwen Wang", "Kaiwen\u2060 Wang\u200e"),  # word joiner, left-to-right mark
    ],
)
def test_a_spelling_with_invisible_characters_is_not_shown_over_the_plain_one(
    plain: str, hidden: str
) -> None:
    """``Rob\\u200bert Dadashi`` was shown over ``Robert Dadashi``: its zero-width space split
    ``Robert`` in two, so it counted two given names, the fuller. Now each spelling is
    weighed without such characters, and of two as full the one holding none is shown, in
    either order. A zero-width joiner (spelling Persian and Indic names) is not among them."""
    assert preferred([plain, hidden]) == preferred([hidden, plain]) == plain
    assert preferred(["R. Dadashi", "Robert Dadashi"]) == "Robert Dadashi"
    joined = "Mohammad Ra\u200cza"  # zero-width non-joiner: part of the spelling, kept
    assert preferred([joined, "Mohammad Raza"]) == preferred(["Mohammad Raza", joined])


def test_a_zero_width_space_in_one_listing_does_not_become_the_persons_name(
    tmp_path: Path,
) -> None:
    """CONSTRUCTED: the sample page with a zero-width space inside ``Robert Dadashi`` on BOND
    only (three other papers list him plainly). The run joined the four listings into one
    person, shown as ``Rob\\u200bert Dadashi``: searching the site for his name found nobody."""
    sample = SAMPLE_PROFILE.read_text(encoding="utf-8")
    hidden = "Pier Giuseppe Sessa, Rob\u200bert Dadashi, Léonard Hussenot et al."
    page = tmp_path / "page.txt"
    page.write_text(sample.replace(hidden.replace("\u200b", ""), hidden, 1), encoding="utf-8")
    config = load_config(write_config(tmp_path, [page]))
    assert build(config).report.outcome == "ok"
    assert rows(config, NAMED.format(part="Dada")) == [{"n": "Robert Dadashi"}]


HIDDEN = ("\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad", "\u200e", "\u202e", "\u2067")


@pytest.mark.parametrize("hidden", HIDDEN)
def test_a_character_no_one_sees_changes_no_key_and_no_shown_name(hidden: str) -> None:
    """``Rob\\u200bert Dadashi`` was keyed ``rob-ert-dadashi`` (two given names, block
    ``dadashi-r`` only by luck; ``Robert Dada\\u200bshi`` was ``shi-r``): its key, block and
    name as listed are now those of ``Robert Dadashi``."""
    name = f"Rob{hidden}ert Dada{hidden}shi"
    assert names.name_key(name) == "robert-dadashi"
    assert names.block(name) == "dadashi-r"
    assert names.listed_name(f"{hidden}{name}{hidden}") == "Robert Dadashi"
    assert names.compatible(name, "R. Dadashi")


def test_a_joiner_stays_only_where_a_script_joins_by_it() -> None:
    """The zero-width non-joiner spells a Persian name (and the joiner an Indic one): kept
    between two such letters, dropped between Latin ones; no key holds either."""
    persian = "\u0645\u062d\u0645\u062f\u200c\u0631\u0636\u0627"
    assert names.listed_name(persian) == persian
    assert names.listed_name("Ra\u200cza Ahmadi") == "Raza Ahmadi"
    assert names.name_key(persian) == names.name_key(persian.replace("\u200c", ""))


def _page(tmp_path: Path, heading: str, dadashi: str) -> Path:
    sample = SAMPLE_PROFILE.read_text(encoding="utf-8")
    text = sample.replace("Léonard Hussenot", heading, 1).replace("Robert Dadashi", dadashi)
    page = tmp_path / "page.txt"
    page.write_text(text, encoding="utf-8")
    return page


def _invisible_literals(config: Config) -> list[str]:
    found = rows(config, "SELECT ?o WHERE { GRAPH ?g { ?s ?p ?o FILTER(isLiteral(?o)) } }")
    return sorted({str(r["o"]) for r in found if has_invisible(str(r["o"]))})


def test_no_literal_of_a_build_holds_a_character_no_one_sees(tmp_path: Path) -> None:
    """CONSTRUCTED: the sample page headed by its researcher's name in a right-to-left override
    (session 33 cleaned authors' shown names, not the page's), and every listing of Robert
    Dadashi holding a zero-width space (one spelling: no plain one to prefer). Before, the
    researcher's foaf:name and skg:researcherNameAsListed held the override and Dadashi was
    shown and keyed ``rob-ert-dadashi``; now no literal in the store holds either."""
    heading = "\u202eLéonard Hussenot\u202c"
    page = _page(tmp_path, heading, "Rob\u200bert Dadashi")
    config = load_config(write_config(tmp_path, [page]))
    assert build(config).report.outcome == "ok"
    assert _invisible_literals(config) == []
    assert rows(config, NAMED.format(part="Dada")) == [{"n": "Robert Dadashi"}]
    assert rows(config, NAMED.format(part="Hussenot")) == [{"n": "Léonard Hussenot"}]
    assert rows(config, KEYED) == [{"k": "robert-dadashi"}]


@pytest.mark.parametrize(
    ("hidden", "names_was", "shown_was"),
    [
        ("Rob\u200bert Dadashi", "5", "3"),
        ("\u202eRobert Dadashi\u202c", "5", "3"),
        # names 6 and shown 4 knew only a few: a tag character, a variation selector stayed
        ("Rob\U000e0041ert Dadashi", "6", "4"),
        ("Robert Dada\ufe0fshi", "6", "4"),
    ],
)
def test_a_store_written_before_has_its_invisible_names_written_again(
    tmp_path: Path, hidden: str, names_was: str, shown_was: str
) -> None:
    """CONSTRUCTED: a store and registry as a build before the fix left them (Dadashi's person
    named, keyed and shown ``Rob\u200bert Dadashi`` under names 5 and shown mark 3, the literal
    written into the store), then a run over the same page. Before: the registry's name kept
    the space and nothing marked the person, so the graph kept it until some other change
    rewrote it (a zero-width space: the re-keying of names 6 marked him; an override reads the
    same words, so only shown mark 4 does; a tag character or variation selector, which names 6
    and shown 4 kept, only names 7 and shown 5). Now the run rewrites that one person graph,
    shown and keyed clean."""
    page = _page(tmp_path, "Léonard Hussenot", hidden)
    config = load_config(write_config(tmp_path, [page]))
    assert build(config).report.outcome == "ok"
    reg = Registry(registry_path(config))
    [(pid,)] = reg.db.execute(
        "SELECT id FROM persons WHERE name = 'Robert Dadashi' AND merged_into IS NULL"
    ).fetchall()
    reg.db.execute("UPDATE persons SET name = ? WHERE id = ?", (hidden, pid))
    reg.db.execute("UPDATE mention_names SET name = ? WHERE name = 'Robert Dadashi'", (hidden,))
    reg.db.execute("UPDATE meta SET value = ? WHERE key = 'names'", (names_was,))
    reg.db.execute("UPDATE meta SET value = ? WHERE key = 'shown'", (shown_was,))
    assert reg.dirty() == []
    reg.commit()
    reg.close()
    old_key = "-".join(tokens_as(hidden, names_was))  # rob-ert-dadashi; the override: none
    [shown] = rows(config, NAMED_IN.replace("NAME", "Robert Dadashi"))
    with EmbeddedStore(config.store.path) as store:
        store.update(OLD_STYLE.replace("HIDDEN", hidden).replace("KEY", old_key))
    manifest = open_manifest(config)  # and noted as the graph the old build loaded
    [(_, quads)] = manifest.known([shown["g"]]).values()
    manifest.note_graphs([(shown["g"], "digest-of-the-old-graph", quads)])
    manifest.commit()
    manifest.close()
    assert _invisible_literals(config) == [hidden]  # as the store holds it
    report = build(config).report
    assert report.outcome == "ok"
    assert _invisible_literals(config) == []
    assert rows(config, NAMED.format(part="Dada")) == [{"n": "Robert Dadashi"}]
    assert rows(config, KEYED) == [{"k": "robert-dadashi"}]
    assert report.persons_new == 0
    assert report.graphs_written == 1, report.graphs_written  # his person graph alone
