"""``serve --allow-updates`` takes updates from this machine only, as the README promises
("no authentication: localhost only"), whatever interface it listens on. Before, a server bound
to every interface (``--host 0.0.0.0``) took an update from any client that named the server by
the address it was reached at (``Host: 192.0.2.2:8000``), since that was the bound address: an
unauthenticated write from the network.

Needs an address of this machine that is not a loopback one (skipped without)."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest
import requests

from scholarkg.config import ServeSettings
from scholarkg.store.embedded import EmbeddedStore

BASE = "https://w3id.org/scholarkg/"
INSERT = f'INSERT DATA {{ GRAPH <{BASE}graph/test> {{ <urn:x:a> <urn:x:b> "c" }} }}'


def outward_address() -> str | None:
    """An IPv4 address of this machine's that is not a loopback one, or None."""
    probe = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        probe.connect(("192.0.2.1", 9))  # no packet is sent: only the route is chosen
        address = probe.getsockname()[0]
    except OSError:
        return None
    finally:
        probe.close()
    return None if address.startswith("127.") or address == "0.0.0.0" else address


def test_an_update_from_another_address_is_refused_on_every_interface(tmp_path: Path) -> None:
    from scholarkg.serve import make_server

    address = outward_address()
    if address is None:
        pytest.skip("this machine has no address but loopback ones")
    EmbeddedStore(tmp_path / "rw").close()
    with EmbeddedStore(tmp_path / "rw", read_only=True) as served:
        server = make_server(
            served, host="0.0.0.0", allow_updates=True, settings=ServeSettings(workers=1)
        ).start()
        port = server.url.rstrip("/").rsplit(":", 1)[1]
        headers = {"Content-Type": "application/sparql-update"}
        try:
            # from this machine's outward address: a client elsewhere on the network
            afar = requests.post(f"http://{address}:{port}/update", data=INSERT, headers=headers)
            near = requests.post(f"http://127.0.0.1:{port}/update", data=INSERT, headers=headers)
        finally:
            server.stop()
    assert afar.status_code == 403, afar.text
    assert f"updates are taken from this machine only, not from {address}" in afar.text
    assert near.status_code == 204, near.text
