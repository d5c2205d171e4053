"""A profile's claim on a paper's authorship: which authorship it is, and how long it lasts.

Inputs are CONSTRUCTED (tests/constructed.py): the real recorded arXiv entry 2202.12139 copied
under 9002.* ids with new titles and its authors renamed (two "Wei Wang"s on one paper), served
by the replay server, and profile pages in the sample page's layout listing them.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from arxiv_replay import ReplayServer
from building import rows
from conftest import write_config
from constructed import Listed, listing, profile_page, variant_entry
from one_author import authorships
from scholarkg.config import Config, load_config
from scholarkg.identity import names
from scholarkg.query import resolve_query
from scholarkg.query_binding import bind_parameters
from scholarkg.runs.build import build

pytest_plugins = ("arxiv_fixtures",)

P = "PREFIX skg: <https://w3id.org/scholarkg/ontology#> "
ID = "https://w3id.org/scholarkg/id/"
LISTED_TWICE = ("9002.00021", "Two Wei Wangs on One Paper: A Constructed Study")
BEYOND_ET_AL = ("9002.00022", "A Wei Wang Beyond Et Al.: A Constructed Study")


def profile_person(config: Config) -> str:
    """The person of the one profile built (its snapshot is ``skg:snapshotOf`` them)."""
    [row] = rows(config, P + "SELECT DISTINCT ?p WHERE { ?s skg:snapshotOf ?p }")
    return str(row["p"])


def serve(replay: ReplayServer, paper: tuple[str, str], authors: tuple[str, ...]) -> None:
    new_id, entry = variant_entry("2202.12139", paper[0], title=paper[1], authors=authors)
    replay.extra[new_id] = entry


def test_a_researcher_listed_twice_or_beyond_et_al_gets_no_made_up_authorship(
    tmp_path: Path, replay: ReplayServer
) -> None:
    """A "Wei Wang" profile listing a paper with a Wei Wang at positions 1 and 3 got a third
    Wei Wang authorship (``…/authorship/profile-<slug>``) and the paper four authors; so did
    one whose Wei Wang is beyond "et al." where arXiv has two. Now: the one spelled as the
    researcher when that tells them apart, else no claim and a finding; never a third."""
    serve(replay, LISTED_TWICE, ("Wei Wang", "Helge Spieker", "Wei Wang"))
    serve(replay, BEYOND_ET_AL, ("Arnaud Gotlieb", "Wei Wang", "Mohit Kumar Ahuja", "W. Wang"))
    page = tmp_path / "wei-wang.txt"
    page.write_bytes(
        profile_page(
            "Wei Wang",
            [
                listing(
                    "2202.12139",
                    title=LISTED_TWICE[1],
                    authors=("Wei Wang", "Helge Spieker", "Wei Wang"),
                    truncated=False,
                ),
                listing("2202.12139", title=BEYOND_ET_AL[1], authors=("Arnaud Gotlieb",)),
            ],
        )
    )
    arxiv = {"enabled": True, "api_url": replay.api_url, "min_interval": 0.01}
    config = load_config(write_config(tmp_path, [page], arxiv=arxiv))
    report = build(config).report
    assert report.outcome == "ok", report.summary_lines()
    assert report.paper_states == {"resolved": 2}, report.unresolved
    researcher = profile_person(config)
    # listed twice under one spelling: three authorships, none of them claimed
    twice = authorships(config, LISTED_TWICE[0])
    assert sorted(twice) == ["1", "2", "3"]
    assert all(len(who) == 1 for who in twice.values())
    assert researcher not in set.union(*twice.values())
    assert len(twice["1"] | twice["3"]) == 2  # two first-seen Wei Wangs, as arXiv alone says
    assert report.listing_findings == [
        f"{page}:12: 'Wei Wang' may be the author at positions 1 and 3 of"
        f" {ID}paper/arxiv/{LISTED_TWICE[0]}; the profile does not tell which, so it claims"
        " none of them"
    ]
    # beyond "et al.", arXiv's "Wei Wang" at 2 (its "W. Wang" at 4 is spelled otherwise)
    beyond = authorships(config, BEYOND_ET_AL[0])
    assert sorted(beyond) == ["1", "2", "3", "4"]
    assert beyond["2"] == {researcher} and researcher not in beyond["4"]
    query = bind_parameters(resolve_query("author-positions").text, {"person": f"<{researcher}>"})
    found = [
        (r["paper"].rsplit("/", 1)[1], r["position"], r["authors"]) for r in rows(config, query)
    ]
    assert found == [(BEYOND_ET_AL[0], "2", "4")]


DROPPED = ("9002.00023", "A Paper the Profile Drops Later: A Constructed Study")
KEPT = ("9002.00024", "A Paper the Profile Keeps: A Constructed Study")
DECISIONS = P + (
    "SELECT DISTINCT ?who ?rule WHERE {{ <{paper}> skg:hasAuthorship ?a . "
    "?a skg:position 1 ; skg:author ?who ; skg:identityRule ?rule }}"
)


def first_author(config: Config, paper: tuple[str, str]) -> tuple[str, str]:
    """(person, rule) of the paper's authorship 1."""
    [row] = rows(config, DECISIONS.format(paper=f"{ID}paper/arxiv/{paper[0]}"))
    return str(row["who"]), str(row["rule"])


