"""Incremental runs: conditional requests, and profiles the store already holds are skipped."""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import pytest

from conftest import write_config
from loopback import LoopbackServer
from samples import SAMPLE_PROFILE
from scholarkg.config import Config, load_config
from scholarkg.runs.build import build as build_job
from scholarkg.runs.build import unchanged_sources
from scholarkg.runs.context import RunContext
from scholarkg.runs.profile_sources import fetch_source
from scholarkg.store.embedded import EmbeddedStore

LAST_MODIFIED = "Wed, 25 Nov 2026 10:00:00 GMT"


class ProfileServer:
    """A loopback server for one page, with ETag and Last-Modified validators."""

    def __init__(self, body: bytes) -> None:
        self.body = body
        self.seen: list[dict[str, str]] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                server.seen.append(dict(self.headers.items()))
                etag = '"' + hashlib.sha256(server.body).hexdigest()[:12] + '"'
                if self.headers.get("If-None-Match") == etag:
                    self.send_response(304)
                    self.send_header("ETag", etag)
                    self.end_headers()
                    return
                self.send_response(200)
                self.send_header("Content-Type", "text/plain; charset=utf-8")
                self.send_header("ETag", etag)
                self.send_header("Last-Modified", LAST_MODIFIED)
                self.send_header("Content-Length", str(len(server.body)))
                self.end_headers()
                self.wfile.write(server.body)

            def log_message(self, format: str, *args: object) -> None:
                pass

        self.httpd = LoopbackServer(Handler)
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/profile.txt"


@pytest.fixture
def page_server() -> Iterator[ProfileServer]:
    server = ProfileServer(SAMPLE_PROFILE.read_bytes())
    yield server
    server.httpd.shutdown()
    server.httpd.server_close()


def build(config: Config, location: str) -> None:
    report = build_job(config, [location]).report
    assert report.outcome == "ok", report.summary_lines()


def split_unchanged(fetched: list, config: Config) -> tuple[list, list]:  # type: ignore[type-arg]
    with RunContext(config, "probe") as ctx:
        same = unchanged_sources(ctx, fetched)
    return [f for f in fetched if f.location not in same], [
        f for f in fetched if f.location in same
    ]


def test_refetch_is_conditional_and_unchanged_profile_is_skipped(
    tmp_path: Path, page_server: ProfileServer
) -> None:
    config = load_config(write_config(tmp_path, [], http={"min_interval": 0.0}))
    build(config, page_server.url)
    assert "If-None-Match" not in page_server.seen[0]

    again = fetch_source(page_server.url, config)
    assert page_server.seen[-1]["If-None-Match"].startswith('"')
    assert page_server.seen[-1]["If-Modified-Since"] == LAST_MODIFIED
    assert again.not_modified
    assert again.sha256 == hashlib.sha256(SAMPLE_PROFILE.read_bytes()).hexdigest()
    build_now, skipped = split_unchanged([again], config)
    assert (build_now, [f.location for f in skipped]) == ([], [page_server.url])

    page_server.body = SAMPLE_PROFILE.read_bytes().replace(b"h-index117", b"h-index118")
    changed = fetch_source(page_server.url, config)
    assert not changed.not_modified and changed.sha256 != again.sha256
    assert split_unchanged([changed], config) == ([changed], [])


def test_the_configuration_hash_comes_from_content_not_from_its_path(tmp_path: Path) -> None:
    import os

    page = tmp_path / "page.txt"
    page.write_bytes(SAMPLE_PROFILE.read_bytes())
    path = write_config(tmp_path, [])
    build(load_config(path), str(page))
    here = os.getcwd()
    os.chdir(tmp_path)
    try:
        relative = load_config(Path(path.name))
    finally:
        os.chdir(here)
    fetched = fetch_source(str(page), relative)
    assert split_unchanged([fetched], relative)[1] == [fetched]


def test_same_bytes_with_another_configuration_are_built_again(tmp_path: Path) -> None:
    page = tmp_path / "page.txt"
    page.write_bytes(SAMPLE_PROFILE.read_bytes())
    config = load_config(write_config(tmp_path, []))
    build(config, str(page))
    fetched = fetch_source(str(page), config)
    assert split_unchanged([fetched], config)[1] == [fetched]
    other = load_config(write_config(tmp_path, [], subject_codes={"LG": "stat.ML"}))
    assert split_unchanged([fetched], other) == ([fetched], [])


def test_a_store_that_lost_the_graph_gets_it_again(tmp_path: Path) -> None:
    page = tmp_path / "page.txt"
    page.write_bytes(SAMPLE_PROFILE.read_bytes())
    config = load_config(write_config(tmp_path, []))
    build(config, str(page))
    with EmbeddedStore(config.store.path) as store:
        [graph] = [
            g
            for g in store.graph_names()
            if "/graph/profile/" in g and "/snapshot/" not in g and "shacl" not in g
        ]
        store.update(f"DROP GRAPH <{graph}>")
    fetched = fetch_source(str(page), config)
    assert split_unchanged([fetched], config) == ([fetched], [])
