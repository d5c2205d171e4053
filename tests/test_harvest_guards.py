"""Harvest loops that end: repeated resumption tokens or pages, a page cap, a deadline, and an
expired token that restarts the harvest from the watermark. The CLI loop, the ``harvest_arxiv``
flow and ``OaiPmhClient.list_records`` share one guard (``HarvestJob`` / ``PageGuard``).

The misbehaving pages are real arXiv OAI-PMH answers (the hep-ex ``ListRecords`` page of the
fixtures) with the resumption token the test needs put in, served by the loopback replay server.
"""

from __future__ import annotations

import json
import threading
from pathlib import Path

import pytest

from arxiv_replay import Fault, ReplayServer, fast_policy
from conftest import write_config
from harvest_pages import HEP_EX
from scholarkg.cli import main
from scholarkg.errors import ExtractError
from scholarkg.extract.http import HttpClient
from scholarkg.extract.oai_pmh import OaiPmhClient
from scholarkg.extract.paging import EMPTY_PAGES_IN_A_ROW
from scholarkg.extract.raw_archive import RawArchive
from scholarkg.limits import Limits

pytest_plugins = ("arxiv_fixtures",)

FIRST = {"metadataPrefix": "arXiv", "set": "cs"}  # the first request of the harvest
ARGS = ["arxiv", "harvest", "--set", "cs", "--prefix", "arXiv"]


def page(token: str, records: bytes = HEP_EX) -> bytes:
    """The real hep-ex page, answering with ``token`` as its resumption token."""
    return records.replace(
        b"</ListRecords>", f"<resumptionToken>{token}</resumptionToken>\n</ListRecords>".encode()
    )


def other_records(day: str) -> bytes:
    """The hep-ex page with another datestamp, so its page of records differs from the real one."""
    return HEP_EX.replace(b"<datestamp>2017-12-14<", f"<datestamp>2017-12-1{day}<".encode())


def answer(replay: ReplayServer, body: bytes, **when: str) -> None:
    replay.add_fault(Fault("status", status=200, body=body), path="/oai", times=-1, **when)


def tokens_asked(replay: ReplayServer) -> list[str | None]:
    return [r.param("resumptionToken") for r in replay.requests_to("/oai")]


@pytest.fixture
def replay(arxiv_server: ReplayServer, monkeypatch: pytest.MonkeyPatch) -> ReplayServer:
    monkeypatch.setenv("SCHOLARKG_OAI_URL", arxiv_server.oai_url)
    return arxiv_server


def config_for(tmp_path: Path, **limits: float) -> Path:
    return write_config(
        tmp_path, [], arxiv={"min_interval": 0.01}, http={"max_retries": 1}, limits=limits
    )


def run_cli(args: list[str]) -> int:
    """``scholarkg …`` in a thread: a harvest still running after two minutes is hung."""
    codes: list[int] = []
    thread = threading.Thread(target=lambda: codes.append(main(args)), daemon=True)
    thread.start()
    thread.join(120)
    assert not thread.is_alive(), f"hung: {args}"
    return codes[0]


def harvest(config: Path, *extra: str) -> int:
    return run_cli([*ARGS, "--config", str(config), *extra])


def checkpoint(tmp_path: Path) -> dict[str, object]:
    [path] = (tmp_path / "store").glob("harvest-checkpoint-*.json")
    loaded: dict[str, object] = json.loads(path.read_text())
    return loaded


def test_same_token_forever_stops_with_a_clear_error(
    tmp_path: Path, replay: ReplayServer, capsys: pytest.CaptureFixture[str]
) -> None:
    answer(replay, page("A"), **FIRST)
    answer(replay, page("A"), resumptionToken="A")
    assert harvest(config_for(tmp_path), "--from", "2017-12-14") == 1
    captured = capsys.readouterr()
    assert tokens_asked(replay) == [None, "A"]
    [failed] = [line for line in captured.out.splitlines() if line.startswith("failed:")]
    assert "resumptionToken 'A' came back" in failed and "Traceback" not in captured.err
    assert not (tmp_path / "store" / "oai-harvest.json").exists()  # no watermark


