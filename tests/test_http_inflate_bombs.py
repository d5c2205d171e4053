"""Compressed answers that inflate far past the body cap, in the codings besides gzip that the
client reads (test_http_cut_short.py pins gzip): deflate as HTTP says (zlib-wrapped), deflate
raw (as some servers send it) and gzip inside gzip (``Content-Encoding: gzip, gzip``, decoded
by urllib3). Each is refused once past ``[http] max_body_bytes`` as it inflates, never retried,
memory bounded by the cap (pinned: they held on main; a change shows).

CONSTRUCTED: 100 MB of zeros, compressed as each case says.
"""

from __future__ import annotations

import gzip
import zlib

import pytest

from arxiv_replay import Fault, ReplayServer, fast_policy
from scholarkg.errors import ExtractError
from scholarkg.extract.http import HttpClient
from scholarkg.extract.raw_archive import RawArchive

pytest_plugins = ("arxiv_fixtures",)

ZEROS = b"\0" * 100_000_000


def raw_deflate(data: bytes) -> bytes:
    packer = zlib.compressobj(9, zlib.DEFLATED, -zlib.MAX_WBITS)
    return packer.compress(data) + packer.flush()


BOMBS = {
    "deflate": ("deflate", zlib.compress(ZEROS, 9)),
    "raw deflate": ("deflate", raw_deflate(ZEROS)),
    "gzip in gzip": ("gzip, gzip", gzip.compress(gzip.compress(ZEROS, mtime=0), mtime=0)),
}


@pytest.mark.parametrize(("coding", "bomb"), BOMBS.values(), ids=BOMBS.keys())
def test_a_compressed_answer_over_the_cap_is_refused_as_it_inflates(
    coding: str, bomb: bytes, arxiv_server: ReplayServer, arxiv_archive: RawArchive
) -> None:
    assert len(bomb) < 200_000
    fault = Fault("status", body=bomb, headers={"Content-Encoding": coding})
    arxiv_server.add_fault(fault, path="/api/query", times=-1)
    with (
        HttpClient(arxiv_archive, fast_policy(max_body_bytes=2**20)) as client,
        pytest.raises(ExtractError, match=r"larger than \[http\] max_body_bytes = 1048576"),
    ):
        client.get(arxiv_server.api_url, {"id_list": "1605.08386"})
    assert len(arxiv_server.requests) == 1
