"""The resolver keeps the persons merged away only while the batch that merged them decides
its papers (the persons it read on them may have been merged since): a run of many merges
holds no more than its last batch's. Before, every person merged away in the run was kept to
its end. CONSTRUCTED names: for each of N surnames, ``Damian S`` beside ``Victor Y``, ``Damian
S`` beside ``Anna Z`` (a person of its own: nothing links it), then ``D. S`` beside both,
which links and merges the two."""

from __future__ import annotations

from pathlib import Path

from paper_mentions import listed_paper
from scholarkg.identity.registry import Registry
from scholarkg.identity.resolver import IdentityResolver

LETTERS = "bcdfghklmnprstvz"


def _surname(k: int) -> str:
    return "Ro" + "".join(LETTERS[int(d, 16)] for d in f"{k:03x}") + "er"


def _papers(count: int) -> list:  # type: ignore[type-arg]
    papers = []
    for k in range(count):
        name, a, b = _surname(k), f"Victor {_surname(k + 1000)}", f"Anna {_surname(k + 2000)}"
        papers += [
            listed_paper(f"2102.{3 * k:05d}", f"Damian {name}", a),
            listed_paper(f"2102.{3 * k + 1:05d}", f"Damian {name}", b),
            listed_paper(f"2102.{3 * k + 2:05d}", f"D. {name}", a, b),
        ]
    return papers


def test_the_persons_merged_away_are_kept_for_their_batch_only(tmp_path: Path) -> None:
    reg = Registry(tmp_path / "identity.sqlite")
    resolver = IdentityResolver(reg)
    papers = _papers(60)
    for start in range(0, len(papers), 30):  # batches of ten surnames
        resolver.restate(papers[start : start + 30])
    merged = reg.db.execute("SELECT COUNT(*) FROM persons WHERE merged_into IS NOT NULL")
    assert merged.fetchone()[0] == 60
    assert len(resolver._retired) == 10  # the last batch's
    # each surname's three authorships are one live person
    rows = reg.db.execute("SELECT node, person FROM mentions").fetchall()
    assert len(rows) == 60 * 7 and len({p for n, p in rows if "/authorship/1" in n}) == 60
    for k in range(60):
        firsts = reg.mentions([p.authors[0].node for p in papers[3 * k : 3 * k + 3]])
        assert len({reg.live(m.person) for m in firsts.values()}) == 1
