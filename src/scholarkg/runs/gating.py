"""The one SHACL gate every graph passes, whichever door and loader, and what it rejects.

A graph with violations is not loaded: it is kept with its findings in its run's file under
``quarantine/graphs/`` (:mod:`scholarkg.quarantine_graphs`). For a profile graph the *record*
is what goes: the paper a violation's focus node belongs to (with its authorships) is
quarantined with its line and reason, and the rest of the profile is built again without it
(:func:`offending_lines`).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path

from scholarkg import quarantine_graphs as kept_graphs
from scholarkg import validate
from scholarkg.load.payload import GraphPayload, make_payload
from scholarkg.transform import EmittedGraph, Triple
from scholarkg.validate import Finding


def start_gate(fallback: str) -> None:
    """Compile this process's gate now, with ``[shacl] fallback``: a shape the engine cannot
    compile is an error naming it, at the start of the run rather than at its first graph."""
    validate.configure(fallback)
    validate.gate()


def pyshacl_graphs() -> int:
    """Graphs this process sent to pySHACL so far (unsupported shapes, opted in)."""
    return validate.fallback_graphs()


def check(triples: Iterable[Triple]) -> tuple[Finding, ...]:
    return validate.check(list(triples))


def violations(findings: Iterable[Finding]) -> list[Finding]:
    return [f for f in findings if f.severity == "Violation"]


def gate_graph(
    iri: str,
    kind: str,
    triples: list[Triple],
    *,
    source: str | None = None,
    source_sha256: str | None = None,
) -> tuple[GraphPayload | None, tuple[Finding, ...]]:
    """(payload, findings); the payload is None when the graph has violations."""
    findings = check(triples)
    if violations(findings):
        return None, findings
    payload = make_payload(iri, kind, triples, findings, source=source, source_sha256=source_sha256)
    return payload, findings


def gate_many(
    graphs: Sequence[EmittedGraph], batch: int = 200
) -> Iterator[tuple[EmittedGraph, GraphPayload | None, tuple[Finding, ...]]]:
    """Gate graphs, in order, a batch at a time: one check of a batch's union gives each graph
    the findings it would get alone, as long as no node one graph describes (a subject)
    appears in another. The shapes walk out from focus nodes through described nodes; nodes no
    graph describes (classes, categories, licences) are only values. A graph that shares a
    described node with one before it, or a batch with a finding no graph owns, is checked
    graph by graph."""
    for start in range(0, len(graphs), batch):
        part = graphs[start : start + batch]
        together, owner = _separable(part)
        found = _union_findings(part, together, owner) if len(together) > 1 else {}
        for i, graph in enumerate(part):
            findings = tuple(found[i]) if i in found else check(graph.triples)
            if violations(findings):
                yield graph, None, findings
            else:
                payload = make_payload(
                    graph.iri,
                    graph.kind,
                    list(graph.triples),
                    findings,
                    source=graph.source,
                    source_sha256=graph.source_sha256,
                )
                yield graph, payload, findings


def _union_findings(
    part: Sequence[EmittedGraph], together: list[int], owner: dict[str, int]
) -> dict[int, list[Finding]]:
    """Each of the ``together`` graphs' findings from one check of their union; none (each is
    then checked alone) when a finding is about a node no graph describes."""
    found: dict[int, list[Finding]] = {i: [] for i in together}
    for finding in check([t for i in together for t in part[i].triples]):
        index = owner.get(f"<{finding.focus}>", owner.get(finding.focus))
        if index is None:
            return {}
        found[index].append(finding)
    return found


def _separable(part: Sequence[EmittedGraph]) -> tuple[list[int], dict[str, int]]:
    """The graphs of ``part`` that can be checked as one union (see :func:`gate_many`), and
    which of them describes each node."""
    owner: dict[str, int] = {}
    values: set[str] = set()  # nodes the chosen graphs point at
    together: list[int] = []
    for i, graph in enumerate(part):
        described = {s for s, _, _ in graph.triples}
        pointed = {o for _, _, o in graph.triples if o[:1] in "<_"} - described
        # owner.keys() first: it iterates the smaller side; a set's isdisjoint(dict) walks the
        # whole dict, the batch's every node for each graph (quadratic in the batch)
        chosen = owner.keys()
        shares = not chosen.isdisjoint(described) or not described.isdisjoint(values)
        if not shares and chosen.isdisjoint(pointed):
            together.append(i)
            owner.update(dict.fromkeys(described, i))
            values |= pointed
    return together, owner


def offending_lines(
    findings: Iterable[Finding], papers: Mapping[int, str], triples: Iterable[Triple] = ()
) -> dict[int, str]:
    """Listed lines whose paper a violation is about, with the reason: the paper or a node under
    its IRI, or a node one link away from those (a paper's organisation, its resolution), which
    puts every paper linked to it in quarantine. A violation no paper can be found for (about
    the researcher, say) names no line: the whole graph is rejected. The papers are indexed
    once: each violation costs a look-up per ``/`` of its node, not a pass over the papers."""
    lines: dict[int, str] = {}
    bad = list(violations(findings))
    if not bad:
        return lines
    neighbours: dict[str, set[str]] = {}
    for s, _, o in triples:
        if o.startswith("<"):
            neighbours.setdefault(s[1:-1], set()).add(o[1:-1])
            neighbours.setdefault(o[1:-1], set()).add(s[1:-1])
    by_paper: dict[str, list[int]] = {}
    order: dict[int, int] = {}  # a line's place among the papers: hits keep the papers' order
    for line, paper in papers.items():
        by_paper.setdefault(paper, []).append(line)
        order[line] = len(order)

    def lines_of(node: str) -> set[int]:
        """Lines of the papers that are ``node`` or whose IRI followed by ``/`` begins it."""
        hit = set(by_paper.get(node, ()))
        cut = node.rfind("/")
        while cut >= 0:
            hit.update(by_paper.get(node[:cut], ()))
            cut = node.rfind("/", 0, cut)
        return hit

    for finding in bad:
        found = lines_of(finding.focus)
        if found:
            hit = sorted(found, key=order.__getitem__)
        else:
            hit = sorted({x for n in neighbours.get(finding.focus, ()) for x in lines_of(n)})
        for line in hit:
            lines.setdefault(line, f"SHACL: {finding.message} ({finding.focus})")
    return lines


def quarantine_graphs(
    root: Path, run_id: str, rejected: Iterable[tuple[EmittedGraph, Iterable[Finding]]]
) -> Path:
    """Keep rejected graphs (with their findings) in run ``run_id``'s file in one write."""
    return kept_graphs.quarantine_graphs(
        root, run_id, ((g.iri, g.triples, f, g.source) for g, f in rejected)
    )
