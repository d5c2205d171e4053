"""Resolution of profile papers to arXiv, end to end against the loopback replay server.

Profile pages here are CONSTRUCTED from real recorded arXiv entries (tests/constructed.py): each
test says which listing it changed. Requests are counted on the server; nothing is timed.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from arxiv_replay import ReplayServer
from building import rows
from conftest import write_config
from constructed import Listed, listing, profile_page, recorded_records, variant_entry
from profile_config import page_config
from scholarkg.config import Config, load_config
from scholarkg.quarantine import read_quarantined
from scholarkg.runs.build import build
from scholarkg.runs.report import RunReport

pytest_plugins = ("arxiv_fixtures",)

PREFIXES = (
    "PREFIX skg: <https://w3id.org/scholarkg/ontology#> "
    "PREFIX dcterms: <http://purl.org/dc/terms/> PREFIX foaf: <http://xmlns.com/foaf/0.1/> "
)
EXACT = [
    "2202.12139", "2405.13786", "2005.14124", "2204.08348", "2302.03287", "1202.4527",
    "2503.05378", "1205.1866", "2502.07719", "1812.11470", "2403.16981", "2004.03322",
    "1912.09881", "2406.19956", "1912.04900", "2301.05651", "1605.01097", "2301.13615",
    "2407.18756", "2202.06271", "2008.01944", "2005.06826", "1908.03707", "2109.07960",
    "2409.05654",
]  # fmt: skip


def states(report: RunReport) -> dict[str, int]:
    return {k: v for k, v in report.paper_states.items() if v}


def stored_states(config: Config) -> dict[str, int]:
    """The profile's skg:Resolution nodes in the store, by state: what the report must say."""
    found = rows(
        config,
        PREFIXES + "SELECT ?s (COUNT(DISTINCT ?r) AS ?n) WHERE { ?r a skg:Resolution ; "
        "skg:resolutionState ?s } GROUP BY ?s",
    )
    return {r["s"]: int(r["n"]) for r in found}


def test_exact_titles_cost_at_most_five_requests(tmp_path: Path, replay: ReplayServer) -> None:
    config = page_config(tmp_path, replay.api_url, [listing(i) for i in EXACT])
    report = build(config).report
    assert states(report) == {"resolved": 25}, report.unresolved
    assert stored_states(config) == states(report)
    assert report.resolved_from == {"api": 25}
    assert 1 <= len(replay.requests_to("/api/query")) <= 5
    assert sum(report.requests.values()) == len(replay.requests_to("/api/query"))
    [n] = rows(config, PREFIXES + "SELECT (COUNT(DISTINCT ?p) AS ?n) WHERE { ?p skg:arxivId ?i }")
    assert n["n"] == "25"


NEAR_MISSES = {
    "2405.13786": "Towards Explainable Test Case Prioritisation with LTR Models",  # abbreviation
    "2302.03287": "ChatGPT and Software Testing Education - Promises and Perils",  # punctuation
    "2202.06271": "Modelbased Testing of Scratch Programs",  # hyphenation
    "2301.05651": "Mutation Testing of Deep Reinforcment Learning Based on Real Faults",  # typo
    "2007.10224": "Agent-Based Software Testing",  # dropped subtitle
}


def test_near_miss_titles_resolve(tmp_path: Path, replay: ReplayServer) -> None:
    papers = [listing(i, title=t) for i, t in NEAR_MISSES.items()]
    config = page_config(tmp_path, replay.api_url, papers)
    report = build(config).report
    assert states(report) == {"resolved": 5}, report.unresolved
    found = rows(
        config, PREFIXES + "SELECT ?id WHERE { ?r skg:resolvedPaper ?p . ?p skg:arxivId ?id }"
    )
    assert {r["id"] for r in found} == set(NEAR_MISSES)


def test_identical_title_with_other_first_authors_is_rejected(
    tmp_path: Path, replay: ReplayServer
) -> None:
    real = recorded_records()["2204.08348"]
    assert real.published is not None
    decoy = listing(
        "2204.08348",
        authors=("Ann Lee", "Bo Chen", "Cy Dunn"),
        date=real.published + dt.timedelta(days=5),
    )
    report = build(page_config(tmp_path, replay.api_url, [decoy])).report
    assert states(report) == {"unresolved": 1}
    [(_, title, why)] = report.unresolved
    assert title == real.title and "2204.08348" in why


