"""The tests' loopback servers end their accepting thread when closed, and say nothing of a
client that hangs up (a handler's own error still shows).

Before, ``close()`` only closed the listening socket: the thread stayed in ``accept()``, and
one about to enter it could take the file number a later server reused, answering a connection
meant for that server (a replay server's teardown then waited for ever in ``shutdown()``).
"""

from __future__ import annotations

import socket
import struct
import threading

import pytest

from arxiv_replay import Fault, ReplayServer
from loopback import Answering, Dropper, Scripted
from polls import until

BOUND = 60.0  # only catches a hang
ENDED = "the server never ended the connection"


@pytest.mark.parametrize("make", [lambda: Scripted("text/plain", b"x"), Dropper])
def test_closing_a_loopback_server_ends_its_accepting_thread(make: type[Answering]) -> None:
    before = set(threading.enumerate())
    server = make()
    [acceptor] = set(threading.enumerate()) - before
    server.close()
    assert not acceptor.is_alive()


def _asked(server: ReplayServer, request: bytes) -> socket.socket:
    """A connection to ``server`` that sent ``request``."""
    port = int(server.base_url.rpartition(":")[2])
    conn = socket.create_connection(("127.0.0.1", port), timeout=BOUND)
    conn.sendall(request)
    return conn


def _answer_read(conn: socket.socket) -> bytes:
    """The answer's head and its body (Content-Length bytes) read, the connection kept alive."""
    data = b""
    while b"\r\n\r\n" not in data:
        data += _received(conn)
    head, _, body = data.partition(b"\r\n\r\n")
    length = int(head.lower().partition(b"content-length:")[2].split(b"\r\n")[0])
    while len(body) < length:
        body += _received(conn)
    return head


def _received(conn: socket.socket) -> bytes:
    chunk = conn.recv(65536)
    assert chunk, "the server closed the connection before the answer's end"
    return chunk


def test_a_client_that_hangs_up_is_said_nothing_of_and_a_handler_s_error_still_shows(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """A client that resets its kept-alive connection once it has the answer (as one does that
    leaves a body past its cap unread): no traceback on stderr. Before, the handler's read of
    the next request raised ConnectionResetError and socketserver printed its traceback. A
    handler's own error (a fixture missing) still prints one."""
    server = ReplayServer().start()
    try:
        conn = _asked(server, b"GET /api/query?id_list=1605.08386 HTTP/1.1\r\nHost: x\r\n\r\n")
        assert _answer_read(conn).startswith(b"HTTP/1.1 200")
        conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        conn.close()  # lingering 0 s: a reset, not a close
        until(lambda: server._server.closed == 1, ENDED, BOUND)
        assert capsys.readouterr().err == ""
        server.add_fault(Fault("serve", fixture="no-such-fixture.xml"))
        with _asked(server, b"GET /api/query HTTP/1.1\r\nHost: x\r\n\r\n") as failed:
            assert failed.recv(65536) == b""
        until(lambda: server._server.closed == 2, ENDED, BOUND)
        err = capsys.readouterr().err
        assert "Traceback" in err and "FileNotFoundError" in err and "no-such-fixture" in err, err
    finally:
        server.stop()
