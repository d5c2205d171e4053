"""Person identity: normalised keys, and explicit merges and splits from config."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from rdflib import RDF

from conftest import write_config
from samples import SECOND_PROFILE
from scholarkg.config import load_config
from scholarkg.extract.profile_page import parse_profile
from scholarkg.iris import SKG, Minter
from scholarkg.people import People
from scholarkg.transform.profile import transform_profile


def test_keys_fold_accents_case_and_punctuation() -> None:
    people = People()
    assert people.key("Léonard Hussenot") == people.key("LEONARD  hussenot") == "leonard-hussenot"
    assert people.key("Zoë Ångström") == "zoe-angstrom"


def test_merge_follows_chains_and_never_loops() -> None:
    people = People(merge={"l-hussenot": "Léonard Hussenot", "a": "b", "b": "a"})
    assert people.key("L. Hussenot") == "leonard-hussenot"
    assert people.key("A") in {"a", "b"}  # a cycle stops instead of spinning


def test_split_gives_a_namesake_on_one_paper_its_own_key() -> None:
    people = People(split={"2202.12139|Wei Wang": "wei-wang-nus"})
    assert people.key("Wei Wang", "2202.12139") == "wei-wang-nus"
    assert people.key("Wei Wang", "2005.14124") == "wei-wang"


def test_config_merges_and_splits_reach_the_graph(tmp_path: Path) -> None:
    config = load_config(
        write_config(
            tmp_path,
            [],
            **{
                "people.merge": {"zoe-angstrom": "Zoe Angstrom-Lind"},
                "people.split": {
                    "A Paper Only This Profile Lists|Robert Dadashi": "robert-dadashi-2"
                },
            },
        )
    )
    profile = parse_profile(
        SECOND_PROFILE.read_bytes(),
        source=str(SECOND_PROFILE),
        retrieved_at=dt.datetime(2026, 11, 26, tzinfo=dt.UTC),
        subject_codes=config.subject_codes,
    )
    people = People(config.people_merge, config.people_split)
    graph = transform_profile(profile, Minter(), people=people)[0].graph
    keys = {str(graph.value(p, SKG.nameKey)) for p in graph.subjects(RDF.type, SKG.Person)}
    assert "zoe-angstrom-lind" in keys and "zoe-angstrom" not in keys
    assert {"robert-dadashi", "robert-dadashi-2"} <= keys
