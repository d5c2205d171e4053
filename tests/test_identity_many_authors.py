"""A paper of thousands of authors (ATLAS and CMS list 3 000–5 000) is decided in work linear in
its length: past ``MAX_EVIDENCE_AUTHORS`` it gives no co-author evidence, to its own authors as
to others, so nothing compares each author with every other.

The work is counted, not timed: calls of ``names.compatible`` (the comparison of two names) and
of ``pair_key`` (one key of a co-author lookup) while the paper goes through the pipeline.

Inputs are CONSTRUCTED from a real snapshot line (tests/constructed.py) with its authors
replaced by generated names.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from conftest import write_config
from constructed import snapshot_line
from scholarkg.config import load_config
from scholarkg.identity import names, pair_keys
from scholarkg.identity.registry import MAX_EVIDENCE_AUTHORS, Registry
from scholarkg.identity.resolver import AuthorMention, IdentityResolver, PaperMentions
from scholarkg.runs.arxiv_snapshot import load_snapshot
from scholarkg.runs.state_paths import registry_path

N = 2_000  # the comparisons of the old all-pairs loop: ~4 000 000
BASE = "https://w3id.org/scholarkg/id/paper/arxiv/"


@pytest.fixture
def calls(monkeypatch: pytest.MonkeyPatch) -> Iterator[Counter[str]]:
    """How often each unit of work ran (every call, cached or not)."""
    counted: Counter[str] = Counter()

    def counting(name: str, inner: Callable[..., object]) -> Callable[..., object]:
        def wrapper(*args: object) -> object:
            counted[name] += 1
            return inner(*args)

        return wrapper

    monkeypatch.setattr(names, "compatible", counting("compatible", names.compatible))
    monkeypatch.setattr(pair_keys, "pair_key", counting("pair_key", pair_keys.pair_key))
    yield counted


def crowd(n: int) -> list[str]:
    return [f"First{i} Last{i}" for i in range(n)]


def snapshot(tmp_path: Path, name: str, lines: list[str]) -> Path:
    path = tmp_path / name
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_a_paper_of_thousands_of_authors_is_decided_in_linear_work(
    tmp_path: Path, calls: Counter[str]
) -> None:
    """Each authorship of the long paper is a person of its own (the group is none), decided
    in a bounded number of comparisons; a namesake on a small paper that shares a co-author
    with it is not joined through it (the long paper gives no evidence)."""
    config = load_config(write_config(tmp_path, []))
    small = snapshot_line("0704.0002", new_id="9101.00001", authors=["Wei Wang", "First7 Last7"])
    load_snapshot(config, snapshot(tmp_path, "small.jsonl", [small]), workers=0)
    listed = ["Wei Wang", "The ATLAS Collaboration", *crowd(N)]
    long = snapshot_line("0704.0002", new_id="9101.00002", authors=listed)
    calls.clear()
    report = load_snapshot(config, snapshot(tmp_path, "long.jsonl", [long]), workers=0).report
    assert report.records_loaded == 1 and report.persons_new == N + 1
    assert calls["compatible"] <= 2 * N, calls
    assert calls["pair_key"] <= 2 * N, calls

    registry = Registry(registry_path(config))
    try:
        nodes = [f"{BASE}9101.0000{p}/authorship/{n}" for p, n in [(1, 1), (2, 1), (2, 2)]]
        decided = registry.mentions(
            [*nodes, *(f"{BASE}9101.00002/authorship/{n}" for n in range(3, N + 3))]
        )
        assert nodes[2] not in decided  # the group: no person
        assert len(decided) == N + 2
        on_long = [m for m in decided.values() if m.paper.endswith("9101.00002")]
        assert {m.rule for m in on_long} == {"first-seen"}
        assert len({registry.live(m.person) for m in on_long}) == N + 1
        wei_small, wei_long = decided[nodes[0]], decided[nodes[1]]
        assert registry.live(wei_small.person) != registry.live(wei_long.person)
    finally:
        registry.close()


def paper(arxiv_id: str, authors: list[str], *, complete: bool = True) -> PaperMentions:
    iri = BASE + arxiv_id
    listed = tuple(
        AuthorMention(f"{iri}/authorship/{n}", n, name) for n, name in enumerate(authors, 1)
    )
    return PaperMentions(iri, (arxiv_id,), listed, f"graph:{arxiv_id}", complete=complete)


def test_a_new_version_listing_the_authors_reversed_keeps_its_persons_in_linear_work(
    tmp_path: Path, calls: Counter[str]
) -> None:
    """A new version lists the authors in reverse order: every position now names another
    author, and each author stays the person they were (``same-paper``), looked for among the
    displaced of their surname only (a scan of all of them costs N²/2 comparisons here)."""
    node = f"{BASE}9102.00001/authorship/{{}}".format
    registry = Registry(tmp_path / "identity.sqlite")
    try:
        resolver = IdentityResolver(registry)
        resolver.add(paper("9102.00001", crowd(N)))
        before = registry.mentions([node(n) for n in range(1, N + 1)])
        calls.clear()
        resolver.restate([paper("9102.00001", crowd(N)[::-1])])
        assert calls["compatible"] <= 4 * N, calls
        after = registry.mentions([node(n) for n in range(1, N + 1)])
        for n in range(1, N + 1):
            assert after[node(n)].rule == "same-paper"
            assert after[node(n)].person == before[node(N + 1 - n)].person
    finally:
        registry.close()


def test_a_partial_listing_of_a_long_paper_gives_no_evidence(tmp_path: Path) -> None:
    """The limit counts the authors known of the paper, as the pair index does: a profile's
    short listing of a collaboration paper arXiv lists in full gives no evidence either."""
    registry = Registry(tmp_path / "identity.sqlite")
    try:
        resolver = IdentityResolver(registry)
        resolver.add(paper("9103.00001", ["Lin Zhou", "Member7 Crowd"]))
        members = [f"Member{n} Crowd" for n in range(MAX_EVIDENCE_AUTHORS + 1)]
        resolver.add(paper("9103.00002", members))
        iri = BASE + "9103.00002"
        listing = PaperMentions(
            iri,
            ("9103.00002",),
            (
                AuthorMention(f"{iri}/authorship/listed-1", None, "Lin Zhou"),
                AuthorMention(f"{iri}/authorship/8", 8, "Member7 Crowd"),
            ),
            "graph:profile",
            complete=False,
        )
        resolver.add(listing)
        found = registry.mentions([f"{BASE}9103.00001/authorship/1", f"{iri}/authorship/listed-1"])
        small, listed = found.values()
        assert listed.rule == "first-seen"
        assert registry.live(small.person) != registry.live(listed.person)
    finally:
        registry.close()
