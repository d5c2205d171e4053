"""Every tab of the query page behaves as the first (static/query-ui.js), in a real browser
(Debian's chromium through chromedriver): instance IRIs in a tab's results link to this
server's pages, on every page of the table, and a tab's query editor (YASQE, a CodeMirror)
draws every bidi control of the query as a mark of its own, so a share link cannot make a
query look different from what it runs.

CONSTRUCTED: the store of tests/bidi_store.py; a share link of a saved query of the test's
own (``labelled``: the shipped ones take no free text) whose label, bound into a string literal
of the query, holds an
unterminated RIGHT-TO-LEFT EMBEDDING, a FIRST STRONG ISOLATE around a POP DIRECTIONAL
FORMATTING (which closes nothing there) — the three CodeMirror's defaults draw as they are —
and a RIGHT-TO-LEFT OVERRIDE (a mark by CodeMirror's defaults already).
"""

from __future__ import annotations

import json
import shutil
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from bidi_store import EXTRA
from chromium import TIMEOUT, needs_chromium
from drawn_order import out_of_order
from scholarkg.config import ServeSettings
from serve_fixtures import build_v2_store
from serve_helpers import running_server

pytest_plugins = ("bidi_fixtures", "browser_fixtures")
pytestmark = [
    pytest.mark.server,
    needs_chromium,
]
BASE = "https://w3id.org/scholarkg/id/"
CHECKOUT = Path(__file__).resolve().parents[1]
LABELLED = """# Labelled resources: a saved query with a text parameter.
# @param? label a label
SELECT ?s WHERE {
  # @values
  ?s <http://www.w3.org/2000/01/rdf-schema#label> ?label
}
"""
LINKED = f"""SELECT DISTINCT ?s WHERE {{
  ?s ?p ?o FILTER (STRSTARTS(STR(?s), "{BASE}"))
}} ORDER BY ?s LIMIT 60"""
ACTIVE = "#yasgui .tabPanel.active "  # the tab shown (the others stay in the page)
HREFS = """return [...document.querySelectorAll('#yasgui .tabPanel.active .yasr table tbody a.iri')]
  .map(a => a.getAttribute('href'))"""
EDIT = """const editor = '#yasgui .tabPanel.active .yasqe .CodeMirror';
const cm = document.querySelector(editor).CodeMirror;
if (arguments[0] !== null) cm.setValue(arguments[0]);
return cm.getValue();"""
RESEARCHER = "Embedded \u202bresults \u2068first\u202c \u202eevil"
CONTROLS = ["\u202b", "\u2068", "\u202c", "\u202e"]
# The characters of each editor line that stand left of the one written before them.
EDITOR_ORDER = out_of_order("#yasgui .tabPanel.active .yasqe .CodeMirror-line")
MARKS = """return [...document.querySelectorAll('#yasgui .tabPanel.active .yasqe .cm-invalidchar')]
  .map(s => s.getAttribute('cm-text'))"""
# Every query text the page sends to /sparql, recorded before the page's own scripts run.
RECORD = """window.sentQueries = [];
const send = window.fetch;
window.fetch = function (request) {
  if (request instanceof Request && new URL(request.url).pathname === '/sparql')
    request.clone().text().then(t => sentQueries.push(new URLSearchParams(t).get('query')));
  return send.apply(this, arguments);
};"""


@pytest.fixture(scope="module")
def labelled_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A server over the bidi store whose saved queries (``SCHOLARKG_HOME``) are the shipped
    ones and ``labelled``, which binds a free text parameter, ``label``."""
    root = tmp_path_factory.mktemp("labelled")
    home = root / "home"
    shutil.copytree(CHECKOUT / "queries", home / "queries")
    (home / "queries" / "labelled.rq").write_text(LABELLED, encoding="utf-8")
    for folder in ("config", "shapes", "ontology", "docs"):
        (home / folder).symlink_to(CHECKOUT / folder)
    build_v2_store(root / "store", EXTRA)
    settings = ServeSettings(workers=1, refresh_interval=0.2)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SCHOLARKG_HOME", str(home))
        with running_server(root / "store", build=False, settings=settings) as (server, _):
            yield server.url


def local_hrefs(server: str, query: str) -> list[str]:
    """The page-relative link of each instance IRI the query answers, in order."""
    with urllib.request.urlopen(
        server + "sparql?" + urlencode({"query": query, "format": "json"})
    ) as r:
        rows = json.load(r)["results"]["bindings"]
    return ["/id/" + row["s"]["value"][len(BASE) :] for row in rows]


def run(driver: Any, wait: Any) -> list[str]:
    """Runs the shown tab's query; the links of the first page of its table."""
    driver.find_element(By.CSS_SELECTOR, ACTIVE + ".yasqe_queryButton").click()
    wait.until(lambda d: len(d.execute_script(HREFS)) == 50)
    return list(driver.execute_script(HREFS))


