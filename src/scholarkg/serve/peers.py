"""Who a connection's peer is: the scope key its address travels under, the client a
per-client cap counts it as (:func:`client_key`), and its name in a log line, which no client
can end or forge (:class:`PeerNamed`), uvicorn's own invalid-request warning included
(:class:`PeerNamedLog`)."""

from __future__ import annotations

import ipaddress
import logging
import re
from typing import Any

# The scope key of the connection's peer address, which the log names first. uvicorn replaces
# the scope's "client" by an X-Forwarded-For address when the peer is one of [serve]
# trusted_proxies (the client the query cap then counts: requester in http_base).
PEER = "scholarkg.peer"
_UNLOGGABLE = re.compile(r"[^0-9A-Za-z.:%_-]")  # what an address may hold (an IPv6 zone too)
UVICORN_INVALID = "Invalid HTTP request received."  # uvicorn's warning, naming no client


def client_key(address: str) -> str:
    """The client a per-client cap counts for a peer ``address``: an IPv4 address itself (also
    when it comes IPv4-mapped on a dual-stack socket), an IPv6 address as its /64 network, all
    one host is given: a client there picks any of its 2**64 addresses for each connection."""
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return address
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            return str(ip.ipv4_mapped)
        return str(ipaddress.IPv6Network((ip, 64), strict=False))
    return str(ip)


class PeerNamed:
    """For an ``H11Protocol`` subclass: its peer's address as a log line may show it."""

    client: tuple[str, int] | None

    def named(self) -> str:
        """The connection's peer address, for a log line (which no client can end or forge)."""
        return _UNLOGGABLE.sub("?", str(self.client[0])) if self.client else "-"


class PeerNamedLog(logging.LoggerAdapter[logging.Logger]):
    """uvicorn's logger for one connection: its invalid-request warning (logged just before
    its 400) names the client as the server's other refusal lines do; anything else passes
    as it is."""

    def __init__(self, logger: logging.Logger, protocol: PeerNamed) -> None:
        super().__init__(logger)
        self.protocol = protocol

    @property
    def level(self) -> int:  # uvicorn reads it before its trace lines
        return self.logger.level

    def process(self, msg: Any, kwargs: Any) -> tuple[Any, Any]:
        if msg == UVICORN_INVALID:  # no arguments: the address is never formatted
            msg = f"request rejected from {self.protocol.named()}: invalid HTTP request"
        return msg, kwargs
