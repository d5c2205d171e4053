"""Identity quality (issue 9): the labelled set through the real pipeline, scored pairwise.

The set (:mod:`identity_set`) is loaded with ``load_snapshot`` (default workers) into a new
store; each authorship's person is read back with SPARQL; precision, recall and F1 are counted
over *mention pairs*: a pair is predicted "same" when both authorships have one ``skg:author``
person, and is truly "same" when the labels agree. Recall is also given over the true pairs
that evidence can link (two mentions of a person whose papers are joined, directly or through
others, by a shared co-author): the resolver does not link what no evidence joins.

The resolver decides as records arrive, so the set is loaded a second time with its lines in
reverse order into another store: ``order_agreement`` scores the second partition against the
first (1.0: the same persons whatever the order), ``iri_agreement`` is the share of
authorships given the same person IRI in both orders, ``reverse`` scores it against the truth.
"""

from __future__ import annotations

import shutil
from collections import Counter, defaultdict
from collections.abc import Iterable
from itertools import combinations
from pathlib import Path
from typing import Any

import pyoxigraph as ox

import identity_set
from ingest_steps import config_for
from measure import clocks
from scholarkg.runs.arxiv_snapshot import load_snapshot
from scholarkg.store.embedded import EmbeddedStore

Mention = tuple[str, int]
PERSONS = """PREFIX skg: <https://w3id.org/scholarkg/ontology#>
SELECT ?id ?pos ?person WHERE {
  ?paper skg:arxivId ?id ; skg:hasAuthorship ?a .
  ?a skg:position ?pos ; skg:author ?person .
  ?person a skg:Person .
}"""


def assignments(store_dir: Path) -> dict[Mention, set[str]]:
    """Every authorship's person(s), read from the store."""
    found: dict[Mention, set[str]] = defaultdict(set)
    with EmbeddedStore(store_dir, read_only=True) as store:
        result = store.query(PERSONS)
        assert isinstance(result, ox.QuerySolutions)
        for row in result:
            key = (str(row["id"].value), int(row["pos"].value))
            found[key].add(str(row["person"].value))
    return found


def linkable(truth: dict[Mention, str]) -> set[frozenset[Mention]]:
    """True pairs that shared co-authors join (union-find over each person's papers)."""
    papers: dict[str, set[str]] = defaultdict(set)
    for (paper, _), person in truth.items():
        papers[paper].add(person)
    parent: dict[Mention, Mention] = {m: m for m in truth}

    def root(m: Mention) -> Mention:
        while parent[m] != m:
            parent[m] = parent[parent[m]]
            m = parent[m]
        return m

    by_person: dict[str, list[Mention]] = defaultdict(list)
    for mention, person in truth.items():
        by_person[person].append(mention)
    for person, mentions in by_person.items():
        for a, b in combinations(mentions, 2):
            if (papers[a[0]] & papers[b[0]]) - {person}:
                parent[root(a)] = root(b)
    return {
        frozenset((a, b))
        for mentions in by_person.values()
        for a, b in combinations(mentions, 2)
        if root(a) == root(b)
    }


