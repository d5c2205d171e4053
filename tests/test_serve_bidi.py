"""Text from the sources carrying bidi controls or right-to-left script stays inside its own
isolate on every HTML page (scholarkg.serve.bidi): parsed, each such value is the text of a
``<bdi>`` exactly; laid out by a real browser (Debian's chromium through chromedriver), the
page's own text after it still reads left to right, character by character.

CONSTRUCTED: the store of tests/bidi_store.py (the v2 fixture store plus a paper, an author and
a group whose values hold bidi controls or Arabic script).
"""

from __future__ import annotations

from html.parser import HTMLParser
from typing import Any
from urllib.parse import quote

import pytest
import requests

from bidi_store import ARABIC, GROUP, OPEN, PDI, RLI, RLO, SPLIT, STRAY, TITLE
from chromium import needs_chromium
from scholarkg.serve.bidi import isolated, isolated_plain, unbalanced
from serve_helpers import HTML_ACCEPT

pytest_plugins = ("bidi_fixtures", "browser_fixtures")

BIDI = frozenset("\u200e\u200f\u061c\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
RESULTS = """PREFIX skg: <https://w3id.org/scholarkg/ontology#>
SELECT ?title ?name ?p WHERE {
  ?p <http://purl.org/dc/terms/title> ?title ; skg:hasAuthorship ?a . ?a skg:nameAsListed ?name
  FILTER (STRSTARTS(STR(?p), "https://w3id.org/scholarkg/id/paper/arxiv/7777")) }"""
PAGES = (
    "",
    "id/person/mohammed-ali",
    "id/paper/arxiv/7777.00001",
    "id/paper/arxiv/7777.00001/authorship/1",
    "search?q=Ordinary",
    "search?q=" + ARABIC,
    "sparql?query=" + quote(RESULTS, safe=""),
)
VALUES = (TITLE, ARABIC, STRAY, OPEN, GROUP, *SPLIT.split("\u2029"))


class Texts(HTMLParser):
    """Each text of a page's body with the elements it sits in, and the text of each bdi."""

    def __init__(self, page: str) -> None:
        super().__init__()
        self.stack: list[str] = []
        self.texts: list[tuple[str, tuple[str, ...]]] = []
        self.bdis: list[str] = []
        self.title = ""
        self.feed(page)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in ("br", "meta", "input", "link", "img"):
            self.stack.append(tag)
            if tag == "bdi":
                self.bdis.append("")

    def handle_endtag(self, tag: str) -> None:
        while self.stack and self.stack.pop() != tag:
            pass

    def handle_data(self, data: str) -> None:
        self.texts.append((data, tuple(self.stack)))
        if self.stack and self.stack[-1] == "bdi":
            self.bdis[-1] += data
        if self.stack and self.stack[-1] == "title":
            self.title += data


def page(url: str, path: str) -> str:
    answer = requests.get(url + path, headers={"Accept": HTML_ACCEPT}, timeout=60)
    assert answer.status_code == 200, path
    return answer.text


def right_to_left(text: str) -> bool:
    return any(c in BIDI or "\u0590" <= c <= "\u08ff" for c in text)


@pytest.mark.server
def test_every_value_with_bidi_controls_or_rtl_script_is_the_text_of_a_bdi(url: str) -> None:
    seen: set[str] = set()
    for path in PAGES:
        parsed = Texts(page(url, path))
        outside = [
            text
            for text, inside in parsed.texts
            if right_to_left(text) and "bdi" not in inside and not {"title", "pre"} & set(inside)
        ]
        assert outside == [], path  # before: every such value was bare text
        held = [b for b in parsed.bdis if right_to_left(b)]
        assert held and all(b in VALUES for b in held), (path, held)
        seen |= set(held)
        if right_to_left(parsed.title):  # a value in <title>: between FSI and PDI, balanced
            assert "\u2068" in parsed.title and unbalanced(parsed.title) == (0, 0), path
    assert seen == {v for v in VALUES if right_to_left(v)}


def test_isolation_keeps_the_text_and_balances_stray_isolates() -> None:
    parsed = Texts(isolated(STRAY + "\u2029" + OPEN))
    assert "".join(t for t, _ in parsed.texts) == STRAY + "\u2029" + OPEN
    assert parsed.bdis == [STRAY, OPEN]
    assert isolated(STRAY).startswith('<bdi data-o="\u2068\u2068">')
    assert isolated(OPEN).startswith('<bdi data-c="\u2069">')
    plain = isolated_plain(STRAY)
    assert plain == "\u2068" * 3 + STRAY + PDI and unbalanced(plain) == (0, 0)
    assert unbalanced(isolated_plain(OPEN)) == (0, 0)


ORDER = """
const bad = [];
const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
for (let node = walker.nextNode(); node; node = walker.nextNode()) {
  if (node.parentElement.closest('bdi, pre, script, style, svg, textarea, noscript')) continue;
  if (/[\u200e\u200f\u061c\u202a-\u202e\u2066-\u2069\u0590-\u08ff]/.test(node.data)) continue;
  let last = null;
  for (let i = 0; i < node.length; i++) {
    const range = document.createRange(); range.setStart(node, i); range.setEnd(node, i + 1);
    const box = range.getBoundingClientRect();
    if (box.width === 0 || node.data[i].trim() === '') continue;
    if (last && Math.abs(box.top - last.top) < 2 && box.left < last.left)
      bad.push(node.data.trim());
    last = box;
  }
}
return bad;
"""


@pytest.mark.server
@needs_chromium
def test_the_page_text_after_a_value_reads_left_to_right(
    url: str,
    browser: Any,
) -> None:
    backwards = {}
    for path in PAGES:
        browser.get(url + path)
        backwards[path] = browser.execute_script(ORDER)
    assert backwards == {path: [] for path in PAGES}  # before: " — 2 papers" ran backwards, …
    browser.get(url + "id/paper/arxiv/7777.00001")
    h1 = browser.execute_script("return document.querySelector('h1').textContent")
    assert h1 == TITLE  # the text as stored
    style = browser.execute_script(
        "return getComputedStyle(document.querySelector('h1 bdi')).unicodeBidi"
    )
    assert style == "isolate"


@pytest.mark.server
def test_a_query_link_shows_its_bidi_controls_as_marks(url: str) -> None:
    """A ``/sparql?query=`` link whose query holds an override in a string (which would show
    ``"evil"`` as ``"live"`` and the rest of the line reversed): its results page shows the
    query with each control drawn as a mark naming it, no control left in the page's text of
    it; the query run is the one linked (its result holds the control)."""
    query = f'SELECT ?x WHERE {{ BIND("{RLO}live{PDI}{RLI}" AS ?x) }}'
    answer = requests.get(
        url + "sparql", params={"query": query}, headers={"Accept": HTML_ACCEPT}, timeout=60
    )
    assert answer.status_code == 200
    parsed = Texts(answer.text)
    shown = "".join(text for text, inside in parsed.texts if "pre" in inside)
    assert shown == 'SELECT ?x WHERE { BIND("[RLO]live[PDI][RLI]" AS ?x) }'
    assert '<abbr class="bidi-mark" title="U+202E">[RLO]</abbr>' in answer.text
    cells = [b for b in parsed.bdis if "live" in b]
    assert cells == [f"{RLO}live{PDI}{RLI}"]  # the value, isolated as any value


@pytest.mark.server
@pytest.mark.parametrize(
    ("path", "named"),
    [
        ("describe?iri=" + quote(f"http://x/{RLO}evil{PDI}{RLI}", safe=""), "http://x/"),
        ("nowhere/" + quote(f"{RLO}evil{PDI}{RLI}"), "/nowhere/"),
    ],
    ids=["describe", "no-such-page"],
)
def test_a_not_found_page_shows_the_bidi_controls_of_what_was_asked_as_marks(
    url: str, path: str, named: str
) -> None:
    """The 404 page of an IRI or path asked for names it with each bidi control drawn as a mark
    naming it, so none acts on the page's own words after it (before: a link carrying an
    unterminated override showed "…: no such page" reversed, the words the link's author
    chose in its place)."""
    answer = requests.get(url + path, headers={"Accept": HTML_ACCEPT}, timeout=60)
    assert answer.status_code == 404
    shown = "".join(text for text, inside in Texts(answer.text).texts if "p" in inside)
    assert not BIDI & set(shown), shown
    assert shown.startswith(f"{named}[RLO]evil[PDI][RLI]: no such "), shown


@pytest.mark.server
@pytest.mark.parametrize(
    ("path", "accept", "status", "shown"),
    [
        (
            "describe?iri=" + quote(f"http://x/{RLO}evil{PDI}{RLI}", safe=""),
            "text/plain",
            404,
            "http://x/[RLO]evil[PDI][RLI]: no such ",
        ),
        (
            "nowhere/" + quote(f"{RLO}evil{PDI}{RLI}"),
            "text/plain",
            404,
            "/nowhere/[RLO]evil[PDI][RLI]: no such page\n",
        ),
        (
            "sparql?query=" + quote(f'SELECT ?x WHERE {{ BIND("{RLO}a{RLI}" AS ?x) }} LIMIT x'),
            "application/sparql-results+json",
            400,
            'SELECT ?x WHERE { BIND("[RLO]a[RLI]" AS ?x) } LIMIT x\n'
            + " " * len('SELECT ?x WHERE { BIND("[RLO]a[RLI]" AS ?x) } LIMIT ')
            + "^\n",
        ),
    ],
    ids=["describe", "no-such-page", "syntax-error"],
)
def test_a_plain_text_answer_shows_the_bidi_controls_of_what_was_asked_as_marks(
    url: str, path: str, accept: str, status: int, shown: str
) -> None:
    """A plain-text 404 and a syntax error's line draw each bidi control of what was asked as
    the mark the HTML pages draw (``[RLO]``), the caret still under the column the parser
    named (before: the controls as they were, an unterminated override reversing the words
    after it in a terminal or a browser showing the text)."""
    answer = requests.get(url + path, headers={"Accept": accept}, timeout=60)
    assert answer.status_code == status, answer.text
    assert answer.headers["content-type"] == "text/plain; charset=utf-8"
    assert not BIDI & set(answer.text), answer.text
    assert shown in answer.text, answer.text
