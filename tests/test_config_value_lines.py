"""A bad value a config file gives is told at its line (``my.toml:7: [serve] workers must be
<= 256, got 100000``), as an unknown key is: a wrong type, a value out of range, a check of a
table, a missing key (its table's line), a list's item (the list's line), a path, a secret; in
nested tables too. A value from the environment or ``--config-set`` names it as given. Before,
only an unknown key or section had its line."""

from __future__ import annotations

from pathlib import Path

import pytest

from scholarkg.config import load_config
from scholarkg.errors import ConfigError

pytestmark = pytest.mark.usefixtures("clean_environment")  # tests/conftest.py


def _refused(path: Path, text: str, overrides: tuple[str, ...] = ()) -> str:
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as refused:
        load_config(path, overrides, option="--config-set")
    return str(refused.value).replace(str(path), "my.toml")


@pytest.mark.parametrize(
    ("text", "told"),
    [
        (
            "# mine\n[serve]\nhost = '127.0.0.1'\nworkers = 100000\n",
            "my.toml:4: [serve] workers must be <= 256, got 100000",
        ),
        (
            "[arxiv]\n\nmin_interval = 'x'\n",
            "my.toml:3: [arxiv] min_interval must be a number, got 'x' (a TOML str)",
        ),
        ("serve = { host = ' ' }\n", "my.toml:1: [serve] host must not be only white space"),
        (
            "[schedules.x]\nflow = 'build_kg'\n\ncron = '0 3-3 * * *'\n",
            "my.toml:4: [schedules.x] cron: hour '3-3' is a range of one value",
        ),
        ("\n[schedules.x]\nflow = 'build_kg'\n", "my.toml:2: [schedules.x] cron: missing"),
        ("[publish]\ndumps = [\n  'nq',\n  'nope',\n]\n", "my.toml:2: [publish] dumps[1] must be"),
        ("[store]\n\nuser = 'me'\n", "my.toml:3: [store] user: a secret is never read"),
        ('[data]\ndir = "a\\u0001b"\n', "my.toml:2: [data] dir: "),
    ],
)
def test_a_bad_value_of_the_file_is_told_at_its_line(tmp_path: Path, text: str, told: str) -> None:
    """REPRODUCED: each was told without its line (``my.toml: [serve] workers …``)."""
    assert _refused(tmp_path / "my.toml", text).startswith(told)


def test_a_bad_value_given_elsewhere_names_what_gave_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Over a file that sets the key well, the variable or the option that gave the bad value
    is named, as typed, and no line of the file."""
    path = tmp_path / "my.toml"
    text = "[serve]\nworkers = 2\n"
    assert _refused(path, text, ("serve.workers=100000",)).startswith(
        "--config-set 'serve.workers=100000': [serve] workers must be <= 256"
    )
    monkeypatch.setenv("SCHOLARKG_SERVE__WORKERS", "100000")
    assert _refused(path, text).startswith(
        "environment SCHOLARKG_SERVE__WORKERS: [serve] workers must be <= 256, got '100000'"
    )
