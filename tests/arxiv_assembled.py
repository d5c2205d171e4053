"""Answers the replay server assembles from recorded entries, for requests never recorded.

ASSEMBLED FOR TESTS: the arXiv API answers title searches (``ti:"…"``) and ``id_list`` batches
that no recording covers. To test resolution and enrichment end to end, the replay server (with
``assemble=True``) answers them with a feed whose ``<entry>`` elements are the *recorded* entries
(parsed from ``tests/fixtures/arxiv/atom/*.xml`` and re-serialised, content unchanged) that match
the request: for ``ti:"w1 w2 …"`` the entries whose folded title contains that word sequence, for
``id_list`` the entries with those ids. Only the feed wrapper (opensearch counts) is built here.
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
_TITLE_PHRASE = re.compile(r'^ti:"(?P<phrase>[^"]*)"$')


@lru_cache(maxsize=1)
def recorded_entries() -> dict[str, tuple[str, int | None, bytes]]:
    """arXiv id → (folded title, version, entry XML) over every recorded 200 feed."""
    entries: dict[str, tuple[str, int | None, bytes]] = {}
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    for path in sorted(ATOM_DIR.glob("*.xml")):
        root = etree.fromstring(path.read_bytes(), parser)
        for entry in root.iter(f"{{{ATOM}}}entry"):
            ident = entry.findtext(f"{{{ATOM}}}id") or ""
            title = entry.findtext(f"{{{ATOM}}}title") or ""
            if "/api/errors" in ident or title == "Error":
                continue
            parsed = parse_arxiv_id(ident)
            entries.setdefault(
                parsed.arxiv_id, (fold(title), parsed.version, etree.tostring(entry))
            )
    return entries


def _feed(entries: list[bytes], query: str) -> bytes:
    head = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<feed xmlns="{ATOM}" xmlns:opensearch="http://a9.com/-/spec/opensearch/1.1/" '
        'xmlns:arxiv="http://arxiv.org/schemas/atom">'
        f"<id>https://arxiv.org/api/assembled</id><title>{query}</title>"
        "<updated>2026-01-01T00:00:00Z</updated>"
        f"<opensearch:totalResults>{len(entries)}</opensearch:totalResults>"
        "<opensearch:startIndex>0</opensearch:startIndex>"
        f"<opensearch:itemsPerPage>{len(entries)}</opensearch:itemsPerPage>"
    )
    return head.encode() + b"".join(entries) + b"</feed>"


def assembled_feed(raw_query: str) -> bytes | None:
    """A feed for an unrecorded title search or id_list request, or None if neither."""
    query = {k: v[0] for k, v in parse_qs(raw_query, keep_blank_values=True).items() if v}
    entries = recorded_entries()
    if ids := [i for i in query.get("id_list", "").split(",") if i]:
        wanted = [parse_arxiv_id(i).arxiv_id for i in ids]
        return _feed([entries[i][2] for i in wanted if i in entries], "id_list")
    phrase = _TITLE_PHRASE.match(query.get("search_query", ""))
    if phrase is None:
        return None
    words = fold(phrase["phrase"])
    limit = int(query.get("max_results", "10"))
    found = [xml for title, _, xml in entries.values() if f" {words} " in f" {title} "]
    return _feed(found[:limit], "title search")
