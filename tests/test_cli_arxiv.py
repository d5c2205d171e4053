"""`scholarkg arxiv fetch|harvest|load-snapshot` against the replay server and real files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from arxiv_replay import Fault, ReplayServer
from conftest import write_config
from samples import ROOT
from scholarkg.cli import main
from scholarkg.extract.http import HttpClient
from scholarkg.quarantine import read_quarantined
from scholarkg.query_results import run_select
from scholarkg.store.embedded import EmbeddedStore

SNAPSHOT = ROOT / "tests" / "fixtures" / "arxiv" / "kaggle" / "snapshot_sample_100.jsonl"


pytest_plugins = ("arxiv_fixtures",)


@pytest.fixture
def replay(arxiv_server: ReplayServer, monkeypatch: pytest.MonkeyPatch) -> ReplayServer:
    """The replay server, standing in for arXiv through the environment."""
    monkeypatch.setenv("SCHOLARKG_ARXIV_API_URL", arxiv_server.api_url)
    monkeypatch.setenv("SCHOLARKG_OAI_URL", arxiv_server.oai_url)
    return arxiv_server


@pytest.fixture
def config(tmp_path: Path) -> Path:
    return write_config(tmp_path, [], arxiv={"min_interval": 0.05}, http={"max_retries": 1})


def count(store_path: Path, sparql: str) -> str | None:
    with EmbeddedStore(store_path, read_only=True) as store:
        return run_select(store, sparql).rows[0][0]


PAPERS = (
    "SELECT (COUNT(DISTINCT ?p) AS ?n) WHERE { ?p a <https://w3id.org/scholarkg/ontology#Paper> }"
)


def test_fetch_loads_found_ids_and_reports_missing(
    replay: ReplayServer, config: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # 1707.99999: no e-print; arXiv's recorded answer for an id it has no entry for, served
    fixture = "atom/id_0808.05394_1707.08567_s0_m100_42e5aa0ec3af.xml"
    replay.add_fault(Fault("serve", fixture=fixture), id_list="1707.99999,1707.08567")
    code = main(["arxiv", "fetch", "1707.99999", "1707.08567", "--config", str(config)])
    out = capsys.readouterr().out
    assert code == 1  # a missing id is reported and makes the exit code say so
    assert "failed: 1707.99999: arXiv returned no such record" in out and "1 loaded" in out
    assert count(tmp_path / "store", PAPERS) == "1"


FOUR = "arXiv ids from 0704 to 1412 have 4 digits after the point, not 5"
FIVE = "arXiv ids from 1501 on have 5 digits after the point, not 4"


@pytest.mark.parametrize(
    ("given", "told"),
    [
        # before: told as 'arXiv returned no such record' (never sent: no arXiv id)
        ("abc", "not an arXiv identifier"),
        # before: sent to arXiv as an id (5 digits in 2007)
        ("0704.00020", f"not an arXiv identifier: {FOUR}"),
    ],
)
def test_an_id_that_is_none_is_told_as_not_asked(
    given: str, told: str, replay: ReplayServer, config: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["arxiv", "fetch", given, "1707.08567", "--config", str(config)])
    out = capsys.readouterr().out
    assert code == 1 and "1 loaded" in out
    assert f"failed: {given}: {told} (not asked)" in out
    assert "no such record" not in out
    assert [r.param("id_list") for r in replay.requests_to("/api/query")] == ["1707.08567"]


@pytest.mark.parametrize(
    ("given", "told"),
    [("abc", "not an arXiv identifier"), ("1501.1234", f"not an arXiv identifier: {FIVE}")],
)
def test_an_id_that_is_none_is_told_as_not_asked_in_json_too(
    given: str, told: str, replay: ReplayServer, config: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``--json`` prints the records found and tells ``abc`` as no id (before: ``missing:
    abc``, as if arXiv had been asked and had no such record), ``1501.1234`` with why."""
    code = main(["arxiv", "fetch", given, "1707.08567", "--json", "--config", str(config)])
    captured = capsys.readouterr()
    assert code == 1 and "1707.08567" in captured.out
    assert captured.err.splitlines() == [f"{told} (not asked): {given}"]
    assert [r.param("id_list") for r in replay.requests_to("/api/query")] == ["1707.08567"]


@pytest.mark.parametrize("where", ["a-file", "a-file/store"])
@pytest.mark.parametrize("command", ["fetch", "harvest"])
def test_a_store_path_that_cannot_be_a_store_asks_arxiv_nothing(
    replay: ReplayServer,
    config: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    where: str,
    command: str,
) -> None:
    """`arxiv fetch --store FILE` asked arXiv first and found the store unusable after (the
    records fetched into a run that could not load them); now the path is checked first."""
    (tmp_path / "a-file").write_text("not a store\n")
    store = tmp_path / where
    args = {
        "fetch": ["arxiv", "fetch", "1707.08567"],
        "harvest": ["arxiv", "harvest", "--set", "cs", "--from", "2024-01-25"],
    }[command]
    assert main([*args, "--config", str(config), "--store", str(store)]) == 1
    said = {
        "a-file": f"error: {store}: is a file, not a store directory",
        "a-file/store": f"error: {store}: cannot be a store directory: {store.parent} is a file",
    }[where]
    assert capsys.readouterr().err.strip() == said
    assert replay.requests == []
    assert (tmp_path / "a-file").read_text() == "not a store\n"


