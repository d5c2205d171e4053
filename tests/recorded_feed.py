"""The recorded one-entry arXiv API answer (``id_list=1707.08567``) taken apart, for tests that
build feeds of its entry under other ids (CONSTRUCTED): its ``ENTRY``, the feed around it
(``HEAD``, ``TAIL``), :func:`entry` and :func:`answer`."""

from __future__ import annotations

import re

from arxiv_replay import ATOM_DIR

RECORDED = (ATOM_DIR / "id_1707.08567_s0_m100_6a1afebfc6a3.xml").read_bytes()
_ENTRY = re.search(rb"<entry>.*?</entry>", RECORDED, re.DOTALL)
assert _ENTRY is not None
ENTRY = _ENTRY.group()
HEAD, TAIL = RECORDED.split(ENTRY)


def entry(i: int) -> bytes:
    """The recorded entry under the id ``2101.<i>`` (CONSTRUCTED)."""
    return ENTRY.replace(b"1707.08567", b"2101.%05d" % i)


def answer(*entries: bytes, total: int | None = None) -> bytes:
    """The recorded feed holding ``entries`` (its totalResults set to ``total``)."""
    body = HEAD + b"".join(entries) + TAIL
    if total is not None:
        told = b"<opensearch:totalResults>%d<" % total
        body = re.sub(rb"<opensearch:totalResults[^>]*>\d+<", told, body)
    return body


def no_id(i: int) -> bytes:
    """Entry ``i`` without its ``<id>``: it cannot be read, so it is quarantined."""
    return re.sub(rb"<id>[^<]*</id>", b"", entry(i), count=1).replace(
        b"<title>", b"<title>unread %d " % i, 1
    )