def test_a_cycle_of_tokens_stops(tmp_path: Path, replay: ReplayServer) -> None:
    answer(replay, page("A"), **FIRST)
    answer(replay, page("B", other_records("1")), resumptionToken="A")
    answer(replay, page("A", other_records("2")), resumptionToken="B")
    assert harvest(config_for(tmp_path), "--from", "2017-12-14") == 1
    assert tokens_asked(replay) == [None, "A", "B"]


def test_a_page_served_again_under_new_tokens_stops(tmp_path: Path, replay: ReplayServer) -> None:
    answer(replay, page("T1"), **FIRST)
    for n in range(1, 50):
        answer(replay, page(f"T{n + 1}"), resumptionToken=f"T{n}")
    assert harvest(config_for(tmp_path), "--from", "2017-12-14") == 1
    assert tokens_asked(replay) == [None, "T1"]  # page 2 = page 1: stop


def test_a_resumed_harvest_still_detects_the_cycle(
    tmp_path: Path, replay: ReplayServer, capsys: pytest.CaptureFixture[str]
) -> None:
    config = config_for(tmp_path)
    answer(replay, page("A"), **FIRST)
    answer(replay, page("B", other_records("1")), resumptionToken="A")
    replay.add_fault(Fault("status", status=503), path="/oai", times=2, resumptionToken="B")
    assert harvest(config, "--from", "2017-12-14") == 1  # page B failed: checkpoint at B
    assert checkpoint(tmp_path)["next_token"] == "B"
    answer(replay, page("A", other_records("2")), resumptionToken="B")
    capsys.readouterr()
    assert harvest(config) == 1  # a new process: only the checkpoint knows A was seen
    assert tokens_asked(replay)[-1] == "B" and tokens_asked(replay).count("A") == 1
    assert "resumptionToken 'A' came back" in capsys.readouterr().out


def test_page_cap_stops_and_keeps_the_checkpoint(
    tmp_path: Path, replay: ReplayServer, capsys: pytest.CaptureFixture[str]
) -> None:
    for n in range(1, 6):
        body = page(f"T{n + 1}", other_records(str(n)))
        answer(replay, body, **({"resumptionToken": f"T{n}"} if n > 1 else FIRST))
    assert harvest(config_for(tmp_path, harvest_max_pages=3), "--from", "2017-12-14") == 1
    out = capsys.readouterr().out
    assert "[limits] harvest_max_pages = 3" in out
    assert tokens_asked(replay) == [None, "T2", "T3"]
    assert checkpoint(tmp_path)["next_token"] == "T4"  # the next run goes on from there


def test_deadline_stops_and_keeps_the_checkpoint(
    tmp_path: Path, replay: ReplayServer, capsys: pytest.CaptureFixture[str]
) -> None:
    config = write_config(
        tmp_path, [], arxiv={"min_interval": 0.01}, limits={"harvest_deadline": 0.001}
    )
    args = ["arxiv", "harvest", "--set", "cs", "--prefix", "oai_dc", "--config", str(config)]
    assert run_cli([*args, "--from", "2024-01-25"]) == 1
    assert "[limits] harvest_deadline = 0.001" in capsys.readouterr().out
    assert checkpoint(tmp_path)["pages_done"] == 1
    relaxed = write_config(tmp_path, [], arxiv={"min_interval": 0.01})
    assert run_cli([*args[:-1], str(relaxed)]) == 0  # the next run finishes the harvest
    assert "records: 3 read" in capsys.readouterr().out


