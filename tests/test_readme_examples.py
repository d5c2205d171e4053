"""The README's examples name what a build of the sample profile holds: its identity overrides
load without an error and its person IRIs (and those in the saved queries' headers) are
persons of that store, hash suffix and all."""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator

import pytest

from conftest import write_config
from samples import ROOT, SAMPLE_PROFILE
from scholarkg.config import load_config
from scholarkg.query import bind_saved, resolve_query, saved_queries
from scholarkg.query_results import run_select
from scholarkg.runs.build import build as build_job
from scholarkg.store.embedded import EmbeddedStore

README = (ROOT / "README.md").read_text(encoding="utf-8")
PERSON = re.compile(r"https://w3id\.org/scholarkg/id/person/[a-z0-9-]+")
PERSONS = """PREFIX skg: <https://w3id.org/scholarkg/ontology#>
SELECT ?p WHERE { ?p a skg:Person }"""


def readme_toml() -> str:
    """The README's ``[people.merge]`` / ``[people.split]`` example."""
    [block] = re.findall(r"```toml\n(\[people\.merge\].*?)```", README, re.DOTALL)
    return block


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EmbeddedStore]:
    """The sample profile built offline with the README's overrides, from a config file in a
    folder laid out as a checkout (``examples/profiles/…`` beside it)."""
    folder = tmp_path_factory.mktemp("readme")
    profile = folder / "examples" / "profiles" / SAMPLE_PROFILE.name
    profile.parent.mkdir(parents=True)
    shutil.copyfile(SAMPLE_PROFILE, profile)
    path = write_config(folder, [str(profile.relative_to(folder))])
    path.write_text(path.read_text(encoding="utf-8") + readme_toml(), encoding="utf-8")
    report = build_job(load_config(path)).report
    assert report.outcome == "ok" and not report.config_errors, report.summary_lines()
    with EmbeddedStore(folder / "store", read_only=True) as opened:
        yield opened


def persons(store: EmbeddedStore) -> set[str]:
    return {row[0] or "" for row in run_select(store, PERSONS).rows}


def test_the_readme_overrides_name_people_of_the_sample(store: EmbeddedStore) -> None:
    held = persons(store)
    assert "https://w3id.org/scholarkg/id/person/kaiwen-wang-clp" in held  # the split
    slugs = re.findall(r'"person:([a-z0-9-]+)"', readme_toml())
    assert slugs and {f"https://w3id.org/scholarkg/id/person/{s}" for s in slugs} <= held


def test_every_person_iri_in_the_readme_and_the_query_headers_is_a_person(
    store: EmbeddedStore,
) -> None:
    headers = "".join(q.text.split("PREFIX", 1)[0] for q in saved_queries())
    named = set(PERSON.findall(README)) | set(PERSON.findall(headers))
    named.discard("https://w3id.org/scholarkg/id/person/x")  # the placeholder of the IRI table
    assert named
    assert named <= persons(store), sorted(named - persons(store))


def test_the_readme_person_example_answers(store: EmbeddedStore) -> None:
    [example] = re.findall(r"`--param person=(\S+?)`", README)
    bound = bind_saved(resolve_query("coauthors"), {"person": example})
    by_name = bind_saved(resolve_query("coauthors"), {"researcher": "Léonard Hussenot"})
    answer = run_select(store, bound).rows
    assert len(answer) == 43
    assert answer == run_select(store, by_name).rows
