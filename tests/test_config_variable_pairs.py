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


@pytest.mark.parametrize("code", ['""', '"  "', '"\\t"'])
def test_a_blank_subject_code_in_the_file_is_refused_naming_the_file_and_key(
    tmp_path: Path, code: str
) -> None:
    """Before: accepted, a code no profile page writes mapped to a category."""
    config = _config(tmp_path, f'[subject_codes]\nQQ = "cs.AI"\n{code} = "cs.LG"\n')
    done = _cli(tmp_path, ["quarantine", "list", "--config", config])
    assert done.returncode == 1
    shown = repr(code[1:-1].replace("\\t", "\t"))
    assert done.stderr.splitlines() == [
        f"error: {config}: [subject_codes]: code {shown}: a blank code; give the code a page writes"
    ]


def test_a_blank_subject_code_in_the_variable_is_refused_naming_it(tmp_path: Path) -> None:
    done = _cli(
        tmp_path,
        ["quarantine", "list", "--config", _config(tmp_path)],
        SCHOLARKG_SUBJECT_CODES='{" ": "cs.AI"}',
    )
    assert done.returncode == 1
    assert done.stderr.splitlines() == [
        "error: environment SCHOLARKG_SUBJECT_CODES: [subject_codes]: code ' ': a blank code; "
        "give the code a page writes"
    ]
