"""The query page: YASGUI (bundled under ``static/yasgui``, never a CDN) and the saved queries
with a field per parameter and a share link. The page has no inline script: its data travels
in a JSON ``<script type="application/json">`` element read by ``static/query-ui.js``.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from html import escape
from urllib.parse import quote, urlencode

from scholarkg.query import SavedQuery
from scholarkg.serve.bidi import controls_shown
from scholarkg.serve.pages import layout, layout_parts

EXAMPLE_QUERY = """PREFIX skg: <https://w3id.org/scholarkg/ontology#>
PREFIX foaf: <http://xmlns.com/foaf/0.1/>

# People with the most papers (groups such as "Gemma Team" are not people)
SELECT ?person (SAMPLE(?name) AS ?researcher) (COUNT(DISTINCT ?paper) AS ?papers)
WHERE {
  ?person a skg:Person ; foaf:name ?name .
  ?authorship skg:author ?person .
  ?paper skg:hasAuthorship ?authorship .
}
GROUP BY ?person
ORDER BY DESC(?papers) ?researcher
LIMIT 20
"""
YASGUI_VERSION = "4.6.2"


@dataclass(frozen=True)
class Dataset:
    """The graphs a query runs over (``default-graph-uri``, ``named-graph-uri``); none given:
    the union of every named graph."""

    default_graphs: tuple[str, ...] = ()
    named_graphs: tuple[str, ...] = ()

    def pairs(self) -> list[tuple[str, str]]:
        return [("default-graph-uri", g) for g in self.default_graphs] + [
            ("named-graph-uri", g) for g in self.named_graphs
        ]


def json_for_script(value: object) -> str:
    """JSON safe inside a ``<script>`` element (no ``</script>`` or ``<!--`` can appear)."""
    text = json.dumps(value, ensure_ascii=False)
    return text.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e")


def saved_data(saved: Sequence[SavedQuery]) -> dict[str, object]:
    return {
        q.name: {
            "description": q.description,
            "text": q.text,
            "parameters": [
                {
                    "name": p.name,
                    "description": p.description,
                    "optional": p.optional,
                    "kind": p.kind,
                    "choices": list(p.choices),
                }
                for p in q.parameters
            ],
        }
        for q in saved
    }


def query_page(
    saved: Sequence[SavedQuery],
    *,
    chosen: str | None,
    params: Mapping[str, str],
    initial: str | None,
    iri_base: str,
    path_prefix: str,
    updates_allowed: bool,
    dataset: Dataset = Dataset(),
) -> str:
    """The query UI; ``chosen`` + ``params`` open a saved query (a share link), ``initial``
    puts a query text in the editor, run over ``dataset`` (a results page's "Edit this
    query" link) until a saved query is chosen."""
    note = (
        "SPARQL Update is enabled on <code>/update</code>."
        if updates_allowed
        else "This endpoint is read-only (SPARQL Update is refused)."
    )
    options = "".join(
        f'<option value="{escape(q.name)}"{" selected" if q.name == chosen else ""}>'
        f"{escape(q.name)}</option>"
        for q in saved
    )
    data = {
        "saved": saved_data(saved),
        "chosen": chosen if chosen in {q.name for q in saved} else None,
        "params": dict(params),
        "initial": initial or EXAMPLE_QUERY,
        "iriBase": iri_base,
        "pathPrefix": path_prefix,
        "defaultGraphs": list(dataset.default_graphs),
        "namedGraphs": list(dataset.named_graphs),
    }
    shown = "".join(
        f"<li>{escape(name)} <code>{escape(graph)}</code></li>" for name, graph in dataset.pairs()
    )
    over = f'<div id="dataset"><p>The editor runs over these graphs:</p><ul>{shown}</ul></div>'
    hidden = "".join(
        f'<input type="hidden" name="{escape(name)}" value="{escape(graph)}">'
        for name, graph in dataset.pairs()
    )
    body = f"""<h1>SPARQL query</h1>
<p>Queries run over the union of all named graphs (or the graphs named by
<code>default-graph-uri</code> / <code>named-graph-uri</code>). Endpoint: <code>/sparql</code>,
SPARQL 1.1 Protocol. {note}</p>
<section id="saved-panel" class="panel">
<label>Saved query <select id="saved-select"><option value="">(choose one)</option>{options}
</select></label>
<p id="saved-description"></p>
<form id="saved-form" autocomplete="off"><div id="saved-fields"></div>
<button type="submit" id="saved-run">Run saved query</button>
<a id="share-link" href="#" hidden>Share link</a></form>
<p id="saved-error" class="error" role="alert"></p>
</section>
{over if shown else ""}<div id="yasgui"></div>
<noscript><form method="get" action="/sparql">{hidden}<textarea name="query" rows="14">
{escape(initial or EXAMPLE_QUERY)}</textarea><button type="submit">Run</button></form></noscript>
<p class="meta">Editor: YASGUI {YASGUI_VERSION} (MIT licence,
<a href="/static/yasgui/LICENSE">text</a>), served from this server.</p>
<script type="application/json" id="page-data">{json_for_script(data)}</script>
<script src="/static/yasgui/yasgui.min.js"></script>
<script src="/static/query-ui.js"></script>"""  # noqa: S608 (HTML, not SQL)
    head = '<link rel="stylesheet" href="/static/yasgui/yasgui.min.css">'
    return layout("SPARQL query", body, head=head)


Fields = Sequence[tuple[str, str]]  # a request to /sparql as form fields (name, value)
LINEBREAKS = "linebreaks"  # a form field: "lf", the form's line breaks were LF (see action)
LINK_MAX = 8000  # characters of the longest GET link a page writes: many servers refuse longer


def action(label: str, fields: Fields, max_link: int) -> str:
    """A GET link to ``/sparql`` with ``fields``, or a form that POSTs them, drawn as a link,
    when the link would be longer than ``max_link`` characters (a long query POSTed: its
    link's request line would pass the header limit of this server or of a proxy, a 400)."""
    href = "/sparql?" + urlencode(fields, quote_via=quote, safe="")
    if len(href) <= max_link:
        return f'<a href="{escape(href)}">{escape(label)}</a>'
    hidden = "".join(
        f'<input type="hidden" name="{escape(n)}" value="{escape(v)}">' for n, v in fields
    )
    if not any("\r" in v for _, v in fields):  # a browser sends each line break as CRLF: the
        hidden += f'<input type="hidden" name="{LINEBREAKS}" value="lf">'  # server reads LF
    return (
        f'<form class="link" method="post" action="/sparql">{hidden}'
        f'<button type="submit">{escape(label)}</button></form>'
    )


def results_page(
    query: str,
    columns: Sequence[str],
    rows: Iterable[Sequence[str]],
    *,
    shown: int,
    more: bool,
    links: Mapping[str, Fields],
    edit: Fields,
    max_link: int = LINK_MAX,
) -> Iterator[str]:
    """Server-rendered results for a browser that opened a ``/sparql?query=`` link, in pieces
    (one per row; ``rows`` are read as the pieces are asked for): ``shown`` rows, and ``more``
    when the result holds more than those (how many is not read), cells HTML already (escaped
    by the caller); the query with each bidi control drawn as a mark (a ``?query=`` link cannot
    show a query other than the one it runs). The downloads (``links``: a name and the fields
    of its request) and "Edit this query" (``edit``) are links, or forms when too long
    (:func:`action`). See :func:`bounded_chunks`."""
    before, after = layout_parts("SPARQL results")
    head = "".join(f"<th>{escape(c)}</th>" for c in columns)
    if more:
        counted = f"more than {shown} rows, the first {shown} shown (download for all of them)"
    else:
        counted = f"{shown} row{'s' if shown != 1 else ''}"
    downloads = " · ".join(action(n, f, max_link) for n, f in links.items())
    yield (
        f"""{before}<h1>SPARQL results</h1><pre>{controls_shown(query)}</pre>
<p>{counted}. Download: {downloads}. {action("Edit this query", edit, max_link)}.</p>
<table><tr>{head}</tr>"""
    )
    for row in rows:
        yield "<tr>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>"
    yield "</table>" + after


def bounded_chunks(
    parts: Iterable[str], max_bytes: int, chunk_bytes: int = 65536
) -> list[bytes] | None:
    """``parts`` as UTF-8, joined into chunks of about ``chunk_bytes``; None as soon as they
    pass ``max_bytes`` (no further part is asked for). At most the limit and one part are held,
    once: the chunks are what is sent."""
    chunks: list[bytes] = []
    pending: list[bytes] = []
    size = pending_size = 0
    for part in parts:
        data = part.encode("utf-8")
        size += len(data)
        if size > max_bytes:
            return None
        pending.append(data)
        pending_size += len(data)
        if pending_size >= chunk_bytes:
            chunks.append(b"".join(pending))
            pending, pending_size = [], 0
    if pending:
        chunks.append(b"".join(pending))
    return chunks
