"""A merge lasts as long as its evidence: when no source states the authorship that joined two
persons any more, the merge is undone (the retired IRI is a person again, no longer
``owl:sameAs`` the survivor). Inputs are CONSTRUCTED (tests/constructed.py): snapshot lines
copied from the real Kaggle sample with their ids and authors changed, over runs on one store."""

from __future__ import annotations

from pathlib import Path

from building import rows
from conftest import write_config
from constructed import snapshot_line
from paper_mentions import listing_paper
from scholarkg.config import Config, load_config
from scholarkg.identity.registry import Registry
from scholarkg.identity.resolver import IdentityResolver, PaperMentions
from scholarkg.iris import Minter
from scholarkg.runs.arxiv_snapshot import load_snapshot
from scholarkg.runs.report import RunReport

P = (
    "PREFIX skg: <https://w3id.org/scholarkg/ontology#> PREFIX foaf: <http://xmlns.com/foaf/0.1/> "
    "PREFIX owl: <http://www.w3.org/2002/07/owl#> "
)
WEI_WANGS = P + (
    "SELECT ?p (GROUP_CONCAT(DISTINCT STR(?a); separator=' ') AS ?held) WHERE { "
    '?p a skg:Person ; foaf:name "Wei Wang" . OPTIONAL { ?a skg:author ?p } } GROUP BY ?p'
)
SAME_AS = P + (
    "SELECT ?old ?new WHERE { ?old owl:sameAs ?new ; skg:mergedInto ?new "
    'FILTER(CONTAINS(STR(?old), "/person/")) } ORDER BY ?old'
)
A = snapshot_line("0704.0002", authors=["Wei Wang", "Louis Theran"])
B = snapshot_line("0704.0007", authors=["Wei Wang", "Tatjana Vukasinac"])


def load(config: Config, tmp_path: Path, name: str, lines: list[str]) -> RunReport:
    path = tmp_path / name
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    report = load_snapshot(config, path, workers=0).report
    assert report.outcome == "ok", report.summary_lines()
    return report


def wei_wangs(config: Config) -> dict[str, list[str]]:
    """Each "Wei Wang" person: the papers of their authorships."""
    found = rows(config, WEI_WANGS)
    return {
        r["p"]: sorted(a.split("/arxiv/")[1].split("/")[0] for a in (r["held"] or "").split())
        for r in found
    }


def joined(config: Config, tmp_path: Path, linking: list[str]) -> tuple[str, str]:
    """Two Wei Wangs (disjoint co-authors) published, then joined by ``linking``'s author
    beside both co-authors: (survivor, retired)."""
    load(config, tmp_path, "a.jsonl", [A, B])
    before = set(wei_wangs(config))
    assert len(before) == 2
    line = snapshot_line("0704.0033", new_id="9003.00002", authors=linking)
    report = load(config, tmp_path, "b.jsonl", [line])
    assert [e.split(":")[0] for e in report.identity_events] == ["merge"]
    [survivor] = wei_wangs(config)
    [retired] = before - {survivor}
    assert rows(config, SAME_AS) == [{"old": retired, "new": survivor}]
    return survivor, retired


def test_a_merge_whose_evidence_is_withdrawn_is_undone(tmp_path: Path) -> None:
    config = load_config(write_config(tmp_path, []))
    survivor, retired = joined(config, tmp_path, ["Louis Theran", "Tatjana Vukasinac", "Wei Wang"])
    # a new version of the linking record without Wei Wang: nothing joins the two any more
    line = snapshot_line(
        "0704.0033", new_id="9003.00002", authors=["Louis Theran", "Tatjana Vukasinac"]
    )
    report = load(config, tmp_path, "c.jsonl", [line])
    # before: one "Wei Wang" held both first-seen authorships, the retired IRI sameAs it
    assert wei_wangs(config) == {survivor: ["0704.0002"], retired: ["0704.0007"]}
    assert rows(config, SAME_AS) == []
    kinds = sorted(e.split(":")[0] for e in report.identity_events)
    assert kinds == ["unmerge", "withdrawn"]
    summary = next(line for line in report.summary_lines() if line.startswith("identity:"))
    assert summary.startswith("identity: 0 new persons, 1 merges or splits"), summary


def test_a_merge_whose_evidence_is_now_another_author_is_undone(tmp_path: Path) -> None:
    config = load_config(write_config(tmp_path, []))
    survivor, retired = joined(config, tmp_path, ["Wei Wang", "Louis Theran", "Tatjana Vukasinac"])
    line = snapshot_line(
        "0704.0033", new_id="9003.00002", authors=["Ann Other", "Louis Theran", "Tatjana Vukasinac"]
    )
    report = load(config, tmp_path, "c.jsonl", [line])
    assert wei_wangs(config) == {survivor: ["0704.0002"], retired: ["0704.0007"]}
    assert rows(config, SAME_AS) == []
    assert sorted(e.split(":")[0] for e in report.identity_events) == ["reassigned", "unmerge"]


