"""``/context.jsonld`` is validated by what it is made of (the project's context and the
configured IRI base), not by the store's version: an update leaves its tag as it was."""

from __future__ import annotations

from pathlib import Path

import pytest
import requests

from scholarkg.config import ServeSettings
from scholarkg.serve import make_server
from scholarkg.store.embedded import EmbeddedStore
from serve_fixtures import BASE

pytestmark = pytest.mark.server


def _tag(url: str) -> str:
    got = requests.get(url + "context.jsonld", timeout=30)
    assert got.status_code == 200
    return got.headers["ETag"]


def test_context_tag_survives_an_update_and_follows_the_iri_base(tmp_path: Path) -> None:
    EmbeddedStore(tmp_path / "rw").close()
    settings = ServeSettings(workers=1)
    with EmbeddedStore(tmp_path / "rw", read_only=True) as served:
        server = make_server(served, allow_updates=True, settings=settings).start()
        try:
            url = server.url
            before, version = _tag(url), server.kg.watcher.version
            insert = f'INSERT DATA {{ GRAPH <{BASE}graph/t> {{ <{BASE}x> <{BASE}p> "v" }} }}'
            done = requests.post(
                url + "update",
                data=insert.encode(),
                headers={"Content-Type": "application/sparql-update"},
                timeout=30,
            )
            assert done.status_code == 204, done.text
            assert server.kg.watcher.version != version  # the store did move on
            assert _tag(url) == before
            again = requests.get(
                url + "context.jsonld", headers={"If-None-Match": before}, timeout=30
            )
            assert (again.status_code, again.content) == (304, b"")
            assert again.headers["ETag"] == before
        finally:
            server.stop()
        other = make_server(served, iri_base="http://example.org/kg/", settings=settings).start()
        try:
            elsewhere = requests.get(other.url + "context.jsonld", timeout=30)
            assert elsewhere.json()["@context"]["id"] == "http://example.org/kg/"
            assert elsewhere.headers["ETag"] != before
            stale = requests.get(
                other.url + "context.jsonld", headers={"If-None-Match": before}, timeout=30
            )
            assert stale.status_code == 200 and stale.json() == elsewhere.json()
        finally:
            other.stop()
