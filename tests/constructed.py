"""CONSTRUCTED test inputs, built in the tests from real data so each test shows what it changed.

* :func:`profile_page` writes a profile page in the layout of the real sample page
  (``examples/profiles/leonard-hussenot.txt``) for papers given as :class:`Listed` entries;
  :func:`listing` lists a *real* recorded arXiv entry the way a profile does (its title, v1 date
  and first three authors, "et al." when there are more), with any field changed on purpose.
* :func:`variant_entry` copies a *real* recorded Atom entry and changes stated fields (id, title,
  authors, date) — a decoy or a second submission of the same paper — for the assembled answers
  of the replay server. Constructed ids use the ``90MM.NNNNN`` range no e-print can have.
* :func:`snapshot_line` copies a real snapshot line (``kaggle/snapshot_sample_100.jsonl``) with
  its id and authors changed.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path

from lxml import etree

from arxiv_assembled import ATOM, ATOM_DIR, Entry
from scholarkg.extract.atom import parse_feed
from scholarkg.iris import fold
from scholarkg.models import ArxivRecord

KAGGLE = Path(__file__).parent / "fixtures" / "arxiv" / "kaggle" / "snapshot_sample_100.jsonl"


@dataclass(frozen=True)
class Listed:
    """One paper as a profile page lists it."""

    title: str
    date: dt.date
    authors: tuple[str, ...]
    truncated: bool = False
    code: str = "SE"
    organizations: tuple[str, ...] = ()
    abstract: str | None = "Constructed abstract."
    has_code: bool = False


def profile_page(name: str, papers: list[Listed], *, code: str = "SE", h_index: int = 10) -> bytes:
    lines = [
        name, "", code, f"h-index{h_index}", f"{len(papers)}papers", "1,000citations",
        "Novelty40%", "AI Score20", "", f"{len(papers)} Papers", "",
    ]  # fmt: skip
    for paper in papers:
        when = paper.date.strftime("%b %-d, %Y")
        lines += [f"{paper.code}{when}{'Code' if paper.has_code else ''}", paper.title, ""]
        listed = ", ".join(paper.authors) + (" et al." if paper.truncated else "")
        if paper.organizations:
            listed += " · " + ", ".join(paper.organizations)
        lines += [listed, ""]
        if paper.abstract:
            lines += [paper.abstract, ""]
    return ("\n".join(lines) + "\n").encode("utf-8")


@lru_cache(maxsize=1)
def recorded_records() -> dict[str, ArxivRecord]:
    """Every real recorded Atom entry, by arXiv id."""
    found: dict[str, ArxivRecord] = {}
    for path in sorted(ATOM_DIR.glob("*.xml")):
        try:
            records = parse_feed(path.read_bytes(), source=str(path)).records
        except Exception:  # error feeds
            continue
        for record in records:
            found.setdefault(record.arxiv_id, record)
    return found


def listing(arxiv_id: str, **changes: object) -> Listed:
    """How a profile lists the real record ``arxiv_id`` (fields in ``changes`` replaced)."""
    record = recorded_records()[arxiv_id]
    names = tuple(a.name for a in record.authors)
    assert record.published is not None
    base = Listed(record.title, record.published, names[:3], truncated=len(names) > 3)
    return replace(base, **changes)  # type: ignore[arg-type]


@lru_cache(maxsize=1)
def _entries_xml() -> dict[str, bytes]:
    from arxiv_assembled import recorded_entries

    return {i: xml for i, (_, _, xml) in recorded_entries().items()}


def variant_entry(
    arxiv_id: str,
    new_id: str,
    *,
    title: str | None = None,
    authors: tuple[str, ...] | None = None,
    published: dt.date | None = None,
) -> tuple[str, Entry]:
    """A copy of the real entry ``arxiv_id`` as ``new_id`` with the given fields changed."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    entry = etree.fromstring(_entries_xml()[arxiv_id], parser)
    ns = {"a": ATOM}
    entry.find("a:id", ns).text = f"http://arxiv.org/abs/{new_id}v1"  # type: ignore[union-attr]
    if title is not None:
        entry.find("a:title", ns).text = title  # type: ignore[union-attr]
    if published is not None:
        stamp = f"{published.isoformat()}T12:00:00Z"
        entry.find("a:published", ns).text = stamp  # type: ignore[union-attr]
        entry.find("a:updated", ns).text = stamp  # type: ignore[union-attr]
    if authors is not None:
        for old in entry.findall("a:author", ns):
            entry.remove(old)
        anchor = entry.find("a:summary", ns)
        position = list(entry).index(anchor) + 1 if anchor is not None else len(entry)
        for offset, name in enumerate(authors):
            author = etree.Element(f"{{{ATOM}}}author")
            etree.SubElement(author, f"{{{ATOM}}}name").text = name
            entry.insert(position + offset, author)
    xml = re.sub(
        rb"(/abs/)" + re.escape(arxiv_id.encode()),
        rb"\g<1>" + new_id.encode(),
        etree.tostring(entry),
    )
    final_title = entry.findtext("a:title", namespaces=ns) or ""
    return new_id, (fold(final_title), 1, xml)


@lru_cache(maxsize=1)
def snapshot_lines() -> dict[str, dict[str, object]]:
    lines = {}
    for raw in KAGGLE.read_text(encoding="utf-8").splitlines():
        data = json.loads(raw)
        lines[data["id"]] = data
    return lines


def snapshot_line(
    arxiv_id: str, *, new_id: str | None = None, authors: list[str] | None = None
) -> str:
    """A real snapshot line, its id and (structured) authors changed as asked."""
    data = dict(snapshot_lines()[arxiv_id])
    if new_id is not None:
        data["id"] = new_id
    if authors is not None:
        data["authors"] = ", ".join(authors)
        data["authors_parsed"] = [[n.split()[-1], " ".join(n.split()[:-1]), ""] for n in authors]
    return json.dumps(data, ensure_ascii=False)


__all__ = ["Listed", "field", "listing", "profile_page", "snapshot_line", "variant_entry"]
