"""A result value holding markup is text on the query page, where YASGUI's own script draws the
results (static/query-ui.js): laid out by a real browser (Debian's chromium through
chromedriver), a literal ``<img src=x onerror=…>`` (plain, with a language, with a datatype
whose IRI holds a quote that would end YASR's single-quoted ``href``), a ``javascript:`` IRI
and an IRI with a quote (in a prefixed name's local part or namespace too) run nothing, in the
table or in the raw "response" view; no element of the results has an event-handler attribute
or a ``javascript:`` link; each cell shows the value as its text, each link the whole IRI.

CONSTRUCTED: the values are bound by the query itself; the store is tests/bidi_store.py's.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import pytest
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from chromium import TIMEOUT, needs_chromium

pytest_plugins = ("bidi_fixtures", "browser_fixtures")
pytestmark = [pytest.mark.server, needs_chromium]

IMG = "<img src=x onerror=window.ran.push(%d)>"
QUOTED = "http://e.example/a'onmouseover='window.ran.push(7)'x"
HERE = "https://w3id.org/scholarkg/id/person/o'brien"
CUT = "http://o.example/o'brien"  # shown as p:brien, its namespace holding the quote
QUERY = f"""PREFIX e: <http://e.example/>
PREFIX p: <http://o.example/o'>
SELECT ?plain ?tagged ?typed ?script ?iri ?quoted ?here ?named ?cut WHERE {{
  BIND ("{IMG % 1}" AS ?plain)
  BIND (STRLANG("{IMG % 2}", "en") AS ?tagged)
  BIND (STRDT("{IMG % 3}", <http://e.example/t'onmouseover='window.ran.push(4)'x>) AS ?typed)
  BIND ("</script><script>window.ran.push(5)</script>" AS ?script)
  BIND (IRI("javascript:window.ran.push(6)") AS ?iri)
  BIND (IRI("{QUOTED}") AS ?quoted)
  BIND (IRI("{HERE}") AS ?here)
  BIND (STRDT("v", e:b\\'c) AS ?named)
  BIND (IRI("{CUT}") AS ?cut)
}}"""
RAN = "window.ran = [];"
# Elements of the results with an on… attribute, and links whose href runs script.
ACTIVE = """return [...document.querySelectorAll('#yasgui .yasr *')].flatMap(e =>
  [...e.attributes].filter(a => /^on/i.test(a.name) ||
    (a.name === 'href' && /^\\s*javascript:/i.test(a.value))).map(a => e.tagName + ' ' + a.name))"""

HREFS = """return [...document.querySelectorAll('#yasgui .yasr tbody a.iri')]
  .map(a => a.getAttribute('href')).filter(h => h !== null)"""


def test_markup_in_a_result_value_is_text_and_runs_nothing(url: str, browser: Any) -> None:
    wait = WebDriverWait(browser, TIMEOUT)
    browser.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": RAN})
    browser.get(url + "sparql?edit=" + quote(QUERY, safe=""))
    wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, "#yasgui .CodeMirror"))
    browser.find_element(By.CSS_SELECTOR, "#yasgui .yasqe_queryButton").click()
    wait.until(lambda d: len(d.find_elements(By.CSS_SELECTOR, "#yasgui .yasr tbody td")) == 10)
    cells = [td.text for td in browser.find_elements(By.CSS_SELECTOR, "#yasgui .yasr tbody td")]
    assert cells[1] == IMG % 1 and cells[2].startswith(f'"{IMG % 2}"')
    assert cells[3].startswith(f'"{IMG % 3}"') and "</script><script>" in cells[4]
    for link in browser.find_elements(By.CSS_SELECTOR, "#yasgui .yasr tbody a"):
        ActionChains(browser).move_to_element(link).perform()
    assert browser.execute_script(ACTIVE) == []
    # YASR writes an IRI's link as href='…': an IRI holding a quote kept only what came before
    # it (http://e.example/a), this server's (…/person/o) named another resource; one shown as
    # a prefixed name whose namespace holds the quote (p:brien) is expanded with the query's
    # prefixes (before: http://o.example/o)
    assert cells[9] == "p:brien"
    assert browser.execute_script(HREFS) == [
        "http://e.example/t'onmouseover='window.ran.push(4)'x",
        QUOTED,
        "/id/person/o'brien",
        "http://e.example/b'c",
        CUT,
    ]
    browser.find_element(By.CSS_SELECTOR, "#yasgui .yasr .select_response").click()
    wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, "#yasgui .yasr .CodeMirror-line"))
    assert browser.execute_script(ACTIVE) == []
    assert browser.execute_script("return window.ran") == []
