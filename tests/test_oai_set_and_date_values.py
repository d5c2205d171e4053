"""An OAI set and a from date a user gives: a set that is no OAI-PMH ``setSpec`` (white space, a
line break, an escape sequence, ``&``, ``=``, ``#``, ``%``: none the protocol allows) is refused in
one line naming where it was given, before anything is asked; a value that is no date is shown
cut. Before, ``--set`` took any text but an empty one, sent it, and wrote it as typed into the
run's lines (``harvest arXiv set=cs`` then a line break and ESC [2J), and a from date of
100 000 characters was quoted whole in its error line."""

from __future__ import annotations

from pathlib import Path

import pytest

from arxiv_replay import ReplayServer
from conftest import write_config
from scholarkg.cli import main
from scholarkg.config import load_config
from scholarkg.errors import ConfigError
from scholarkg.extract.oai_pmh import oai_date, oai_set
from scholarkg.runs.arxiv_harvest import harvest

pytest_plugins = ("arxiv_fixtures",)

NOT_SETS = ["cs\nmath", "cs\x1b[2J", "cs math", "cs&from=2020-01-01", "cs#x", "cs%41", "cs:", ":cs"]
NOT_SETS += ["cs::AI", "ｃｓ", "cs\u200b", "x" * 100_000 + "\n" + "x"]
SETS = ["cs", "physics:hep-ex", "math.AG", "a-b_c.d!e~f*g'h(i)", "cs:cs:AI"]


@pytest.fixture
def replay(arxiv_server: ReplayServer, monkeypatch: pytest.MonkeyPatch) -> ReplayServer:
    monkeypatch.setenv("SCHOLARKG_OAI_URL", arxiv_server.oai_url)
    return arxiv_server


@pytest.fixture
def config(tmp_path: Path) -> Path:
    return write_config(tmp_path, [], arxiv={"min_interval": 0.05}, http={"max_retries": 1})


def one_line(text: str) -> str:
    lines = text.strip().splitlines()
    assert len(lines) == 1, lines[:3]
    assert len(lines[0]) < 600, lines[0][:600]
    return lines[0]


@pytest.mark.parametrize("value", SETS)
def test_a_set_spec_is_taken_as_given(value: str) -> None:
    assert oai_set(value) == value


@pytest.mark.parametrize("value", NOT_SETS)
def test_the_cli_refuses_a_set_that_is_no_set_spec_and_asks_nothing(
    value: str, replay: ReplayServer, config: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as done:
        main(["arxiv", "harvest", "--set", value, "--from", "2024-01-25", "--config", str(config)])
    said = one_line(capsys.readouterr().err.splitlines()[-1])
    assert done.value.code == 2 and "--set" in said and "is not an OAI set" in said
    assert replay.requests_to("/oai") == []


@pytest.mark.parametrize("value", NOT_SETS[:4])
def test_the_library_refuses_it_naming_the_parameter(
    value: str, replay: ReplayServer, config: Path
) -> None:
    with pytest.raises(ConfigError) as refused:
        harvest(load_config(config), value, "arXiv", "2024-01-25")
    said = one_line(str(refused.value))
    assert said.startswith("set_spec ") and "is not an OAI set" in said
    assert replay.requests_to("/oai") == []


def test_the_config_refuses_it_naming_the_key(tmp_path: Path) -> None:
    broken = write_config(tmp_path, [], arxiv={"harvest_sets": ["cs", "cs math"]})
    with pytest.raises(ConfigError) as refused:
        load_config(broken)
    assert "harvest_sets" in str(refused.value) and "is not an OAI set" in str(refused.value)


def test_a_huge_date_that_is_none_is_shown_cut(
    replay: ReplayServer, config: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    huge = "2024-01-25" + "x" * 100_000
    with pytest.raises(ConfigError) as refused:
        oai_date(huge)
    said = one_line(str(refused.value))
    assert said.startswith("from_date '2024-01-25xx") and " more characters]" in said
    with pytest.raises(SystemExit) as done:
        main(["arxiv", "harvest", "--set", "cs", "--from", huge, "--config", str(config)])
    said = one_line(capsys.readouterr().err.splitlines()[-1])
    assert done.value.code == 2 and "--from" in said and " more characters]" in said


@pytest.mark.parametrize("when", ["20240125", "2024-W04-4", "2024W044", "2024-025"])
def test_a_date_in_another_iso_form_is_refused_as_the_help_says(when: str) -> None:
    """``YYYY-MM-DD`` only, as ``--from``'s help and the README say (before: Python's
    ``fromisoformat`` took ``20240125`` and the week date ``2024-W04-4`` too, as 2024-01-25)."""
    with pytest.raises(ConfigError, match=r"is not a date \(YYYY-MM-DD\)"):
        oai_date(when)
