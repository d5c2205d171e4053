"""Generate ``docs/ontology.html``, the reference page of the scholarkg ontology.

Reads ``ontology/scholarkg.ttl`` (header, classes, properties, named individuals),
``ontology/arxiv-categories.ttl`` (groups and category counts) and the Turtle code blocks of
``docs/graph-model.md`` (an example statement for each class that the model types with it). The
page is self-contained (inline CSS, no script, no external assets), every value is HTML-escaped,
links are only made to http(s) IRIs, and the output is deterministic (no timestamps).

Usage: ``python scripts/generate_ontology_docs.py [--ontology F] [--categories F]
[--graph-model F] [--output F|-]``
"""

from __future__ import annotations

import argparse
import re
from collections.abc import Iterable, Sequence
from html import escape
from pathlib import Path

from rdflib import OWL, RDF, RDFS, SKOS, Graph, URIRef
from rdflib.collection import Collection
from rdflib.namespace import DCTERMS
from rdflib.term import Node

from scholarkg.iris import SKG
from scholarkg.output_file import NotWritten, write_output

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_ONTOLOGY = ROOT / "ontology" / "scholarkg.ttl"
DEFAULT_CATEGORIES = ROOT / "ontology" / "arxiv-categories.ttl"
DEFAULT_GRAPH_MODEL = ROOT / "docs" / "graph-model.md"
DEFAULT_OUTPUT = ROOT / "docs" / "ontology.html"

CHARACTERISTICS = (
    OWL.FunctionalProperty,
    OWL.InverseFunctionalProperty,
    OWL.TransitiveProperty,
    OWL.SymmetricProperty,
    OWL.AsymmetricProperty,
    OWL.ReflexiveProperty,
    OWL.IrreflexiveProperty,
)
PROPERTY_KINDS = ((OWL.ObjectProperty, "Object"), (OWL.DatatypeProperty, "Datatype"))
CSS = """
body{font:16px/1.5 system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#222}
h1{margin-bottom:.2rem}h2{border-bottom:2px solid #ddd;margin-top:2.5rem}
section.term{border-left:4px solid #4a7;padding:.2rem 1rem;margin:1.5rem 0;background:#fafafa}
dl{display:grid;grid-template-columns:11rem 1fr;gap:.2rem 1rem}dt{font-weight:600}dd{margin:0}
code,pre{font-family:ui-monospace,monospace;font-size:.9em}
pre{background:#f0f0f0;padding:.6rem;overflow-x:auto}
table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.2rem .6rem;text-align:left}
nav>ul{list-style:none;padding:0}nav>ul>li{margin:0 0 1rem}nav ul ul{columns:3;column-gap:2rem;
padding-left:1.2rem}nav ul ul li{break-inside:avoid}.note{color:#666}
"""
_COMMENT = re.compile(r"\s#\s.*$")
_FENCE = re.compile(r"^```[^\n]*\n(.*?)^```", re.MULTILINE | re.DOTALL)


def _text(value: object) -> str:
    """A value as HTML text, whitespace collapsed."""
    return escape(" ".join(str(value).split()))


def _one(graph: Graph, subject: Node, predicate: URIRef) -> str:
    values = sorted(str(v) for v in graph.objects(subject, predicate))
    return values[0] if values else ""


def _local(iri: Node) -> str:
    return str(iri)[len(str(SKG)) :]


def _is_skg(node: Node) -> bool:
    return isinstance(node, URIRef) and str(node).startswith(str(SKG)) and bool(_local(node))


class Page:
    """The ontology, its prefixes and what the page links to."""

    def __init__(self, ontology: Graph) -> None:
        self.graph = ontology
        self.prefixes = sorted(
            ((name, str(ns)) for name, ns in ontology.namespaces() if name),
            key=lambda item: -len(item[1]),
        )
        self.classes = self._skg(OWL.Class)
        self.properties = sorted(
            {p for kind, _ in PROPERTY_KINDS for p in self._skg(kind)}, key=_local
        )
        self.individuals = self._skg(OWL.NamedIndividual)

    def _skg(self, rdf_type: URIRef) -> list[URIRef]:
        found = {s for s in self.graph.subjects(RDF.type, rdf_type) if _is_skg(s)}
        return sorted((URIRef(str(s)) for s in found), key=_local)

    def curie(self, iri: Node) -> str:
        for name, ns in self.prefixes:
            if str(iri).startswith(ns) and len(str(iri)) > len(ns):
                return f"{name}:{str(iri)[len(ns) :]}"
        return f"<{iri}>"

    def anchor(self, iri: Node) -> str | None:
        if iri in self.classes:
            return f"class-{_local(iri)}"
        if iri in self.properties:
            return f"prop-{_local(iri)}"
        if iri in self.individuals:
            return f"ind-{_local(iri)}"
        return None

    def link(self, node: Node) -> str:
        """A link to a term: an anchor on this page, the IRI itself, or plain code."""
        if not isinstance(node, URIRef):
            return "<code>[anonymous]</code>"
        label = f"<code>{escape(self.curie(node))}</code>"
        anchor = self.anchor(node)
        if anchor:
            return f'<a href="#{escape(anchor)}">{label}</a>'
        if str(node).startswith(("http://", "https://")):
            return f'<a href="{escape(str(node))}">{label}</a>'
        return label

    def expand(self, node: Node) -> list[Node]:
        """Class expression members: ``owl:unionOf`` lists are unfolded."""
        members = list(self.graph.objects(node, OWL.unionOf))
        if members:
            return [m for head in members for m in Collection(self.graph, head)]
        return [node]

    def links(self, nodes: Iterable[Node], *, expand: bool = False) -> str:
        flat = [m for n in nodes for m in (self.expand(n) if expand else [n])]
        unique = sorted(set(flat), key=str)
        return ", ".join(self.link(n) for n in unique) or '<span class="note">none</span>'


