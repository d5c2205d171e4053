"""An export from a SPARQL server (a real ``oxigraph serve`` on loopback) reads each answer as
it arrives: the same bytes as the embedded store's export of the same data in every format,
whatever the answer's size (before: each answer was read whole, up to ``[store]
max_answer_bytes``, and parsed after; at 10k records TriG peaked at 676 MB, and a store whose
answer passed 1 GiB could not be exported at all; Turtle and JSON-LD went through a scratch
store, whose order was not the embedded store's: other bytes). A server that stalls or
trickles ends the export in one line naming the setting; one that keeps sending is never cut
by the request deadline."""

from __future__ import annotations

import json
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
import requests

from loopback import Answering, Scripted, read_request
from scholarkg.errors import QueryError
from scholarkg.export import FORMATS, export_dump
from scholarkg.store.embedded import EmbeddedStore
from scholarkg.store.remote import SparqlStore

pytest_plugins = ("oxigraph_server",)

ESCAPES = 'quote " backslash \\ newline \n return \r tab \t \b \f bell \x07 del \x7f é ☃ 𝄞'
DATA = f"""
<https://ex.org/a> <https://ex.org/p> "{json.dumps(ESCAPES, ensure_ascii=False)[1:-1]}" <https://ex.org/g1> .
<https://ex.org/a> <https://ex.org/p> "plain" <https://ex.org/g1> .
<https://ex.org/a> <https://ex.org/p> "plain" <https://ex.org/g2> .
<https://ex.org/a> <https://ex.org/q> "chat"@fr <https://ex.org/g2> .
<https://ex.org/a> <https://ex.org/q> "12"^^<http://www.w3.org/2001/XMLSchema#integer> <https://ex.org/g2> .
<https://ex.org/a> <https://ex.org/r> _:b1 <https://ex.org/g1> .
_:b1 <https://ex.org/p> _:b2 <https://ex.org/g1> .
_:b2 <https://ex.org/p> "deep" <https://ex.org/g1> .
_:b3 <https://ex.org/p> "alone" <https://ex.org/g3> .
<https://ex.org/b> <https://ex.org/p> <https://ex.org/a> <https://ex.org/g3> .
"""  # noqa: E501
G1 = "https://ex.org/g1"


def _load(url: str, nquads: bytes) -> None:
    response = requests.post(
        f"{url}/store", data=nquads, headers={"Content-Type": "application/n-quads"}, timeout=60
    )
    response.raise_for_status()


@pytest.fixture
def both(tmp_path: Path, oxigraph_url: str) -> Iterator[tuple[EmbeddedStore, SparqlStore]]:
    """The same quads in an embedded store and in the session's Oxigraph server."""
    _load(oxigraph_url, DATA.encode())
    native = ox.Store(str(tmp_path / "store"))
    native.load(DATA.encode(), format=ox.RdfFormat.N_QUADS)
    native.flush()
    del native
    remote = SparqlStore.for_oxigraph(oxigraph_url)
    with EmbeddedStore(tmp_path / "store", read_only=True) as embedded:
        yield embedded, remote
    remote.close()


@pytest.mark.parametrize("fmt", sorted(FORMATS))
@pytest.mark.parametrize(("graph", "exclude"), [(None, ()), (G1, ()), (None, (G1,))])
def test_a_servers_export_is_the_embedded_stores_bytes(
    both: tuple[EmbeddedStore, SparqlStore],
    tmp_path: Path,
    fmt: str,
    graph: str | None,
    exclude: tuple[str, ...],
) -> None:
    embedded, remote = both
    local = export_dump(embedded, tmp_path / f"local.{fmt}", fmt, graph, exclude=exclude)
    served = export_dump(remote, tmp_path / f"served.{fmt}", fmt, graph, exclude=exclude)
    assert served.triples_or_quads == local.triples_or_quads > 0
    assert served.path.read_bytes() == local.path.read_bytes()


ROWS = 30_000
MIB = 1024 * 1024


def test_a_select_answer_is_read_as_it_arrives(oxigraph_url: str) -> None:
    """At the first row only the first pieces of the answer were read; no more than one piece
    (64 KiB) is ever held, whatever the answer's size (here over 10 MB)."""
    lines = (
        f'<https://ex.org/s{i}> <https://ex.org/p> "{i} {"x" * 200}" <https://ex.org/g{i % 7}> .'
        for i in range(ROWS)
    )
    _load(oxigraph_url, "\n".join(lines).encode())
    store = SparqlStore.for_oxigraph(oxigraph_url)
    try:
        rows = store.select_rows("SELECT ?s ?p ?o ?g WHERE { GRAPH ?g { ?s ?p ?o } }", union=False)
        seen = iter(rows)
        next(seen)
        at_first = rows.tally.bytes_read
        count = 1 + sum(1 for _ in seen)
    finally:
        store.close()
    assert count == ROWS
    assert rows.tally.bytes_read > 10 * 1024 * 1024
    assert at_first <= 4 * 64 * 1024
    assert rows.tally.most_held <= 64 * 1024


