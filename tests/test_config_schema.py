"""One configuration schema: defaults, the generated reference, files, the environment, errors."""

from __future__ import annotations

import inspect
import os
import pickle
import re
import subprocess
import sys
import tomllib
from pathlib import Path
from typing import get_args

import pytest

from samples import ROOT
from scholarkg.config import (
    Config,
    DumpFormatName,
    FlowName,
    HttpConfig,
    ServeSettings,
    Settings,
    SparqlServer,
    StoreConfig,
    declared_keys,
    env_name,
    load_config,
    named_variables,
)
from scholarkg.config.fields import marker
from scholarkg.errors import ConfigError

DEFAULT_TOML = ROOT / "config" / "default.toml"
REFERENCE_MD = ROOT / "docs" / "configuration.md"
KEPT_NAMES = {
    "SCHOLARKG_STORE": ("store", "path"),
    "SCHOLARKG_SPARQL_QUERY_URL": ("store", "query_url"),
    "SCHOLARKG_SPARQL_UPDATE_URL": ("store", "update_url"),
    "SCHOLARKG_SPARQL_STORE_URL": ("store", "store_url"),
    "SCHOLARKG_SPARQL_SERVER": ("store", "server"),
    "SCHOLARKG_SPARQL_REPLACE_VIA": ("store", "replace_via"),
    "SCHOLARKG_SPARQL_USER": ("store", "user"),
    "SCHOLARKG_SPARQL_PASSWORD": ("store", "password"),
    "SCHOLARKG_CONTACT": ("http", "contact"),
    "SCHOLARKG_ARXIV_API_URL": ("arxiv", "api_url"),
    "SCHOLARKG_OAI_URL": ("arxiv", "oai_url"),
}


pytestmark = pytest.mark.usefixtures("clean_environment")  # tests/conftest.py


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


# -- the generated reference ----------------------------------------------------------------------


def test_committed_reference_files_are_up_to_date(tmp_path: Path) -> None:
    script = ROOT / "scripts" / "generate_config_reference.py"
    toml, markdown = tmp_path / "default.toml", tmp_path / "configuration.md"
    command = [sys.executable, str(script), "--toml", str(toml), "--markdown", str(markdown)]
    subprocess.run(command, check=True, cwd=ROOT)
    for fresh, committed in ((toml, DEFAULT_TOML), (markdown, REFERENCE_MD)):
        assert fresh.read_text(encoding="utf-8") == committed.read_text(encoding="utf-8"), (
            f"{committed.relative_to(ROOT)} is stale: run scripts/generate_config_reference.py"
        )


def test_defaults_equal_the_generated_default_toml() -> None:
    raw = tomllib.loads(DEFAULT_TOML.read_text(encoding="utf-8"))
    assert Settings(**raw) == Settings()
    for section, key, field in declared_keys():  # every key but the secrets is written out
        assert (key in raw[section]) != bool(marker(field, "secret")), f"[{section}] {key}"
    assert load_config(DEFAULT_TOML) == load_config()  # the reference reads as no file at all


def test_default_toml_describes_each_section_whole() -> None:
    """Each section's comment in default.toml is its docstring's first paragraph, a whole
    sentence (before: its first line; ``[runner]``'s ended "how long a run waits on its")."""
    from scholarkg.config.schema import sections

    said = set()  # each section's comment, its lines joined
    for block in DEFAULT_TOML.read_text(encoding="utf-8").split("\n\n"):
        lines = block.splitlines()
        comment = lines[: next(i for i, x in enumerate([*lines, ""]) if not x.startswith("#"))]
        said.add(" ".join(line.removeprefix("# ") for line in comment))
    for name, model in sections():
        summary = " ".join((model.__doc__ or "").split("\n\n")[0].split()).replace("``", "")
        assert summary in said and summary.endswith("."), (name, summary)