def two_wei_wang_papers(replay: ReplayServer) -> tuple[dict[str, object], Listed, Listed]:
    """arXiv (replayed) lists two papers of a Wei Wang with no co-author in common: the
    ``[arxiv]`` settings, and the profile listings of DROPPED and KEPT."""
    serve(replay, DROPPED, ("Wei Wang", "Helge Spieker"))
    serve(replay, KEPT, ("Wei Wang", "Mohit Kumar Ahuja"))
    arxiv = {"enabled": True, "api_url": replay.api_url, "min_interval": 0.01}
    dropped = listing("2202.12139", title=DROPPED[1], authors=("Wei Wang", "Helge Spieker"))
    kept = listing("2202.12139", title=KEPT[1], authors=("Wei Wang", "Mohit Kumar Ahuja"))
    return arxiv, dropped, kept


def test_a_claim_the_profile_no_longer_makes_is_withdrawn_and_its_merge_undone(
    tmp_path: Path, replay: ReplayServer
) -> None:
    """A profile page that dropped a paper arXiv still lists left its researcher on that
    paper's authorship (rule profile-researcher, evidence the profile graph) and the merge the
    claim made in place. Now the claim goes with the listing: the merge is undone, the
    authorship is decided again from what arXiv says, and the run reports it."""
    # no co-author in common: only the profile's claims join the two Wei Wangs
    arxiv, dropped, kept = two_wei_wang_papers(replay)
    page = tmp_path / "wei-wang.txt"
    page.write_bytes(profile_page("Wei Wang", [dropped, kept]))
    config = load_config(write_config(tmp_path, [page], arxiv=arxiv))
    assert build(config).report.outcome == "ok"
    researcher = profile_person(config)
    assert first_author(config, DROPPED) == (researcher, "profile-researcher")
    assert first_author(config, KEPT) == (researcher, "profile-researcher")
    # the page, updated at the same place, lists only the kept paper (arXiv keeps both)
    page.write_bytes(profile_page("Wei Wang", [kept], h_index=11))
    report = build(config).report
    assert report.outcome == "ok", report.summary_lines()
    assert profile_person(config) == researcher
    assert first_author(config, KEPT) == (researcher, "profile-researcher")
    other, rule = first_author(config, DROPPED)
    assert other != researcher and rule == "first-seen"
    assert rows(config, P + f"SELECT ?old WHERE {{ ?old skg:mergedInto <{researcher}> }}") == []
    assert report.changes_dir is not None  # both persons' graphs are in the run's change set
    changed = (Path(report.changes_dir) / "graphs.tsv").read_text(encoding="utf-8").splitlines()
    written = {line.split("\t", 1)[0] for line in changed}
    assert {f"{ID}graph/person/{p.rsplit('/', 1)[1]}" for p in (researcher, other)} <= written
    assert report.identity_events == [
        f"reassigned: authorship {ID}paper/arxiv/{DROPPED[0]}/authorship/1 of"
        f" {researcher.rsplit('/', 1)[1]} (restated: {ID}graph/profile/"
        f"{researcher.rsplit('/', 1)[1]} no longer claims it)"
    ]


