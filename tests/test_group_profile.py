"""A profile page whose researcher is a group (``Gemma Team``, ``The ATLAS Collaboration``).

Groups are never persons: the page's papers are listed and the group is linked by the listing
where it is named, as any group is; the page founds no person and claims no authorship, and
the run says so (a finding naming the page). Before, the page founded a ``skg:Person`` named
``Gemma Team`` and made up an authorship ``…/authorship/profile-gemma-team-…`` for it on each
paper, beside the group the listing names at position 1. Pages are CONSTRUCTED in the layout of
the real sample page (tests/constructed.py).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from building import build_store, rebuild, rows
from constructed import Listed, profile_page
from scholarkg.identity.registry import Registry
from scholarkg.runs.state_paths import registry_path

P = "PREFIX skg: <https://w3id.org/scholarkg/ontology#> PREFIX foaf: <http://xmlns.com/foaf/0.1/> "
DAY = dt.date(2024, 3, 1)


def _page(tmp_path: Path, name: str, *papers: Listed) -> Path:
    page = tmp_path / f"{name.lower().replace(' ', '-')}.txt"
    page.write_bytes(profile_page(name, list(papers)))
    return page


@pytest.mark.parametrize(
    ("researcher", "listed"),
    [("Gemma Team", "Gemma Team"), ("The ATLAS Collaboration", "ATLAS Collaboration")],
)
def test_a_groups_page_founds_no_person_and_claims_nothing(
    tmp_path: Path, researcher: str, listed: str
) -> None:
    page = _page(
        tmp_path,
        researcher,
        Listed("A Constructed Group Report", DAY, (listed, "Ann Lee")),
        Listed("Another Constructed Group Report", DAY, ("Bo Chen", "Ann Lee"), truncated=True),
    )
    config, report = build_store(tmp_path, [page])
    assert report.outcome == "ok", report.summary_lines()
    people = rows(config, P + "SELECT ?name WHERE { ?p a skg:Person ; foaf:name ?name }")
    assert sorted(r["name"] for r in people) == ["Ann Lee", "Ann Lee", "Bo Chen"]
    made_up = rows(config, P + "SELECT ?a WHERE { ?x skg:hasAuthorship ?a . FILTER NOT EXISTS"
                   " { ?a skg:position ?n } }")  # fmt: skip
    assert made_up == []
    groups = rows(config, P + "SELECT ?g WHERE { ?a skg:author ?g . ?g a skg:Group }")
    assert len(groups) == 1
    assert rows(config, P + "SELECT ?s WHERE { ?s skg:snapshotOf ?p }") == []
    said = [f for f in report.listing_findings if "group" in f]
    assert len(said) == 1 and str(page) in said[0] and researcher in said[0], said
    reg = Registry(registry_path(config))
    try:
        [(slug,)] = reg.db.execute("SELECT slug FROM profiles").fetchall()
        assert reg.profile_person(slug) is None
    finally:
        reg.close()
    again = rebuild(config)  # the same page again: nothing changes
    assert again.outcome == "ok" and again.persons_new == 0