def test_expired_token_restarts_from_the_watermark_and_says_so(
    tmp_path: Path, replay: ReplayServer, capsys: pytest.CaptureFixture[str]
) -> None:
    config = write_config(tmp_path, [], arxiv={"min_interval": 0.01}, http={"max_retries": 1})
    args = ["arxiv", "harvest", "--set", "cs", "--prefix", "oai_dc", "--config", str(config)]
    # The first run dies on page 2 (server error): its checkpoint holds page 2's token.
    replay.add_fault(
        Fault("status", status=503), path="/oai", times=2, resumptionToken="6960524|1001"
    )
    assert run_cli([*args, "--from", "2024-01-25"]) == 1
    assert checkpoint(tmp_path)["next_token"] == "6960524|1001"
    # By the next run the token has expired.
    replay.add_fault(
        Fault("oai_error", code="badResumptionToken", message="expired"),
        path="/oai",
        times=1,
        resumptionToken="6960524|1001",
    )
    capsys.readouterr()
    assert run_cli(args) == 0
    captured = capsys.readouterr()
    assert "restarted from 2024-01-25" in captured.out and "expired" in captured.out
    assert "records: 8 read, 8 loaded" in captured.out  # the whole list again, from page 1
    asked = tokens_asked(replay)
    assert asked[-3:] == ["6960524|1001", None, "6960524|1001"]
    state = json.loads((tmp_path / "store" / "oai-harvest.json").read_text())
    assert "oai_dc set=cs" in state["harvests"]  # the restarted harvest completed
    # counted afresh (8 of the 1162 page 1 says, not 5 more): a short list, held at its date
    assert state["harvests"]["oai_dc set=cs"]["short_from"] == "2024-01-25"
    assert not list((tmp_path / "store").glob("harvest-checkpoint-*.json"))


def test_an_expired_token_twice_in_one_run_is_an_error(
    tmp_path: Path, replay: ReplayServer, capsys: pytest.CaptureFixture[str]
) -> None:
    config = write_config(tmp_path, [], arxiv={"min_interval": 0.01}, http={"max_retries": 1})
    args = ["arxiv", "harvest", "--set", "cs", "--prefix", "oai_dc", "--config", str(config)]
    replay.add_fault(
        Fault("oai_error", code="badResumptionToken", message="expired"),
        path="/oai",
        times=-1,
        resumptionToken="6960524|1001",
    )
    assert run_cli([*args, "--from", "2024-01-25"]) == 1
    assert "badResumptionToken" in capsys.readouterr().out
    assert tokens_asked(replay) == [None, "6960524|1001", None, "6960524|1001"]


def test_list_records_shares_the_guard(replay: ReplayServer, arxiv_archive: RawArchive) -> None:
    answer(replay, page("A"), **FIRST)
    answer(replay, page("B", other_records("1")), resumptionToken="A")
    answer(replay, page("A", other_records("2")), resumptionToken="B")
    client = OaiPmhClient(HttpClient(arxiv_archive, fast_policy()), base_url=replay.oai_url)
    with pytest.raises(ExtractError, match="resumptionToken 'A' came back"):
        list(client.list_records(metadata_prefix="arXiv", set_spec="cs", from_date="2017-12-14"))
    capped = OaiPmhClient(
        HttpClient(arxiv_archive, fast_policy()),
        base_url=replay.oai_url,
        limits=Limits(harvest_max_pages=2),
    )
    with pytest.raises(ExtractError, match=r"\[limits\] harvest_max_pages = 2"):
        list(capped.list_records(metadata_prefix="arXiv", set_spec="cs", from_date="2017-12-14"))


@pytest.mark.flow
@pytest.mark.usefixtures("prefect_harness")
def test_the_flow_stops_on_a_cycle_too(tmp_path: Path, replay: ReplayServer) -> None:
    from scholarkg_flows.harvest_arxiv import harvest_arxiv

    answer(replay, page("A"), **FIRST)
    answer(replay, page("A"), resumptionToken="A")
    state = harvest_arxiv(
        config_path=str(config_for(tmp_path)),
        set_spec="cs",
        metadata_prefix="arXiv",
        from_date="2017-12-14",
        return_state=True,
    )
    assert state.name == "Partial"  # what came before the loop is loaded, the loop is not
    [(_, reason)] = state.result().failures
    assert "resumptionToken 'A' came back" in reason
    assert tokens_asked(replay) == [None, "A"]


