"""The LABELLED identity set: REAL arXiv records with CONSTRUCTED homonyms and synonyms.

Real records: the 100 snapshot lines of ``tests/fixtures/arxiv/kaggle/snapshot_sample_100.jsonl``
and the recorded arXiv API entries of ``tests/fixtures/arxiv/atom/`` (provenance:
``tests/fixtures/arxiv/PROVENANCE.md``), the latter written as snapshot lines. Truth for real
authors: one person per folded full name (the set is small and topical; most recurring names
share co-authors, and the few that do not are counted apart as *without evidence*).

Planted, each labelled in the record's ``comments``:

* **homonyms** — in ``HOMONYM_GROUPS`` groups of three unrelated records (no name block in
  common), one author who occurs once in the set is renamed to one common name
  (``HOMONYM_NAMES``). Truth: three different people.
* **synonyms** — a *companion* record (id ``9901.NNNNN``, no e-print has it; content copied from
  another real record) lists a real author written differently — initials (``M. A. Yurkin``),
  first initial only, or without accents (``Dirk Wubben``) — beside one of their real
  co-authors, as written on the original. Truth: the same person as the original author.
  Without a shared co-author the resolver by design does not link two spellings.
"""

from __future__ import annotations

import datetime as dt
import json
import random
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from scholarkg.identity.names import block, is_group, name_key
from scholarkg.models import ArxivRecord

ROOT = Path(__file__).resolve().parents[1]
KAGGLE = ROOT / "tests" / "fixtures" / "arxiv" / "kaggle" / "snapshot_sample_100.jsonl"
HOMONYM_GROUPS = 8
HOMONYM_NAMES = (
    "Wei Wang", "Jun Li", "Yang Liu", "Hao Zhang", "David Miller", "Maria Garcia",
    "Anna Novak", "Peter Schmidt", "Kenji Sato", "Rahul Gupta",
)  # fmt: skip
SYNONYMS = 40
LABEL = "CONSTRUCTED (bench/identity_set.py)"

Line = dict[str, Any]


@dataclass
class LabelledSet:
    """Records (snapshot lines) and, per (arXiv id, position), the true person."""

    lines: list[Line] = field(default_factory=list)
    truth: dict[tuple[str, int], str] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)

    def write(self, path: Path) -> Path:
        path.parent.mkdir(parents=True, exist_ok=True)
        text = "".join(json.dumps(line, ensure_ascii=False) + "\n" for line in self.lines)
        path.write_text(text, encoding="utf-8")
        return path


def _rfc2822(when: dt.datetime) -> str:
    return when.strftime("%a, %d %b %Y %H:%M:%S GMT")


def api_line(record: ArxivRecord) -> Line:
    """A recorded API entry written as a snapshot line (names split at the last word)."""
    parsed = [[a.name.split()[-1], " ".join(a.name.split()[:-1]), ""] for a in record.authors]
    versions = [
        {"version": f"v{v.number}", "created": _rfc2822(v.date)} for v in record.versions if v.date
    ]
    return {
        "id": record.arxiv_id,
        "submitter": None,
        "authors": ", ".join(a.name for a in record.authors),
        "title": record.title,
        "comments": record.comment,
        "journal-ref": record.journal_ref,
        "doi": record.doi,
        "report-no": None,
        "categories": " ".join(record.categories),
        "license": record.license,
        "abstract": record.abstract,
        "versions": versions,
        "update_date": record.updated.isoformat() if record.updated else None,
        "authors_parsed": parsed,
    }


def real_lines() -> list[Line]:
    from constructed import recorded_records  # tests/constructed.py

    kaggle = [json.loads(x) for x in KAGGLE.read_text(encoding="utf-8").splitlines() if x]
    seen = {line["id"] for line in kaggle}
    api = [api_line(r) for i, r in sorted(recorded_records().items()) if i not in seen]
    return kaggle + [line for line in api if line["authors_parsed"]]


def names_of(line: Line) -> list[str]:
    return [" ".join(p for p in (a[1], a[0]) if p) for a in line["authors_parsed"]]


def set_name(line: Line, position: int, name: str) -> None:
    """Rename the author at ``position`` (1-based) in both author fields."""
    line["authors_parsed"][position - 1] = [name.split()[-1], " ".join(name.split()[:-1]), ""]
    line["authors"] = ", ".join(names_of(line))


def note(line: Line, text: str) -> None:
    line["comments"] = f"{line.get('comments') or ''} [{LABEL}: {text}]".strip()


def strip_accents(name: str) -> str:
    decomposed = unicodedata.normalize("NFD", name)
    return unicodedata.normalize("NFC", "".join(c for c in decomposed if not _mark(c)))


