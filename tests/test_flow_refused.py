"""A flow run the project's own error refuses ends Failed on that error's one line, with no
traceback in the run's log, the same for every flow (before: harvest_arxiv's and
load_snapshot's refusals raised out of the flow, and Prefect logged "Encountered exception
during execution" with a full traceback); a bug's exception still shows its traceback."""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from conftest import write_config
from scholarkg.errors import ConfigError, ExtractError, ScholarKGError

pytestmark = [pytest.mark.flow, pytest.mark.usefixtures("prefect_harness")]


@pytest.fixture(autouse=True)
def prefect_logging() -> None:
    """Prefect's logging set up before the test (its first flow run in a session sets it up,
    replacing the root logger's handlers, the one pytest's caplog reads from among them)."""
    from prefect.logging.configuration import ensure_logging_setup

    ensure_logging_setup()


def tracebacks(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.exc_info or r.exc_text]


def errors(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]


def _harvest_again_without_a_date(tmp_path: Path) -> Any:
    from scholarkg_flows.harvest_arxiv import harvest_arxiv

    config = write_config(tmp_path, [], arxiv={"min_interval": 0.05})
    return harvest_arxiv(config_path=str(config), set_spec="cs", again=True, return_state=True)


def _harvest_from_no_date(tmp_path: Path) -> Any:
    from scholarkg_flows.harvest_arxiv import harvest_arxiv

    config = write_config(tmp_path, [], arxiv={"min_interval": 0.05})
    return harvest_arxiv(
        config_path=str(config), set_spec="cs", from_date="yesterday", return_state=True
    )


def _build_with_no_config(tmp_path: Path) -> Any:
    from scholarkg_flows.build_kg import build_kg

    return build_kg(config_path=str(tmp_path / "missing.toml"), return_state=True)


def _load_a_missing_snapshot(tmp_path: Path) -> Any:
    from scholarkg_flows.load_snapshot import load_snapshot

    config = write_config(tmp_path, [])
    return load_snapshot(
        path=str(tmp_path / "missing.jsonl"), config_path=str(config), return_state=True
    )


REFUSALS: list[tuple[Callable[[Path], Any], type[ScholarKGError], str]] = [
    (_harvest_again_without_a_date, ConfigError, "--again / again needs the date"),
    (_harvest_from_no_date, ConfigError, "from_date 'yesterday' is not a date"),
    (_build_with_no_config, ConfigError, "missing.toml"),
    (_load_a_missing_snapshot, ExtractError, "cannot open snapshot"),
]


@pytest.mark.parametrize(
    ("run", "error", "says"), REFUSALS, ids=lambda v: getattr(v, "__name__", "")
)
def test_a_refused_flow_run_ends_failed_on_one_line_without_a_traceback(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
    run: Callable[[Path], Any],
    error: type[ScholarKGError],
    says: str,
) -> None:
    monkeypatch.setenv("SCHOLARKG_OAI_URL", "http://127.0.0.1:9/oai")  # never asked
    state = run(tmp_path)
    assert state.is_failed() and says in str(state.message)
    assert "\n" not in str(state.message) and "Traceback" not in str(state.message)
    refusal = state.result(raise_on_failure=False)  # calling the flow raises it
    assert isinstance(refusal, error) and str(refusal) == state.message
    assert tracebacks(caplog) == []
    assert not [e for e in errors(caplog) if "Encountered exception" in e], errors(caplog)
    flow_runs = [r.getMessage() for r in caplog.records if r.name == "prefect.flow_runs"]
    ended = [m for m in flow_runs if m.startswith("Finished in state Failed(")]
    assert len(ended) == 1 and says in ended[0], flow_runs


def test_a_bug_in_a_flow_still_shows_its_traceback(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    import scholarkg_flows.harvest_arxiv as flow_module

    def broken(*_: object) -> None:
        raise ZeroDivisionError("a bug")

    monkeypatch.setattr(flow_module, "check_again", broken)
    config = write_config(tmp_path, [])
    state = flow_module.harvest_arxiv(
        config_path=str(config), from_date="2024-01-25", again=True, return_state=True
    )
    assert state.is_failed()
    assert isinstance(state.result(raise_on_failure=False), ZeroDivisionError)
    assert [t for t in tracebacks(caplog) if "ZeroDivisionError" in t], errors(caplog)
