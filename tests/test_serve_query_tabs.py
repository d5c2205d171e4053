"""Every tab of the query page behaves as the first (static/query-ui.js), in a real browser
(Debian's chromium through chromedriver): instance IRIs in a tab's results link to this
server's pages, on every page of the table.

CONSTRUCTED: the store of tests/test_serve_bidi.py.
"""

from __future__ import annotations

import json
import urllib.request
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

import pytest

from test_serve_bidi import url  # noqa: F401 (the fixture)
from test_serve_browser import (
    CHROMEDRIVER,
    CHROMIUM,
    TIMEOUT,
    browser,  # noqa: F401 (the fixture)
)

pytestmark = [
    pytest.mark.server,
    pytest.mark.skipif(
        not (Path(CHROMIUM).is_file() and Path(CHROMEDRIVER).is_file()),
        reason="Debian's chromium and chromium-driver are not installed",
    ),
]
BASE = "https://w3id.org/scholarkg/id/"
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


def local_hrefs(server: str, query: str) -> list[str]:
    """The page-relative link of each instance IRI the query answers, in order."""
    with urllib.request.urlopen(
        server + "sparql?" + urlencode({"query": query, "format": "json"})
    ) as r:
        rows = json.load(r)["results"]["bindings"]
    return ["/id/" + row["s"]["value"][len(BASE) :] for row in rows]


def run(driver: Any, wait: Any) -> list[str]:
    """Runs the shown tab's query; the links of the first page of its table."""
    from selenium.webdriver.common.by import By

    driver.find_element(By.CSS_SELECTOR, ACTIVE + ".yasqe_queryButton").click()
    wait.until(lambda d: len(d.execute_script(HREFS)) == 50)
    return list(driver.execute_script(HREFS))


def test_every_tab_links_iris_to_this_server(
    url: str,  # noqa: F811 (the fixture)
    browser: Any,  # noqa: F811 (the fixture)
) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

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
