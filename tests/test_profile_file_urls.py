"""A profile named by a ``file:`` URL is the local file it names, read and archived as that
file's path names it (one source, however it is written); a ``file:`` URL that names no file
here (another host, a query) is one line naming it. Before, ``file:///srv/page.txt`` was taken
for a relative path, ``<working directory>/file:/srv/page.txt``: 'No such file or directory'
from ``profile parse``, and that non-path from ``[profiles] sources``."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from urllib.parse import quote

import pytest

from conftest import write_config
from loopback import Pages
from samples import SAMPLE_PROFILE
from scholarkg.cli import main
from scholarkg.config import load_config
from scholarkg.errors import ConfigError


@pytest.fixture
def page(tmp_path: Path) -> Path:
    copied = tmp_path / "pages" / "Léonard Hussenot 2.txt"  # a space and a letter to escape
    copied.parent.mkdir()
    shutil.copyfile(SAMPLE_PROFILE, copied)
    return copied


def parsed(argv: list[str], capsys: pytest.CaptureFixture[str]) -> dict[str, object]:
    assert main(argv) == 0
    data: dict[str, object] = json.loads(capsys.readouterr().out)
    return data


def test_a_file_url_is_the_file_it_names(
    page: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = str(write_config(tmp_path, []))
    by_path = parsed(["profile", "parse", str(page), "--json", "--config", config], capsys)
    assert by_path["source"] == str(page) and by_path["name"] == "Léonard Hussenot"
    for url in (f"file://{quote(str(page))}", f"FILE://localhost{quote(str(page))}"):
        by_url = parsed(["profile", "parse", url, "--json", "--config", config], capsys)
        assert by_url == by_path  # the same source, first seen at the same instant


@pytest.mark.parametrize(
    ("url", "problem"),
    [
        ("file://example.org/srv/page.txt", "a file: URL of another host (example.org)"),
        ("file:///srv/page.txt?v=2", "a file: URL with a query or fragment"),
        ("file:page.txt", "a file: URL names an absolute path: file:///path/to/file"),
        ("file:///srv/a%00b.txt", "names a NUL character (%00 or \\u0000), which no path holds"),
    ],
)
def test_a_file_url_naming_no_file_here_is_one_line(
    url: str, problem: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = str(write_config(tmp_path, []))
    assert main(["profile", "parse", url, "--config", config]) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    [line] = captured.err.splitlines()
    assert line.startswith(f"error: {url}: {problem}"), line


def test_a_configured_file_url_is_the_path_it_names(
    page: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = f"file://{quote(str(page))}"
    config = write_config(tmp_path, [url])
    assert load_config(config).profiles == (str(page),)
    toml = tmp_path / "people.toml"
    toml.write_text(f'[people.merge]\n"profile:{url}" = "person:x"\n', encoding="utf-8")
    assert dict(load_config(toml).people_merge) == {f"profile:{page}": "person:x"}
    monkeypatch.setenv("SCHOLARKG_PROFILES__SOURCES", '["file://example.org/x.txt"]')
    with pytest.raises(ConfigError) as refused:
        load_config()
    assert str(refused.value) == (
        "environment SCHOLARKG_PROFILES__SOURCES: [profiles] sources: file://example.org/x.txt: "
        "a file: URL of another host (example.org); only local files are read"
    )
    monkeypatch.delenv("SCHOLARKG_PROFILES__SOURCES")
    bad = write_config(tmp_path, ["file://example.org/x.txt"])
    with pytest.raises(ConfigError, match=rf"^{bad}:6: \[profiles\] sources: file://example"):
        load_config(bad)


def test_a_url_scheme_in_capitals_is_a_url(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A scheme is the same in any case (RFC 3986): ``HTTP://host/p.txt`` is fetched and
    archived as ``http://host/p.txt``, one source with the lower-case spelling. Before, it was
    taken for a path: 'cannot read profile file: No such file or directory'."""
    body = SAMPLE_PROFILE.read_bytes()
    with Pages(lambda _: ("text/plain; charset=utf-8", body)) as server:
        config = write_config(tmp_path, [], http={"min_interval": 0.0})
        lower = f"{server.base}/p.txt"
        shouted = "HTTP" + lower.removeprefix("http")
        by_lower = parsed(["profile", "parse", lower, "--json", "--config", str(config)], capsys)
        by_shout = parsed(["profile", "parse", shouted, "--json", "--config", str(config)], capsys)
        assert by_shout == by_lower and by_lower["source"] == lower
        assert server.paths == ["/p.txt", "/p.txt"]
        assert load_config(write_config(tmp_path, [shouted])).profiles == (lower,)


@pytest.mark.parametrize(
    ("section", "key", "value"),
    [("profiles", "sources", '["/srv/a\\u0000b.txt"]'), ("store", "path", '"/srv/a\\u0000b"')],
)
def test_a_configured_path_with_a_nul_is_one_line(
    section: str, key: str, value: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Before: a run said only 'the build_kg flow run ended Failed: embedded null byte'."""
    config = tmp_path / "nul.toml"
    config.write_text(f"[{section}]\n{key} = {value}\n", encoding="utf-8")
    assert main(["query", "--list", "--config", str(config)]) == 1
    [line] = capsys.readouterr().err.splitlines()
    nul = "\\x00"
    assert line.startswith(f"error: {config}:2: [{section}] {key}: '/srv/a{nul}b"), line
    assert line.endswith("names a NUL character (%00 or \\u0000), which no path holds"), line


UNREADABLE = [  # CONSTRUCTED: what a careless operator writes for a page
    ("ftp://example.org/page.txt", "ftp: URLs are not read: only paths, file: and http(s) URLs"),
    ("s3://bucket/page.txt", "s3: URLs are not read: only paths, file: and http(s) URLs"),
    ("http://[::1/page.txt", "an http(s) URL that cannot be read (Invalid IPv6 URL)"),
    ("https://example.org:99999/p", "an http(s) URL that cannot be read (Port out of range"),
    ("http:///page.txt", "an http(s) URL without a host"),
]


@pytest.mark.parametrize(("url", "problem"), UNREADABLE, ids=[u for u, _ in UNREADABLE])
def test_a_url_naming_nothing_readable_is_one_line_in_the_config_and_in_profile_parse(
    url: str, problem: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """REPRODUCED: ``ftp://`` or ``s3://`` in ``[profiles] sources`` was a relative path
    (``<config dir>/ftp:/example.org/page.txt``), found missing only by the run, and ``profile
    parse`` said 'cannot read profile file: No such file or directory'; ``http://[::1/x`` was
    a ValueError traceback; a URL without a host 'only http(s) URLs can be fetched'. Each is
    one line naming it, in the config when it loads."""
    bad = write_config(tmp_path, [url])
    with pytest.raises(ConfigError) as refused:
        load_config(bad)
    assert str(refused.value).startswith(f"{bad}:6: [profiles] sources: {url}: {problem}")
    config = str(write_config(tmp_path, []))
    assert main(["profile", "parse", url, "--config", config]) == 1
    captured = capsys.readouterr()
    [line] = captured.err.splitlines()
    assert (captured.out, line.startswith(f"error: {url}: {problem}")) == ("", True), line
