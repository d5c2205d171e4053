"""A record listing more authors than ``[limits] authors_per_record``, one of them nameless, is
refused for its count through every arXiv door (API, fetch, OAI-PMH's three formats, the
snapshot's two author fields), wherever the nameless author stands: the count is judged before
any author is read, as the API and OAI-PMH's structured formats always judged it. Before, a
free-text list (arXivRaw, the snapshot's ``authors``) and the snapshot's ``authors_parsed``
told a nameless author met before the limit (``author 2 has no name``) while the other doors
told the count.

DERIVED from record 0704.0002 as each door carries it (tests/door_authors.py), its authors
replaced by Ileana Streinu, generated ones, Louis Theran and one nameless slot (CONSTRUCTED).
A free-text list is read no further than one past the limit, so it is told as ``more than``
the limit unless it ends there; the structured lists by their whole count.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from arxiv_replay import Fault, ReplayServer
from door_authors import OAI_DC, atom_with, lines_with, names, oai_with, raw_with, said
from scholarkg.extract.arxiv_api import ArxivApiClient
from scholarkg.extract.atom import parse_feed
from scholarkg.extract.http import HttpClient
from scholarkg.extract.oai_pages import parse_oai_response
from scholarkg.extract.snapshot import SnapshotReader
from scholarkg.limits import Limits

pytest_plugins = ("arxiv_fixtures",)

TEN = Limits(authors_per_record=10)
LISTED = 12  # Streinu, 9 generated, Theran and the nameless one
MORE = "more than 10 authors: over [limits] authors_per_record = 10; raise it in your config if "
MORE += "this is genuine"
NAMELESS_AT = {"second": 1, "last but one": LISTED - 2}  # its index among the 12


def listed(where: str) -> list[tuple[str, str]]:
    """(forenames, keyname) of the 12, the nameless one ("", "") at ``where``."""
    named = [("Ileana", "Streinu"), *names(LISTED - 3), ("Louis", "Theran")]
    named.insert(NAMELESS_AT[where], ("", ""))
    return named


def atom(where: str) -> bytes:
    authors = [
        f"<author><name>{f} {k}</name></author>" if k else "<author/>" for f, k in listed(where)
    ]
    return (
        atom_with("")
        .replace(b"<author>\n      <name>Ileana Streinu</name>\n    </author>", b"", 1)
        .replace(
            b"<author>\n      <name>Louis Theran</name>\n    </author>",
            "".join(authors).encode(),
            1,
        )
    )


def oai(where: str) -> bytes:
    first = b"<author><keyname>Streinu</keyname><forenames>Ileana</forenames></author>"
    second = b"<author><keyname>Theran</keyname><forenames>Louis</forenames></author>"
    authors = "".join(
        f"<author><keyname>{k}</keyname><forenames>{f}</forenames></author>"
        for f, k in listed(where)
    )
    return oai_with("").replace(first, b"", 1).replace(second, authors.encode(), 1)


def free_text(where: str) -> str:
    return ", ".join(f"{f} {k}".strip() for f, k in listed(where))


def oai_dc(where: str) -> bytes:
    first = b"<dc:creator>Liepins, Vilnis</dc:creator>"
    creators = "".join(
        f"<dc:creator>{k}, {f}</dc:creator>" if k else "<dc:creator/>" for f, k in listed(where)
    )
    assert first in OAI_DC
    return OAI_DC.replace(first, creators.encode(), 1)


def oai_reasons(body: bytes, container: str = "GetRecord") -> list[str]:
    page = parse_oai_response(body, source="oai.xml", container=container, limits=TEN)
    return [q.reason for q in page.quarantined]


def snapshot_reasons(path: Path) -> list[str]:
    reader = SnapshotReader(path, limits=TEN)
    assert [r.arxiv_id for r in reader] == ["0704.0003"]
    return [q.reason for q in reader.quarantined]


@pytest.mark.parametrize("where", list(NAMELESS_AT))
def test_every_door_tells_the_count_before_a_nameless_author(
    where: str, tmp_path: Path, arxiv_server: ReplayServer, arxiv_http: HttpClient
) -> None:
    arxiv_server.add_fault(Fault("status", status=200, body=atom(where)), id_list="0704.0002")
    fetched = ArxivApiClient(arxiv_http, base_url=arxiv_server.api_url, limits=TEN)
    parsed = [[k, f, ""] for f, k in listed(where)]
    reasons = {
        "api": [q.reason for q in parse_feed(atom(where), source="a", limits=TEN).quarantined],
        "fetch": [q.reason for q in fetched.fetch_by_ids(["0704.0002"]).quarantined],
        "oai arXiv": oai_reasons(oai(where)),
        "oai arXivRaw": oai_reasons(raw_with(free_text(where))),
        "oai oai_dc": oai_reasons(oai_dc(where), "ListRecords"),
        "snapshot authors_parsed": snapshot_reasons(lines_with(tmp_path, authors_parsed=parsed)),
        "snapshot authors": snapshot_reasons(
            lines_with(tmp_path, authors=free_text(where), authors_parsed=None)
        ),
    }
    free = ("oai arXivRaw", "snapshot authors")  # read no further than one past the limit,
    told = MORE if where == "second" else said(LISTED, 10)  # so whole only when it ended there
    assert reasons == {door: [told if door in free else said(LISTED, 10)] for door in reasons}


@pytest.mark.parametrize("where", list(NAMELESS_AT))
def test_a_free_text_list_ending_one_past_the_limit_is_told_by_its_count(where: str) -> None:
    """Read to its end, a free-text list is told by its whole count, the nameless slot in it
    (an API or structured door counts an ``<author/>`` as one of its authors)."""
    eleven = [pair for i, pair in enumerate(listed(where)) if i != 3]  # a generated one left out
    text = ", ".join(f"{f} {k}".strip() for f, k in eleven)
    assert oai_reasons(raw_with(text)) == [said(LISTED - 1, 10)]
