"""A SPARQL store URL holding credentials (``user:password@``) is refused before anything names
it: credentials come from the environment only. Before, ``scholarkg run`` printed the URL with
the password in its first line, and wrote it into the outbox's ``store`` file and the run's
unfinished mark (and the report named it where the store had lost its graphs)."""

from __future__ import annotations

from pathlib import Path

import pytest

from building import run_cli
from conftest import write_config
from samples import SAMPLE_PROFILE
from scholarkg.cli import main
from scholarkg.config import load_config
from scholarkg.errors import ConfigError
from scholarkg.runs.build import build
from scholarkg.store.remote import SparqlStore

SECRET = "S3cret-pw"
BASE = f"http://alice:{SECRET}@127.0.0.1:9"  # nothing listens: nothing may be asked anyway


def _written(directory: Path) -> list[Path]:
    """Files under ``directory`` holding the secret."""
    return [p for p in directory.rglob("*") if p.is_file() and SECRET.encode() in p.read_bytes()]


def _store(**urls: str) -> dict[str, object]:
    return {"kind": "sparql", "replace_via": "update", **urls}


def test_scholarkg_run_refuses_a_url_with_credentials_in_one_line_without_them(
    tmp_path: Path,
) -> None:
    urls = {"query_url": f"{BASE}/query", "update_url": f"{BASE}/update"}
    config = write_config(tmp_path, [SAMPLE_PROFILE], store=_store(**urls))
    done = run_cli(config)
    assert done.returncode == 1
    assert done.stdout == ""
    assert done.stderr.splitlines() == [
        "error: [store] query_url: a URL holding credentials (user:password@) is refused; give "
        "them in SCHOLARKG_SPARQL_USER and SCHOLARKG_SPARQL_PASSWORD (the URL is not shown)"
    ]
    assert _written(tmp_path / "data") == []


@pytest.mark.parametrize("key", ["query_url", "update_url", "store_url"])
def test_every_store_url_is_checked_and_the_library_run_writes_nothing(
    tmp_path: Path, key: str
) -> None:
    urls = {k: "http://127.0.0.1:9/" + k for k in ("query_url", "update_url", "store_url")}
    urls[key] = f"{BASE}/{key}"
    config = load_config(write_config(tmp_path, [SAMPLE_PROFILE], store=_store(**urls)))
    with pytest.raises(ConfigError) as refused:
        build(config)
    assert str(refused.value).startswith(f"[store] {key}: a URL holding credentials")
    assert SECRET not in str(refused.value)
    assert _written(tmp_path / "data") == []
    with pytest.raises(ConfigError, match=f"^\\[store\\] {key}: "):  # read-only too
        config.store.open(read_only=True)


def test_scholarkg_query_refuses_it_too(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    urls = {"query_url": f"{BASE}/query"}
    config = write_config(tmp_path, [SAMPLE_PROFILE], store=_store(**urls))
    assert main(["query", "papers-per-year", "--config", str(config)]) == 1
    shown = capsys.readouterr()
    assert SECRET not in shown.out + shown.err
    assert "[store] query_url: a URL holding credentials" in shown.err


def test_a_store_made_in_code_refuses_it_and_credentials_given_apart_are_kept() -> None:
    with pytest.raises(ConfigError, match=r"^\[store\] store_url: ") as refused:
        SparqlStore("http://127.0.0.1:9/query", store_url=f"{BASE}/store")
    assert SECRET not in str(refused.value)
    with SparqlStore("http://127.0.0.1:9/query", user="alice", password=SECRET) as store:
        assert store.credentials == ("alice", SECRET)
        assert SECRET not in repr(store)