@pytest.mark.flow
@pytest.mark.usefixtures("prefect_harness")
def test_the_flow_restarts_an_expired_harvest(
    tmp_path: Path, replay: ReplayServer, caplog: pytest.LogCaptureFixture
) -> None:
    from scholarkg_flows.harvest_arxiv import harvest_arxiv

    config = write_config(tmp_path, [], arxiv={"min_interval": 0.01}, http={"max_retries": 1})
    args = ["arxiv", "harvest", "--set", "cs", "--prefix", "oai_dc", "--config", str(config)]
    token = "6960524|1001"
    replay.add_fault(Fault("status", status=503), path="/oai", times=2, resumptionToken=token)
    assert run_cli([*args, "--from", "2024-01-25"]) == 1  # leaves a checkpoint at page 2
    replay.add_fault(
        Fault("oai_error", code="badResumptionToken", message="expired"),
        path="/oai",
        times=1,
        resumptionToken=token,
    )
    with caplog.at_level("WARNING"):
        report = harvest_arxiv(config_path=str(config), set_spec="cs", metadata_prefix="oai_dc")
    assert report.records_read == 8 and report.outcome == "ok"
    assert any("restarted from 2024-01-25" in note for note in report.notes)
    assert tokens_asked(replay)[-3:] == [token, None, token]
    assert "restarted from 2024-01-25" in caplog.text
    assert not list((tmp_path / "store").glob("harvest-checkpoint-*.json"))


def test_a_token_too_long_to_send_back_stops_after_its_page_is_loaded(
    tmp_path: Path, replay: ReplayServer, capsys: pytest.CaptureFixture[str]
) -> None:
    """A token that grows page after page: before, it was sent back whatever its length (a
    100 KB token made a 100 KB URL the server refused with 414, and a 100 KB failure line); the
    loop ends, in one short line, before a token no server takes back in a URL is followed."""
    grown = "G" * 5000
    answer(replay, page(grown), **FIRST)
    answer(replay, page(grown * 2, other_records("5")), resumptionToken=grown)  # newer
    assert harvest(config_for(tmp_path), "--from", "2017-12-14") == 1
    out = capsys.readouterr().out
    assert tokens_asked(replay) == [None, grown]  # the 10 000-byte token is never sent
    [failed] = [line for line in out.splitlines() if line.startswith("failed:")]
    assert "resumptionToken of 10000 bytes" in failed and "8192" in failed
    assert len(failed) < len(grown) + 600  # page 2's URL holds its token; the new one is cut
    assert "records: 3 read, 3 loaded" in out  # page 2 lists page 1's ids again, newer:
    assert out.count("(before: loaded)") == 3  # it was loaded over them, each counted once
    assert checkpoint(tmp_path)["pages_done"] == 1  # page 2's token is not kept


def test_a_token_holding_no_text_refuses_its_answer_at_the_token_line(
    tmp_path: Path, replay: ReplayServer, capsys: pytest.CaptureFixture[str]
) -> None:
    """CONSTRUCTED: the hep-ex page with a resumption token holding BEL (``&#7;``, which XML
    1.0 does not allow). Before, the mask the reading put for BEL (U+E007) was sent back as
    the next request's token, one the server never gave; now the answer is refused at the
    token's line, as markup in a token is, and nothing is asked with it."""
    body = page("A&#7;B")
    answer(replay, body, **FIRST)
    answer(replay, other_records("5"))  # whatever token comes back
    assert harvest(config_for(tmp_path), "--from", "2017-12-14") == 1
    out = capsys.readouterr().out
    line = body[: body.index(b"<resumptionToken>")].count(b"\n") + 1
    [failed] = [text for text in out.splitlines() if text.startswith("failed:")]
    assert f":{line}: resumptionToken: control character U+0007 is not text" in failed
    assert "\ue007" not in out
    assert tokens_asked(replay) == [None]  # no token the server never gave is sent


