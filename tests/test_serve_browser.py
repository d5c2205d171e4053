"""The analyst's path in a real headless browser (Debian's chromium driven by selenium through
chromedriver): the landing page, a saved query with a parameter in YASGUI, a person link, the
metric chart. Skipped only when the chromium binary is absent (`.ci/run` installs it)."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select, WebDriverWait

from chromium import TIMEOUT, needs_chromium
from scholarkg.config import ServeSettings
from serve_helpers import running_server

pytest_plugins = ("browser_fixtures",)
pytestmark = [pytest.mark.server, needs_chromium]


def test_landing_saved_query_person_and_chart(browser: Any, tmp_path: Path) -> None:
    with running_server(tmp_path / "store", settings=ServeSettings(workers=2)) as (server, _):
        browser.get(server.url)
        assert "scholarkg knowledge graph" in browser.find_element(By.TAG_NAME, "h1").text
        browser.find_element(By.LINK_TEXT, "coauthors").click()
        wait = WebDriverWait(browser, TIMEOUT)
        wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, "#yasgui .CodeMirror"))
        Select(browser.find_element(By.ID, "saved-select")).select_by_value("coauthors")
        field = wait.until(lambda d: d.find_element(By.ID, "param-researcher"))
        field.send_keys("Léonard Hussenot")
        browser.find_element(By.ID, "saved-run").click()
        results = wait.until(
            lambda d: [
                e
                for e in d.find_elements(By.CSS_SELECTOR, "#yasgui .yasr table td")
                if "Robert Dadashi" in e.text
            ]
        )
        assert results
        share = browser.find_element(By.ID, "share-link").get_attribute("href")
        assert "saved=coauthors" in share and "researcher=L%C3%A9onard" in share
        table = browser.find_element(By.CSS_SELECTOR, "#yasgui .yasr table").text
        assert "Gemma Team" not in table and table.count("Wei Wang") == 2
        person = wait.until(
            lambda d: [
                a
                for a in d.find_elements(By.CSS_SELECTOR, "#yasgui .yasr table a")
                if (a.get_attribute("href") or "").endswith("/id/person/leonard-hussenot")
            ]
        )[0]
        assert person.get_attribute("href") == server.url + "id/person/leonard-hussenot"
        network = Select(browser.find_element(By.ID, "saved-select"))
        network.select_by_value("coauthorship-network")
        minimum = wait.until(lambda d: d.find_element(By.ID, "param-minPapers"))
        assert minimum.get_attribute("type") == "number"  # an :integer parameter
        # Follow the link where it points (YASR handles clicks on IRIs itself).
        browser.get(person.get_attribute("href"))
        wait.until(lambda d: d.find_element(By.TAG_NAME, "h1").text == "Léonard Hussenot")
        charts = browser.find_elements(By.CSS_SELECTOR, "svg.metric-chart")
        assert {c.get_attribute("data-metric") for c in charts} == {
            "hIndex",
            "citationCount",
            "paperCount",
        }
        assert all(c.size["width"] > 100 for c in charts)  # drawn, not hidden
        browser.find_element(By.LINK_TEXT, "Robert Dadashi").click()
        wait.until(lambda d: d.find_element(By.TAG_NAME, "h1").text == "Robert Dadashi")
        errors = [
            e
            for e in browser.get_log("browser")
            if e["level"] == "SEVERE" and "favicon" not in e["message"]
        ]
        assert errors == []  # no blocked script, style or request (CSP) on the way


def test_the_ontology_contents_do_not_overlap(browser: Any, tmp_path: Path) -> None:
    """The ontology page's table of contents, laid out by the browser: no two entries share
    any pixel (its lists had overlapped their neighbours)."""
    with running_server(tmp_path / "store", settings=ServeSettings(workers=1)) as (server, _):
        browser.get(server.url + "ontology")
        entries = browser.find_elements(By.CSS_SELECTOR, "nav li li a")
        boxes = [(e.text, e.rect) for e in entries]
    assert len(boxes) > 60  # every class, property and individual is listed
    for i, (name, a) in enumerate(boxes):
        assert a["width"] > 0 and a["height"] > 0, name
        for other, b in boxes[i + 1 :]:
            apart = (
                a["x"] + a["width"] <= b["x"]
                or b["x"] + b["width"] <= a["x"]
                or a["y"] + a["height"] <= b["y"]
                or b["y"] + b["height"] <= a["y"]
            )
            assert apart, f"{name} overlaps {other}: {a} {b}"


def test_edit_this_query_keeps_the_dataset_of_the_results_page(
    browser: Any, tmp_path: Path
) -> None:
    """A results page over one graph (``default-graph-uri``), then "Edit this query": the
    editor runs the query over that graph again, not over the union of every graph."""
    graph = "https://w3id.org/scholarkg/id/graph/person/robert-dadashi"  # 19 triples
    query = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    with running_server(tmp_path / "store", settings=ServeSettings(workers=2)) as (server, _):
        browser.get(
            server.url + "sparql?" + urlencode({"query": query, "default-graph-uri": graph})
        )
        cells = [td.text for td in browser.find_elements(By.CSS_SELECTOR, "table td")]
        assert cells == ["19"]
        browser.find_element(By.LINK_TEXT, "Edit this query").click()
        wait = WebDriverWait(browser, TIMEOUT)
        wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, "#yasgui .CodeMirror"))
        assert graph in browser.find_element(By.ID, "dataset").text
        browser.find_element(By.CSS_SELECTOR, "#yasgui .yasqe_queryButton").click()
        answer = wait.until(
            lambda d: [td.text for td in d.find_elements(By.CSS_SELECTOR, "#yasgui .yasr table td")]
        )
        assert '"19"^^<http://www.w3.org/2001/XMLSchema#integer>' in answer, answer


def test_a_parameter_that_lists_its_values_is_chosen_from_them(
    browser: Any, tmp_path: Path
) -> None:
    """A saved query's ``name:a|b|c`` parameter is a drop-down of those values (before: a text
    box, where a value outside them answered 400 only once run)."""
    with running_server(tmp_path / "store", settings=ServeSettings(workers=2)) as (server, _):
        browser.get(server.url + "sparql")
        wait = WebDriverWait(browser, TIMEOUT)
        wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, "#yasgui .CodeMirror"))
        Select(browser.find_element(By.ID, "saved-select")).select_by_value("metric-history")
        metric = Select(wait.until(lambda d: d.find_element(By.ID, "param-metric")))
        assert [o.get_attribute("value") for o in metric.options] == [
            "",  # optional: (any), every metric
            "hIndex",
            "citationCount",
            "paperCount",
            "noveltyScore",
            "aiScore",
        ]
        assert metric.first_selected_option.text == "(any)"
        metric.select_by_value("citationCount")
        browser.find_element(By.ID, "param-researcher").send_keys("Léonard Hussenot")
        browser.find_element(By.ID, "saved-run").click()
        rows = wait.until(
            lambda d: d.find_elements(By.CSS_SELECTOR, "#yasgui .yasr table tbody tr")
        )
        assert rows and all("citationCount" in row.text for row in rows)
        share = browser.find_element(By.ID, "share-link").get_attribute("href")
        assert "saved=metric-history" in share and "metric=citationCount" in share
        browser.get(share)  # the share link opens the query with the value chosen
        chosen = Select(wait.until(lambda d: d.find_element(By.ID, "param-metric")))
        assert chosen.first_selected_option.get_attribute("value") == "citationCount"


def test_a_long_posted_query_downloads_and_edits_by_forms(browser: Any, tmp_path: Path) -> None:
    """A query of 20 KB POSTed from a page: its results page's downloads and "Edit this query"
    POST the query (as GET links their request line would pass the server's header limit, a
    400): the CSV download has the answer, and the editor opens with the query, over the
    page's graph, and runs it."""
    graph = "https://w3id.org/scholarkg/id/graph/person/robert-dadashi"  # 19 triples
    query = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }\n" + ("# " + "x" * 98 + "\n") * 200
    downloads = tmp_path / "downloads"
    downloads.mkdir()
    browser.execute_cdp_cmd(
        "Browser.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(downloads)}
    )
    post = """var form = document.createElement("form");
        form.method = "post"; form.action = "/sparql";
        [["query", arguments[0]], ["default-graph-uri", arguments[1]]].forEach(function (f) {
          var field = document.createElement("textarea");
          field.name = f[0]; field.value = f[1]; form.appendChild(field);
        });
        document.body.appendChild(form); form.submit();"""
    wait = WebDriverWait(browser, TIMEOUT)
    with running_server(tmp_path / "store", settings=ServeSettings(workers=2)) as (server, _):
        browser.get(server.url + "queries")
        browser.execute_script(post, query, graph)
        cells = wait.until(lambda d: [td.text for td in d.find_elements(By.CSS_SELECTOR, "td")])
        assert cells == ["19"]
        assert browser.find_elements(By.PARTIAL_LINK_TEXT, "CSV") == []  # no link too long
        buttons = browser.find_elements(By.CSS_SELECTOR, "form.link button")
        names = [b.text for b in buttons]
        assert names == ["CSV", "TSV", "JSON", "XML", "Edit this query"]
        buttons[0].click()
        csv = downloads / "sparql.csv"
        wait.until(lambda _: csv.is_file() and csv.read_bytes().endswith(b"\n"))
        assert csv.read_text(encoding="utf-8").splitlines() == ["n", "19"]
        buttons[-1].click()
        wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, "#yasgui .CodeMirror"))
        assert graph in browser.find_element(By.ID, "dataset").text
        shown = browser.execute_script(
            "return document.querySelector('#yasgui .CodeMirror').CodeMirror.getValue()"
        )
        assert shown.rstrip("\n") == query.rstrip("\n")
        browser.find_element(By.CSS_SELECTOR, "#yasgui .yasqe_queryButton").click()
        answer = wait.until(
            lambda d: [td.text for td in d.find_elements(By.CSS_SELECTOR, "#yasgui .yasr table td")]
        )
        assert '"19"^^<http://www.w3.org/2001/XMLSchema#integer>' in answer, answer