HEAD = b'{"head":{"vars":["s","p","o","g"]},"results":{"bindings":['
ROW = (
    b'{"s":{"type":"uri","value":"https://ex.org/s"},"p":{"type":"uri","value":"https://ex.org/p"},'
    b'"o":{"type":"literal","value":"%d"},"g":{"type":"uri","value":"https://ex.org/g"}}'
)


class Stream(Answering):
    """Answers a SELECT with ``HEAD``, then what :meth:`body` gives, piece by piece, with no
    Content-Length (the answer ends when the connection closes); ``sent`` is set once the
    first piece is out."""

    def __init__(self) -> None:
        super().__init__()
        self.sent = threading.Event()
        self.release = threading.Event()

    def body(self) -> Iterator[bytes]:
        raise NotImplementedError

    def answer(self, conn: socket.socket) -> None:
        read_request(conn)
        conn.sendall(
            b"HTTP/1.1 200 OK\r\nContent-Type: application/sparql-results+json\r\n"
            b"Connection: close\r\n\r\n" + HEAD
        )
        for piece in self.body():
            conn.sendall(piece)
            self.sent.set()

    def close(self) -> None:
        self.release.set()
        super().close()


class Stalls(Stream):
    def body(self) -> Iterator[bytes]:
        yield b",".join(ROW % i for i in range(100))
        self.release.wait(30)  # then sends nothing more


class Trickles(Stream):
    def body(self) -> Iterator[bytes]:
        yield ROW % 0
        while not self.release.wait(0.02):
            yield b" "  # JSON whitespace: every read gets a byte


class KeepsSending(Stream):
    """Four pieces of over 1 MiB each, 0.4 s apart: longer than the request deadline of the
    test, every piece well within it."""

    PIECES = 4
    PER_PIECE = 6000

    def body(self) -> Iterator[bytes]:
        for piece in range(self.PIECES):
            first = piece * self.PER_PIECE
            rows = b",".join(ROW % i for i in range(first, first + self.PER_PIECE))
            yield (b"," if piece else b"") + rows
            time.sleep(0.4)
        yield b"]}}"


def _remote(url: str, **limits: float) -> SparqlStore:
    return SparqlStore(f"{url}/query", **limits)  # type: ignore[arg-type]


def _export_refused(server: Stream | Scripted, folder: Path, fmt: str, **limits: float) -> str:
    """The one line an export from ``server`` into ``folder`` fails with; nothing written."""
    store = _remote(server.url, **limits)
    try:
        with pytest.raises(QueryError) as caught:
            export_dump(store, folder / f"kg.{fmt}", fmt)
    finally:
        server.close()
        store.close()
    message = str(caught.value)
    assert "\n" not in message and list(folder.iterdir()) == []
    return message


def test_a_server_that_stalls_mid_answer_ends_the_export_naming_read_timeout(
    tmp_path: Path,
) -> None:
    message = _export_refused(Stalls(), tmp_path, "nq", timeout=0.5)
    assert "timed out: the server sent nothing for 0.5 s ([store] read_timeout = 0.5)" in message


def test_a_server_that_trickles_ends_the_export_naming_request_deadline(tmp_path: Path) -> None:
    message = _export_refused(Trickles(), tmp_path, "trig", timeout=10.0, total_timeout=0.5)
    assert "no complete answer within 0.5 s ([store] request_deadline" in message


def test_an_answer_that_keeps_coming_is_not_cut_by_the_request_deadline(tmp_path: Path) -> None:
    server = KeepsSending()
    store = _remote(server.url, timeout=10.0, total_timeout=0.6)
    try:
        result = export_dump(store, tmp_path / "kg.nq", "nq")
    finally:
        server.close()
        store.close()
    assert result.triples_or_quads == KeepsSending.PIECES * KeepsSending.PER_PIECE