def test_two_near_equal_candidates_are_ambiguous(tmp_path: Path, replay: ReplayServer) -> None:
    real = recorded_records()["2005.14124"]
    assert real.published is not None
    new_id, entry = variant_entry(  # the same paper submitted twice, a day apart
        "2005.14124", "9001.00002", published=real.published + dt.timedelta(days=1)
    )
    replay.extra[new_id] = entry
    config = page_config(tmp_path, replay.api_url, [listing("2005.14124")])
    report = build(config).report
    assert states(report) == {"ambiguous": 1} == stored_states(config)
    [(_, _, why)] = report.unresolved
    assert "2005.14124" in why and "9001.00002" in why
    assert rows(config, PREFIXES + "SELECT ?p WHERE { ?p skg:arxivId ?i }") == []


def test_override_to_an_id_arxiv_lacks_is_reported_and_keeps_the_listing(
    tmp_path: Path, replay: ReplayServer
) -> None:
    wanted = listing("2004.03322")
    config = page_config(
        tmp_path,
        replay.api_url,
        [wanted, listing("1205.1866")],
        **{"arxiv.overrides": {wanted.title: "9001.09999"}},
    )
    report = build(config).report
    assert states(report) == {"unresolved": 1, "resolved": 1}
    [(_, _, why)] = report.unresolved
    assert "9001.09999" in why and "no such record" in why
    found = rows(
        config,
        PREFIXES + f'SELECT ?p WHERE {{ ?p dcterms:title "{wanted.title}" ; a skg:Paper }}',
    )
    assert [r["p"].split("/paper/")[1].split("/")[0] for r in found] == ["listed"]


def test_a_violation_quarantines_only_that_paper(tmp_path: Path, replay: ReplayServer) -> None:
    papers = [listing(i) for i in EXACT[:3]] + [
        Listed("A Paper Nobody Has", dt.date(2020, 1, 2), ("Ann Lee",), code="XX")
    ]
    config = page_config(
        tmp_path, replay.api_url, papers, subject_codes={"XX": "cs.NOT A CATEGORY"}
    )
    report = build(config).report
    assert report.rejected == [], "the profile graph itself must load"
    assert sum(states(report).values()) == 3 and stored_states(config) == states(report)
    [entry] = report.quarantined
    assert re.search(r"profile\.txt:\d+: SHACL: skg:category ", entry), entry
    assert report.outcome == "partial"
    titles = rows(config, PREFIXES + "SELECT ?t WHERE { ?p a skg:Paper ; dcterms:title ?t }")
    assert len(titles) == 3 and "A Paper Nobody Has" not in {t["t"] for t in titles}
    # the profile's own graph holds the three other papers, each with its resolution
    listed = rows(
        config,
        PREFIXES + "SELECT ?title WHERE { GRAPH ?g { ?r a skg:Resolution ; "
        "skg:titleAsListed ?title } FILTER (CONTAINS(STR(?g), '/graph/profile/')) }",
    )
    assert sorted(r["title"] for r in listed) == sorted(p.title for p in papers[:3])
    kept = read_quarantined(config.quarantine_dir).records
    assert any("A Paper Nobody Has" in r.text for r in kept)


def test_a_violation_on_a_node_papers_link_to_quarantines_those_papers() -> None:
    """A finding about an organisation or a resolution (not under a paper's IRI) quarantines
    the papers one link away; one about something no paper links to names no line."""
    from scholarkg.runs.gating import offending_lines
    from scholarkg.validate import Finding

    base = "https://w3id.org/scholarkg/id/"
    papers = {3: f"{base}paper/listed/a", 9: f"{base}paper/listed/b", 12: f"{base}paper/listed/c"}
    org, res, person = f"{base}organization/x", f"{base}profile/p/resolution/1", f"{base}person/q"
    triples = [
        (f"<{papers[3]}>", "<https://w3id.org/scholarkg/ontology#organization>", f"<{org}>"),
        (f"<{papers[9]}>", "<https://w3id.org/scholarkg/ontology#organization>", f"<{org}>"),
        (f"<{res}>", "<https://w3id.org/scholarkg/ontology#resolvedPaper>", f"<{papers[12]}>"),
        (f"<{person}>", "<http://xmlns.com/foaf/0.1/name>", '"Q"'),
    ]

    def finding(focus: str, severity: str = "Violation") -> Finding:
        return Finding(severity, focus, None, "bad", "shape")

    assert sorted(offending_lines([finding(org)], papers, triples)) == [3, 9]
    assert sorted(offending_lines([finding(res)], papers, triples)) == [12]
    assert sorted(offending_lines([finding(papers[9] + "/authorship/2")], papers, triples)) == [9]
    assert offending_lines([finding(person)], papers, triples) == {}
    assert offending_lines([finding(org, "Warning")], papers, triples) == {}