def test_a_claim_on_a_published_person_ends_with_its_listing(
    tmp_path: Path, replay: ReplayServer
) -> None:
    """The arXiv author was published before the profile claimed them: the claim's merge kept
    that person (the profile's new one retired into it). When the page drops the paper, the
    profile's researcher is a person of their own again with the profile's snapshots, the
    arXiv author keeps the authorship as arXiv alone says (first-seen), and the run reports
    the undone merge."""
    arxiv, dropped, kept = two_wei_wang_papers(replay)
    coauthor = tmp_path / "helge-spieker.txt"  # publishes the arXiv Wei Wang first
    coauthor.write_bytes(profile_page("Helge Spieker", [dropped]))
    page = tmp_path / "wei-wang.txt"
    page.write_bytes(profile_page("Wei Wang", [dropped, kept]))
    config = load_config(write_config(tmp_path, [coauthor], arxiv=arxiv))
    assert build(config).report.outcome == "ok"
    arxiv_author, rule = first_author(config, DROPPED)
    assert rule == "first-seen"
    assert build(config, [str(page)]).report.outcome == "ok"
    assert first_author(config, DROPPED) == (arxiv_author, "profile-researcher")
    assert first_author(config, KEPT) == (arxiv_author, "profile-researcher")
    # the Wei Wang page, updated in place, drops the paper arXiv still lists
    page.write_bytes(profile_page("Wei Wang", [kept], h_index=11))
    report = build(config, [str(page)]).report
    assert report.outcome == "ok", report.summary_lines()
    assert first_author(config, DROPPED) == (arxiv_author, "first-seen")
    researcher = first_author(config, KEPT)[0]
    assert researcher != arxiv_author
    snapshots = (
        P
        + "SELECT DISTINCT ?p WHERE {{ ?s skg:snapshotOf ?p FILTER(CONTAINS(STR(?s), '{slug}')) }}"
    )
    [row] = rows(config, snapshots.format(slug=f"/profile/{researcher.rsplit('/', 1)[1]}"))
    assert row["p"] == researcher
    assert rows(config, P + f"SELECT ?old WHERE {{ ?old skg:mergedInto <{arxiv_author}> }}") == []
    assert [e.split(":")[0] for e in report.identity_events] == ["unmerge"]


def researchers(config: Config) -> dict[str, tuple[str, int]]:
    """Each profile's researcher and how many snapshots it has, by the profile's slug."""
    found = rows(config, P + "SELECT ?s ?p WHERE { ?s skg:snapshotOf ?p }")
    out: dict[str, tuple[str, int]] = {}
    for r in found:
        slug = r["s"].split("/profile/")[1].split("/")[0]
        assert out.get(slug, (r["p"], 0))[0] == r["p"]
        out[slug] = (str(r["p"]), out.get(slug, ("", 0))[1] + 1)
    return out


def test_a_claim_another_profile_still_makes_keeps_the_authorship_with_its_researcher(
    tmp_path: Path, replay: ReplayServer
) -> None:
    """Two profile pages of one Wei Wang both claimed a paper's authorship (the second claim
    joined the two researchers). When the first page dropped the paper, the authorship was
    decided again from arXiv's co-authors as if nobody claimed it, and the second profile's
    standing claim was ignored. Now it stays with the second profile's researcher
    (profile-researcher, its graph the evidence), and the two are apart again (only the
    claim on the dropped listing joined them)."""
    arxiv, dropped, kept = two_wei_wang_papers(replay)
    first = tmp_path / "wei-wang.txt"
    first.write_bytes(profile_page("Wei Wang", [dropped, kept]))
    second = tmp_path / "w-wang.txt"  # the same researcher's page under another path
    second.write_bytes(profile_page("Wei Wang", [dropped]))
    config = load_config(write_config(tmp_path, [first, second], arxiv=arxiv))
    assert build(config).report.outcome == "ok"
    joined, rule = first_author(config, DROPPED)
    assert rule == "profile-researcher"
    assert first_author(config, KEPT) == (joined, "profile-researcher")
    assert {p for p, _ in researchers(config).values()} == {joined}  # the claims joined them
    # the first page, updated in place, drops the paper; the second still lists it
    first.write_bytes(profile_page("Wei Wang", [kept], h_index=11))
    report = build(config, [str(first)]).report
    assert report.outcome == "ok", report.summary_lines()
    held_by, rule = first_author(config, DROPPED)
    assert rule == "profile-researcher"  # not decided again from arXiv's co-authors
    assert [e.split(":")[0] for e in report.identity_events] == ["unmerge", "reassigned"]
    # the first page has two snapshots now, the second page one
    apart = {n: (slug, p) for slug, (p, n) in researchers(config).items()}
    assert sorted(apart) == [1, 2] and apart[1][1] != apart[2][1]
    assert first_author(config, KEPT) == (apart[2][1], "profile-researcher")
    assert held_by == apart[1][1]
    [evidence] = rows(
        config,
        P + f"SELECT DISTINCT ?e WHERE {{ <{ID}paper/arxiv/{DROPPED[0]}> skg:hasAuthorship ?a . "
        "?a skg:position 1 ; skg:identityEvidence ?e }",
    )
    assert evidence["e"] == f"{ID}graph/profile/{apart[1][0]}"


