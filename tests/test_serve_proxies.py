"""``[serve] trusted_proxies``: whose ``X-Forwarded-For`` and ``X-Forwarded-Proto`` the server
believes. By default nobody's, loopback included (uvicorn's own default believed them from
127.0.0.1, so any local process, or any client of a proxy that passes the headers on, chose the
scheme of the service description's and VoID's URLs and the client the log names). Real
servers on loopback, read by rdflib and requests."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
import requests
from rdflib import Graph, URIRef

from polls import until
from scholarkg.config import ServeSettings, load_config
from scholarkg.errors import ConfigError
from serve_helpers import running_server

pytestmark = pytest.mark.server

VOID_ENDPOINT = URIRef("http://rdfs.org/ns/void#sparqlEndpoint")
SD_ENDPOINT = URIRef("http://www.w3.org/ns/sparql-service-description#endpoint")
FORWARDED = {"X-Forwarded-Proto": "https", "X-Forwarded-For": "6.6.6.6"}


def endpoints(url: str) -> list[str]:
    """The SPARQL endpoint VoID and the service description name, asked with
    :data:`FORWARDED` headers."""
    found = []
    for path, predicate in ((".well-known/void", VOID_ENDPOINT), ("sparql", SD_ENDPOINT)):
        headers = {**FORWARDED, "Accept": "text/turtle"}
        response = requests.get(url + path, headers=headers, timeout=60)
        assert response.status_code == 200, response.text
        graph = Graph().parse(data=response.text, format="turtle")
        found += sorted(str(o) for o in graph.objects(None, predicate))
    return found


def logged_client(url: str, caplog: pytest.LogCaptureFixture, marker: str) -> str:
    """The client the access log names for a request marked ``marker`` forwarded for a client
    whose address (a header anyone may write) holds a quote."""
    with caplog.at_level(logging.INFO, logger="scholarkg.serve.access"):
        headers = {**FORWARDED, "X-Forwarded-For": '6.6.6.6 "x'}
        requests.get(f"{url}sparql?query=ASK%7B%7D&{marker}", headers=headers, timeout=60)

        def lines() -> list[str]:
            return [
                r.getMessage()
                for r in caplog.records
                if r.name == "scholarkg.serve.access" and f"&{marker}" in r.getMessage()
            ]

        # the line is written once the answer has gone out
        until(lambda: bool(lines()), f"no log line for {marker}", 30, every=0.05)
        return lines()[0].split(' "GET', 1)[0]


def test_no_proxy_is_trusted_by_default_not_even_loopback(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FORWARDED_ALLOW_IPS", "*")  # uvicorn's own variable changes nothing
    assert ServeSettings().trusted_proxies == ()
    with running_server(tmp_path / "store") as (server, _):
        plain = server.url + "sparql"
        assert endpoints(server.url) == [plain, plain]
        assert logged_client(server.url, caplog, "untrusted") == "127.0.0.1"


def test_a_trusted_proxy_sets_the_scheme_and_the_client(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    settings = ServeSettings(workers=1, refresh_interval=0.2, trusted_proxies=("127.0.0.0/8",))
    with running_server(tmp_path / "store", settings=settings) as (server, _):
        https = server.url.replace("http://", "https://", 1) + "sparql"
        assert endpoints(server.url) == [https, https]
        client = logged_client(server.url, caplog, "trusted")
        assert client == "127.0.0.1 (forwarded for 6.6.6.6 \\x22x)"  # one line, unforgeable


def test_a_proxy_not_listed_is_not_believed(tmp_path: Path) -> None:
    settings = ServeSettings(workers=1, refresh_interval=0.2, trusted_proxies=("10.0.0.5",))
    with running_server(tmp_path / "store", settings=settings) as (server, _):
        plain = server.url + "sparql"
        assert endpoints(server.url) == [plain, plain]


def test_trusted_proxies_are_checked_addresses_or_networks(tmp_path: Path) -> None:
    config = tmp_path / "c.toml"
    config.write_text('[serve]\ntrusted_proxies = ["10.0.0.5", "fd00::/8"]\n', encoding="utf-8")
    assert load_config(config).serve.trusted_proxies == ("10.0.0.5", "fd00::/8")
    for value in ('["proxy.example"]', '["10.0.0.0/33"]', '"10.0.0.5"', '[""]'):
        config.write_text(f"[serve]\ntrusted_proxies = {value}\n", encoding="utf-8")
        with pytest.raises(ConfigError, match="trusted_proxies"):
            load_config(config)


def test_an_ipv4_proxy_is_trusted_on_a_dual_stack_socket(tmp_path: Path) -> None:
    """A server bound to ``::`` sees an IPv4 proxy as ``::ffff:a.b.c.d``: trusted as the
    address listed, as the per-client caps count it."""
    settings = ServeSettings(workers=1, refresh_interval=0.2, trusted_proxies=("127.0.0.1",))
    with running_server(tmp_path / "store", settings=settings, host="::") as (server, _):
        port = server.url.rsplit(":", 1)[1]
        ipv4 = f"http://127.0.0.1:{port}"
        assert endpoints(ipv4) == [f"https://127.0.0.1:{port}sparql"] * 2


def test_ipv4_proxies_are_also_listed_ipv4_mapped() -> None:
    from scholarkg.serve.server import trusted_forms

    assert trusted_forms(("10.0.0.5", "10.1.0.0/16", "fd00::/8")) == [
        "10.0.0.5",
        "::ffff:10.0.0.5",
        "10.1.0.0/16",
        "::ffff:10.1.0.0/112",
        "fd00::/8",
    ]
