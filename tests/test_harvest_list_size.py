"""A harvest whose list ends (no resumptionToken) before the ``completeListSize`` the server gave
warns that records may be missing; one that reaches it, or was told a smaller size, does not.

Page 1 is the real oai_dc ``set=cs`` answer of the fixtures (5 records, ``completeListSize``
1162: trimmed by the repository it comes from). Page 2 is the real hep-ex ``ListRecords`` answer
(3 records) served for page 1's token with an empty ``<resumptionToken/>`` (the end of the
list), as the replay server stitches it; some tests rewrite page 1's size (CONSTRUCTED).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from arxiv_replay import OAI_DIR, STITCHED_TOKEN, Fault, ReplayServer
from building import counted
from conftest import write_config
from scholarkg.config import Config, load_config
from scholarkg.runs.arxiv_jobs import harvest

pytest_plugins = ("arxiv_fixtures",)

CS = OAI_DIR / "atomiklabs_oai_dc_ListRecords_set-cs_from-2024-01-25_resumptionToken.xml"
HEP_EX = (OAI_DIR / "hepcrawl_arXiv_ListRecords_physics-hep-ex_2017-12-14.xml").read_bytes()
SAID = b'completeListSize="1162"'


@pytest.fixture
def config(tmp_path: Path, arxiv_server: ReplayServer, monkeypatch: pytest.MonkeyPatch) -> Config:
    monkeypatch.setenv("SCHOLARKG_OAI_URL", arxiv_server.oai_url)
    return load_config(
        write_config(tmp_path, [], arxiv={"min_interval": 0.01}, http={"max_retries": 1})
    )


def page_one_saying(server: ReplayServer, size: int) -> None:
    """CONSTRUCTED: page 1 with its ``completeListSize`` rewritten to ``size``."""
    body = CS.read_bytes()
    assert body.count(SAID) == 1
    body = body.replace(SAID, f'completeListSize="{size}"'.encode())
    server.add_fault(Fault("status", body=body), path="/oai", metadataPrefix="oai_dc")


def short_of(warnings: list[str]) -> list[str]:
    return [w for w in warnings if "completeListSize" in w]


def test_a_list_that_ends_before_its_size_is_warned_of(
    config: Config, arxiv_server: ReplayServer
) -> None:
    """Before, the list ended without a word and the watermark moved past the records it
    counted but never sent."""
    report = harvest(config, "cs", "oai_dc", "2024-01-25").report
    assert counted(report)[:2] == (8, 8)  # what was received is loaded
    assert short_of(report.warnings) == [
        "harvest oai_dc set=cs: the list ended after 8 records although the server said "
        "completeListSize=1162 (an empty resumptionToken on page 2?); records may be missing: "
        "harvest again with --from 2024-01-25 to ask for them"
    ]
    assert [r.param("resumptionToken") for r in arxiv_server.requests_to("/oai")] == [
        None,
        STITCHED_TOKEN,
    ]


def test_quarantined_records_are_part_of_the_list(
    config: Config, arxiv_server: ReplayServer
) -> None:
    """A record listed but unreadable was sent all the same: 7 read and 1 quarantined make 8."""
    page_one_saying(arxiv_server, 8)
    bad = HEP_EX.replace(b"<created>2017-06-16</created>", b"<created>2017-06-31</created>")
    body = bad.replace(b"</ListRecords>", b"<resumptionToken/>\n</ListRecords>")
    arxiv_server.add_fault(
        Fault("status", body=body), path="/oai", times=-1, resumptionToken=STITCHED_TOKEN
    )
    report = harvest(config, "cs", "oai_dc", "2024-01-25").report
    assert len(report.quarantined) == 1 and counted(report)[0] == 8
    assert short_of(report.warnings) == []


@pytest.mark.parametrize("size", [8, 3])
def test_a_list_that_reaches_its_size_or_passes_it_is_not_warned_of(
    config: Config, arxiv_server: ReplayServer, size: int
) -> None:
    page_one_saying(arxiv_server, size)
    report = harvest(config, "cs", "oai_dc", "2024-01-25").report
    assert counted(report)[:2] == (8, 8)
    assert short_of(report.warnings) == []