UNWRITABLE = [  # real places no one, root included, can make or write a store in
    (
        "/proc/scholarkg-store",
        "cannot create the store directory in /proc: No such file or directory",
    ),
    ("/sys/scholarkg-store", "cannot create the store directory in /sys: "),  # EPERM / EACCES
    ("/proc/self", "cannot write in the store directory: No such file or directory"),
]


@pytest.mark.skipif(not Path("/proc/self").is_dir(), reason="needs Linux /proc and /sys")
@pytest.mark.parametrize(("store", "problem"), UNWRITABLE)
@pytest.mark.parametrize("command", ["fetch", "harvest"])
def test_a_store_path_no_one_can_write_asks_arxiv_nothing(
    replay: ReplayServer,
    config: Path,
    capsys: pytest.CaptureFixture[str],
    store: str,
    problem: str,
    command: str,
) -> None:
    """The check asked os.access, which says yes to root for every directory, /proc and /sys
    too: the run asked arXiv, then failed at mkdir or in RocksDB. It now makes (and removes) a
    directory and a file where the store goes, before any request."""
    args = {
        "fetch": ["arxiv", "fetch", "1707.08567"],
        "harvest": ["arxiv", "harvest", "--set", "cs", "--from", "2024-01-25"],
    }[command]
    assert main([*args, "--config", str(config), "--store", store]) == 1
    assert replay.requests == []
    said = capsys.readouterr().err.strip()
    assert said.startswith(f"error: {store}: {problem}") and "\n" not in said, said


def test_fetch_json_prints_records_without_loading(
    replay: ReplayServer, config: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["arxiv", "fetch", "quant-ph/0201082v1", "--json", "--config", str(config)]) == 0
    [record] = json.loads(capsys.readouterr().out)
    assert record["arxiv_id"] == "quant-ph/0201082"
    assert not (tmp_path / "store").exists()