def test_records_already_in_the_store_resolve_offline_with_no_request(tmp_path: Path) -> None:
    from constructed import snapshot_line, snapshot_lines
    from scholarkg.runs.arxiv_snapshot import load_snapshot

    ids = ["0704.0002", "0704.0007", "0704.0033", "0704.0046", "0704.0098"]
    snapshot = tmp_path / "snapshot.jsonl"
    snapshot.write_text("\n".join(snapshot_line(i) for i in ids) + "\n", encoding="utf-8")
    papers = []
    for arxiv_id in ids:
        data = snapshot_lines()[arxiv_id]
        names = [f"{first} {last}".strip() for last, first, _ in data["authors_parsed"]]  # type: ignore[misc]
        created = dt.datetime.strptime(
            str(data["versions"][0]["created"]), "%a, %d %b %Y %H:%M:%S %Z"
        )  # type: ignore[index]
        title = " ".join(str(data["title"]).split())
        papers.append(Listed(title, created.date(), tuple(names[:3]), truncated=len(names) > 3))
    closed = "http://127.0.0.1:9/api/query"  # the discard port: nothing answers there
    config = page_config(tmp_path, closed, papers)
    load_snapshot(config, snapshot, workers=0)
    report = build(config).report
    assert states(report) == {"resolved": 5}, report.unresolved
    assert report.resolved_from == {"store": 5} and report.requests == {}
    assert report.outcome == "ok", report.summary_lines()


def test_papers_the_api_resolved_once_resolve_from_the_store_next_time(
    tmp_path: Path, replay: ReplayServer
) -> None:
    """The title index learns from API answers too: a changed page is resolved offline."""
    config = page_config(tmp_path, replay.api_url, [listing(i) for i in EXACT[:4]])
    first = build(config).report
    assert first.resolved_from == {"api": 4}
    closed = "http://127.0.0.1:9/api/query"  # the discard port: nothing answers there
    changed = page_config(tmp_path, closed, [listing(i) for i in EXACT[:4]], h_index=11)
    second = build(changed).report
    assert states(second) == {"resolved": 4} == stored_states(changed)
    assert second.resolved_from == {"store": 4} and second.requests == {}
    assert second.outcome == "ok", second.summary_lines()


def test_a_title_with_no_letter_or_digit_is_quarantined_and_the_run_goes_on(
    tmp_path: Path, replay: ReplayServer
) -> None:
    """A title of punctuation names no paper (its title key would be empty, one key for every
    such paper): quarantined at its line with the reason, never searched for; the rest loads."""
    papers = [listing(EXACT[0]), Listed("---", dt.date(2021, 2, 3), ("Quinn Tester",))]
    config = page_config(tmp_path, replay.api_url, papers)
    report = build(config).report
    assert states(report) == {"resolved": 1} == stored_states(config)
    [quarantined] = [str(q) for q in report.quarantined]
    assert "title '---' holds no letter or digit" in quarantined, quarantined
    assert report.outcome == "partial", report.summary_lines()
    sent = " ".join(r.param("search_query") or "" for r in replay.requests_to("/api/query"))
    assert "---" not in sent


def test_organisation_spellings_and_a_paper_listed_twice_load_whole(
    tmp_path: Path, replay: ReplayServer
) -> None:
    papers = [
        listing("2202.12139", organizations=("deepmind",)),
        listing("2405.13786", organizations=("DeepMind",)),
        Listed("A Paper Only Listed Here", dt.date(2021, 5, 1), ("Ann Lee", "Bo Chen")),
        Listed("a paper only listed here!", dt.date(2021, 6, 1), ("Ann Lee", "Bo Chen")),
    ]
    config = page_config(tmp_path, replay.api_url, papers)
    report = build(config).report
    assert not report.rejected and not report.quarantined, report.summary_lines()
    assert len(report.listing_findings) == 1 and "same paper" in report.listing_findings[0]
    orgs = rows(config, PREFIXES + "SELECT DISTINCT ?o WHERE { ?p skg:organization ?o }")
    assert len(orgs) == 1
    [n] = rows(config, PREFIXES + "SELECT (COUNT(DISTINCT ?p) AS ?n) WHERE { ?p a skg:Paper }")
    assert n["n"] == "3"
    assert report.consistency == []


