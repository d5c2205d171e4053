"""Answers the replay server assembles from recorded entries, for requests never recorded.

ASSEMBLED FOR TESTS: the arXiv API answers title searches and ``id_list`` batches that no
recording covers. To test resolution end to end, the replay server (``assemble=True``) answers
them with a feed whose ``<entry>`` elements are *recorded* entries (parsed from
``tests/fixtures/arxiv/atom/*.xml`` and re-serialised, content unchanged), plus any entries a test
adds (``extra``: CONSTRUCTED entries, each a real entry with stated changes, see the test). Only
the feed wrapper (opensearch counts) is built here. The query language follows arXiv's: clauses
joined by ``OR``; a clause is ``ti:"phrase"`` (the folded title contains the words in order),
``ti:word``, or a parenthesised ``AND``/``OR`` group of ``ti:word``. Entries are ranked by how many
clauses and words they match (arXiv ranks by relevance), then by id.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from urllib.parse import parse_qs

from lxml import etree

from scholarkg.extract.arxiv_ids import parse_arxiv_id
from scholarkg.iris import fold

ATOM = "http://www.w3.org/2005/Atom"
ATOM_DIR = Path(__file__).parent / "fixtures" / "arxiv" / "atom"
_CLAUSE = re.compile(r'ti:"(?P<phrase>[^"]*)"|\((?P<group>[^()]*)\)|ti:(?P<word>[^\s()]+)')

Entry = tuple[str, int | None, bytes]


@lru_cache(maxsize=1)
def recorded_entries() -> dict[str, Entry]:
    """arXiv id → (folded title, version, entry XML) over every recorded 200 feed."""
    entries: dict[str, Entry] = {}
    for path in sorted(ATOM_DIR.glob("*.xml")):
        entries_of(path.read_bytes(), entries)
    return entries


def entries_of(feed: bytes, into: dict[str, Entry]) -> dict[str, Entry]:
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    root = etree.fromstring(feed, parser)
    for entry in root.iter(f"{{{ATOM}}}entry"):
        ident = entry.findtext(f"{{{ATOM}}}id") or ""
        title = entry.findtext(f"{{{ATOM}}}title") or ""
        if "/api/errors" in ident or title == "Error":
            continue
        parsed = parse_arxiv_id(ident)
        into.setdefault(parsed.arxiv_id, (fold(title), parsed.version, etree.tostring(entry)))
    return into


def feed(entries: list[bytes], query: str, total: int | None = None) -> bytes:
    head = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<feed xmlns="{ATOM}" xmlns:opensearch="http://a9.com/-/spec/opensearch/1.1/" '
        'xmlns:arxiv="http://arxiv.org/schemas/atom">'
        f"<id>https://arxiv.org/api/assembled</id><title>{query}</title>"
        "<updated>2026-01-01T00:00:00Z</updated>"
        f"<opensearch:totalResults>{len(entries) if total is None else total}"
        "</opensearch:totalResults>"
        "<opensearch:startIndex>0</opensearch:startIndex>"
        f"<opensearch:itemsPerPage>{len(entries)}</opensearch:itemsPerPage>"
    )
    return head.encode() + b"".join(entries) + b"</feed>"


def _split_or(query: str) -> list[str]:
    """Top-level clauses of ``a OR b OR (c AND d)`` (not inside quotes or parentheses)."""
    out, depth, quoted, current = [], 0, False, ""
    i = 0
    while i < len(query):
        c = query[i]
        if c == '"':
            quoted = not quoted
        elif not quoted and c in "()":
            depth += 1 if c == "(" else -1
        if not quoted and depth == 0 and query.startswith(" OR ", i):
            out.append(current)
            current = ""
            i += 4
            continue
        current += c
        i += 1
    return [c.strip() for c in [*out, current] if c.strip()]


def _clause_score(clause: str, title: str) -> int:
    """How well one clause matches a folded title (0: no match)."""
    words = f" {title} "
    match = _CLAUSE.fullmatch(clause)
    if match is None:
        return 0
    if match["phrase"] is not None:
        return 10 if f" {fold(match['phrase'])} " in words else 0
    if match["word"] is not None:
        return 1 if f" {fold(match['word'])} " in words else 0
    group = match["group"] or ""
    operator = " AND " if " AND " in group else " OR "
    terms = [fold(t.removeprefix("ti:")) for t in group.split(operator)]
    hits = sum(1 for t in terms if f" {t} " in words)
    if operator == " AND ":
        return hits if hits == len(terms) else 0
    return hits


def assembled_feed(raw_query: str, extra: dict[str, Entry] | None = None) -> bytes | None:
    """A feed for an unrecorded search or id_list request, or None if neither."""
    query = {k: v[0] for k, v in parse_qs(raw_query, keep_blank_values=True).items() if v}
    entries = {**recorded_entries(), **(extra or {})}
    if ids := [i for i in query.get("id_list", "").split(",") if i]:
        wanted = [parse_arxiv_id(i).arxiv_id for i in ids]
        return feed([entries[i][2] for i in wanted if i in entries], "id_list")
    search = query.get("search_query", "")
    if not search.startswith(("ti:", "(ti:")):
        return None
    clauses = _split_or(search)
    ranked = []
    for arxiv_id, (title, _, xml) in entries.items():
        score = sum(_clause_score(c, title) for c in clauses)
        if score:
            ranked.append((-score, arxiv_id, xml))
    ranked.sort()
    limit = int(query.get("max_results", "10"))
    start = int(query.get("start", "0"))
    return feed([xml for _, _, xml in ranked[start : start + limit]], "search", len(ranked))
