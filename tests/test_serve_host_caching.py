"""Answers built from the request's ``Host`` (VoID and the service description without
``[serve] public_url``) are for no shared cache to keep: one name's IRIs must not be served
to a client of another. With ``public_url`` they name that URL and are public as before."""

from __future__ import annotations

import http.client
from collections.abc import Iterator
from urllib.parse import urlsplit

import pytest

from scholarkg.config import ServeSettings
from serve_helpers import running_server

pytestmark = pytest.mark.server


def _get(url: str, path: str, host: str, **headers: str) -> http.client.HTTPResponse:
    """GET ``path`` with this ``Host`` header (as a reverse proxy passes a client's on)."""
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
    connection.request("GET", path, headers={"Host": host, **headers})
    response = connection.getresponse()
    response.body = response.read()  # type: ignore[attr-defined]
    connection.close()
    return response


@pytest.fixture(scope="module")
def servers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    """A server without ``public_url`` and one with it, over one store."""
    directory = tmp_path_factory.mktemp("host")
    plain = ServeSettings(workers=1, refresh_interval=0.2)
    public = ServeSettings(workers=1, refresh_interval=0.2, public_url="https://kg.example/")
    with (
        running_server(directory / "a", settings=plain) as (first, _),
        running_server(directory / "b", settings=public) as (second, _),
    ):
        yield first.url, second.url


@pytest.mark.parametrize(
    ("path", "accept"),
    [("/.well-known/void", "text/turtle"), ("/sparql", "text/turtle")],
)
def test_an_answer_naming_the_request_host_is_private(
    servers: tuple[str, str], path: str, accept: str
) -> None:
    url = servers[0]
    one = _get(url, path, "one.example", Accept=accept)
    other = _get(url, path, "other.example", Accept=accept)
    assert one.status == other.status == 200
    assert b"http://one.example/sparql" in one.body  # type: ignore[attr-defined]
    assert b"http://other.example/sparql" in other.body  # type: ignore[attr-defined]
    for response in (one, other):
        directives = {d.strip() for d in response.headers["Cache-Control"].split(",")}
        assert "private" in directives and "public" not in directives
        assert "Host" in {v.strip() for v in response.headers["Vary"].split(",")}
    tag = one.headers["ETag"] if path != "/sparql" else None
    if tag is not None:  # the 304 of a revalidation says the same
        again = _get(url, path, "one.example", Accept=accept, **{"If-None-Match": tag})
        assert again.status == 304 and "private" in again.headers["Cache-Control"]


def test_with_a_public_url_the_answer_is_public(servers: tuple[str, str]) -> None:
    url = servers[1]
    response = _get(url, "/.well-known/void", "one.example", Accept="text/turtle")
    assert response.status == 200
    assert b"https://kg.example/sparql" in response.body  # type: ignore[attr-defined]
    assert b"one.example" not in response.body  # type: ignore[attr-defined]
    assert response.headers["Cache-Control"].startswith("public, max-age=")