def test_reference_table_has_every_key_and_its_variables() -> None:
    table = REFERENCE_MD.read_text(encoding="utf-8")
    for section, key, _ in declared_keys():
        row = next(
            line for line in table.splitlines() if line.startswith(f"| [{section}] | {key} |")
        )
        assert f"`{env_name(section, key)}`" in row
    for name in KEPT_NAMES:
        assert f"`{name}`" in table


# -- files, precedence, environment ---------------------------------------------------------------


def test_a_file_overlays_only_the_keys_it_sets(tmp_path: Path) -> None:
    mine = write(
        tmp_path / "mine.toml",
        '[http]\nmax_retries = 1\n[subject_codes]\nXX = "cs.XX"\n'
        '[schedules.weekly]\nflow = "build_kg"\ncron = "0 6 * * 1"\n',
    )
    config, defaults = load_config(mine), load_config()
    assert config.http.max_retries == 1 and config.http.min_interval == defaults.http.min_interval
    assert config.subject_codes["XX"] == "cs.XX" and config.subject_codes["AI"] == "cs.AI"
    assert [s.name for s in config.schedules] == ["weekly"]  # yours replace the defaults
    assert [s.name for s in defaults.schedules] == ["nightly-profiles", "daily-arxiv-harvest"]
    assert config.source == mine and defaults.source == DEFAULT_TOML


def test_no_harvest_sets_is_an_error_not_a_harvest_of_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """harvest_sets = [] was taken: `scholarkg arxiv harvest` then printed nothing and exited 0,
    and the harvest_arxiv flow ended Failed with IndexError (no report to pick)."""
    from scholarkg.cli import main

    mine = write(tmp_path / "mine.toml", "[arxiv]\nharvest_sets = []\n")
    with pytest.raises(ConfigError) as bad:
        load_config(mine)
    assert str(bad.value) == f"{mine}:2: [arxiv] harvest_sets must hold at least 1 item, got []"
    assert main(["arxiv", "harvest", "--from", "2024-01-01", "--config", str(mine)]) == 1
    assert capsys.readouterr().err == f"error: {bad.value}\n"


