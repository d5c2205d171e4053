"""Profile sources within limits: a source that never ends is refused alone, and a paper whose
text is too large is quarantined with its line while the other papers load.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from arxiv_replay import Fault, ReplayServer, fast_policy
from conftest import write_config
from samples import SAMPLE_PROFILE
from scholarkg.errors import ExtractError
from scholarkg.extract.http import HttpClient
from scholarkg.extract.profile_page import parse_profile
from scholarkg.extract.profiles import fetch_profile
from scholarkg.extract.raw_archive import RawArchive
from scholarkg.limits import Limits
from scholarkg.quarantine import read_quarantined
from scholarkg.store.embedded import EmbeddedStore

pytest_plugins = ("arxiv_fixtures",)

MIB = 1024 * 1024
WHEN = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
FIRST_ABSTRACT = "In this work, we introduce Gemma 2"


def with_big_abstract(size: int) -> bytes:
    """The sample page with the first paper's abstract (line 17) grown to ``size`` bytes."""
    lines = SAMPLE_PROFILE.read_text(encoding="utf-8").split("\n")
    [number] = [i for i, line in enumerate(lines) if line.startswith(FIRST_ABSTRACT)]
    lines[number] = lines[number] + " " + "x" * size
    return "\n".join(lines).encode()


def test_a_profile_file_that_never_ends_is_refused(tmp_path: Path) -> None:
    archive = RawArchive(tmp_path / "raw")
    with HttpClient(archive, fast_policy()) as http, pytest.raises(ExtractError) as caught:
        fetch_profile("/dev/zero", archive, http, limits=Limits(profile_bytes=MIB))
    assert str(caught.value).startswith("/dev/zero: ")
    assert "[limits] profile_bytes = 1048576" in str(caught.value)
    assert list(archive.retrievals()) == []


def test_a_profile_url_that_never_ends_is_refused(
    arxiv_server: ReplayServer, arxiv_archive: RawArchive
) -> None:
    arxiv_server.add_fault(Fault("endless"), path="/endless.txt", times=-1)
    url = f"{arxiv_server.base_url}/endless.txt"
    with HttpClient(arxiv_archive, fast_policy()) as http, pytest.raises(ExtractError) as caught:
        fetch_profile(url, arxiv_archive, http, limits=Limits(profile_bytes=MIB))
    assert str(caught.value).startswith(url) and "[limits] profile_bytes = 1048576" in str(
        caught.value
    )


def test_a_paper_with_an_oversize_abstract_is_quarantined_the_rest_kept() -> None:
    page = with_big_abstract(2 * MIB)
    profile = parse_profile(page, source="p", retrieved_at=WHEN, subject_codes={})
    assert len(profile.papers) == 24
    (bad,) = profile.quarantined
    assert bad.line == 17  # the abstract's line
    assert "the abstract is" in bad.reason and "[limits] literal_bytes = 1048576" in bad.reason
    assert len(bad.text) < 70_000  # clipped
    strict = parse_profile(
        SAMPLE_PROFILE.read_bytes(),
        source="p",
        retrieved_at=WHEN,
        subject_codes={},
        limits=Limits(literal_bytes=100),
    )
    assert strict.quarantined and all("literal_bytes = 100" in q.reason for q in strict.quarantined)


@pytest.mark.flow
@pytest.mark.usefixtures("prefect_harness")
def test_run_with_a_50_mb_abstract_and_an_endless_source(tmp_path: Path) -> None:
    """The reported failure: a 50 MB abstract killed ``run`` inside Oxigraph's 16 MiB buffer."""
    from scholarkg_flows.build_kg import build_kg

    big = tmp_path / "big.txt"
    big.write_bytes(with_big_abstract(50 * MIB))
    config = write_config(tmp_path, [big, "/dev/zero"])
    report = build_kg(config_path=str(config))
    [(source, error)] = report.failures
    assert source == "/dev/zero" and "[limits] profile_bytes" in error
    assert report.papers == 25 and len(report.quarantined) == 1  # 25 listed, 1 of them held back
    with EmbeddedStore(tmp_path / "store", read_only=True) as store:
        assert store.quad_count() > 0
    [kept] = read_quarantined(tmp_path / "data" / "quarantine").records
    assert kept.line == 17 and len(kept.text) < 200_000


@pytest.mark.flow
@pytest.mark.usefixtures("prefect_harness")
def test_run_with_a_dripping_profile_server_ends_and_loads_the_others(
    tmp_path: Path, arxiv_server: ReplayServer
) -> None:
    from scholarkg_flows.build_kg import build_kg

    arxiv_server.add_fault(
        Fault("drip", body=b"x" * 100_000, seconds=0.05), path="/drip.txt", times=-1
    )
    url = f"{arxiv_server.base_url}/drip.txt"
    http = {"min_interval": 0.0, "read_timeout": 1.0, "total_timeout": 2.0, "max_retries": 1}
    config = write_config(tmp_path, [url, SAMPLE_PROFILE], http=http)
    report = build_kg(config_path=str(config))
    [(source, error)] = report.failures
    assert source == url and "[http] total_timeout = 2" in error
    assert report.papers == 25


def test_a_graph_the_store_refuses_goes_to_dead_letters_and_never_blocks_a_run(
    tmp_path: Path,
) -> None:
    """The reported failure with the limit raised on purpose: a 20 MB abstract passes the
    readers (literal_bytes = 64 MiB) but is over what the store takes in one value. The profile
    graph goes to the dead-letter folder named in the report, the run ends, and the next run is
    not blocked by it (nothing is left in the outbox)."""
    from scholarkg.config import load_config
    from scholarkg.runs.build import build

    big = tmp_path / "big.txt"
    big.write_bytes(with_big_abstract(20 * MIB))
    limits = {"literal_bytes": 64 * MIB, "line_bytes": 64 * MIB}
    config = load_config(write_config(tmp_path, [big, SAMPLE_PROFILE], limits=limits))
    first = build(config).report
    [(graph, reason)] = first.dead
    assert "/graph/profile/" in graph and "buffer" in reason, reason  # Oxigraph: 16 MiB a value
    assert first.dead_dir and list(Path(first.dead_dir).glob("*.json"))
    assert "dead-letter" in "\n".join(first.summary_lines())
    assert not list((tmp_path / "data" / "outbox").glob("*/*.json"))  # nothing waits to block
    second = build(config, []).report
    assert second.store_error is None and second.outcome != "failed"


def test_a_page_with_a_number_python_cannot_read_fails_alone(tmp_path: Path) -> None:
    """CONSTRUCTED: the sample page with an h-index of 5 000 digits; the ValueError escaped
    the build and the other page was not built either."""
    from scholarkg.config import load_config
    from scholarkg.runs.build import build

    page = SAMPLE_PROFILE.read_bytes().decode("utf-8")
    assert "h-index117" in page
    huge = tmp_path / "huge.txt"
    huge.write_text(page.replace("h-index117", "h-index" + "9" * 5000), encoding="utf-8")
    other = tmp_path / "other.txt"
    other.write_text(page, encoding="utf-8")
    report = build(load_config(write_config(tmp_path, [huge, other]))).report
    [(source, error)] = report.failures
    assert source == str(huge) and "a number no profile holds" in error
    assert error.startswith(f"{huge}:")  # the source and its line
    assert report.papers == 25 and report.outcome == "partial"
