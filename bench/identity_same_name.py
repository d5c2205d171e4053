"""Same-name evidence other than a shared co-author, measured after the fact (issue 9).

Every recall miss of :mod:`identity_quality` is one name written alike on two records that share
no co-author, which the resolver keeps apart on purpose (a shared name alone never joins two
authorships). This asks whether what the records *do* carry tells those pairs from the planted
homonyms: the labelled set (:mod:`identity_set`) is loaded as the bench loads it, then, for each
candidate rule, the persons of two authorships written with one full name (the given name
written out, not an initial) are joined when the rule holds on the two records — categories,
version dates, title words — and the result is scored pairwise against the truth, with the
planted homonym pairs it merges. Nothing here is a resolver rule; the outcome is in
``HISTORY.md`` (2026-12-06, session 38)::

    PYTHONPATH=src .venv/bin/python bench/identity_same_name.py

The companion records (``9901.*``) carry another record's content, so a rule on content cannot
link their planted spelling; only 1 of the set's authorships lists an affiliation.
"""

from __future__ import annotations

import re
import sys
import tempfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from itertools import combinations
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
for _path in (BENCH, BENCH.parent / "tests"):
    if str(_path) not in sys.path:
        sys.path.insert(0, str(_path))

import identity_quality  # noqa: E402
import identity_set  # noqa: E402
from scholarkg.identity.names import name_key  # noqa: E402

Mention = tuple[str, int]
_STOP = frozenset(
    {"a", "an", "the", "of", "for", "and", "in", "on", "to", "with", "by", "from", "using"}
    | {"via", "at", "as", "is", "are", "its", "their", "toward", "towards", "based"}
)


@dataclass(frozen=True)
class Carried:
    """What a record tells of one of its authorships, beside the co-authors."""

    name: str
    categories: tuple[str, ...]  # the primary first
    first: float  # year of the first and of the last version, as fractional years
    last: float
    words: frozenset[str]  # the title's words of three letters or more, but common ones


Rule = Callable[[Carried, Carried], bool]


def carried(line: identity_set.Line, position: int) -> Carried:
    """What ``line`` carries of its author at ``position`` (1-based)."""
    years = [_year(v["created"]) for v in line.get("versions") or []] or [0.0]
    title = str(line.get("title") or "").lower()
    return Carried(
        identity_set.names_of(line)[position - 1],
        tuple(str(line.get("categories") or "").split()),
        min(years),
        max(years),
        frozenset(w for w in re.findall(r"[a-z]{3,}", title) if w not in _STOP),
    )


def _year(created: str) -> float:
    when = parsedate_to_datetime(created)
    return when.year + (when.timetuple().tm_yday - 1) / 366


def written_out(name: str) -> bool:
    """The given name is written out (``Gordon Fraser``), not an initial (``G. Fraser``)."""
    words = name.split()
    return len(words) > 1 and len(words[0]) > 1 and not words[0].endswith(".")


def gap(a: Carried, b: Carried) -> float:
    """Years between the two records' version spans (0 where they overlap)."""
    return max(0.0, max(a.first, b.first) - min(a.last, b.last))


def _shared(a: Carried, b: Carried) -> bool:
    return bool(set(a.categories) & set(b.categories))


def _primary(a: Carried, b: Carried) -> bool:
    return a.categories[:1] == b.categories[:1]


def _archive(a: Carried) -> str:
    return a.categories[0].split(".")[0] if a.categories else ""


def _within(rule: Rule, years: float) -> Rule:
    """``rule``, and the two records' versions at most ``years`` apart."""
    return lambda a, b: rule(a, b) and gap(a, b) <= years


def _title(least: float) -> Rule:
    """A share of at least ``least`` of the two titles' words in common (Jaccard)."""

    def rule(a: Carried, b: Carried) -> bool:
        union = a.words | b.words
        return bool(union) and len(a.words & b.words) / len(union) >= least

    return rule


CANDIDATES: dict[str, Rule] = {
    "same name": lambda a, b: True,
    "+ a shared category": _shared,
    "+ the same primary category": _primary,
    "+ the same archive (cs, math, …)": lambda a, b: _archive(a) == _archive(b),
    **{f"+ the same primary category, ≤ {w} y apart": _within(_primary, w) for w in (1, 2, 3, 5)},
    **{f"+ a shared category, ≤ {w} y apart": _within(_shared, w) for w in (1, 2, 3, 5)},
    **{f"+ title words in common ≥ {t}": _title(t) for t in (0.1, 0.2, 0.3)},
}


def joined(
    predicted: Mapping[Mention, str], carries: Mapping[Mention, Carried], rule: Rule
) -> dict[Mention, str]:
    """``predicted`` with the persons of every two authorships of one written-out full name
    that ``rule`` holds for made one (union-find over persons)."""
    parent: dict[str, str] = {}

    def root(person: str) -> str:
        parent.setdefault(person, person)
        while parent[person] != person:
            parent[person] = parent[parent[person]]
            person = parent[person]
        return person

    by_name: dict[str, list[Mention]] = {}
    for mention, what in carries.items():
        if mention in predicted and written_out(what.name):
            by_name.setdefault(name_key(what.name), []).append(mention)
    for mentions in by_name.values():
        for a, b in combinations(sorted(mentions), 2):
            if predicted[a] != predicted[b] and rule(carries[a], carries[b]):
                parent[root(predicted[a])] = root(predicted[b])
    return {m: root(p) for m, p in predicted.items()}


def scored(
    truth: Mapping[Mention, str],
    predicted: Mapping[Mention, str],
    homonyms: list[tuple[Mention, Mention]],
) -> dict[str, Any]:
    """Pairwise precision and recall, and the planted homonym pairs made one."""
    result = identity_quality.score(dict(truth), dict(predicted))
    merged = [(a, b) for a, b in homonyms if predicted.get(a, a) == predicted.get(b, b)]
    return {
        "precision": result["precision"],
        "recall": result["recall"],
        "homonym_pairs_merged": len(merged),
        "merged": sorted({f"{a[0]}~{b[0]}" for a, b in merged}),
    }


def measure(work: Path) -> dict[str, dict[str, Any]]:
    """Each candidate's scores on the labelled set loaded through the pipeline."""
    from ingest_steps import config_for
    from scholarkg.runs.arxiv_snapshot import load_snapshot

    labelled = identity_set.build()
    config = config_for(work)
    load_snapshot(config, labelled.write(work / "identity-set.jsonl"))
    found = identity_quality.assignments(Path(config.store.path))
    predicted = {m: min(p) for m, p in found.items() if m in labelled.truth}
    lines = {line["id"]: line for line in labelled.lines}
    carries = {m: carried(lines[m[0]], m[1]) for m in labelled.truth}
    homonyms = identity_quality._homonym_pairs(labelled)
    out = {"(the resolver)": scored(labelled.truth, predicted, homonyms)}
    for label, rule in CANDIDATES.items():
        out[label] = scored(labelled.truth, joined(predicted, carries, rule), homonyms)
    return out


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="same-name-") as work:
        rows = measure(Path(work))
    print(f"{'candidate (one written-out full name, and …)':48} {'P':>6} {'R':>6}  homonyms")
    for label, row in rows.items():
        merged = ", ".join(row["merged"][:3]) + (" …" if len(row["merged"]) > 3 else "")
        print(
            f"{label:48} {row['precision']:6.3f} {row['recall']:6.3f}  "
            f"{row['homonym_pairs_merged']:2d} {merged}"
        )


if __name__ == "__main__":
    main()