@pytest.mark.parametrize("to_stdout", [False, True])
def test_sigterm_mid_answer_ends_the_export_and_leaves_no_file(
    tmp_path: Path, to_stdout: bool
) -> None:
    """Said as an embedded store's stopped export says it (before: 'error: …: SPARQL query:
    cut off: stop requested (SIGTERM/SIGINT)', exit status 1)."""
    server = Stalls()
    config = tmp_path / "scholarkg.toml"
    config.write_text(
        f'[data]\ndir = "{tmp_path / "data"}"\n[store]\nkind = "sparql"\n'
        f'query_url = "{server.url}/query"\n',
        encoding="utf-8",
    )
    out = tmp_path / "out"
    out.mkdir()
    target = "-" if to_stdout else str(out / "kg.nq")
    command = [sys.executable, "-m", "scholarkg.cli", "export", "--config", str(config)]
    process = subprocess.Popen(
        [*command, "--output", target], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    try:
        assert server.sent.wait(60), "the export never asked for the quads"
        process.send_signal(signal.SIGTERM)
        _, err = process.communicate(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
        server.close()
    assert process.returncode == 128 + signal.SIGTERM, err
    said = (
        "the dump on stdout is cut short, not whole"
        if to_stdout
        else f"{target} not written (a file there before is left as it was)"
    )
    assert err.splitlines() == [f"interrupted (SIGTERM): {said}"]
    assert list(out.iterdir()) == []


ONE_ROW = (
    '{"head":{"vars":["s","p","o","g"]},"results":{"bindings":[{"s":{"type":"uri","value":'
    '"https://ex.org/s"},"p":{"type":"uri","value":"https://ex.org/p"},"o":{"type":"literal",'
    '"value":"café"},"g":{"type":"uri","value":"https://ex.org/g"}}]}}'
)
CAFE = '<https://ex.org/s> <https://ex.org/p> "café" <https://ex.org/g> .\n'.encode()


@pytest.mark.parametrize(
    ("charset", "body"),
    [
        ("", b"\xef\xbb\xbf" + ONE_ROW.encode()),  # a byte-order mark is no text
        ("; charset=ISO-8859-1", ONE_ROW.encode("latin-1")),
        ("; charset=UTF-16", ONE_ROW.encode("utf-16")),
    ],
)
def test_a_streamed_answer_in_any_charset_exports_as_utf8(
    tmp_path: Path, charset: str, body: bytes
) -> None:
    server = Scripted(f"application/sparql-results+json{charset}", body)
    store = _remote(server.url)
    try:
        result = export_dump(store, tmp_path / "kg.nq", "nq")
    finally:
        server.close()
        store.close()
    assert result.path.read_bytes() == CAFE


@pytest.mark.parametrize(
    ("content_type", "body", "told"),
    [
        (
            "application/sparql-results+json",
            ONE_ROW.encode()[:-20],
            "unreadable application/sparql-results+json answer at row 1: ",
        ),
        (
            "application/sparql-results+json; charset=UTF-16",
            ONE_ROW.encode("utf-16")[:-1],
            "the answer is not utf-16 text as its Content-Type says: byte 0x7d at offset "
            f"{len(ONE_ROW.encode('utf-16')) - 2}",  # its last byte, half a character
        ),
        ("application/sparql-results+json", b'{"head":{},"boolean":true}', "got a boolean"),
        ("text/html", b"<html></html>", "unexpected response type 'text/html'"),
    ],
)
def test_a_streamed_answer_that_does_not_read_is_one_line_and_no_file(
    tmp_path: Path, content_type: str, body: bytes, told: str
) -> None:
    server = Scripted(content_type, body)
    message = _export_refused(server, tmp_path, "trig")
    assert message.startswith(f"{server.url}/query: ") and told in message, message


XML_HEAD = (
    b'<?xml version="1.0"?><sparql xmlns="http://www.w3.org/2005/sparql-results#"><head>'
    b'<variable name="s"/><variable name="p"/><variable name="o"/><variable name="g"/></head>'
    b"<results>"
)


def _xml_row(value: bytes) -> bytes:
    return (
        b'<result><binding name="s"><uri>https://ex.org/s</uri></binding><binding name="p">'
        b'<uri>https://ex.org/p</uri></binding><binding name="o"><literal>' + value + b"</literal>"
        b'</binding><binding name="g"><uri>https://ex.org/g</uri></binding></result>'
    )


def test_one_row_over_max_answer_bytes_is_refused_naming_the_key(tmp_path: Path) -> None:
    """The XML parser holds a term of any size whole (a literal of 200 MB: 438 MB max RSS):
    the bytes of one row are capped by ``[store] max_answer_bytes``, not the whole answer."""
    rows = b"".join(_xml_row(b"%d" % i) for i in range(20_000))  # 2.5 MB of small rows
    body = XML_HEAD + rows + _xml_row(b"x" * (3 * MIB)) + b"</results></sparql>"
    server = Scripted("application/sparql-results+xml", body)
    message = _export_refused(server, tmp_path, "nq", max_answer_bytes=MIB)
    assert len(rows) > MIB
    assert message == (
        f"{server.url}/query: SPARQL query: a row of the answer larger than [store] "
        f"max_answer_bytes = {MIB} bytes: not read further; raise it in your config if this "
        "is genuine"
    )


def test_a_json_term_past_the_parsers_buffer_is_one_line(tmp_path: Path) -> None:
    """pyoxigraph's JSON parser stops at a token of 16 MiB with a MemoryError (before: a
    traceback)."""
    big = ONE_ROW.replace("café", "x" * (17 * MIB)).encode()
    server = Scripted("application/sparql-results+json", big)
    assert _export_refused(server, tmp_path, "nq") == (
        f"{server.url}/query: unreadable application/sparql-results+json answer at row 1: "
        "Reached the buffer maximal size of 16777216 bytes (one term larger than the parser "
        "takes)"
    )
