"""Names of tens of thousands of characters (constructed from the real snapshot sample): the
IRIs minted from them stay short enough to be links (the endpoint refuses a request head of
more than 16 KiB, so a person named that way had a page no one could open)."""

from __future__ import annotations

import json
from pathlib import Path

from pyoxigraph import NamedNode, Store

from conftest import write_config
from samples import ROOT
from scholarkg.config import load_config
from scholarkg.iris import KEY_CHARS, Minter, capped
from scholarkg.runs.arxiv_snapshot import load_snapshot

SNAPSHOT = ROOT / "tests" / "fixtures" / "arxiv" / "kaggle" / "snapshot_sample_100.jsonl"
LONG = "Wolfeschlegelsteinhausen" * 800  # one word of 19 200 letters


def test_a_long_key_is_cut_with_a_digest_of_the_whole() -> None:
    assert capped("ada-lovelace") == "ada-lovelace"
    exact = "a" * KEY_CHARS
    assert capped(exact) == exact
    one, two = capped("word-" * 40 + "one"), capped("word-" * 40 + "two")
    assert one != two and one.startswith("word-word-") and len(one) <= KEY_CHARS + 13
    assert one == capped("word-" * 40 + "one")  # the same key, the same IRI
    unbroken = capped("x" * 500)
    assert unbroken.startswith("x" * KEY_CHARS + "-") and len(unbroken) == KEY_CHARS + 13
    minter = Minter()
    assert len(minter.organization("Institute " * 3000)) < 200
    assert len(minter.group(f"The {LONG} Collaboration")) < 200


def test_a_snapshot_author_and_group_of_long_names_mint_short_iris(tmp_path: Path) -> None:
    data = json.loads(SNAPSHOT.read_text(encoding="utf-8").splitlines()[0])
    data["authors"] = f"Ileana {LONG} and The {LONG} Collaboration"
    data["authors_parsed"] = [[LONG, "Ileana", ""], [f"The {LONG} Collaboration", "", ""]]
    path = tmp_path / "long.jsonl"
    path.write_text(json.dumps(data) + "\n", encoding="utf-8")
    config = load_config(write_config(tmp_path, []))
    report = load_snapshot(config, path).report
    assert report.records_loaded == 1, report.quarantined
    store = Store.read_only(str(tmp_path / "store"))
    query = """PREFIX skg: <https://w3id.org/scholarkg/ontology#>
        SELECT ?agent ?kind WHERE {
            GRAPH ?g { ?agent a ?kind VALUES ?kind { skg:Person skg:Group } }
        }"""
    agents = {(str(row["agent"].value), str(row["kind"].value)) for row in store.query(query)}
    assert {kind.rsplit("#", 1)[1] for _, kind in agents} == {"Person", "Group"}
    assert all(len(iri) < 200 for iri, _ in agents), [len(iri) for iri, _ in agents]
    iris = {
        term.value
        for quad in store.quads_for_pattern(None, None, None)
        for term in (quad.subject, quad.object, quad.graph_name)
        if isinstance(term, NamedNode)
    }
    assert max(len(iri) for iri in iris) < 300