def test_an_undone_merge_in_a_chain_keeps_the_other_merge(tmp_path: Path) -> None:
    # three Wei Wangs (co-authors Zed, Yan, Xia), then X+Y joins two, then Y+Z joins the
    # third: one person, two retired IRIs, each sameAs the survivor in one hop
    config = load_config(write_config(tmp_path, []))
    load(
        config, tmp_path, "a.jsonl", [snapshot_line("0704.0002", authors=["Wei Wang", "Zed Zulu"])]
    )
    load(config, tmp_path, "b.jsonl", [snapshot_line("0704.0007", authors=["Wei Wang", "Yan Yu"])])
    load(config, tmp_path, "c.jsonl", [snapshot_line("0704.0033", authors=["Wei Wang", "Xia Xu"])])
    xy = snapshot_line("0704.0002", new_id="9003.00011", authors=["Wei Wang", "Xia Xu", "Yan Yu"])
    yz = snapshot_line("0704.0007", new_id="9003.00012", authors=["Wei Wang", "Yan Yu", "Zed Zulu"])
    load(config, tmp_path, "d.jsonl", [xy])
    load(config, tmp_path, "e.jsonl", [yz])
    [survivor] = wei_wangs(config)
    retired = [r["old"] for r in rows(config, SAME_AS)]
    assert len(retired) == 2 and all(r["new"] == survivor for r in rows(config, SAME_AS))
    # the Y+Z record loses its Wei Wang: the second merge is undone, the first one stays
    gone = snapshot_line("0704.0007", new_id="9003.00012", authors=["Yan Yu", "Zed Zulu"])
    load(config, tmp_path, "f.jsonl", [gone])
    people = wei_wangs(config)
    assert sorted(people.values()) == [
        ["0704.0002"],
        ["0704.0007", "0704.0033", "9003.00011"],
    ]
    [(old, new)] = [(r["old"], r["new"]) for r in rows(config, SAME_AS)]
    assert new in people and old not in people


def test_an_authorship_given_to_the_survivor_after_the_merge_is_decided_again(
    tmp_path: Path,
) -> None:
    """After the merge, a paper beside Tatjana Vukasinac (the co-author of the Wei Wang who
    was merged away) went to the survivor. Undoing the merge left it there, though its only
    evidence is now another person's paper; it is decided again from its evidence now."""
    config = load_config(write_config(tmp_path, []))
    survivor, retired = joined(config, tmp_path, ["Wei Wang", "Louis Theran", "Tatjana Vukasinac"])
    later = snapshot_line(
        "0704.0038", new_id="9003.00003", authors=["Wei Wang", "Tatjana Vukasinac"]
    )
    load(config, tmp_path, "c.jsonl", [later])
    assert wei_wangs(config) == {survivor: ["0704.0002", "0704.0007", "9003.00002", "9003.00003"]}
    line = snapshot_line(
        "0704.0033", new_id="9003.00002", authors=["Louis Theran", "Tatjana Vukasinac"]
    )
    report = load(config, tmp_path, "d.jsonl", [line])
    assert wei_wangs(config) == {survivor: ["0704.0002"], retired: ["0704.0007", "9003.00003"]}
    evidence = rows(
        config,
        P + "SELECT ?p ?rule ?why WHERE { ?a skg:author ?p ; skg:identityRule ?rule ; "
        "skg:identityEvidence ?why . ?p foaf:name 'Wei Wang' "
        "FILTER(CONTAINS(STR(?a), '/9003.00003/')) }",
    )
    assert [(r["p"], r["rule"], r["why"].rsplit("/", 1)[1]) for r in evidence] == [
        (retired, "shared-coauthor", "0704.0007")
    ]
    kinds = sorted(e.split(":")[0] for e in report.identity_events)
    assert kinds == ["reassigned", "reassigned", "unmerge", "withdrawn"]
    moved = "reassigned: authorship https://w3id.org/scholarkg/id/paper/arxiv/9003.00003/"
    assert any(e.startswith(moved) for e in report.identity_events), report.identity_events


def _person_at(reg: Registry, arxiv_id: str) -> int:
    node = f"https://w3id.org/scholarkg/id/paper/arxiv/{arxiv_id}/authorship/1"
    [mention] = reg.mentions([node]).values()
    return reg.live(mention.person)


def test_an_undone_merge_names_the_person_as_a_fresh_build_does(tmp_path: Path) -> None:
    """arXiv lists "Wang Wei" beside Ann Lee, a profile lists the same position as "Wei Wang"
    (given name first): the person is "Wei Wang". Before, undoing a merge renamed them from
    their spellings alone ("Wang Wei", as full and registered first), though a fresh build of
    the same sources names them "Wei Wang"."""
    linked = listing_paper("2005.00003", "Ann Lee", "Bo Chen", "Wang Wei")  # joins the two
    sources = [
        listing_paper("2005.00001", "Wang Wei", "Ann Lee"),
        listing_paper("2005.00002", "Wang Wei", "Bo Chen"),
        linked,
        listing_paper("2005.00001", "Wei Wang", "Ann Lee", profile="x"),  # a co-author's
        listing_paper("2005.00003", "Ann Lee", "Bo Chen"),  # a version without him: merge undone
    ]
    found = _fresh_and_undone(tmp_path, sources, linked)
    assert [f["2005.00002"] for f in found] == ["Wang Wei", "Wang Wei"]
    assert [f["2005.00001"] for f in found] == ["Wei Wang", "Wei Wang"]  # before: "Wang Wei"