def test_harvest_follows_token_and_stores_watermark(
    replay: ReplayServer, config: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ["arxiv", "harvest", "--set", "cs", "--prefix", "oai_dc", "--config", str(config)]
    assert main([*args, "--from", "2024-01-25"]) == 0
    out = capsys.readouterr().out
    assert "records: 8 read, 8 loaded" in out  # 5 on the first page + 3 after the token
    assert count(tmp_path / "store", PAPERS) == "8"
    state = json.loads((tmp_path / "store" / "oai-harvest.json").read_text())
    assert "oai_dc set=cs" in state["harvests"]
    main(args)  # the next run continues from the watermark, not from --from
    froms = [r.param("from") for r in replay.requests_to("/oai") if r.param("from")]
    assert froms[0] == "2024-01-25" and froms[-1] == state["harvests"]["oai_dc set=cs"]["from"]


def test_harvest_without_watermark_or_from_is_a_clear_error(
    replay: ReplayServer, config: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["arxiv", "harvest", "--set", "cs", "--config", str(config)]) == 1
    assert "give a start date (--from" in capsys.readouterr().err


@pytest.mark.parametrize("name", ["", "  "])
def test_an_empty_set_is_a_usage_error_not_a_harvest_of_every_set(
    replay: ReplayServer, config: Path, capsys: pytest.CaptureFixture[str], name: str
) -> None:
    """--set "" (an unset shell variable) sent ListRecords without a set: all of arXiv."""
    with pytest.raises(SystemExit) as done:
        main(["arxiv", "harvest", "--set", name, "--from", "2024-01-25", "--config", str(config)])
    assert done.value.code == 2 and "an empty set name" in capsys.readouterr().err
    assert replay.requests_to("/oai") == []


@pytest.mark.parametrize("when", ["yesterday", "2024-02-30", "2024-1-5x"])
def test_a_from_that_is_not_a_date_is_a_usage_error_and_asks_nothing(
    replay: ReplayServer, config: Path, capsys: pytest.CaptureFixture[str], when: str
) -> None:
    """--from was sent to the server as it was written (from=yesterday, from=2024-02-30)."""
    with pytest.raises(SystemExit) as done:
        main(["arxiv", "harvest", "--set", "cs", "--from", when, "--config", str(config)])
    err = capsys.readouterr().err
    assert done.value.code == 2 and f"{when!r} is not a date (YYYY-MM-DD)" in err
    assert replay.requests_to("/oai") == []


@pytest.mark.parametrize("when", ["yesterday", "2024-02-30", "2024-1-5x", ""])
def test_the_library_harvest_refuses_a_from_that_is_not_a_date_and_asks_nothing(
    replay: ReplayServer, config: Path, tmp_path: Path, when: str
) -> None:
    """harvest(config, set, prefix, from_date) sent the string as it was (from=yesterday): only
    the CLI's --from checked it. Refused before the run starts, even with a watermark (which
    would have hidden the bad argument on this run and not the next)."""
    from scholarkg.config import load_config
    from scholarkg.errors import ConfigError
    from scholarkg.runs.arxiv_harvest import harvest

    loaded = load_config(config)
    with pytest.raises(ConfigError) as refused:
        harvest(loaded, "cs", "oai_dc", when)
    assert str(refused.value) == f"from_date {when!r} is not a date (YYYY-MM-DD)"
    assert replay.requests_to("/oai") == [] and not (tmp_path / "store").exists()
    assert harvest(loaded, "cs", "oai_dc", "2024-01-25").report.outcome == "ok"
    asked = len(replay.requests_to("/oai"))
    with pytest.raises(ConfigError, match="is not a date"):
        harvest(loaded, "cs", "oai_dc", when)
    assert len(replay.requests_to("/oai")) == asked


def test_the_oai_client_refuses_a_from_that_is_not_a_date(
    replay: ReplayServer, arxiv_http: HttpClient
) -> None:
    """The client under the harvest sent from=/until= as given too."""
    from scholarkg.errors import ConfigError
    from scholarkg.extract.oai_pmh import OaiPmhClient

    client = OaiPmhClient(arxiv_http, base_url=replay.oai_url)
    with pytest.raises(ConfigError, match=r"^from_date 'yesterday' is not a date"):
        next(client.list_records(set_spec="cs", from_date="yesterday"))
    with pytest.raises(ConfigError, match=r"^until '2024-02-30' is not a date"):
        client.fetch_page(set_spec="cs", from_date="2024-01-25", until="2024-02-30")
    assert replay.requests_to("/oai") == []


@pytest.mark.parametrize(("size", "said"), [("0", "0 is not at least 1"), ("x", "'x' is not")])
def test_a_batch_size_below_one_is_a_usage_error(
    config: Path, capsys: pytest.CaptureFixture[str], size: str, said: str
) -> None:
    """It ended in a traceback (ValueError from the chunking) after the store was opened."""
    with pytest.raises(SystemExit) as done:
        main(
            ["arxiv", "load-snapshot", str(SNAPSHOT), "--config", str(config), "--batch-size", size]
        )
    err = capsys.readouterr().err
    assert done.value.code == 2 and said in err and "Traceback" not in err


def test_load_snapshot_streams_and_quarantines_bad_lines(
    config: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    copy = tmp_path / "snapshot.jsonl"
    lines = SNAPSHOT.read_text(encoding="utf-8").splitlines()
    copy.write_text("\n".join([*lines[:10], "{not json", *lines[10:]]) + "\n", encoding="utf-8")
    assert main(["arxiv", "load-snapshot", str(copy), "--config", str(config)]) == 1
    captured = capsys.readouterr()
    assert "records: 101 read, 100 loaded, 0 rejected by SHACL, 1 quarantined" in captured.out
    assert f"quarantined: {copy}:11:" in captured.out
    assert count(tmp_path / "store", PAPERS) == "100"
    kept = read_quarantined(tmp_path / "data" / "quarantine").records
    assert [r.line for r in kept] == [11]


@pytest.mark.parametrize("given", ["", "  "])
def test_an_empty_snapshot_path_is_a_usage_error(
    config: Path, capsys: pytest.CaptureFixture[str], given: str
) -> None:
    """Before: the working directory was opened, 'error: .: cannot open snapshot: Is a
    directory', the store opened first."""
    with pytest.raises(SystemExit) as done:
        main(["arxiv", "load-snapshot", given, "--config", str(config)])
    assert done.value.code == 2
    assert "argument FILE: an empty path (give the snapshot file)" in capsys.readouterr().err
    assert not (config.parent / "store").exists()


# `arxiv fetch` whose later batch fails (503 however often asked, or an HTML page with 200): the
# batches answered before are loaded and counted, the failed batch is one failure line naming its
# URL, its ids not loaded; report = store (one id a batch: [arxiv] batch_size = 1).
HTML = b"<!DOCTYPE html><html><body><h1>Service unavailable</h1></body></html>"
FAULTS = {
    "503 every time": Fault("status", status=503),
    "200 with an HTML page": Fault(
        "status", status=200, body=HTML, headers={"Content-Type": "text/html"}
    ),
}


@pytest.mark.parametrize("fault", FAULTS.values(), ids=FAULTS.keys())
def test_the_batches_before_a_failed_one_are_loaded(
    fault: Fault,
    replay: ReplayServer,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    config = write_config(
        tmp_path, [], arxiv={"min_interval": 0.01, "batch_size": 1}, http={"max_retries": 1}
    )
    replay.add_fault(fault, path="/api/query", times=-1, id_list="1605.08386")
    code = main(["arxiv", "fetch", "1707.08567", "1605.08386", "--config", str(config)])
    out = capsys.readouterr().out
    assert code == 1
    [failed] = [line for line in out.splitlines() if line.startswith("failed:")]
    assert "id_list=1605.08386" in failed and "1 ids not fetched: 1605.08386" in failed
    assert "1 loaded" in out
    assert count(tmp_path / "store", PAPERS) == "1"  # report = store