def test_two_papers_with_one_title_in_two_profiles_stay_apart(tmp_path: Path) -> None:
    one = tmp_path / "one.txt"
    one.write_bytes(
        profile_page("Ann Lee", [Listed("On Graphs", dt.date(2012, 1, 5), ("Ann Lee",))])
    )
    two = tmp_path / "two.txt"
    two.write_bytes(
        profile_page("Bo Chen", [Listed("On Graphs", dt.date(2020, 2, 6), ("Bo Chen",))])
    )
    config = load_config(write_config(tmp_path, [one, two]))
    report = build(config).report
    assert report.outcome == "ok" and report.consistency == []
    found = rows(
        config, PREFIXES + 'SELECT ?p ?d WHERE { ?p dcterms:title "On Graphs" ; dcterms:issued ?d }'
    )
    assert sorted(r["d"] for r in found) == ["2012-01-05", "2020-02-06"]
    assert len({r["p"] for r in found}) == 2


def test_one_paper_with_two_dates_from_two_profiles_is_a_consistency_finding(
    tmp_path: Path,
) -> None:
    one = tmp_path / "one.txt"
    one.write_bytes(
        profile_page("Ann Lee", [Listed("On Graphs", dt.date(2012, 1, 5), ("Ann Lee",))])
    )
    two = tmp_path / "two.txt"
    two.write_bytes(
        profile_page("Ann Lee", [Listed("On Graphs", dt.date(2013, 1, 5), ("Ann Lee",))])
    )
    config = load_config(write_config(tmp_path, [one, two]))
    report = build(config).report
    [finding] = [c for c in report.consistency if "dates" in c]
    assert "/paper/listed/" in finding and "2 dates" in finding
    assert any(line.startswith("finding:") for line in report.summary_lines())


def test_one_paper_with_two_abstracts_and_two_agents_at_a_position_are_findings(
    tmp_path: Path,
) -> None:
    # one paper (same title, same first author, same date) listed by two profiles that
    # disagree on its abstract and on who is second: a person on one, a group on the other
    one, two = tmp_path / "one.txt", tmp_path / "two.txt"
    when = dt.date(2012, 1, 5)
    one.write_bytes(
        profile_page(
            "Ann Lee", [Listed("On Graphs", when, ("Ann Lee", "Bo Chen"), abstract="First.")]
        )
    )
    two.write_bytes(
        profile_page(
            "Cy Dunn",
            [Listed("On Graphs", when, ("Ann Lee", "Gemma Team", "Cy Dunn"), abstract="Other.")],
        )
    )
    config = load_config(write_config(tmp_path, [one, two]))
    report = build(config).report
    abstracts = [c for c in report.consistency if c.endswith("2 abstracts")]
    crowded = [c for c in report.consistency if "2 agents at position 2" in c]
    assert len(abstracts) == 1 and "/paper/listed/" in abstracts[0], report.consistency
    assert len(crowded) == 1 and crowded[0].startswith(abstracts[0].split(" has ")[0])
    assert not [c for c in report.consistency if "dates" in c or "titles" in c]


def test_candidates_per_title_is_what_each_search_asks_for(
    tmp_path: Path, replay: ReplayServer
) -> None:
    """[arxiv] candidates_per_title sizes the exact and all-words searches (room per title in
    a batched query); the any-word search asks for at least 20 per title."""
    config = page_config(
        tmp_path, replay.api_url, [listing(i) for i in EXACT[:2]], arxiv={"candidates_per_title": 3}
    )
    build(config)
    sent = replay.requests_to("/api/query")
    assert [r.param("max_results") for r in sent] == ["6"]  # two titles, one request, 3 each

    other = tmp_path / "other"
    other.mkdir()
    nothing = [
        Listed("Zzyzx Quux Frobnicated Wibble Plonk", dt.date(2001, 1, 1), ("Nobody Known",))
    ]
    config = page_config(other, replay.api_url, nothing, arxiv={"candidates_per_title": 4})
    before = len(replay.requests_to("/api/query"))
    build(config)
    asked = [r.param("max_results") for r in replay.requests_to("/api/query")[before:]]
    assert asked == ["4", "4", "20"]  # exact, all words, any word