@pytest.mark.parametrize("second_lists", ["dropped-first", "kept-first"])
def test_two_profiles_claiming_another_paper_too_stay_one_when_one_drops_a_paper(
    tmp_path: Path, replay: ReplayServer, second_lists: str
) -> None:
    """Both pages list both papers: when the first drops one, the second's claim keeps it and
    the two researchers stay one person (both still claim the other paper's authorship).

    ``kept-first``: the second page lists the kept paper first, so its claim there joins the two
    researchers and its claim on the dropped paper, finding them one already, made no merge.
    Before the registry kept claims, that claim left no trace: when the first page dropped the
    paper, the authorship was decided again from arXiv's co-authors (first-seen, reported
    reassigned) although the second page still claims it."""
    arxiv, dropped, kept = two_wei_wang_papers(replay)
    first = tmp_path / "wei-wang.txt"
    first.write_bytes(profile_page("Wei Wang", [dropped, kept]))
    second = tmp_path / "w-wang.txt"
    order = [dropped, kept] if second_lists == "dropped-first" else [kept, dropped]
    second.write_bytes(profile_page("Wei Wang", order, h_index=12))
    config = load_config(write_config(tmp_path, [first, second], arxiv=arxiv))
    assert build(config).report.outcome == "ok"
    [joined] = {p for p, _ in researchers(config).values()}
    assert first_author(config, DROPPED) == (joined, "profile-researcher")
    first.write_bytes(profile_page("Wei Wang", [kept], h_index=11))
    report = build(config, [str(first)]).report
    assert report.outcome == "ok", report.summary_lines()
    assert report.identity_events == []  # nothing reassigned
    assert {p for p, _ in researchers(config).values()} == {joined}  # both claim KEPT still
    assert first_author(config, DROPPED) == (joined, "profile-researcher")
    assert first_author(config, KEPT) == (joined, "profile-researcher")
    assert first_author_evidence(config, DROPPED) == second_profile_graph(config)


def first_author_evidence(config: Config, paper: tuple[str, str]) -> str:
    """The one piece of evidence of the first authorship of ``paper``."""
    [evidence] = rows(
        config,
        P + f"SELECT DISTINCT ?e WHERE {{ <{ID}paper/arxiv/{paper[0]}> skg:hasAuthorship ?a . "
        "?a skg:position 1 ; skg:identityEvidence ?e }",
    )
    return evidence["e"]


def second_profile_graph(config: Config) -> str:
    """The graph of the profile that lists one paper (of the two Wei Wang profiles)."""
    slug = next(s for s, (_, n) in researchers(config).items() if n == 1)
    return f"{ID}graph/profile/{slug}"


def coauthor_first(tmp_path: Path, replay: ReplayServer, spelling: str) -> Config:
    """arXiv lists ``spelling`` first on both papers; the configuration lists only the profile
    of their co-author on the dropped one, which publishes that arXiv author first."""
    serve(replay, DROPPED, (spelling, "Helge Spieker"))
    serve(replay, KEPT, (spelling, "Mohit Kumar Ahuja"))
    arxiv = {"enabled": True, "api_url": replay.api_url, "min_interval": 0.01}
    coauthor = tmp_path / "helge-spieker.txt"
    as_arxiv = listing("2202.12139", title=DROPPED[1], authors=(spelling, "Helge Spieker"))
    coauthor.write_bytes(profile_page("Helge Spieker", [as_arxiv]))
    return load_config(write_config(tmp_path, [coauthor], arxiv=arxiv))


