"""A config file is read whole, once, and bounded: a named pipe is never waited on, a device
never read for ever, a file past :data:`~scholarkg.config.reading.CONFIG_BYTES` not read
further; each is one line naming the path."""

from __future__ import annotations

import os
import resource
from pathlib import Path

import pytest

from cpu_budget import ends_within
from scholarkg.config import load_config
from scholarkg.config.reading import CONFIG_BYTES
from scholarkg.errors import ConfigError


def _refused(path: Path) -> str:
    with pytest.raises(ConfigError) as refused:
        load_config(path)
    return str(refused.value)


def test_a_named_pipe_is_refused_not_waited_on(tmp_path: Path) -> None:
    """REPRODUCED: ``--config`` naming a FIFO no process writes to waited for ever (read_bytes
    blocks opening it)."""
    fifo = tmp_path / "config.toml"
    os.mkfifo(fifo)

    def load() -> None:
        assert _refused(fifo) == (
            f"{fifo}: a named pipe (FIFO), not a file: a config file is read whole"
        )

    assert ends_within(5, load) is None


def test_a_device_is_refused_not_read_for_ever() -> None:
    """REPRODUCED: ``--config /dev/zero`` read until memory ran out (under a 3 GB address
    space limit: Python's MemoryError, a traceback). Checked in a child limited to 512 MB."""

    def load() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (512 * 1024 * 1024, resource.RLIM_INFINITY))
        assert _refused(Path("/dev/zero")) == (
            "/dev/zero: a character device, not a file: a config file is read whole"
        )

    assert ends_within(10, load) is None


def test_a_file_past_the_bound_is_not_read_further(tmp_path: Path) -> None:
    big = tmp_path / "big.toml"
    with big.open("wb") as handle:
        handle.truncate(CONFIG_BYTES + 1)  # sparse: no disk written
    assert _refused(big) == (
        f"{big}: config file larger than {CONFIG_BYTES} bytes: not read further (no config is "
        "near that size)"
    )
    big.write_text("# a config\n[arxiv]\nmin_interval = 4.0\n", encoding="utf-8")
    assert load_config(big).arxiv.min_interval == 4.0


def test_a_directory_or_a_missing_file_is_one_line(tmp_path: Path) -> None:
    assert _refused(tmp_path) == f"{tmp_path}: cannot read config file: Is a directory"
    assert _refused(tmp_path / "nope.toml") == f"{tmp_path / 'nope.toml'}: config file not found"


@pytest.mark.parametrize(
    ("text", "told"),
    [
        ("x = " + "[" * 5000 + "]" * 5000, "arrays or tables nested too deep to read"),
        ("x = " + "{a=" * 5000 + "1" + "}" * 5000, "arrays or tables nested too deep to read"),
        ("min_interval = 1" + "0" * 5000, "an integer of more than 4300 digits"),
    ],
)
def test_toml_past_what_python_reads_is_one_line(tmp_path: Path, text: str, told: str) -> None:
    """REPRODUCED: arrays or inline tables nested 5 000 deep ended in a RecursionError
    traceback, an integer of 5 001 digits in Python's ValueError (``use
    sys.set_int_max_str_digits()``)."""
    path = tmp_path / "deep.toml"
    path.write_text(f"[arxiv]\n{text}\n", encoding="utf-8")
    assert _refused(path) == f"{path}: invalid TOML: {told}"


def test_a_variable_whose_json_is_past_what_python_reads_is_one_line(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """REPRODUCED: SCHOLARKG_SCHEDULES of JSON arrays nested 20 000 deep ended in a
    RecursionError traceback."""
    monkeypatch.setenv("SCHOLARKG_SCHEDULES", "[" * 20_000 + "]" * 20_000)
    with pytest.raises(ConfigError) as refused:
        load_config()
    assert str(refused.value) == (
        "environment SCHOLARKG_SCHEDULES: not valid JSON (arrays or tables nested too deep to read)"
    )
    monkeypatch.setenv("SCHOLARKG_SCHEDULES", '{"x": ' + "1" * 5000 + "}")
    with pytest.raises(ConfigError) as refused:
        load_config()
    assert str(refused.value).startswith(
        "environment SCHOLARKG_SCHEDULES: not valid JSON (an integer of more than 4300 digits); "
    )
