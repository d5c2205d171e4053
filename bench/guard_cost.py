"""CPU of reading one query in the endpoint's request thread: ``normal_form`` (the key a stopped
query is remembered by) and ``check_query`` (the guard's lexer), per query kind.

    python bench/guard_cost.py --src /work/main/src --src src [--pairs 7]

Each ``--src`` is a source tree (``PYTHONPATH``); the trees are run in alternating pairs, one
fresh process per run, each reading every kind once (the 1 KB query ``--repeat`` times, the
figure per read). Counts process CPU (``time.process_time``). Prints min / median per tree,
kind and step, in milliseconds, and whether both trees refused or took each query alike.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time

SIZE = 250_000


def queries() -> dict[str, str]:
    """The kinds read: 250 KB of nested braces, of nested parentheses, 250 KB VALUES lists
    (rows of IRI, string and number; one-digit terms; prefixed names), a 250 KB IN list of
    IRIs, 250 KB of spaces, and a typical 1 KB query."""
    half = SIZE // 2
    rows: list[str] = []
    size = 0
    while size < SIZE - 200:
        rows.append(f'(<http://example.org/paper/{len(rows)}> "title {len(rows)}" {len(rows)}) ')
        size += len(rows[-1])
    items = [f"<http://example.org/person/{i}>" for i in range(SIZE // 34)]
    typical = """PREFIX dct: <http://purl.org/dc/terms/>
PREFIX foaf: <http://xmlns.com/foaf/0.1/>
PREFIX skg: <https://w3id.org/scholarkg/ontology#>
# papers by a person with their co-authors, newest first
SELECT ?paper ?title (COUNT(DISTINCT ?other) AS ?coauthors) (MAX(?date) AS ?latest)
WHERE {
  ?person foaf:name "Ada Lovelace" ;
          skg:orcid ?orcid .
  ?paper dct:creator ?person ;
         dct:title ?title ;
         dct:date ?date .
  OPTIONAL { ?paper dct:creator ?other . FILTER(?other != ?person) }
  FILTER(LANG(?title) = "en" || LANG(?title) = "")
  FILTER(?date >= "2020-01-01"^^<http://www.w3.org/2001/XMLSchema#date>)
  MINUS { ?paper skg:mergedInto ?newer }
  BIND(STRLEN(?title) AS ?length)
  FILTER(?length > 10 && CONTAINS(LCASE(?title), "graph"))
}
GROUP BY ?paper ?title
HAVING (COUNT(DISTINCT ?other) > 1)
ORDER BY DESC(?latest) ?title
LIMIT 100 OFFSET 0
"""
    return {
        "nested {": "SELECT * WHERE " + "{" * half + "}" * half,
        "nested (": "ASK { FILTER(" + "(" * half + "1" + ")" * half + ") }",
        "VALUES 250 KB": "SELECT * WHERE { VALUES (?p ?t ?n) { " + "".join(rows) + "} }",
        "VALUES 250 KB, 1-char terms": "SELECT * WHERE { VALUES ?x { "
        + " ".join(str(i % 10) for i in range(SIZE // 2))
        + " } }",
        "IN 250 KB": "SELECT * WHERE { ?s ?p ?o FILTER(?o IN (" + ", ".join(items) + ")) }",
        "VALUES 250 KB of ex:a": "PREFIX ex: <http://example.org/> SELECT * WHERE { VALUES ?x { "
        + "ex:a " * (SIZE // 5)
        + "} }",
        "250 KB of spaces": "ASK {" + " " * SIZE + "}",
        "typical 1 KB": typical + "#" + " " * (1024 - len(typical) - 2) + "\n",
    }


def child(repeat: int) -> None:
    from scholarkg.errors import QueryLimitError
    from scholarkg.serve.guard import QueryLimits, check_query
    from scholarkg.serve.query_key import normal_form

    limits, out = QueryLimits(), {}
    for kind, text in queries().items():
        times = repeat if len(text) < 10_000 else 1
        started = time.process_time()
        for _ in range(times):
            key = normal_form(text)
        keyed = time.process_time()
        for _ in range(times):
            try:
                check_query(text, limits)
                verdict = "taken"
            except QueryLimitError as exc:
                verdict = str(exc).split(",")[0][:40]
        checked = time.process_time()
        out[kind] = {
            "normal_form": (keyed - started) / times,
            "check_query": (checked - keyed) / times,
            "verdict": verdict,
            "key": len(key),
        }
    print(json.dumps(out))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--src", action="append", default=[])
    parser.add_argument("--pairs", type=int, default=7)
    parser.add_argument("--repeat", type=int, default=200)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.repeat)
        return
    runs: dict[str, list[dict[str, dict[str, object]]]] = {src: [] for src in args.src}
    for _ in range(args.pairs):
        for src in args.src:
            env = dict(os.environ, PYTHONPATH=src)
            command = [sys.executable, __file__, "--child", "--repeat", str(args.repeat)]
            done = subprocess.run(command, env=env, check=True, capture_output=True, text=True)
            runs[src].append(json.loads(done.stdout))
    print("| query | step | " + " | ".join(f"{src} min / median ms" for src in args.src) + " |")
    print("|---|---|" + "---:|" * len(args.src))
    for kind in queries():
        for step in ("normal_form", "check_query"):
            cells = []
            for src in args.src:
                values = [float(run[kind][step]) * 1000 for run in runs[src]]  # type: ignore[arg-type]
                cells.append(f"{min(values):.2f} / {statistics.median(values):.2f}")
            print(f"| {kind} | {step} | " + " | ".join(cells) + " |")
    for kind in queries():
        seen = {src: (runs[src][0][kind]["verdict"], runs[src][0][kind]["key"]) for src in args.src}
        print(
            f"{kind}: " + "; ".join(f"{src}: {v[0]} (key {v[1]} chars)" for src, v in seen.items())
        )


if __name__ == "__main__":
    main()
