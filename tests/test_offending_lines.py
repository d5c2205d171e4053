"""Which listed lines of a profile a gate's violations put in quarantine
(:func:`scholarkg.runs.gating.offending_lines`), and what finding them costs.

Before: every violation walked every paper of the profile (and again for each node one link
away): 400 papers with 801 violations (one on an organisation 40 of them link to) read the papers
672 800 times. Now the papers are indexed once (800 reads: each line and its IRI); the test
counts the reads, never the time.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from scholarkg.runs.gating import offending_lines
from scholarkg.validate import Finding

BASE = "https://w3id.org/scholarkg/id/"
ORG = "<https://w3id.org/scholarkg/ontology#organization>"


class CountedPapers(Mapping[int, str]):
    """A profile's papers (listed line: paper IRI) that counts each paper read."""

    def __init__(self, papers: dict[int, str]) -> None:
        self.papers = papers
        self.reads = 0

    def __getitem__(self, line: int) -> str:
        self.reads += 1
        return self.papers[line]

    def __iter__(self) -> Iterator[int]:
        for line in self.papers:
            self.reads += 1
            yield line

    def __len__(self) -> int:
        return len(self.papers)


def violation(focus: str, message: str = "bad") -> Finding:
    return Finding("Violation", focus, None, message, "shape")


def test_each_paper_is_read_once_however_many_violations() -> None:
    n = 400
    papers = CountedPapers({3 * i + 2: f"{BASE}paper/listed/p{i}" for i in range(n)})
    # every paper has two violations on its authorships, and every tenth links to an organisation
    # that has one of its own (which quarantines the papers that link to it)
    org = f"{BASE}organization/x"
    triples = [(f"<{BASE}paper/listed/p{i}>", ORG, f"<{org}>") for i in range(0, n, 10)]
    findings = [
        violation(f"{BASE}paper/listed/p{i}/authorship/{k}", f"a{i}.{k}")
        for k in (1, 2)
        for i in reversed(range(n))
    ]
    findings.append(violation(org, "org"))
    lines = offending_lines(findings, papers, triples)
    assert papers.reads <= 2 * n  # before: 672 800
    # each line once, with its first violation's reason, in the order the violations name them
    assert list(lines) == [3 * i + 2 for i in reversed(range(n))]
    assert lines[2] == f"SHACL: a0.1 ({BASE}paper/listed/p0/authorship/1)"


def test_a_node_is_matched_at_a_slash_never_by_a_longer_name() -> None:
    papers = CountedPapers(
        {1: f"{BASE}paper/listed/p1", 2: f"{BASE}paper/listed/p10", 3: f"{BASE}paper/listed"}
    )
    got = offending_lines([violation(f"{BASE}paper/listed/p10/authorship/1")], papers)
    # the paper itself and any paper whose IRI and a "/" begin the node (in the papers' order)
    assert list(got) == [2, 3]
    assert list(offending_lines([violation(f"{BASE}paper/listed/p1")], papers)) == [1, 3]
    assert offending_lines([violation(f"{BASE}paper/listed/p100")], papers) == {
        3: (f"SHACL: bad ({BASE}paper/listed/p100)")
    }
    assert offending_lines([violation(f"{BASE}paper/listedx")], papers) == {}


def test_two_lines_of_one_paper_are_both_quarantined() -> None:
    same = f"{BASE}paper/arxiv/2101.00001"
    papers = CountedPapers({4: same, 7: f"{BASE}paper/listed/q", 9: same})
    assert list(offending_lines([violation(same + "/authorship/1")], papers)) == [4, 9]
