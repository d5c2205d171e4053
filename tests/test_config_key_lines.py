"""An unknown key or section of a config file is told at its line (``my.toml:7: [store] pth:
unknown key; …``), found by a plain scan of the file (tomllib gives no positions); where the
scan is not sure, the line is left out, never guessed. Before, no line was given."""

from __future__ import annotations

from pathlib import Path

import pytest

from config_errors import config_error
from scholarkg.config.key_lines import key_line

pytestmark = pytest.mark.usefixtures("clean_environment")  # tests/conftest.py


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ("[store]\n# a comment\npath = 'x'\npth = 1\n", 4),
        ("\n\nstore.pth = 1\n", 3),
        ('[ "store" ]  # quoted\n "pth" = 1\n', 2),
    ],
)
def test_an_unknown_key_is_told_at_its_line(
    tmp_path: Path, text: str, line: int, capsys: pytest.CaptureFixture[str]
) -> None:
    assert config_error(tmp_path, text, capsys) == (
        f"error: my.toml:{line}: [store] pth: unknown key; did you mean `store.path`?"
    )


def test_an_unknown_section_is_told_at_its_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert config_error(tmp_path, "\n[stroe]\npath = 'x'\n", capsys) == (
        "error: my.toml:2: unknown section [stroe]; did you mean [store]?"
    )


def test_a_quoted_key_holding_an_escape_is_told_at_its_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """REPRODUCED: a quoted key holding an escape had no line (the scan read no escape)."""
    assert config_error(tmp_path, '[store]\n"pt\\u0068" = 1\n', capsys) == (
        "error: my.toml:2: [store] pth: unknown key; did you mean `store.path`?"
    )


def test_an_array_of_tables_is_told_at_its_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """REPRODUCED: a section or table written as an array of tables (``[[serve]]``) had no
    line (the scan passed over ``[[…]]``)."""
    assert config_error(tmp_path, "\n[[serve]]\nhost = 'x'\n", capsys).startswith(
        "error: my.toml:2: [serve] must be a table"
    )
    assert config_error(tmp_path, "[people]\n[[people.merge]]\n'a' = 'b'\n", capsys).startswith(
        "error: my.toml:2: [people] merge must be a table"
    )


@pytest.mark.parametrize(
    ("text", "told"),
    [
        (  # the entry's line, not [people.merge]'s (before: my.toml:1)
            '[people.merge]\n"person:a" = "b"\n\n"profile:ftp://h/p.txt" = "Paper#2"\n',
            "error: my.toml:4: [people.merge]: ftp://h/p.txt: ftp: URLs are not read",
        ),
        (  # a value is a reference too, in an inline table (before: my.toml:1)
            "[people]\n# mine\nmerge = { 'person:a' = 'b', 'c' = 'profile:ftp://h/p' }\n",
            "error: my.toml:3: [people.merge]: ftp://h/p: ftp: URLs are not read",
        ),
        (  # a key holding an escape (before: my.toml:1)
            '[people.split]\n"a|B" = "b"\n"profile:da\\u0007ta" = "c"\n',
            "error: my.toml:3: [people.split]: 'da\\x07ta': a path holding a line break",
        ),
    ],
)
def test_a_bad_people_reference_is_told_at_its_entry(
    tmp_path: Path, text: str, told: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert config_error(tmp_path, text, capsys).startswith(told)


def test_a_key_of_an_inline_table_is_told_at_its_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """REPRODUCED: an inline table's key had no line (the scan read ``key =`` lines alone)."""
    assert config_error(tmp_path, "\nstore = { path = 'x', pth = 1 }\n", capsys) == (
        "error: my.toml:2: [store] pth: unknown key; did you mean `store.path`?"
    )
    text = (
        "[schedules]\nx = { flow = 'f', parameters = { a = [\n1, '}', # {\n], "
        "b = '''\n''', c = 2 } }\n"
    )
    assert key_line(text, ("schedules", "x", "parameters", "c")) == 5
    assert key_line(text, ("schedules", "x", "parameters", "a", 1)) == 2
    assert key_line(text, ("schedules", "x", "parameters", "d")) is None


def test_the_scan_passes_over_what_only_looks_like_a_key() -> None:
    text = (
        '[report]\nsummary_query = """\n[store]\npth = 1\n"""\n'  # in a multi-line string
        "[[store.list]]\npth = 2\n"  # an array of tables: not placed for sure
        '[store]\n"p\\th" = 3\npth = 4\n'  # an escaped quoted key: not read
    )
    assert key_line(text, ("store", "pth")) == 10
    assert key_line(text, ("store", "nope")) is None
    assert key_line(text, ("store", "list", 0, "pth")) == 7  # the array's first table
    assert key_line(text, ("store", "p\th")) == 9  # its escape read
    arrays = '[[a]]\nk = 1\n[[a]]\nk = 2\n[a.b]\nk = 3\n["x]\\"".y]\nk = 4\n'
    assert [key_line(arrays, loc) for loc in (("a", 1, "k"), ("a", 1, "b", "k"))] == [4, 6]
    assert key_line(arrays, ('x]"', "y", "k")) == 8  # a quoted header holding ] and \"
    assert key_line("[a]\n'p\\q' = 1\n", ("a", "p\\q")) == 2  # a literal key: no escapes
    assert key_line("[schedules.a]\ncrn = 'x'\n", ("schedules", "a", "crn")) == 2
