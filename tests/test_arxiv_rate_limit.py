"""The flows' arXiv rate-limit hook against a real (temporary) Prefect API and global limit."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterator
from pathlib import Path

import pytest

from arxiv_replay import ReplayServer
from conftest import write_config
from samples import ROOT

pytest_plugins = ("arxiv_fixtures",)

pytestmark = [pytest.mark.flow, pytest.mark.usefixtures("prefect_harness")]

PROFILE = ROOT / "tests" / "fixtures" / "profiles" / "arnaud-gotlieb.txt"
FAST_HTTP = {"min_interval": 0.0, "max_retries": 1, "backoff_base": 0.05, "read_timeout": 5.0}


def create_limit(limit: int, decay: float) -> None:
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.actions import GlobalConcurrencyLimitCreate
    from scholarkg_flows.arxiv_limit import ARXIV_RATE_LIMIT

    with get_client(sync_client=True) as client:
        client.create_global_concurrency_limit(
            GlobalConcurrencyLimitCreate(
                name=ARXIV_RATE_LIMIT, limit=limit, slot_decay_per_second=decay
            )
        )


def active_slots() -> int:
    from prefect.client.orchestration import get_client
    from scholarkg_flows.arxiv_limit import ARXIV_RATE_LIMIT

    with get_client(sync_client=True) as client:
        return client.read_global_concurrency_limit_by_name(ARXIV_RATE_LIMIT).active_slots


@pytest.fixture
def no_limit_left_behind() -> Iterator[None]:
    """Other tests share the harness: the limit never outlives the test that made it."""
    from prefect.client.orchestration import get_client
    from prefect.exceptions import ObjectNotFound
    from scholarkg_flows.arxiv_limit import ARXIV_RATE_LIMIT

    yield
    with get_client(sync_client=True) as client, contextlib.suppress(ObjectNotFound):
        client.delete_global_concurrency_limit_by_name(ARXIV_RATE_LIMIT)


def test_hook_only_when_a_decaying_limit_exists(
    no_limit_left_behind: None, caplog: pytest.LogCaptureFixture
) -> None:
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.actions import GlobalConcurrencyLimitUpdate
    from scholarkg_flows.arxiv_limit import (
        ARXIV_RATE_LIMIT,
        CREATE_COMMAND,
        RateLimitHook,
        arxiv_rate_limit,
    )

    logger = logging.getLogger("test-arxiv-limit")
    with caplog.at_level(logging.INFO, logger="test-arxiv-limit"):
        assert arxiv_rate_limit(logger) is None
    assert CREATE_COMMAND in caplog.text and "--slot-decay-per-second" in CREATE_COMMAND
    create_limit(limit=1, decay=0.0)  # a plain concurrency limit cannot rate-limit
    caplog.clear()
    with caplog.at_level(logging.INFO, logger="test-arxiv-limit"):
        assert arxiv_rate_limit(logger) is None
    assert "no slot decay" in caplog.text
    with get_client(sync_client=True) as client:
        client.update_global_concurrency_limit(
            ARXIV_RATE_LIMIT, GlobalConcurrencyLimitUpdate(slot_decay_per_second=2.0)
        )
    assert arxiv_rate_limit(logger) == RateLimitHook(ARXIV_RATE_LIMIT)


def test_every_arxiv_request_of_both_flows_takes_a_slot(
    tmp_path: Path, replay: ReplayServer, no_limit_left_behind: None
) -> None:
    from scholarkg_flows.build_kg import build_kg
    from scholarkg_flows.harvest_arxiv import harvest_arxiv

    # Decay so slow that no slot is given back during the test: active slots count requests.
    create_limit(limit=1000, decay=0.001)
    arxiv = {
        "enabled": True,
        "api_url": replay.api_url,
        "oai_url": replay.oai_url,
        "min_interval": 0.02,
    }
    config = write_config(tmp_path, [PROFILE], arxiv=arxiv, http=FAST_HTTP)
    report = build_kg(config_path=str(config))
    assert report.paper_states["resolved"] == 3 and not report.degraded
    api_requests = len(replay.requests_to("/api/query"))
    assert api_requests == sum(report.requests.values()) >= 1
    assert active_slots() == api_requests
    summary = harvest_arxiv(
        config_path=str(config), set_spec="cs", metadata_prefix="oai_dc", from_date="2024-01-25"
    )
    assert summary.records_read == 8
    oai_requests = len(replay.requests_to("/oai"))
    assert oai_requests >= 2  # two pages
    assert active_slots() == api_requests + oai_requests == len(replay.requests)