def test_a_long_querys_forms_post_its_line_breaks_as_they_were(
    browser: Any, tmp_path: Path
) -> None:
    """A browser sends every line break of a form's field as CRLF (HTML's form encoding): the
    download form of a query too long to link, holding a literal over two lines, ran the query
    with "a\\r\\nb" in it (before: its CSV said "a\\r\\nb" where the page said "a\\nb"). The
    server's forms say their line breaks were LF, and it reads them back so."""
    query = 'SELECT ?v WHERE { BIND ("""a\nb""" AS ?v) }\n' + ("# " + "x" * 98 + "\n") * 85
    downloads = tmp_path / "downloads"
    downloads.mkdir()
    browser.execute_cdp_cmd(
        "Browser.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(downloads)}
    )
    wait = WebDriverWait(browser, TIMEOUT)
    with running_server(tmp_path / "store", settings=ServeSettings(workers=2)) as (server, _):
        browser.get(server.url + "sparql?query=" + quote(query, safe=""))  # LF, as linked
        cells = wait.until(
            lambda d: [
                td.get_attribute("textContent") for td in d.find_elements(By.CSS_SELECTOR, "td")
            ]
        )
        assert cells == ["a\nb"]
        buttons = browser.find_elements(By.CSS_SELECTOR, "form.link button")
        assert [b.text for b in buttons] == ["CSV", "TSV", "JSON", "XML", "Edit this query"]
        buttons[0].click()
        csv = downloads / "sparql.csv"
        wait.until(lambda _: csv.is_file() and csv.read_bytes().endswith(b"\n"))
    assert csv.read_bytes() == b'v\r\n"a\nb"\r\n'  # before: b'v\r\n"a\r\nb"\r\n'
