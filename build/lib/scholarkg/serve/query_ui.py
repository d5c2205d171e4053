"""The SPARQL query page: a textarea, the saved queries, and a small inline script.

The script posts the query to the page's own URL (``application/sparql-query``), asks for
SPARQL JSON results (or Turtle for CONSTRUCT/DESCRIBE) and renders them with ``textContent``
only, so no result value is ever parsed as HTML.
"""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Sequence
from html import escape

from scholarkg.query import SavedQuery
from scholarkg.serve.pages import layout

EXAMPLE_QUERY = """PREFIX skg: <https://w3id.org/scholarkg/ontology#>
PREFIX foaf: <http://xmlns.com/foaf/0.1/>

# Researchers with the most papers
SELECT ?person (SAMPLE(?name) AS ?researcher) (COUNT(DISTINCT ?paper) AS ?papers)
WHERE {
  ?paper skg:hasAuthorship/skg:author ?person .
  OPTIONAL { ?person foaf:name ?name }
}
GROUP BY ?person
ORDER BY DESC(?papers) ?researcher
LIMIT 20
"""

_SCRIPT = """
(function () {
  "use strict";
  var saved = JSON.parse(document.getElementById("saved-data").textContent);
  var form = document.getElementById("query-form");
  var text = document.getElementById("query");
  var status = document.getElementById("status");
  var out = document.getElementById("results");
  var base = document.body.getAttribute("data-iri-base");
  var prefix = document.body.getAttribute("data-path-prefix");
  Array.prototype.forEach.call(document.querySelectorAll("button[data-saved]"), function (b) {
    b.addEventListener("click", function () { text.value = saved[b.getAttribute("data-saved")]; });
  });
  function href(uri) {
    if (base && uri.indexOf(base) === 0 && uri.length > base.length) {
      return prefix + uri.slice(base.length);
    }
    return /^https?:\\/\\//i.test(uri) ? uri : null;
  }
  function cell(term) {
    var td = document.createElement("td");
    if (!term) { return td; }
    var link = term.type === "uri" ? href(term.value) : null;
    if (link) {
      var a = document.createElement("a");
      a.href = link;
      a.textContent = term.value;
      td.appendChild(a);
    } else {
      td.textContent = term.value;
    }
    return td;
  }
  function table(data) {
    var t = document.createElement("table");
    var head = document.createElement("tr");
    data.head.vars.forEach(function (v) {
      var th = document.createElement("th");
      th.textContent = v;
      head.appendChild(th);
    });
    t.appendChild(head);
    data.results.bindings.forEach(function (row) {
      var tr = document.createElement("tr");
      data.head.vars.forEach(function (v) { tr.appendChild(cell(row[v])); });
      t.appendChild(tr);
    });
    return t;
  }
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    status.className = "";
    status.textContent = "Running\\u2026";
    out.textContent = "";
    fetch(window.location.pathname, {
      method: "POST",
      headers: {
        "Content-Type": "application/sparql-query",
        "Accept": "application/sparql-results+json, text/turtle;q=0.9"
      },
      body: text.value
    }).then(function (response) {
      return response.text().then(function (body) {
        if (!response.ok) {
          status.className = "error";
          status.textContent = response.status + " " + response.statusText + ": " + body;
          return;
        }
        var type = response.headers.get("Content-Type") || "";
        if (type.indexOf("application/sparql-results+json") === 0) {
          var data = JSON.parse(body);
          if (Object.prototype.hasOwnProperty.call(data, "boolean")) {
            status.textContent = "Answer: " + data["boolean"];
            return;
          }
          var n = data.results.bindings.length;
          status.textContent = n + (n === 1 ? " row" : " rows");
          out.appendChild(table(data));
        } else {
          var pre = document.createElement("pre");
          pre.textContent = body;
          status.textContent = "Graph result (Turtle)";
          out.appendChild(pre);
        }
      });
    }).catch(function (error) {
      status.className = "error";
      status.textContent = String(error);
    });
  });
})();
"""
# The Content-Security-Policy source that allows exactly this inline script.
SCRIPT_HASH = "sha256-" + base64.b64encode(hashlib.sha256(_SCRIPT.encode()).digest()).decode()


def _json_for_script(value: object) -> str:
    """JSON safe inside a ``<script>`` element (no ``</script>`` or ``<!--`` can appear)."""
    text = json.dumps(value, ensure_ascii=False)
    return text.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e")


def query_page(
    saved: Sequence[SavedQuery],
    *,
    initial: str | None,
    iri_base: str,
    path_prefix: str,
    updates_allowed: bool,
) -> str:
    """The query UI; ``initial`` is put in the textarea (the example query when None)."""
    items = "".join(
        f'<li><button type="button" data-saved="{escape(q.name)}">{escape(q.name)}</button> '
        f"{escape(q.description)}</li>"
        for q in saved
    )
    note = (
        "SPARQL Update is enabled on <code>/update</code>."
        if updates_allowed
        else "This endpoint is read-only (SPARQL Update is refused)."
    )
    initial_text = escape(initial or EXAMPLE_QUERY)
    saved_json = _json_for_script({q.name: q.text for q in saved})
    body = f"""<h1>SPARQL query</h1>
<p>Queries run over the union of all named graphs. Endpoint: <code>/sparql</code>
(GET <code>?query=</code>, POST form or <code>application/sparql-query</code>). {note}</p>
<form id="query-form" method="get">
<textarea id="query" name="query" rows="18" spellcheck="false">{initial_text}</textarea>
<p><button type="submit">Run</button> <span id="status"></span></p>
</form>
<div id="results"></div>
<h2>Saved queries</h2>
<p>Click a name to load it into the editor.</p>
<ul>{items or "<li>None.</li>"}</ul>
<script type="application/json" id="saved-data">{saved_json}</script>
<script>{_SCRIPT}</script>"""
    return layout("SPARQL query", body, data={"iri-base": iri_base, "path-prefix": path_prefix})