def pairs(counts: Iterable[int]) -> int:
    """Pairs within groups of these sizes."""
    return sum(n * (n - 1) // 2 for n in counts)


def score(truth: dict[Mention, str], predicted: dict[Mention, str]) -> dict[str, Any]:
    """Pairwise precision, recall and F1 of ``predicted`` persons against ``truth``."""
    mentions = sorted(truth)
    cells = Counter((truth[m], predicted.get(m, f"missing:{m}")) for m in mentions)
    true_pairs = pairs(Counter(truth[m] for m in mentions).values())
    predicted_pairs = pairs(Counter(predicted.get(m, f"missing:{m}") for m in mentions).values())
    hits = pairs(cells.values())
    joined = linkable(truth)
    joined_hits = sum(
        1
        for pair in joined
        if all(m in predicted for m in pair) and len(_persons(pair, predicted)) == 1
    )
    precision = hits / predicted_pairs if predicted_pairs else 1.0
    recall = hits / true_pairs if true_pairs else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {
        "mentions": len(mentions),
        "true_pairs": true_pairs,
        "predicted_pairs": predicted_pairs,
        "correct_pairs": hits,
        "precision": round(precision, 4),
        "recall": round(recall, 4),
        "f1": round(f1, 4),
        "true_pairs_with_evidence": len(joined),
        "recall_with_evidence": round(joined_hits / len(joined), 4) if joined else 1.0,
    }


def quality(params: dict[str, Any]) -> dict[str, Any]:
    work = Path(params["work"])
    shutil.rmtree(work, ignore_errors=True)
    labelled = identity_set.build()
    data = labelled.write(work / "identity-set.jsonl")
    config = config_for(work)
    with clocks() as measured:
        report = load_snapshot(config, data).report
    found = assignments(Path(config.store.path))
    predicted = {m: min(persons) for m, persons in found.items() if m in labelled.truth}
    reverse = _reverse_order(labelled, work / "reverse")
    homonym_pairs = _homonym_pairs(labelled)
    result = {
        "wall": measured.wall,
        "cpu": measured.cpu,
        "planted": labelled.counts,
        "records_loaded": report.records_loaded,
        "rejected": len(report.rejected),
        "mentions_without_person": sum(1 for m in labelled.truth if m not in predicted),
        "mentions_with_two_persons": sum(1 for p in found.values() if len(p) > 1),
        "homonym_pairs_merged": sum(
            1 for a, b in homonym_pairs if a in predicted and predicted.get(a) == predicted.get(b)
        ),
        "homonym_pairs": len(homonym_pairs),
        **_companions_found(labelled.truth, predicted),
        **score(labelled.truth, predicted),
        "order_agreement": _agreement(score(predicted, reverse)),
        # the same person IRI in both orders, not only the same persons
        "iri_agreement": round(
            sum(1 for m, p in predicted.items() if reverse.get(m) == p) / len(predicted), 4
        )
        if predicted
        else 1.0,
        "reverse": _agreement(score(labelled.truth, reverse)),
    }
    shutil.rmtree(work, ignore_errors=True)
    return result


def _reverse_order(labelled: identity_set.LabelledSet, work: Path) -> dict[Mention, str]:
    """Each labelled authorship's person when the set is loaded with its lines reversed."""
    lines = identity_set.LabelledSet(labelled.lines[::-1], labelled.truth, labelled.counts)
    config = config_for(work)
    load_snapshot(config, lines.write(work / "identity-set-reversed.jsonl"))
    found = assignments(Path(config.store.path))
    return {m: min(persons) for m, persons in found.items() if m in labelled.truth}


def _agreement(scored: dict[str, Any]) -> dict[str, Any]:
    keys = ("precision", "recall", "f1", "true_pairs", "predicted_pairs", "correct_pairs")
    return {k: scored[k] for k in keys}


def _homonym_pairs(labelled: identity_set.LabelledSet) -> list[tuple[Mention, Mention]]:
    """Pairs of planted homonyms (one name, different people)."""
    by_name: dict[str, list[Mention]] = defaultdict(list)
    for line in labelled.lines:
        for position, name in enumerate(identity_set.names_of(line), start=1):
            if name in identity_set.HOMONYM_NAMES:
                by_name[name].append((line["id"], position))
    return [pair for group in by_name.values() for pair in combinations(group, 2)]


def _companions_found(truth: dict[Mention, str], predicted: dict[Mention, str]) -> dict[str, int]:
    """True pairs with a mention on a synonym companion (the planted spelling, or the co-author
    beside it), and how many of them the pipeline found."""
    planted = [m for m in truth if m[0].startswith("9901.")]
    linked = {frozenset((a, b)) for a in planted for b in truth if b != a and truth[b] == truth[a]}
    found = sum(
        1
        for pair in linked
        if all(m in predicted for m in pair) and len(_persons(pair, predicted)) == 1
    )
    return {"companion_pairs": len(linked), "companion_pairs_found": found}


def _persons(pair: frozenset[Mention], predicted: dict[Mention, str]) -> set[str]:
    return {predicted[m] for m in pair}


STEPS = {"identity-quality": quality}