def turtle_statements(markdown: str) -> list[str]:
    """The statements of every fenced code block in ``markdown`` (comments kept)."""
    statements: list[str] = []
    for block in _FENCE.findall(markdown):
        current: list[str] = []
        for line in block.splitlines():
            if not line.strip():
                continue
            current.append(line.rstrip())
            if _COMMENT.sub("", line).rstrip().endswith("."):
                statements.append("\n".join(current))
                current = []
        if current:
            statements.append("\n".join(current))
    return statements


def typed_with(statement: str, curie: str) -> bool:
    """Whether ``statement`` types its subject with ``curie`` (``… a skos:Concept, skg:X ;``)."""
    code = "\n".join(_COMMENT.sub("", line) for line in statement.splitlines())
    for match in re.finditer(r"(?:^|\s)a\s+([^;]*)", code):
        types = [t.strip().rstrip(".").strip() for t in match.group(1).split(",")]
        if curie in types:
            return True
    return False


def _row(term: str, value: str) -> str:
    return f"<dt>{escape(term)}</dt><dd>{value}</dd>"


def _heading(page: Page, iri: URIRef, kind: str) -> str:
    label = _one(page.graph, iri, RDFS.label) or _local(iri)
    anchor = escape(page.anchor(iri) or "")
    return (
        f'<section class="term" id="{anchor}"><h3>{_text(label)} '
        f'<small class="note">{escape(kind)} <code>{escape(page.curie(iri))}</code></small></h3>'
    )


def _common_rows(page: Page, iri: URIRef) -> list[str]:
    rows = [_row("IRI", f"<code>{escape(str(iri))}</code>")]
    comment = _one(page.graph, iri, RDFS.comment)
    if comment:
        rows.append(_row("Description", _text(comment)))
    return rows


def class_section(page: Page, cls: URIRef, statements: Sequence[str]) -> str:
    g = page.graph
    domain_of = [p for p in page.properties if cls in _expanded(page, g.objects(p, RDFS.domain))]
    range_of = [p for p in page.properties if cls in _expanded(page, g.objects(p, RDFS.range))]
    rows = [
        *_common_rows(page, cls),
        _row("Subclass of", page.links(g.objects(cls, RDFS.subClassOf), expand=True)),
        _row("Subclasses", page.links(s for s in g.subjects(RDFS.subClassOf, cls))),
        _row("Disjoint with", page.links(g.objects(cls, OWL.disjointWith))),
        _row("Properties (domain)", page.links(domain_of)),
        _row("Used as range of", page.links(range_of)),
    ]
    members = [i for i in page.individuals if (i, RDF.type, cls) in g]
    if members:
        rows.append(_row("Individuals", page.links(members)))
    curie = page.curie(cls)
    examples = [s for s in statements if typed_with(s, curie)]
    example = (
        "".join(f"<pre><code>{escape(s)}</code></pre>" for s in examples)
        if examples
        else '<p class="note">No example in docs/graph-model.md.</p>'
    )
    return (
        f"{_heading(page, cls, 'class')}<dl>{''.join(rows)}</dl><h4>Example</h4>{example}</section>"
    )


def _expanded(page: Page, nodes: Iterable[Node]) -> list[Node]:
    return [m for n in nodes for m in page.expand(n)]


def property_section(page: Page, prop: URIRef) -> str:
    g = page.graph
    kinds = [name for kind, name in PROPERTY_KINDS if (prop, RDF.type, kind) in g]
    traits = [page.curie(c) for c in CHARACTERISTICS if (prop, RDF.type, c) in g]
    rows = [
        *_common_rows(page, prop),
        _row("Kind", escape(", ".join(kinds) + " property")),
        _row("Domain", page.links(g.objects(prop, RDFS.domain), expand=True)),
        _row("Range", page.links(g.objects(prop, RDFS.range), expand=True)),
        _row("Subproperty of", page.links(g.objects(prop, RDFS.subPropertyOf))),
        _row("Inverse of", page.links(g.objects(prop, OWL.inverseOf))),
        _row("Characteristics", escape(", ".join(traits)) or '<span class="note">none</span>'),
    ]
    return f"{_heading(page, prop, 'property')}<dl>{''.join(rows)}</dl></section>"


