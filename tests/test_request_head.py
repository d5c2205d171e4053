"""The head of a request is scanned once however its bytes are split: its end, its size and its
Content-Length and Content-Type headers (the server's answers to them: test_http_limits.py)."""

from __future__ import annotations

import pytest

from linear_time import LINEAR_RATIO, growth
from scholarkg.serve.request_head import RequestHead

HEAD = b"GET /sparql?query=ASK%7B%7D HTTP/1.1\r\nHost: x\r\nAccept: */*\r\n\r\n"
TWO_LENGTHS = b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\ncontent-length :2\r\n\r\n"
BOTH = b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\ntransfer-Encoding:chunked\r\n\r\n"
TWO_TYPES = b"POST / HTTP/1.1\r\nContent-Type: a/b\r\nHost: x\r\ncontent-type :c/d\r\n\r\n"
CHUNKED = b"POST /sparql HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"


def fed(head: RequestHead, data: bytes, piece: int) -> list[str | None]:
    """What ``head`` says to each of ``data``'s pieces of ``piece`` bytes."""
    return [head.feed(data[i : i + piece]) for i in range(0, len(data), piece)]


@pytest.mark.parametrize("piece", [1, 2, 3, 4, 5, 7, 1000])
def test_a_head_split_anywhere_is_read_alike(piece: int) -> None:
    head = RequestHead(max_bytes=16_384)
    assert set(fed(head, HEAD + HEAD, piece)) == {None}  # two requests, one after the other
    assert [r for r in fed(head, TWO_LENGTHS, piece) if r] == [
        "more than one Content-Length header"
    ]
    assert [r for r in fed(head, BOTH, piece) if r] == [
        "both Content-Length and Transfer-Encoding headers"
    ]
    assert [r for r in fed(head, TWO_TYPES, piece) if r] == ["more than one Content-Type header"]
    assert set(fed(head, CHUNKED, piece)) == {None}
    head.clear()
    assert fed(head, b"GET / HTTP/1.1\r\nX: " + b"y" * 200 + b"\r\n\r\n", piece)[-1] is None
    small = RequestHead(max_bytes=100)
    said = fed(small, b"GET / HTTP/1.1\r\nX: " + b"y" * 200 + b"\r\n\r\n", piece)
    assert "request headers too large: more than 100 bytes ([serve] max_header_bytes)" in said
    long_line = fed(RequestHead(max_bytes=100), b"GET /" + b"y" * 200 + b" HTTP/1.1\r\n\r\n", piece)
    assert {r.split(";")[0] for r in long_line if r} == {
        "request line too long: more than 100 bytes ([serve] max_header_bytes)"
    }


def test_a_head_sent_a_byte_at_a_time_is_read_in_linear_time() -> None:
    """CONSTRUCTED: a head of N and 8N bytes sent one byte a call. Each call searched the whole
    head for its end and its Content-Length headers: quadratic (~133 ms of the event loop's CPU
    per connection at the 16 KiB limit, for every such client)."""

    def send(data: str) -> None:
        head = RequestHead(max_bytes=10**9)
        raw = data.encode()
        for i in range(len(raw)):
            head.feed(raw[i : i + 1])

    def make(size: int) -> str:
        return "GET / HTTP/1.1\r\n" + "X-Padding: y\r\n" * (size // 14)

    assert growth(send, make, 4_000) < LINEAR_RATIO