def _mark(char: str) -> bool:
    return unicodedata.combining(char) > 0


def variant(name: str, turn: int) -> tuple[str, str]:
    """Another spelling of ``name`` and its kind: accents dropped, or initials."""
    words = name.split()
    if strip_accents(name) != name:
        return strip_accents(name), "without accents"
    given = [w for w in words[:-1] if w[:1].isalpha()]
    if turn % 2 == 0 or len(given) < 2:
        return f"{given[0][0]}. {words[-1]}", "first initial"
    return " ".join(f"{w[0]}." for w in given) + f" {words[-1]}", "initials"


def build(seed: int = 7) -> LabelledSet:
    """The labelled set (deterministic for ``seed``); see the module doc."""
    rng = random.Random(seed)
    out = LabelledSet(lines=real_lines())
    for line in out.lines:
        for position, name in enumerate(names_of(line), start=1):
            if not is_group(name):
                out.truth[(line["id"], position)] = name_key(name)
    out.counts["real records"] = len(out.lines)
    out.counts["real mentions"] = len(out.truth)
    used = _plant_homonyms(out, rng)
    _plant_synonyms(out, rng, used)
    rng.shuffle(out.lines)
    return out


def _singletons(out: LabelledSet) -> set[str]:
    labels = list(out.truth.values())
    return {x for x in labels if labels.count(x) == 1}


def _plant_homonyms(out: LabelledSet, rng: random.Random) -> set[str]:
    once = _singletons(out)
    taken = {block(n) for line in out.lines for n in names_of(line)}
    names = [n for n in HOMONYM_NAMES if block(n) not in taken][:HOMONYM_GROUPS]
    pool = [x for x in out.lines if x["authors_parsed"]]
    rng.shuffle(pool)
    used: set[str] = set()
    for name in names:
        group: list[tuple[Line, int]] = []
        blocks: set[str] = set()
        for line in pool:
            if line["id"] in used or len(group) == 3:
                continue
            mine = {block(n) for n in names_of(line)}
            spots = [
                p for p, n in enumerate(names_of(line), 1) if out.truth.get((line["id"], p)) in once
            ]
            if spots and not mine & blocks:
                group.append((line, rng.choice(spots)))
                blocks |= mine
        for line, position in group:
            used.add(line["id"])
            set_name(line, position, name)
            note(line, f"homonym: author {position} renamed to {name!r} (a different person)")
    out.counts["homonym groups"] = len(names)
    out.counts["homonym mentions"] = 3 * len(names)
    return used


def _plant_synonyms(out: LabelledSet, rng: random.Random, used: set[str]) -> None:
    originals = [x for x in out.lines if x["id"] not in used and len(x["authors_parsed"]) >= 2]
    accented = [x for x in originals if any(strip_accents(n) != n for n in names_of(x))]
    rest = [x for x in originals if x not in accented]
    rng.shuffle(rest)
    chosen = (accented + rest)[: SYNONYMS + 10]  # a few have no usable spelling
    contents = [x for x in out.lines if x not in chosen]
    kinds: dict[str, int] = {}
    for number, line in enumerate(chosen, start=1):
        if sum(kinds.values()) == SYNONYMS:
            break
        names = names_of(line)
        people = [p for p, n in enumerate(names, 1) if not is_group(n) and len(n.split()) > 1]
        spellings = {p: variant(names[p - 1], number) for p in people}
        targets = [p for p in people if spellings[p][0] != names[p - 1]]
        if len(people) < 2 or not targets:
            continue
        accents = [p for p in targets if spellings[p][1] == "without accents"]
        target = accents[0] if accents else rng.choice(targets)
        partner = rng.choice([p for p in people if p != target])
        spelled, kind = spellings[target]
        kinds[kind] = kinds.get(kind, 0) + 1
        companion = dict(rng.choice(contents))
        companion["id"] = f"9901.{number:05d}"
        companion["submitter"], companion["comments"] = LABEL, None
        companion["authors_parsed"] = [["x", "", ""], ["x", "", ""]]
        order = [(spelled, target), (names[partner - 1], partner)]
        rng.shuffle(order)
        for position, (name, original) in enumerate(order, start=1):
            set_name(companion, position, name)
            out.truth[(companion["id"], position)] = out.truth[(line["id"], original)]
        note(companion, f"synonym companion of {line['id']}: {spelled!r} ({kind})")
        out.lines.append(companion)
    out.counts["synonym companions"] = sum(kinds.values())
    out.counts.update({f"synonyms: {k}": n for k, n in sorted(kinds.items())})
