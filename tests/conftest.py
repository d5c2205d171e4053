"""Shared fixtures: paths to real sample data and a per-test configuration on disk."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from samples import SAMPLE_PROFILE

pytest_plugins = ("prefect_servers",)

os.environ.setdefault("DO_NOT_TRACK", "1")
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")


@pytest.fixture
def clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """No configuration variable of the calling shell or another test reaches the test
    (``SCHOLARKG_HOME`` kept): the config modules use it, by ``pytestmark``."""
    for name in list(os.environ):
        if name.startswith("SCHOLARKG_") and name != "SCHOLARKG_HOME":
            monkeypatch.delenv(name)


@pytest.fixture
def sample_bytes() -> bytes:
    return SAMPLE_PROFILE.read_bytes()


def _toml_value(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, list):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    return '"' + str(value).replace("\\", "\\\\").replace('"', '\\"') + '"'


def write_config(
    directory: Path, profiles: list[Path | str], **sections: dict[str, object]
) -> Path:
    """A config file in ``directory`` whose data and store live there too.

    arXiv enrichment is off unless a test turns it on (``arxiv={"enabled": True, …}``).
    """
    sections = {"arxiv": {"enabled": False}} | sections
    store = {"path": str(directory / "store")} | dict(sections.pop("store", {}))
    lines = [
        "[data]",
        f'dir = "{directory / "data"}"',
        "[store]",
        *[f"{key} = {_toml_value(value)}" for key, value in store.items()],
        "[profiles]",
        "sources = [" + ", ".join(f'"{p}"' for p in profiles) + "]",
    ]
    for name, values in sections.items():
        lines.append(f"[{name}]")
        lines += [f'"{key}" = {_toml_value(value)}' for key, value in values.items()]
    path = directory / "scholarkg.toml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.fixture
def config_file(tmp_path: Path) -> Path:
    return write_config(tmp_path, [SAMPLE_PROFILE])


@pytest.fixture(scope="session")
def prefect_harness() -> Iterator[None]:
    """A real temporary Prefect API for the whole session (it takes ~10 s to start; 600 s
    only bounds a hang: on a busy two-core machine it took over 120 s, the bound before)."""
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=600):
        yield