def _fresh_and_undone(
    tmp_path: Path, sources: list[PaperMentions], linked: PaperMentions, *together: str
) -> list[dict[str, str]]:
    """Two builds, one of ``sources`` without ``linked`` (fresh), one with it (the merge it
    makes, 2005.00001's author with 2005.00002's, then undone): the name each compares the
    first author of each paper by, each build; the two stay two persons in both, and the first
    authors of the papers ``together`` one."""
    found = []
    for run, papers in (("fresh", [p for p in sources if p is not linked]), ("undone", sources)):
        reg = Registry(tmp_path / f"{run}.sqlite")
        resolver = IdentityResolver(reg)
        for listing in papers:
            resolver.restate([listing])
            if listing is linked:
                assert _person_at(reg, "2005.00001") == _person_at(reg, "2005.00002")
        assert _person_at(reg, "2005.00001") != _person_at(reg, "2005.00002")
        assert len({_person_at(reg, i) for i in together}) <= 1
        ids = sorted({p.keys[0] for p in sources})
        found.append({i: reg.person(_person_at(reg, i)).name for i in ids})
        reg.close()
    return found


def test_a_person_revived_takes_the_name_they_had_as_one_on_a_tie(tmp_path: Path) -> None:
    """arXiv lists "Wang Wei" beside Bo Chen; the profile of "W. Wang" claims that position
    (a merge: the two are "Wang Wei", the fuller), then Bo Chen's profile lists it as "Wei
    Wang" (given name first: the two are "Wei Wang"), then the claimant drops the paper.
    Before, the revived arXiv author was named from spellings alone, "Wang Wei"; a fresh
    build of what the sources state then names them "Wei Wang"."""
    found = []
    for run in ("fresh", "undone"):
        reg = Registry(tmp_path / f"{run}.sqlite")
        resolver = IdentityResolver(reg)
        bo = resolver.profile("Bo Chen", "/profiles/bo-chen.txt", "sha-b")
        wang = resolver.profile("W. Wang", "/profiles/w-wang.txt", "sha-w")
        own = listing_paper("2005.00009", "W. Wang", "Cy Dee", profile=wang, claims=1)
        resolver.restate([listing_paper("2005.00001", "Wang Wei", "Bo Chen")])
        graph = str(Minter().profile_graph(wang))
        if run == "undone":
            claimed = listing_paper("2005.00001", "W. Wang", "Bo Chen", profile=wang, claims=1)
            resolver.restate([claimed, own], {graph: wang})
            assert _person_at(reg, "2005.00001") == reg.profile_person(wang)
        listed = listing_paper("2005.00001", "Wei Wang", "Bo Chen", profile=bo, claims=2)
        resolver.restate([listed], {str(Minter().profile_graph(bo)): bo})
        resolver.restate([own], {graph: wang})  # the claimant drops 2005.00001
        assert _person_at(reg, "2005.00001") != reg.profile_person(wang)
        assert reg.person(reg.profile_person(wang) or 0).name == "W. Wang"
        found.append(reg.person(_person_at(reg, "2005.00001")).name)
        reg.close()
    assert found == ["Wei Wang", "Wei Wang"]  # before: ["Wei Wang", "Wang Wei"]


def test_an_undone_merge_compares_the_person_by_the_name_a_fresh_build_does(
    tmp_path: Path,
) -> None:
    """Hans Müller beside Ann Lee, Hans Mueller beside Ann Lee (one person, compared by the
    narrower "Hans Mueller": "Hans Muller" is compatible with "Müller" only), Hans Müller
    beside Bo Chen; a paper of all three joins the two, then a version without him undoes it.
    Before, the revived person was compared by the fullest spelling to show ("Hans Müller"),
    not by the name a fresh build of the same sources compares them by."""
    linked = listing_paper("2005.00003", "Ann Lee", "Bo Chen", "Hans Müller")
    sources = [
        listing_paper("2005.00001", "Hans Müller", "Ann Lee"),
        listing_paper("2005.00004", "Hans Mueller", "Ann Lee"),
        listing_paper("2005.00002", "Hans Müller", "Bo Chen"),
        linked,
        listing_paper("2005.00003", "Ann Lee", "Bo Chen"),  # a version without him: merge undone
    ]
    found = _fresh_and_undone(tmp_path, sources, linked, "2005.00001", "2005.00004")
    assert [f["2005.00001"] for f in found] == ["Hans Mueller", "Hans Mueller"]  # before:
    assert [f["2005.00004"] for f in found] == ["Hans Mueller", "Hans Mueller"]  # "Hans Müller"
