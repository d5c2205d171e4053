"""An arXiv identifier is ASCII digits and letters, its version at most 6 digits, through
every door and on the command line.

Before, ``\\d`` took any Unicode digit (``٠٧٠٤.٠٠٠٢``, ``０７０４.０００２``, the version of
``1605.08386v٢`` read as 2) and IGNORECASE ``ſ`` for an s; a version of 5 000 digits reached
``int()``, whose ValueError (Python's message) no caller expected: one such ``<id>`` in an API
answer ended the whole fetch, and ``scholarkg arxiv fetch`` with such an id was a traceback.

The API answer is CONSTRUCTED from the recorded 1605.08386 answer (tests/fixtures/arxiv/atom),
its entry's ``<id>`` changed; the snapshot line is the real 0704.0002 line with its id changed.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from arxiv_replay import ATOM_DIR, Fault, ReplayServer
from conftest import write_config
from loopback import free_port
from samples import ROOT
from scholarkg.cli import main
from scholarkg.errors import ParseError
from scholarkg.extract.arxiv_api import ArxivApiClient
from scholarkg.extract.arxiv_ids import parse_arxiv_id
from scholarkg.extract.http import HttpClient
from scholarkg.extract.snapshot import parse_snapshot_line

pytest_plugins = ("arxiv_fixtures",)

SNAPSHOT_LINE = (
    (ROOT / "tests" / "fixtures" / "arxiv" / "kaggle" / "snapshot_sample_100.jsonl")
    .read_text(encoding="utf-8")
    .splitlines()[0]
)
LONG_VERSION = "1605.08386v" + "9" * 5000
NOT_IDS = [
    "\u0660\u0667\u0660\u0664.\u0660\u0660\u0660\u0662",  # Arabic-Indic 0704.0002
    "\uff10\uff17\uff10\uff14.\uff10\uff10\uff10\uff12",  # fullwidth 0704.0002
    "1605.08386v\u0662",  # an Arabic-Indic 2 as the version
    "c\u017f/0101001",  # a long s for the s of cs
    "1605.08386v1234567",
    LONG_VERSION,
]


def name(text: str) -> str:
    return "5000-digit version" if text == LONG_VERSION else text


@pytest.mark.parametrize("text", NOT_IDS, ids=name)
def test_what_is_no_ascii_identifier_is_refused(text: str) -> None:
    with pytest.raises(ParseError, match="not an arXiv identifier"):
        parse_arxiv_id(text)


def test_ascii_forms_still_read() -> None:
    assert parse_arxiv_id("HEP-TH/9901001v2") == ("hep-th/9901001", 2)
    assert parse_arxiv_id("1605.08386v999999") == ("1605.08386", 999999)


@pytest.mark.parametrize("text", NOT_IDS[2:3] + NOT_IDS[-1:], ids=name)
def test_an_api_entry_with_such_an_id_is_quarantined_and_the_fetch_goes_on(
    arxiv_server: ReplayServer, arxiv_http: HttpClient, text: str
) -> None:
    [path] = ATOM_DIR.glob("id_1605.08386_s0_m100_*.xml")
    body = re.sub(
        rb"<id>http://arxiv.org/abs/1605.08386v\d+</id>",
        f"<id>http://arxiv.org/abs/{text}</id>".encode(),
        path.read_bytes(),
    )
    assert text.encode() in body
    arxiv_server.add_fault(Fault("status", status=200, body=body), times=-1)
    result = ArxivApiClient(arxiv_http, base_url=arxiv_server.api_url).fetch_by_ids(["1605.08386"])
    assert result.records == ()  # no record with a version 2 arXiv never gave
    assert [q.reason.split(":")[0] for q in result.quarantined] == ["not an arXiv identifier"]
    assert result.missing == ("1605.08386",)


@pytest.mark.parametrize("text", NOT_IDS[:2])
def test_a_snapshot_line_with_such_an_id_is_refused(text: str) -> None:
    line = json.loads(SNAPSHOT_LINE) | {"id": text}
    with pytest.raises(ParseError, match="not an arXiv identifier"):
        parse_snapshot_line(json.dumps(line, ensure_ascii=False), source="s")


def test_the_cli_reads_a_long_version_as_no_identifier(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("SCHOLARKG_ARXIV_API_URL", f"http://127.0.0.1:{free_port()}/api/query")
    config = write_config(tmp_path, [])
    assert main(["arxiv", "fetch", LONG_VERSION, "--config", str(config)]) == 1
    captured = capsys.readouterr()
    assert "Traceback" not in captured.err and "ValueError" not in captured.err
    # named quoted and cut, as every argument over 300 characters (before: whole on its line)
    [failed] = [line for line in captured.out.splitlines() if line.startswith("failed:")]
    assert failed.startswith(f"failed: '{LONG_VERSION[:200]}")
    assert failed.endswith("more characters]: not an arXiv identifier (not asked)")
    assert len(failed) < len(LONG_VERSION)


CASES = [
    "2104.12255V1",
    "arXiv:2104.12255V1",
    "ARXIV:2104.12255v1",
    "https://ARXIV.org/ABS/2104.12255V1",
]


@pytest.mark.parametrize("text", CASES)
def test_letters_of_an_identifier_are_read_in_any_case(text: str) -> None:
    """Before, ``2104.12255V1`` was refused while ``ARXIV:`` and ``QUANT-PH/0201082V1`` were
    read."""
    assert parse_arxiv_id(text) == ("2104.12255", 1)
    line = json.loads(SNAPSHOT_LINE) | {"id": text}
    assert parse_snapshot_line(json.dumps(line), source="s").arxiv_id == "2104.12255"


@pytest.mark.parametrize(
    "text", ["ARX\u0130V:2104.12255", "arx\u0131v:2104.12255", "oai:arx\u0131v.org:2104.12255"]
)
def test_a_letter_in_any_case_is_an_ascii_letter(text: str) -> None:
    """Before, the Turkish dotted capital and dotless small i were an ``i`` of the prefix."""
    with pytest.raises(ParseError, match="not an arXiv identifier"):
        parse_arxiv_id(text)


def test_the_cli_reads_a_capital_version(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """``scholarkg arxiv fetch 1605.08386V1`` asks arXiv (here: no server) for the id: before,
    it was "not an arXiv identifier" without asking."""
    monkeypatch.setenv("SCHOLARKG_ARXIV_API_URL", f"http://127.0.0.1:{free_port()}/api/query")
    config = write_config(tmp_path, [])
    main(["arxiv", "fetch", "1605.08386V1", "--config", str(config)])
    captured = capsys.readouterr()
    assert "not an arXiv identifier" not in captured.out + captured.err, captured
