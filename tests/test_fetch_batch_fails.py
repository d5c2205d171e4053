"""``scholarkg arxiv fetch`` whose later batch fails (the server answers 503 however often it is
asked, or an HTML error page with 200): the batches answered before are loaded and counted,
the failed batch is one failure line naming its URL and its ids are not loaded; report = store.

Against the loopback replay server's recorded answers for 1707.08567 and 1605.08386, asked one
id a batch (``[arxiv] batch_size = 1``).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from arxiv_replay import Fault, ReplayServer
from conftest import write_config
from scholarkg.cli import main
from test_cli_arxiv import PAPERS, count

pytest_plugins = ("arxiv_fixtures",)

HTML = b"<!DOCTYPE html><html><body><h1>Service unavailable</h1></body></html>"
FAULTS = {
    "503 every time": Fault("status", status=503),
    "200 with an HTML page": Fault(
        "status", status=200, body=HTML, headers={"Content-Type": "text/html"}
    ),
}


@pytest.fixture
def replay(arxiv_server: ReplayServer, monkeypatch: pytest.MonkeyPatch) -> ReplayServer:
    monkeypatch.setenv("SCHOLARKG_ARXIV_API_URL", arxiv_server.api_url)
    return arxiv_server


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
