"""A key two environment variables set (the name kept from earlier versions and its
``SCHOLARKG_<SECTION>__<KEY>``), and blank ``[subject_codes]`` codes: through the real CLI, in a
child process whose environment holds the variables."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

COMMAND = [sys.executable, "-m", "scholarkg.cli"]


def _cli(tmp_path: Path, args: list[str], **variables: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.upper().startswith("SCHOLARKG_")}
    env["PYTHONPATH"] = os.pathsep.join(str(Path(p).resolve()) for p in sys.path if p)
    return subprocess.run(
        [*COMMAND, *args],
        env=env | variables,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def _config(tmp_path: Path, text: str = "") -> str:
    path = tmp_path / "scholarkg.toml"
    path.write_text(f'[data]\ndir = "{tmp_path / "data"}"\n{text}', encoding="utf-8")
    return str(path)


@pytest.mark.parametrize(
    ("old", "new", "named"),
    [
        ("SCHOLARKG_STORE", "SCHOLARKG_STORE__PATH", "[store] path"),
        ("SCHOLARKG_CONTACT", "scholarkg_http__contact", "[http] contact"),
        ("SCHOLARKG_SPARQL_PASSWORD", "SCHOLARKG_STORE__PASSWORD", "[store] password"),
        ("SCHOLARKG_CONTACT", "SCHOLARKG_HTTP", "[http] contact"),  # the section's JSON
    ],
)
def test_two_variables_of_one_key_that_disagree_are_refused_naming_both(
    tmp_path: Path, old: str, new: str, named: str
) -> None:
    """Before: the ``__`` variable (or the section's JSON) won without a word
    (``SCHOLARKG_STORE`` ignored). The values are not shown: some are secrets."""
    value = "secret-two@example.org"
    if "__" not in new:
        value = json.dumps({"contact": value})
    done = _cli(
        tmp_path,
        ["quarantine", "list", "--config", _config(tmp_path)],
        **{old: "secret-one@example.org", new: value},
    )
    assert done.returncode == 1
    assert done.stdout == ""
    assert done.stderr.splitlines() == [
        f"error: environment {old} and {new} both set {named}, to different values: unset "
        "one (or set both alike)"
    ]
    assert "secret" not in done.stderr


@pytest.mark.parametrize(
    "variables",
    [
        {"SCHOLARKG_STORE": "{store}", "SCHOLARKG_STORE__PATH": "{store}"},
        {"SCHOLARKG_STORE": " {store} ", "SCHOLARKG_STORE__PATH": "{store}"},
        {"SCHOLARKG_STORE": "{store}"},
        {"SCHOLARKG_STORE__PATH": "{store}"},
        {"SCHOLARKG_STORE": "", "SCHOLARKG_STORE__PATH": "{store}"},
    ],
)
def test_one_variable_or_two_alike_set_the_key(tmp_path: Path, variables: dict[str, str]) -> None:
    """Set alike (white space around a value left out, as it is read), or one set: no error,
    and the store is the path they give (the query names it: no store there yet)."""
    store = tmp_path / "elsewhere"
    given = {name: value.format(store=store) for name, value in variables.items()}
    args = ["query", "categories-over-time", "--config", _config(tmp_path)]
    done = _cli(tmp_path, args, **given)
    assert done.returncode == 1
    assert done.stderr.splitlines() == [
        f"error: {store}: no store here yet (run `scholarkg run` first)"
    ]


def test_the_sections_json_giving_the_same_value_is_no_error(tmp_path: Path) -> None:
    done = _cli(
        tmp_path,
        ["quarantine", "list", "--config", _config(tmp_path)],
        SCHOLARKG_CONTACT="ops@example.org",
        SCHOLARKG_HTTP='{"contact": " ops@example.org", "max_retries": 2}',
    )
    assert (done.returncode, done.stderr) == (0, "")


_CODES = '{"XX": "cs.AI"}'
_BLANK = '{" ": "cs.AI"}'


@pytest.mark.parametrize(
    ("codes", "variable", "shown", "line"),
    [
        ('"" = "cs.LG"', "", "''", ":5"),
        ('"  " = "cs.LG"', "", "'  '", ":5"),
        ('"\\t" = "cs.LG"', "", "'\\t'", ":5"),  # an escaped key: read (before: no line)
        ('" " = "cs.LG"', _CODES, "' '", ":5"),  # before: named the variable, which gave good codes
        ("", _BLANK, "' '", ""),
        ('XY = "cs.LG"', _BLANK, "' '", ""),
    ],
)
def test_a_blank_subject_code_is_refused_naming_the_file_or_variable_that_gave_it(
    tmp_path: Path, codes: str, variable: str, shown: str, line: str
) -> None:
    """Before: accepted, a code no profile page writes mapped to a category."""
    config = _config(tmp_path, f'[subject_codes]\nQQ = "cs.AI"\n{codes}\n')
    done = _cli(
        tmp_path, ["quarantine", "list", "--config", config], SCHOLARKG_SUBJECT_CODES=variable
    )
    assert done.returncode == 1
    origin = "environment SCHOLARKG_SUBJECT_CODES" if variable == _BLANK else config + line
    assert done.stderr.splitlines() == [
        f"error: {origin}: [subject_codes]: code {shown}: a blank code; give the code a page writes"
    ]


_OVERRIDE = "[arxiv] overrides: 'A title' = 'no-id' is not an arXiv id"
_MERGE = "[people] merge: 'A B': not a name key"
_NIGHTLY = '[schedules.n]\ncron = "0 3 * * *"\n'
_SCHEDULE = '{"x": {"flow": "build_kg", "cron": "0 4 * * *"}}'
_RETRIES = "[http] max_retries must be >= 0, got -1"
_TIMEOUT = "[store] connect_timeout must be > 0, got "


@pytest.mark.parametrize(
    ("text", "variable", "value", "problem"),  # the file's line in the problem: 3 and on
    [
        (
            "[http]\nmax_retries = -1\n",
            "SCHOLARKG_HTTP",
            '{"contact": "a@b.org"}',
            f"4: {_RETRIES}",
        ),
        ("[store]\nconnect_timeout = 0\n", "SCHOLARKG_STORE", "{tmp}/store", f"4: {_TIMEOUT}"),
        ("[store]\nconnect_timeout = 0\n", "SCHOLARKG_STORE__READ_TIMEOUT", "5", f"4: {_TIMEOUT}"),
        ("[http]\nmax_retries = -1\n", "SCHOLARKG_HTTP__JITTER", "0.5", f"4: {_RETRIES}"),
        (
            '[arxiv.overrides]\n"A title" = "no-id"\n',
            "SCHOLARKG_ARXIV__OVERRIDES",
            '{"Other": "2101.00001"}',
            f"4: {_OVERRIDE}",
        ),
        (
            '[people.merge]\n"A B" = "a-b"\n',
            "SCHOLARKG_PEOPLE__MERGE",
            '{"c-d": "e-f"}',
            f"4: {_MERGE}",
        ),
        ('[people.merge]\n"A B" = "a-b"\n', "SCHOLARKG_PEOPLE", '{"split": {}}', f"4: {_MERGE}"),
        (
            f'{_NIGHTLY}flow = "build"\n',
            "SCHOLARKG_SCHEDULES",
            _SCHEDULE,
            "5: [schedules.n] flow must",
        ),
        (_NIGHTLY, "SCHOLARKG_SCHEDULES", _SCHEDULE, "3: [schedules.n] flow: missing"),
    ],
)
def test_a_bad_value_the_file_gave_names_the_file_though_a_variable_sets_its_section(
    tmp_path: Path, text: str, variable: str, value: str, problem: str
) -> None:
    """Before: the variable was named, any variable setting the key's section (or table, or
    ``SCHOLARKG_STORE``, the store's path) though it gave only good values."""
    config = _config(tmp_path, text)
    given = {variable: value.replace("{tmp}", str(tmp_path))}
    done = _cli(tmp_path, ["quarantine", "list", "--config", config], **given)
    assert done.returncode == 1
    [line] = done.stderr.splitlines()
    assert line.startswith(f"error: {config}:{problem}"), line


@pytest.mark.parametrize(
    ("text", "variables", "problem"),
    [
        ('[http]\ncontact = "a@b.org"\n', {"SCHOLARKG_HTTP": '{"max_retries": -1}'}, _RETRIES),
        ("[store]\nread_timeout = 5\n", {"SCHOLARKG_STORE__CONNECT_TIMEOUT": "0"}, _TIMEOUT),
        (
            '[arxiv.overrides]\nOther = "2101.00001"\n',
            {"SCHOLARKG_ARXIV__OVERRIDES": '{"A title": "no-id"}'},
            _OVERRIDE,
        ),
        (  # before: SCHOLARKG_PEOPLE, which gave no reference
            '[people.merge]\nc-d = "e-f"\n',
            {"SCHOLARKG_PEOPLE__MERGE": '{"A B": "a-b"}', "SCHOLARKG_PEOPLE": '{"split": {}}'},
            _MERGE,
        ),
    ],
)
def test_a_bad_value_a_variable_gave_names_it_though_the_file_sets_its_section(
    tmp_path: Path, text: str, variables: dict[str, str], problem: str
) -> None:
    config = _config(tmp_path, text)
    done = _cli(tmp_path, ["quarantine", "list", "--config", config], **variables)
    assert done.returncode == 1
    [line] = done.stderr.splitlines()
    assert line.startswith(f"error: environment {next(iter(variables))}: {problem}"), line
