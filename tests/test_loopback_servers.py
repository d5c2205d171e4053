"""The tests' loopback servers end their accepting thread when closed.

Before, ``close()`` only closed the listening socket: the thread stayed in ``accept()``, and
one about to enter it could take the file number a later server reused, answering a connection
meant for that server (a replay server's teardown then waited for ever in ``shutdown()``).
"""

from __future__ import annotations

import threading

import pytest

from loopback import Answering, Dropper, Scripted


@pytest.mark.parametrize("make", [lambda: Scripted("text/plain", b"x"), Dropper])
def test_closing_a_loopback_server_ends_its_accepting_thread(make: type[Answering]) -> None:
    before = set(threading.enumerate())
    server = make()
    [acceptor] = set(threading.enumerate()) - before
    server.close()
    assert not acceptor.is_alive()