def individual_section(page: Page, ind: URIRef) -> str:
    types = [t for t in page.graph.objects(ind, RDF.type) if t != OWL.NamedIndividual]
    rows = [*_common_rows(page, ind), _row("Type", page.links(types))]
    return f"{_heading(page, ind, 'individual')}<dl>{''.join(rows)}</dl></section>"


def category_summary(categories: Graph) -> str:
    """A table of the arXiv groups with their number of (active) categories."""
    groups = sorted(
        (_one(categories, g, SKOS.notation), g)
        for g in categories.subjects(RDF.type, SKG.CategoryGroup)
    )
    cats = set(categories.subjects(RDF.type, SKG.Category))
    schemes = sorted(str(s) for s in categories.subjects(RDF.type, SKOS.ConceptScheme))
    rows = []
    for notation, group in groups:
        members = [c for c in cats if (c, SKOS.broader, group) in categories]
        active = sum(1 for c in members if _one(categories, c, SKG.active) == "true")
        label = _one(categories, group, SKOS.prefLabel)
        rows.append(
            f"<tr><td><code>{escape(notation)}</code></td><td>{_text(label)}</td>"
            f"<td>{len(members)}</td><td>{active}</td></tr>"
        )
    scheme = ", ".join(f"<code>{escape(s)}</code>" for s in schemes)
    return (
        f"<p>Concept scheme {scheme}: {len(groups)} groups, {len(cats)} categories.</p>"
        "<table><tr><th>Group</th><th>Label</th><th>Categories</th><th>Active</th></tr>"
        + "".join(rows)
        + "</table>"
    )


def _toc(page: Page, title: str, anchor: str, terms: Sequence[URIRef]) -> str:
    items = "".join(
        f'<li><a href="#{escape(page.anchor(t) or "")}">{escape(_local(t))}</a></li>' for t in terms
    )
    return f'<li><a href="#{anchor}">{escape(title)}</a><ul>{items}</ul></li>'


def render(ontology: Graph, categories: Graph, graph_model: str) -> str:
    """The HTML page."""
    page = Page(ontology)
    g = ontology
    head = sorted(s for s in g.subjects(RDF.type, OWL.Ontology) if isinstance(s, URIRef))
    onto = head[0] if head else URIRef(str(SKG))
    title = _one(g, onto, DCTERMS.title) or _one(g, onto, RDFS.label) or "scholarkg ontology"
    meta = [
        _row("Ontology IRI", f"<code>{escape(str(onto))}</code>"),
        _row("Version", _text(_one(g, onto, OWL.versionInfo))),
        _row("Version IRI", f"<code>{escape(_one(g, onto, OWL.versionIRI))}</code>"),
        _row("Namespace", f"<code>{escape(str(SKG))}</code>"),
        _row("License", page.links(g.objects(onto, DCTERMS.license))),
        _row("Created", _text(_one(g, onto, DCTERMS.created))),
    ]
    statements = turtle_statements(graph_model)
    toc = "".join(
        [
            _toc(page, "Classes", "classes", page.classes),
            _toc(page, "Properties", "properties", page.properties),
            _toc(page, "Individuals", "individuals", page.individuals),
            '<li><a href="#categories">arXiv category scheme</a></li>',
        ]
    )
    body = [
        f"<h1>{_text(title)}</h1><dl>{''.join(meta)}</dl>",
        f"<p>{_text(_one(g, onto, DCTERMS.description))}</p>",
        f"<nav><h2>Contents</h2><ul>{toc}</ul></nav>",
        '<h2 id="classes">Classes</h2>',
        *(class_section(page, c, statements) for c in page.classes),
        '<h2 id="properties">Properties</h2>',
        *(property_section(page, p) for p in page.properties),
        '<h2 id="individuals">Individuals</h2>',
        *(individual_section(page, i) for i in page.individuals),
        '<h2 id="categories">arXiv category scheme</h2>',
        category_summary(categories),
    ]
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f"<title>{_text(title)}</title><style>{CSS}</style></head>\n<body>\n"
        + "\n".join(body)
        + "\n</body></html>\n"
    )


def generate(
    ontology: Path = DEFAULT_ONTOLOGY,
    categories: Path = DEFAULT_CATEGORIES,
    graph_model: Path = DEFAULT_GRAPH_MODEL,
) -> str:
    onto = Graph(bind_namespaces="none").parse(ontology, format="turtle")
    cats = Graph(bind_namespaces="none").parse(categories, format="turtle")
    return render(onto, cats, graph_model.read_text(encoding="utf-8"))


def main(argv: Sequence[str] | None = None) -> int:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--ontology", type=Path, default=DEFAULT_ONTOLOGY)
    parser.add_argument("--categories", type=Path, default=DEFAULT_CATEGORIES)
    parser.add_argument("--graph-model", type=Path, default=DEFAULT_GRAPH_MODEL)
    parser.add_argument("--output", default=str(DEFAULT_OUTPUT), help="HTML file, or - for stdout")
    args = parser.parse_args(argv)
    text = generate(args.ontology, args.categories, args.graph_model)
    try:
        write_output(text, args.output)
    except NotWritten as exc:  # one line, no traceback: a folder not there, a full disk…
        raise SystemExit(f"error: {exc}") from None
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