# Pages that bring nothing readable (CONSTRUCTED from the real hep-ex page): a page whose
# every record is quarantined, served again under ever new tokens, and empty pages each with a
# new token. Before, neither was recognised (a page's key was its readable records only): the
# loop went on to [limits] harvest_max_pages (100 000 pages, the same records quarantined on
# each). UNREADABLE: every record dated in the year 30000 ("bad datestamp date").
UNREADABLE = HEP_EX.replace(b"<datestamp>2017-12-14<", b"<datestamp>30000-12-14<")
EMPTY = HEP_EX[: HEP_EX.index(b"<record>")] + HEP_EX[HEP_EX.rindex(b"</record>") + 9 :]


def test_a_page_of_unreadable_records_served_again_under_new_tokens_stops(
    tmp_path: Path, replay: ReplayServer, capsys: pytest.CaptureFixture[str]
) -> None:
    assert UNREADABLE.count(b"30000-12-14") == 3
    answer(replay, page("T1", UNREADABLE), **FIRST)
    for n in range(1, 30):
        answer(replay, page(f"T{n + 1}", UNREADABLE), resumptionToken=f"T{n}")
    assert harvest(config_for(tmp_path), "--from", "2017-12-14") == 1
    out = capsys.readouterr().out
    assert tokens_asked(replay) == [None, "T1"]  # page 2 = page 1: stop
    [failed] = [line for line in out.splitlines() if line.startswith("failed:")]
    assert "the server sent a page it had sent before" in failed and "T1" in failed
    assert "records: 6 read, 0 loaded" in out  # both pages' records quarantined, as read
    kept = (tmp_path / "data" / "quarantine" / "records").rglob("*.jsonl")
    assert sum(len(f.read_text().splitlines()) for f in kept) == 6  # report = folder
    assert checkpoint(tmp_path)["pages_done"] == 1  # the repeated page is not gone past


def test_empty_pages_each_with_a_new_token_stop_after_some_in_a_row(
    tmp_path: Path, replay: ReplayServer, capsys: pytest.CaptureFixture[str]
) -> None:
    answer(replay, page("T1", HEP_EX), **FIRST)
    for n in range(1, 3 * EMPTY_PAGES_IN_A_ROW):
        answer(replay, page(f"T{n + 1}", EMPTY), resumptionToken=f"T{n}")
    assert harvest(config_for(tmp_path), "--from", "2017-12-14") == 1
    out = capsys.readouterr().out
    assert len(tokens_asked(replay)) == 1 + EMPTY_PAGES_IN_A_ROW
    [failed] = [line for line in out.splitlines() if line.startswith("failed:")]
    assert f"{EMPTY_PAGES_IN_A_ROW} pages in a row with no record" in failed
    assert f"T{EMPTY_PAGES_IN_A_ROW}" in failed  # the URL of the last one asked
    assert "records: 3 read, 3 loaded" in out  # page 1 loaded


def test_list_records_stops_on_empty_pages_too(
    replay: ReplayServer, arxiv_archive: RawArchive
) -> None:
    answer(replay, page("T1", EMPTY), **FIRST)
    for n in range(1, 3 * EMPTY_PAGES_IN_A_ROW):
        answer(replay, page(f"T{n + 1}", EMPTY), resumptionToken=f"T{n}")
    client = OaiPmhClient(HttpClient(arxiv_archive, fast_policy()), base_url=replay.oai_url)
    with pytest.raises(ExtractError, match="pages in a row with no record"):
        list(client.list_records(metadata_prefix="arXiv", set_spec="cs", from_date="2017-12-14"))
    assert len(tokens_asked(replay)) == EMPTY_PAGES_IN_A_ROW