def test_the_environment_overrides_a_nested_key(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    mine = write(tmp_path / "mine.toml", "[http]\nmin_interval = 2.0\nmax_retries = 1\n")
    monkeypatch.setenv("SCHOLARKG_HTTP__MIN_INTERVAL", "0.5")
    monkeypatch.setenv("SCHOLARKG_ARXIV__HARVEST_SETS", '["math", "cs"]')
    monkeypatch.setenv("SCHOLARKG_SERVE__WORKERS", "5")
    config = load_config(mine)
    assert (config.http.min_interval, config.http.max_retries) == (0.5, 1)
    assert config.arxiv.harvest_sets == ("math", "cs") and config.serve.workers == 5
    monkeypatch.setenv("SCHOLARKG_HTTP__MIN_INTERVAL", "-1")
    with pytest.raises(ConfigError) as bad:
        load_config(mine)
    assert str(bad.value) == (
        "environment SCHOLARKG_HTTP__MIN_INTERVAL: [http] min_interval must be >= 0, got '-1'"
    )
    monkeypatch.setenv("SCHOLARKG_HTTP__MIN_INTERVAL", "0.5")
    # not JSON: the line names the variable (it named only the section, in pydantic's words:
    # 'error parsing value for field "arxiv" from source "_NestedEnvironment"')
    monkeypatch.setenv("SCHOLARKG_ARXIV__API_URL", "http://127.0.0.1:9/")  # text, not JSON
    monkeypatch.setenv("SCHOLARKG_ARXIV__HARVEST_SETS", "cs")
    with pytest.raises(ConfigError) as bad:
        load_config(mine)
    assert str(bad.value) == (
        "environment SCHOLARKG_ARXIV__HARVEST_SETS: not valid JSON (Expecting value: line 1 "
        """column 1 (char 0)); lists and tables are written as JSON, e.g. '["cs", "math"]' or """
        """'{"key": "value"}'"""
    )
    monkeypatch.delenv("SCHOLARKG_ARXIV__HARVEST_SETS")
    monkeypatch.setenv("SCHOLARKG_SCHEDULES", "{nightly")  # a whole section
    with pytest.raises(ConfigError, match=r"^environment SCHOLARKG_SCHEDULES: not valid JSON"):
        load_config(mine)


@pytest.mark.parametrize("name", ["SCHOLARKG_ARXV__ENABLED", "scholarkg_htp__max_retries"])
def test_a_variable_of_an_unknown_section_is_refused(
    name: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Before, a misspelt section in a variable was ignored (only a misspelt key was refused):
    ``SCHOLARKG_ARXV__ENABLED=false`` left arXiv enrichment on, without a word."""
    from scholarkg.cli import main

    monkeypatch.setenv(name, "0")
    section = name.upper().removeprefix("SCHOLARKG_").split("__")[0].lower()
    with pytest.raises(ConfigError) as bad:
        load_config()
    assert str(bad.value).startswith(f"environment {name}: unknown section [{section}] (known: ")
    assert "[arxiv]" in str(bad.value)
    assert main(["export", "--store", str(tmp_path / "store")]) == 1
    assert capsys.readouterr().err == f"error: {bad.value}\n"


@pytest.mark.parametrize(
    ("name", "section"),
    [
        ("SCHOLARKG_SUBJECT_CODES__QQ", "subject_codes"),
        ("SCHOLARKG_SCHEDULES__X__CRON", "schedules"),
    ],
)
def test_a_variable_naming_a_key_of_a_free_table_is_refused(
    name: str, section: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Before, ``SCHOLARKG_SUBJECT_CODES__QQ=cs.AI`` was read as the code ``qq`` (a variable's
    name keeps no case), which no page writes: accepted, without effect; and
    ``SCHOLARKG_SCHEDULES__X__CRON`` replaced every schedule, its error naming the defaults."""
    monkeypatch.setenv(name, "0 1 * * *" if section == "schedules" else "cs.AI")
    with pytest.raises(ConfigError) as bad:
        load_config()
    assert str(bad.value) == (
        f"environment {name}: [{section}] is one table: set it whole, as JSON, in "
        f"SCHOLARKG_{section.upper()} (a variable's name keeps no case)"
    )


def test_variables_of_known_sections_and_others_stay_accepted(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("SCHOLARKG_SUBJECT_CODES", '{"QQ": "cs.AI"}')  # a whole table
    monkeypatch.setenv("SCHOLARKG_ARXIV__ENABLED", "false")
    monkeypatch.setenv("SCHOLARKG_HOME_NOTE", "x")  # no section: not scholarkg's to judge
    config = load_config()
    assert config.subject_codes["QQ"] == "cs.AI" and not config.arxiv.enabled


def test_a_variable_naming_a_key_of_a_people_table_keeps_its_case(tmp_path: Path) -> None:
    """The key after ``SCHOLARKG_PEOPLE__MERGE__`` (or ``__SPLIT__``) is data, a reference
    whose case counts (a path, a title), not a field name: before, it was lowercased
    (``profile:/srv/Pages/A.txt`` became ``profile:/srv/pages/a.txt``, naming no profile the
    run reads; ``2104.12255|Wei Wang`` became ``2104.12255|wei wang``). Read in a process of
    its own, as the variables are set for a real run."""
    env = {k: v for k, v in os.environ.items() if not k.upper().startswith("SCHOLARKG_")}
    env["SCHOLARKG_PEOPLE__MERGE__profile:/srv/Pages/A.txt"] = "person:Leonard-X"
    env["SCHOLARKG_PEOPLE__SPLIT__2104.12255|Wei Wang"] = "wei-wang-2"
    env["scholarkg_people__merge__l-hussenot"] = "leonard-hussenot"  # a lower-case prefix too
    code = (
        "import json; from scholarkg.config import load_config; c = load_config(); "
        "print(json.dumps([dict(c.people_merge), dict(c.people_split)], sort_keys=True))"
    )
    shown = subprocess.run(
        [sys.executable, "-c", code], env=env, cwd=tmp_path, capture_output=True, text=True
    )
    assert shown.stderr == ""
    assert shown.stdout.strip() == (
        '[{"l-hussenot": "leonard-hussenot", "profile:/srv/Pages/A.txt": "person:Leonard-X"}, '
        '{"2104.12255|Wei Wang": "wei-wang-2"}]'
    )


@pytest.mark.parametrize(
    ("name", "value", "problem"),
    [
        ("SCHOLARKG_PEOPLE__MERGE__A__B", "x", "[people.merge] a must be a valid string"),
        ("scholarkg_http__min_interval", "-1", "[http] min_interval must be >= 0, got '-1'"),
    ],
)
def test_a_bad_value_names_the_variable_that_set_it(
    name: str, value: str, problem: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A variable below a key (``…__MERGE__A__B``) or written in lower case, which
    pydantic-settings reads too, is named as the value's origin (before: the defaults file,
    config/default.toml, which sets neither)."""
    monkeypatch.setenv(name, value)
    with pytest.raises(ConfigError) as bad:
        load_config()
    assert str(bad.value) == f"environment {name}: {problem}"


def test_the_named_variables_are_declared_once_in_the_schema() -> None:
    assert named_variables() == KEPT_NAMES


@pytest.mark.parametrize("name", sorted(KEPT_NAMES))
def test_each_named_variable_still_works(
    name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each earlier name sets its key; set with ``SCHOLARKG_<SECTION>__<KEY>`` alike, that
    value, to another value, an error naming both (before: the ``__`` one won without a word;
    tests/test_config_variable_pairs.py runs it through the CLI)."""
    section, key = KEPT_NAMES[name]
    examples = {  # key: (through the earlier name, through SCHOLARKG_<SECTION>__<KEY>)
        "path": (str(tmp_path / "elsewhere"), str(tmp_path / "canonical")),
        "server": ("fuseki", "graphdb"),
        "replace_via": ("update", "put"),
        "user": ("loader", "reader"),
        "password": ("hunter2", "hunter3"),
        "contact": ("ops@example.net", "noc@example.net"),
    }
    old, new = examples.get(key, (f"http://127.0.0.1:9/{key}", "http://127.0.0.1:9/wins"))

    def value() -> str:
        got = getattr(getattr(load_config().settings, section), key)
        return got.get_secret_value() if hasattr(got, "get_secret_value") else str(got)

    default = value() if key not in ("user", "password") else None
    monkeypatch.setenv(name, old)
    assert value() == old != default
    if key == "contact":
        assert "mailto:ops@example.net" in load_config().http.user_agent
    monkeypatch.setenv(env_name(section, key), old)
    assert value() == old
    monkeypatch.setenv(env_name(section, key), new)
    with pytest.raises(ConfigError) as both:
        load_config()
    assert str(both.value) == (
        f"environment {name} and {env_name(section, key)} both set [{section}] {key}, to "
        "different values: unset one (or set both alike)"
    )


def test_secrets_come_only_from_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    mine = write(tmp_path / "mine.toml", '[store]\nkind = "sparql"\npassword = "hunter2"\n')
    with pytest.raises(ConfigError) as refused:
        load_config(mine)
    message = str(refused.value)
    assert message.startswith(f"{mine}:3: [store] password: a secret is never read from a file")
    assert "SCHOLARKG_SPARQL_PASSWORD" in message and "hunter2" not in message
    monkeypatch.setenv("SCHOLARKG_SPARQL_PASSWORD", "hunter2")
    config = load_config()
    assert config.store.password is not None
    assert config.store.password.get_secret_value() == "hunter2"
    assert "hunter2" not in repr(config) and "hunter2" not in str(config.settings)


# -- errors ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("[nope]\nx = 1\n", "unknown section [nope]"),
        ('_env_prefix = "X"\n', "unknown section [_env_prefix]"),
        ("[limits]\nnope = 1\n", "[limits] nope: unknown key"),
        ("[http]\nmax_retries = -1\n", "[http] max_retries must be >= 0, got -1"),
        ("[http]\nmax_retries = 'many'\n", "[http] max_retries must be a valid integer"),
        ("[arxiv]\nbatch_size = true\n", "[arxiv] batch_size must be a valid integer, got true"),
        (
            "[arxiv]\nbatch_size = '100'\n",
            "batch_size must be a valid integer, got '100' (a TOML str)",
        ),
        ("[arxiv]\nbatch_size = 100.0\n", "[arxiv] batch_size must be a valid integer, got 100.0"),
        ("[arxiv]\nthreshold = '0.9'\n", "[arxiv] threshold must be a number, got '0.9'"),
        ("[arxiv]\nthreshold = true\n", "[arxiv] threshold must be a number, got true"),
        ("[arxiv]\nenabled = 1\n", "[arxiv] enabled must be true or false, got 1 (a TOML int)"),
        ("[arxiv]\nenabled = 'yes'\n", "[arxiv] enabled must be true or false, got 'yes'"),
        ("[store]\nkind = 'postgres'\n", "[store] kind must be one of 'oxigraph', 'sparql'"),
        ("[arxiv]\nthreshold = 1.5\n", "[arxiv] threshold must be <= 1, got 1.5"),
        ("[iris]\nbase = 'ftp://x/'\n", "[iris] base must be an http(s) URL, got 'ftp://x/'"),
        ("[profiles]\nsources = ['a', '']\n", "[profiles] sources[1]"),
        ('[publish]\ndumps = ["xml"]\n', "[publish] dumps[0] must be one of 'nq', 'trig'"),
        ("[schedules.x]\nflow = 'nope'\ncron = '* * * * *'\n", "[schedules.x] flow must be one of"),
        (
            "[schedules.x]\nflow = 'build_kg'\ncron = '* *'\n",
            "[schedules.x] cron must be a 5-field",
        ),
        ("[schedules.x]\ncron = '* * * * *'\n", "[schedules.x] flow: missing"),
        ('[arxiv.overrides]\n"A title" = "nope"\n', "[arxiv] overrides: 'A title' = 'nope' is not"),
        (
            "[http]\ncontact = 'me'\nuser_agent = 'bot'\n",
            "[http] user_agent: User-Agent 'bot' must",
        ),
        ("store = 3\n", "[store] must be a table"),
        ("[serve]\nport = 70000\n", "[serve] port must be <= 65535"),
        ("[store]\nloader_abort_deadline = 0\n", "[store] loader_abort_deadline must be > 0"),
        ("[store]\nloader_idle_deadline = -1.0\n", "[store] loader_idle_deadline must be > 0"),
        ("[data\n", "invalid TOML"),
    ],
)
def test_every_error_is_one_line_naming_the_file_and_key(
    tmp_path: Path, text: str, expected: str
) -> None:
    mine = write(tmp_path / "mine.toml", text)
    with pytest.raises(ConfigError) as caught:
        load_config(mine)
    message = str(caught.value)
    assert "\n" not in message, message
    assert re.match(rf"{re.escape(str(mine))}(:[0-9]+)?: ", message), message  # a line: unknown
    assert expected in message, message


@pytest.mark.parametrize(
    ("data", "expected"),
    [  # constructed: a file saved as Latin-1, as UTF-16 (with its BOM), as UTF-8 with a BOM
        ("[http]\ncontact = 'José'\n".encode("latin-1"), "not UTF-8 text (byte 21: 0xe9)"),
        ("[http]\n".encode("utf-16"), "not UTF-8 text (byte 0: 0xff)"),
        (b"\xef\xbb\xbf[http]\n", "starts with a byte-order mark: save it as UTF-8 without"),
    ],
)
def test_a_file_that_is_no_utf8_text_is_one_line(
    tmp_path: Path, data: bytes, expected: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """Before, a file that is no UTF-8 ended every command in a traceback
    (``UnicodeDecodeError``), and one with a BOM said only ``Invalid statement (at line 1,
    column 1)`` of a character no editor shows."""
    from scholarkg.cli import main

    mine = tmp_path / "mine.toml"
    mine.write_bytes(data)
    with pytest.raises(ConfigError) as caught:
        load_config(mine)
    message = str(caught.value)
    assert "\n" not in message and message.startswith(f"{mine}: invalid TOML: "), message
    assert expected in message, message
    assert main(["export", "--config", str(mine), "--store", str(tmp_path / "store")]) == 1
    assert capsys.readouterr().err == f"error: {message}\n"


BAD_NUMBERS = [  # jitter is a fraction of a backoff that backoff_max caps: 1e300 waits no longer
    (s, k, value)
    for s, k, field in declared_keys()
    if field.annotation is float
    for value in ("inf", "-inf", "nan", "1e300")
    if (k, value) != ("jitter", "1e300")
]


@pytest.mark.parametrize(("section", "key", "value"), BAD_NUMBERS)
def test_no_number_key_takes_inf_nan_or_a_wait_no_clock_can_count(
    section: str, key: str, value: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Before, ``[http] min_interval = inf`` (or ``1e300``, or ``connect_timeout = inf``) was
    accepted and the run failed at its first request with ``timestamp out of range for
    platform time_t``, no key named; only the two deadlines refused inf."""
    mine = write(tmp_path / "mine.toml", f"[{section}]\n{key} = {value}\n")
    with pytest.raises(ConfigError) as caught:
        load_config(mine)
    assert str(caught.value).startswith(f"{mine}:2: [{section}] {key} must be "), caught.value
    monkeypatch.setenv(env_name(section, key), value)
    with pytest.raises(ConfigError) as caught:
        load_config()
    assert str(caught.value).startswith(f"environment {env_name(section, key)}: [{section}] ")


def test_a_long_wait_a_clock_can_count_stays_accepted(tmp_path: Path) -> None:
    mine = write(tmp_path / "mine.toml", "[limits]\nharvest_deadline = 2592000.0\n")  # 30 days
    assert load_config(mine).limits.harvest_deadline == 2_592_000.0


def test_a_missing_file_is_one_line(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"nope\.toml: config file not found$"):
        load_config(tmp_path / "nope.toml")


def test_a_section_built_directly_checks_its_values() -> None:
    with pytest.raises(ConfigError) as caught:
        HttpConfig(min_interval=-1)
    assert str(caught.value) == "HttpConfig: min_interval must be >= 0, got -1"
    with pytest.raises(ConfigError, match=r"^ServeSettings: nope: unknown key$"):
        ServeSettings(nope=1)  # type: ignore[call-arg]


# -- paths ----------------------------------------------------------------------------------------


def test_relative_paths_follow_the_file_that_sets_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    here, there = tmp_path / "cwd", tmp_path / "conf" / "sub"
    here.mkdir()
    monkeypatch.chdir(here)
    mine = write(
        there / "mine.toml",
        '[data]\ndir = "d"\n[store]\npath = "../s"\n'
        '[profiles]\nsources = ["p.txt", "https://example.org/p", "/abs/q.txt"]\n',
    )
    config = load_config(mine)
    assert config.data_dir == there / "d" and config.store.path == tmp_path / "conf" / "s"
    assert config.profiles == (str(there / "p.txt"), "https://example.org/p", "/abs/q.txt")
    assert config.state_dir == there / "d" / "state"
    defaults = load_config()  # the defaults follow the working directory
    assert (defaults.data_dir, defaults.store.path) == (here / "data", here / "data" / "store")
    assert defaults.profiles == (str(here / "examples/profiles/leonard-hussenot.txt"),)
    monkeypatch.setenv("SCHOLARKG_STORE", "env-store")  # so does the environment
    assert load_config(mine).store.path == here / "env-store"
    assert load_config(mine).with_store_path(Path("/x")).store.path == Path("/x")


# -- the object the rest of scholarkg holds ------------------------------------------------------


def test_the_config_is_immutable_and_picklable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SCHOLARKG_SPARQL_PASSWORD", "hunter2")
    config = load_config()
    again = pickle.loads(pickle.dumps(config))
    assert isinstance(again, Config) and again == config
    assert again.store.password is not None and again.store.password.get_secret_value() == "hunter2"
    with pytest.raises(AttributeError):
        config.source = None  # type: ignore[misc]
    with pytest.raises(ValueError, match="frozen"):
        config.http.min_interval = 0  # type: ignore[misc]


def test_runtime_defaults_come_from_the_schema() -> None:
    from scholarkg.export import FORMATS
    from scholarkg.extract.arxiv_api import DEFAULT_API_URL
    from scholarkg.extract.http import HttpClient
    from scholarkg.extract.http_policy import HttpPolicy
    from scholarkg.extract.oai_pmh import DEFAULT_OAI_URL
    from scholarkg.extract.raw_archive import RawArchive
    from scholarkg.resolution.score import DEFAULT_THRESHOLD
    from scholarkg.serve.guard import QueryLimits
    from scholarkg.serve.http_limits import LimitedH11Protocol
    from scholarkg.store.remote import SparqlStore
    from scholarkg.store.remote_reads import UNION_PARAMS

    defaults = load_config()
    assert HttpClient(RawArchive(Path("/nonexistent"))).policy == HttpPolicy.from_config(
        HttpConfig()
    )
    assert HttpPolicy.from_config(defaults.http, min_interval=3.0).min_interval == 3.0
    assert QueryLimits() == QueryLimits.from_settings(ServeSettings())
    serve = ServeSettings()
    assert (LimitedH11Protocol.request_timeout, LimitedH11Protocol.max_connections) == (
        serve.request_timeout,
        serve.max_connections,
    )
    assert LimitedH11Protocol.max_connections_per_client == serve.max_connections_per_client
    assert (defaults.arxiv.api_url, defaults.arxiv.oai_url) == (DEFAULT_API_URL, DEFAULT_OAI_URL)
    assert defaults.arxiv.threshold == DEFAULT_THRESHOLD
    signature = inspect.signature(SparqlStore)
    store = StoreConfig()
    assert signature.parameters["server"].default == store.server
    assert signature.parameters["replace_via"].default == store.replace_via
    assert set(get_args(SparqlServer)) == set(UNION_PARAMS)
    assert set(get_args(DumpFormatName)) == set(FORMATS)


def test_the_schedulable_flows_are_the_schema_choices() -> None:
    from scholarkg_flows.deployments import schedulable_flows

    assert set(get_args(FlowName)) == set(schedulable_flows())


def test_no_other_module_reads_configuration_from_the_environment() -> None:
    reads = re.compile(r"(environ\.get|getenv|environ\[)\(?\s*[\"'](SCHOLARKG_\w+)")
    package = ROOT / "src" / "scholarkg"
    found = [
        f"{path.relative_to(package)}: {match.group(2)}"
        for path in package.rglob("*.py")
        if path.parent.name != "config"
        for match in reads.finditer(path.read_text(encoding="utf-8"))
        if match.group(2) != "SCHOLARKG_HOME"  # where the data files are, not configuration
    ]
    assert found == []


def test_a_whole_number_is_a_number_where_a_float_is_wanted(tmp_path: Path) -> None:
    mine = write(tmp_path / "mine.toml", "[arxiv]\nthreshold = 1\nmin_interval = 0\n")
    config = load_config(mine)
    assert (config.arxiv.threshold, config.arxiv.min_interval) == (1.0, 0.0)
