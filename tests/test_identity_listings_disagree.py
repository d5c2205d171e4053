"""Two profiles list one paper only they know with its authors in two orders.

Ann Lee's page lists "Wei Wang, Ann Lee, Bo Chen", Bo Chen's "Wei Wang, Bo Chen, Ann Lee": one
paper (same title, same first author), whose authorships are keyed by position, so each page
names its own researcher at position 2. Before, the page read last took position 2 for its
researcher and moved the other to position 3 (``same-paper``), silently: every run that read
either page again swapped the two and reported a ``reassigned``. Now a page that lists another
name where another source still lists its own leaves the decision as it is and the run reports
the conflict; a page read again changes nothing. Pages are CONSTRUCTED in the layout of the
real sample page (tests/constructed.py).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from building import build_store, rebuild, rows
from constructed import Listed, profile_page
from scholarkg.config import Config

P = "PREFIX skg: <https://w3id.org/scholarkg/ontology#> "
DAY = dt.date(2024, 3, 1)
TITLE = "Two Listings of One Constructed Paper"
ANN = Listed(TITLE, DAY, ("Wei Wang", "Ann Lee", "Bo Chen"))
BO = Listed(TITLE, DAY, ("Wei Wang", "Bo Chen", "Ann Lee"))


def _held(config: Config) -> dict[str, tuple[str, str]]:
    """Each authorship of the paper (its position) with its person's slug and rule."""
    found = rows(
        config,
        P + "PREFIX dcterms: <http://purl.org/dc/terms/> SELECT ?a ?who ?rule WHERE {"
        f" ?p dcterms:title {TITLE!r} ; skg:hasAuthorship ?a . ?a skg:author ?who ;"
        " skg:identityRule ?rule . ?who a skg:Person }",
    )
    return {r["a"].rsplit("/", 1)[1]: (r["who"].rsplit("/", 1)[1], r["rule"]) for r in found}


def test_two_listings_in_two_orders_keep_their_first_decision_and_report_it(
    tmp_path: Path,
) -> None:
    ann, bo = tmp_path / "ann.txt", tmp_path / "bo.txt"
    ann.write_bytes(profile_page("Ann Lee", [ANN]))
    bo.write_bytes(profile_page("Bo Chen", [BO]))
    config, report = build_store(tmp_path, [ann, bo])
    assert report.outcome == "ok", report.summary_lines()
    first = _held(config)
    assert sorted(first) == ["1", "2", "3"]
    assert first["2"][0].startswith("ann-lee-") and first["2"][1] == "profile-researcher"
    assert len(report.identity_conflicts) == 2, report.identity_conflicts
    assert all("bo.txt" in c or "bo-chen" in c for c in report.identity_conflicts)
    # either page read again (edited: another paper) changes nothing on the shared paper
    other = Listed("Another Constructed Paper", DAY, ("Ann Lee", "Cy Dee"))
    ann.write_bytes(profile_page("Ann Lee", [ANN, other]))
    again = rebuild(config)
    assert again.outcome == "ok" and again.identity_events == []
    assert _held(config) == first
    bo.write_bytes(profile_page("Bo Chen", [BO, Listed("Bo's Own Paper", DAY, ("Bo Chen",))]))
    again = rebuild(config)
    assert again.outcome == "ok" and again.identity_events == []
    assert _held(config) == first