def _names_version(monkeypatch: pytest.MonkeyPatch, version: str) -> None:
    """Names read as names version ``version`` did (its caches emptied)."""
    monkeypatch.setattr(names, "NAMES", version)
    names.clear_caches()  # every name cache: one left (generation) kept version 2's readings


def test_a_claim_ended_after_the_name_rules_changed_gives_the_authorship_back_to_its_founder(
    tmp_path: Path, replay: ReplayServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The arXiv author "KAZUO II" was founded (first-seen) under names version 2, which read
    the name as "kazuo": their slug is ``kazuo-<hash>``. A profile (under the rules now, which
    read "kazuo ii") claims the authorship, then drops the paper. Before, the founder was
    looked up at the slug the name keys to now, ``kazuo-ii-<hash>``, not found, and the
    authorship went to a new first-seen person: a second IRI for the same authorship."""
    config = coauthor_first(tmp_path, replay, "KAZUO II")
    with monkeypatch.context() as before:
        _names_version(before, "2")
        assert build(config).report.outcome == "ok"
        arxiv_author, rule = first_author(config, DROPPED)
    _names_version(monkeypatch, names.NAMES)
    assert rule == "first-seen" and arxiv_author.rsplit("/", 1)[1].startswith("kazuo-")
    assert not arxiv_author.rsplit("/", 1)[1].startswith("kazuo-ii-")
    page = tmp_path / "kazuo-ii.txt"
    dropped = listing("2202.12139", title=DROPPED[1], authors=("Kazuo Ii", "Helge Spieker"))
    kept = listing("2202.12139", title=KEPT[1], authors=("Kazuo Ii", "Mohit Kumar Ahuja"))
    page.write_bytes(profile_page("Kazuo Ii", [dropped, kept]))
    assert build(config, [str(page)]).report.outcome == "ok"
    assert first_author(config, DROPPED) == (arxiv_author, "profile-researcher")
    page.write_bytes(profile_page("Kazuo Ii", [kept], h_index=11))
    report = build(config, [str(page)]).report
    assert report.outcome == "ok", report.summary_lines()
    assert first_author(config, DROPPED) == (arxiv_author, "first-seen")


def test_a_claim_on_an_author_arxiv_writes_surname_first_ends_with_the_founder(
    tmp_path: Path, replay: ReplayServer
) -> None:
    """arXiv writes the author "Wang W." (surname first), founded first-seen; a "Wei Wang"
    profile claims that authorship (the same position of the same paper), which names the
    joined person "Wei Wang", then drops the paper. The founder is found by the spelling that
    founded them ("Wang W."), and the person's name now is that spelling read surname first:
    the authorship goes back to them, not to a new person (a second IRI for it)."""
    config = coauthor_first(tmp_path, replay, "Wang W.")
    assert build(config).report.outcome == "ok"
    arxiv_author, rule = first_author(config, DROPPED)
    assert rule == "first-seen"
    page = tmp_path / "wei-wang.txt"
    dropped = listing("2202.12139", title=DROPPED[1], authors=("Wei Wang", "Helge Spieker"))
    kept = listing("2202.12139", title=KEPT[1], authors=("Wei Wang", "Mohit Kumar Ahuja"))
    page.write_bytes(profile_page("Wei Wang", [dropped, kept]))
    assert build(config, [str(page)]).report.outcome == "ok"
    assert first_author(config, DROPPED) == (arxiv_author, "profile-researcher")
    assert first_author(config, KEPT) == (arxiv_author, "profile-researcher")
    page.write_bytes(profile_page("Wei Wang", [kept], h_index=11))
    report = build(config, [str(page)]).report
    assert report.outcome == "ok", report.summary_lines()
    assert first_author(config, DROPPED) == (arxiv_author, "first-seen")
    assert first_author(config, KEPT)[0] != arxiv_author