def test_every_tab_links_iris_to_this_server(
    url: str,
    browser: Any,
) -> None:
    expected = local_hrefs(url, LINKED)
    assert len(expected) == 60
    wait = WebDriverWait(browser, TIMEOUT)
    browser.get(url + "sparql?edit=" + quote(LINKED, safe=""))
    wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, "#yasgui .CodeMirror"))
    assert run(browser, wait) == expected[:50]

    browser.find_element(By.CSS_SELECTOR, "#yasgui button.addTab").click()
    wait.until(lambda d: len(d.find_elements(By.CSS_SELECTOR, "#yasgui .tabsList .tab")) == 2)
    wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, ACTIVE + ".yasqe .CodeMirror"))
    assert browser.execute_script(HREFS) == []  # the new tab's own (empty) results
    assert browser.execute_script(EDIT, LINKED) == LINKED
    # before: each href was the IRI itself, https://w3id.org/scholarkg/id/…
    assert run(browser, wait) == expected[:50]
    browser.find_element(By.CSS_SELECTOR, ACTIVE + ".yasr .dt-paging-button.next").click()
    wait.until(lambda d: d.find_element(By.CSS_SELECTOR, ACTIVE + ".yasr tbody td").text == "51")
    assert browser.execute_script(HREFS) == expected[50:]  # a page drawn by DataTables alone

    browser.find_elements(By.CSS_SELECTOR, "#yasgui .tabsList .tab a")[0].click()
    wait.until(lambda d: d.find_element(By.CSS_SELECTOR, ACTIVE + ".yasr tbody td").text == "1")
    assert browser.execute_script(HREFS) == expected[:50]
    browser.find_element(By.CSS_SELECTOR, ACTIVE + ".yasr .dt-paging-button.next").click()
    wait.until(lambda d: d.find_element(By.CSS_SELECTOR, ACTIVE + ".yasr tbody td").text == "51")
    assert browser.execute_script(HREFS) == expected[50:]


def test_every_query_editor_draws_bidi_controls_as_marks(
    labelled_url: str,
    browser: Any,
) -> None:
    params = urlencode({"label": RESEARCHER})  # a text parameter (a name is bound as its key)
    with urllib.request.urlopen(labelled_url + "queries/labelled?" + params) as response:
        bound = response.read().decode()
    assert f'"{RESEARCHER}"' in bound  # in a string literal of the query
    wait = WebDriverWait(browser, TIMEOUT)
    browser.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": RECORD})
    browser.get(labelled_url + "sparql?saved=labelled&" + params)  # the share link
    wait.until(lambda d: d.execute_script("return window.sentQueries.length") == 1)
    assert browser.execute_script("return window.sentQueries") == [bound]  # run unchanged
    assert browser.execute_script(EDIT, None) == bound
    # before: the embedding, PDF and FSI were live, the text after the embedding ran backwards
    assert browser.execute_script(EDITOR_ORDER) == []
    assert browser.execute_script(MARKS) == CONTROLS

    browser.find_element(By.CSS_SELECTOR, "#yasgui button.addTab").click()
    wait.until(lambda d: len(d.find_elements(By.CSS_SELECTOR, "#yasgui .tabsList .tab")) == 2)
    wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, ACTIVE + ".yasqe .CodeMirror"))
    typed = f'SELECT * WHERE {{ ?s ?p "{RESEARCHER}" }}'
    assert browser.execute_script(EDIT, typed) == typed
    assert browser.execute_script(EDITOR_ORDER) == []
    assert browser.execute_script(MARKS) == CONTROLS


OFF_SITE = f"""SELECT ?s WHERE {{
  VALUES ?s {{ <{BASE}/evil.example/x> <{BASE}person/x> <{BASE}//two.example/y> }}
}}"""
ALL_HREFS = """return [...document.querySelectorAll('#yasgui .tabPanel.active .yasr tbody a.iri')]
  .map(a => a.getAttribute('href'))"""


def test_under_the_root_prefix_no_iri_links_off_site(tmp_path: Path, browser: Any) -> None:
    """With the path prefix ``/``, ``<base>/evil.example/x`` would be linked as
    ``//evil.example/x``, which a browser reads as another site: the results link it by
    ``/describe?iri=``, as the server's own pages do (e47673d; before: the query page's
    script linked it off-site), and every other instance IRI by its path."""
    build_v2_store(tmp_path / "store")
    settings = ServeSettings(workers=1, refresh_interval=0.2)
    with running_server(tmp_path / "store", build=False, settings=settings, path_prefix="/") as (
        server,
        _,
    ):
        wait = WebDriverWait(browser, TIMEOUT)
        browser.get(server.url + "sparql?edit=" + quote(OFF_SITE, safe=""))
        wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, "#yasgui .CodeMirror"))
        browser.find_element(By.CSS_SELECTOR, ACTIVE + ".yasqe_queryButton").click()
        wait.until(lambda d: len(d.execute_script(ALL_HREFS)) == 3)
        wait.until(lambda d: "/person/x" in d.execute_script(ALL_HREFS))  # linked here
        hrefs = browser.execute_script(ALL_HREFS)
    assert sorted(hrefs) == sorted(
        [
            "/describe?iri=" + quote(f"{BASE}/evil.example/x", safe=""),
            "/person/x",
            "/describe?iri=" + quote(f"{BASE}//two.example/y", safe=""),
        ]
    ), hrefs
