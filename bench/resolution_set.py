"""The LABELLED resolution set: profile listings CONSTRUCTED from real recorded arXiv entries.

Every listing is built with ``tests/constructed.py``'s :func:`listing` from a real recorded API
entry (``tests/fixtures/arxiv/atom/``): its title, v1 date and first three authors in order, the
way a profile lists a paper. Kinds, each with its expected outcome:

* ``exact`` — the title as arXiv has it. Expected: resolved to that entry.
* ``near-miss`` — the title changed the way profiles change titles: the five hand-made ones of
  ``tests/test_resolution.py`` (abbreviation, punctuation, hyphenation, typo, dropped subtitle)
  and, on other entries, a one-letter typo, lower case without punctuation, a dropped subtitle
  or hyphens removed. Expected: resolved to that entry.
* ``decoy`` — an identical title whose listed first authors are other people, dated five days
  off (a different paper with the same title), or a title no entry has (words recombined from
  recorded titles). Expected: *not* resolved (unresolved or ambiguous).
"""

from __future__ import annotations

import datetime as dt
import random
import re
from dataclasses import dataclass, replace

from constructed import Listed, listing, recorded_records  # tests/constructed.py
from scholarkg.iris import title_key

HAND_MADE = {
    "2405.13786": "Towards Explainable Test Case Prioritisation with LTR Models",  # abbreviation
    "2302.03287": "ChatGPT and Software Testing Education - Promises and Perils",  # punctuation
    "2202.06271": "Modelbased Testing of Scratch Programs",  # hyphenation
    "2301.05651": "Mutation Testing of Deep Reinforcment Learning Based on Real Faults",  # typo
    "2007.10224": "Agent-Based Software Testing",  # dropped subtitle
}  # the near misses of tests/test_resolution.py
DECOY_AUTHORS = ("Ann Lee", "Bo Chen", "Cy Dunn")


@dataclass(frozen=True)
class Case:
    """One labelled profile paper."""

    kind: str  # exact | near-miss | decoy
    how: str
    paper: Listed
    expected: str | None  # the arXiv id it must resolve to; None: must not resolve


def usable_ids() -> list[str]:
    """Recorded entries a profile could list: a v1 date, authors, a title of 3+ words."""
    return [
        i
        for i, r in sorted(recorded_records().items())
        if r.published is not None and r.authors and len(r.title.split()) >= 3
    ]


def _typo(title: str, rng: random.Random) -> str | None:
    words = [w for w in title.split() if len(w) >= 7 and w.isalpha()]
    if not words:
        return None
    word = max(words, key=len)
    cut = rng.randrange(1, len(word) - 1)
    return title.replace(word, word[:cut] + word[cut + 1 :], 1)


def _variants(title: str, rng: random.Random) -> list[tuple[str, str | None]]:
    return [
        ("one-letter typo", _typo(title, rng)),
        ("lower case, no punctuation", re.sub(r"[^\w\s]", "", title).lower()),
        ("dropped subtitle", title.split(":")[0] if ":" in title else None),
        ("hyphens removed", title.replace("-", "") if "-" in title else None),
    ]


def build(seed: int = 11, exact: int = 50, near: int = 30, decoys: int = 20) -> list[Case]:
    """The labelled cases (deterministic for ``seed``); see the module doc."""
    rng = random.Random(seed)
    ids = [i for i in usable_ids() if i not in HAND_MADE]
    rng.shuffle(ids)
    cases = [Case("exact", "as arXiv has it", listing(i), i) for i in ids[:exact]]
    cases += [
        Case("near-miss", "hand-made (tests/test_resolution.py)", listing(i, title=t), i)
        for i, t in HAND_MADE.items()
    ]
    for arxiv_id in ids[exact:]:
        if sum(1 for c in cases if c.kind == "near-miss") >= near + len(HAND_MADE):
            break
        title = recorded_records()[arxiv_id].title
        options = [(how, t) for how, t in _variants(title, rng) if t and t != title]
        if options:
            how, changed = rng.choice(options)
            cases.append(Case("near-miss", how, listing(arxiv_id, title=changed), arxiv_id))
    cases += _decoys(rng, ids, decoys)
    return cases


def _decoys(rng: random.Random, ids: list[str], count: int) -> list[Case]:
    records = recorded_records()
    out: list[Case] = []
    for arxiv_id in ids[: count // 2]:
        real = records[arxiv_id]
        assert real.published is not None
        moved = real.published + dt.timedelta(days=5)
        paper = listing(arxiv_id, authors=DECOY_AUTHORS, date=moved)
        out.append(Case("decoy", "same title, other first authors, 5 days off", paper, None))
    known = {title_key(r.title) for r in records.values()}
    words = sorted({w for r in records.values() for w in r.title.split() if w.isalpha()})
    while len(out) < count:
        title = " ".join(rng.sample(words, 6)).capitalize()
        if title_key(title) in known:
            continue
        base = listing(ids[len(out)])
        out.append(
            Case(
                "decoy",
                "a title no entry has",
                replace(base, title=title, authors=DECOY_AUTHORS),
                None,
            )
        )
    return out


def pages(cases: list[Case], size: int = 25) -> dict[str, list[list[Case]]]:
    """Cases grouped by kind into profile pages of at most ``size`` papers."""
    out: dict[str, list[list[Case]]] = {}
    for kind in ("exact", "near-miss", "decoy"):
        mine = [c for c in cases if c.kind == kind]
        out[kind] = [mine[i : i + size] for i in range(0, len(mine), size)]
    return out
