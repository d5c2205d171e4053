"""SYNTHETIC arXiv snapshot records of realistic shape, for benchmarks only.

Every generated record is labelled: its id is a new-style identifier from 1990 (``90MM.NNNNN``
…), a year before new-style identifiers existed, so it can never be a real e-print; its
``submitter`` is ``SYNTHETIC (bench/generate.py)`` and its ``comments`` say it was generated.
Shapes and frequencies (authors per paper, versions, categories, DOI / journal reference /
licence presence, abstract length, affiliations) are drawn from the 100 real records of
``tests/fixtures/arxiv/kaggle/snapshot_sample_100.jsonl``; words and names are recombined from
them.

**Authors** are a synthetic population (:mod:`population`): persons in co-author communities,
with Zipf-like productivity, so co-authors recur as on arXiv and one name block (surname + first
initial) holds several different people; a few mentions write the given name as an initial.

A fraction ``problems`` of the records (1 % by default) carries one data problem the SHACL gate
reports, named in its ``comments``: a category that is an archive *group* (``group/cs``: a
violation, the record is rejected; ``violations`` of the problems), no dated version (warning),
a DOI with a short registrant (warning) or no abstract (info).

Deterministic by seed and streaming: memory does not grow with ``n``.

    python bench/generate.py --n 10000 --out /tmp/arxiv-10000.jsonl
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from population import Population

ROOT = Path(__file__).resolve().parents[1]
REAL_SAMPLE = ROOT / "tests" / "fixtures" / "arxiv" / "kaggle" / "snapshot_sample_100.jsonl"
LABEL = "SYNTHETIC (bench/generate.py)"
VERSION = 4  # bump when the records change (the bench caches generated files by version)
SEED = 20240601
# No version is dated later: a record dated after its snapshot file was written is quarantined,
# so an input dated past the day it is generated would change with that day (version 3 dated a
# few records up to 2029; their later versions are moved back to this, the draws unchanged).
LATEST = dt.datetime(2026, 11, 30, 12, 0, 0)
_WORD = re.compile(r"[A-Za-z][A-Za-z\-]+")

# The injected problems. The violation: a category that is an arXiv archive group, not a
# category ("group/cs"); the shapes require every skg:category to be a category IRI.
VIOLATION = "group as category"
PROBLEMS = ("no dated version", "short DOI registrant", "no abstract")


def real_records() -> list[dict[str, Any]]:
    """The 100 real snapshot records (arXiv metadata, CC0)."""
    lines = REAL_SAMPLE.read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


class Model:
    """Empirical distributions taken from the real sample."""

    def __init__(self, sample: list[dict[str, Any]]) -> None:
        authors = [a for r in sample for a in r["authors_parsed"]]
        self.last_names = sorted({a[0] for a in authors if a[0]})
        self.first_names = sorted({a[1] for a in authors if len(a) > 1 and a[1]})
        self.affiliations = sorted({a[3] for a in authors if len(a) > 3 and a[3]})
        self.author_counts = [len(r["authors_parsed"]) for r in sample]
        self.version_counts = [len(r["versions"]) for r in sample]
        self.categories = [r["categories"] for r in sample]
        self.abstract_words = [len(r["abstract"].split()) for r in sample]
        self.title_words = [len(r["title"].split()) for r in sample]
        self.words = sorted({w.lower() for r in sample for w in _WORD.findall(r["abstract"])})
        self.licenses = [r["license"] for r in sample]
        self.p_doi = sum(1 for r in sample if r["doi"]) / len(sample)
        self.p_journal = sum(1 for r in sample if r["journal-ref"]) / len(sample)
        self.p_affiliated = sum(1 for a in authors if len(a) > 3) / len(authors)


def _text(rng: random.Random, model: Model, n_words: int, width: int = 0) -> str:
    words = [rng.choice(model.words) for _ in range(max(n_words, 1))]
    if rng.random() < 0.3:  # LaTeX, as in many abstracts
        words.insert(rng.randrange(len(words)), "$\\mathcal{O}(n^2)$")
    text = " ".join(words)
    if not width:
        return text[0].upper() + text[1:]
    lines, line = [], ""
    for word in text.split(" "):
        if line and len(line) + len(word) + 1 > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    return "  " + "\n".join([*lines, line]) + "\n"


def _rfc2822(when: dt.datetime) -> str:
    return when.strftime("%a, %d %b %Y %H:%M:%S GMT")


def synthetic_id(index: int) -> str:
    """``90MM.NNNNN`` and on (1990-1999, months 01-12): never a real new-style identifier."""
    year, rest = divmod(index, 12 * 100_000)
    month, number = divmod(rest, 100_000)
    return f"{90 + year:02d}{month + 1:02d}.{number:05d}"


def inject(item: dict[str, Any], problem: str) -> None:
    """Give ``item`` one data problem, named in its comments."""
    if problem == VIOLATION:
        item["categories"] += " group/cs"
    elif problem == "no dated version":
        item["versions"] = []
    elif problem == "short DOI registrant":
        item["doi"] = f"10.12/synthetic.{item['id']}"
    else:
        item["abstract"] = ""
    item["comments"] += f" (injected problem: {problem})"


def _authors(rng: random.Random, model: Model, people: Population, index: int) -> list[list[str]]:
    authors = []
    for first, last in people.paper_authors(rng, index, rng.choice(model.author_counts)):
        entry = [last, first, ""]
        if rng.random() < model.p_affiliated:
            entry.append(rng.choice(model.affiliations))
        authors.append(entry)
    return authors


def record(
    rng: random.Random,
    model: Model,
    people: Population,
    index: int,
    problems: float = 0.01,
    violations: float = 0.05,
) -> dict[str, Any]:
    """One synthetic snapshot record (with one injected problem, at rate ``problems``)."""
    authors = _authors(rng, model, people, index)
    start = dt.datetime(2007, 4, 1) + dt.timedelta(seconds=rng.randrange(17 * 365 * 86400))
    versions = []
    when = start
    for number in range(1, rng.choice(model.version_counts) + 1):
        versions.append({"version": f"v{number}", "created": _rfc2822(min(when, LATEST))})
        when += dt.timedelta(seconds=rng.randrange(1, 400 * 86400))
    last = dt.datetime.strptime(versions[-1]["created"], "%a, %d %b %Y %H:%M:%S GMT")
    names = [f"{a[1]} {a[0]}" for a in authors]
    item: dict[str, Any] = {
        "id": synthetic_id(index),
        "submitter": LABEL,
        "authors": ", ".join(names[:-1]) + (" and " if len(names) > 1 else "") + names[-1],
        "title": _text(rng, model, rng.choice(model.title_words)),
        "comments": f"{LABEL}: generated record {index}, not an arXiv e-print",
        "journal-ref": (
            f"Synthetic J. {rng.randrange(1, 200)} ({start.year}) {rng.randrange(1, 999)}"
            if rng.random() < model.p_journal
            else None
        ),
        "doi": f"10.{rng.randrange(1000, 99999)}/synthetic.{index}"
        if rng.random() < model.p_doi
        else None,
        "report-no": None,
        "categories": rng.choice(model.categories),
        "license": rng.choice(model.licenses),
        "abstract": _text(rng, model, rng.choice(model.abstract_words), width=78),
        "versions": versions,
        "update_date": last.date().isoformat(),
        "authors_parsed": authors,
    }
    if rng.random() < problems:
        inject(item, VIOLATION if rng.random() < violations else rng.choice(PROBLEMS))
    return item


def records(
    n: int, seed: int = SEED, problems: float = 0.01, violations: float = 0.05
) -> Iterator[dict[str, Any]]:
    """The bench input: the real sample first, then ``n - 100`` synthetic records."""
    sample = real_records()
    yield from sample[:n]
    rng = random.Random(seed)
    model = Model(sample)
    people = Population(model.first_names, model.last_names, seed)
    for index in range(max(n - len(sample), 0)):
        yield record(rng, model, people, index, problems, violations)


def write(
    path: Path, n: int, seed: int = SEED, problems: float = 0.01, violations: float = 0.05
) -> Path:
    """Write the bench input (JSON lines) to ``path``, streaming."""
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".partial")
    with partial.open("w", encoding="utf-8") as out:
        for item in records(n, seed, problems, violations):
            out.write(json.dumps(item, ensure_ascii=False) + "\n")
    partial.replace(path)
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--n", type=int, required=True, help="records (100 real + synthetic)")
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--problems", type=float, default=0.01, help="share of records with one")
    parser.add_argument("--violations", type=float, default=0.05, help="share of problems")
    args = parser.parse_args()
    print(write(args.out, args.n, args.seed, args.problems, args.violations))


if __name__ == "__main__":
    main()
