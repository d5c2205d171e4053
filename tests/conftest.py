"""Shared fixtures: paths to real sample data and a per-test configuration on disk."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from samples import SAMPLE_PROFILE

os.environ.setdefault("DO_NOT_TRACK", "1")
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")



@pytest.fixture
def sample_bytes() -> bytes:
    return SAMPLE_PROFILE.read_bytes()


def write_config(directory: Path, profiles: list[Path | str], **sections: dict[str, str]) -> Path:
    """A config file in ``directory`` whose data and store live there too."""
    lines = [
        "[data]",
        f'dir = "{directory / "data"}"',
        "[store]",
        f'path = "{directory / "store"}"',
        "[profiles]",
        "sources = [" + ", ".join(f'"{p}"' for p in profiles) + "]",
    ]
    for name, values in sections.items():
        lines.append(f"[{name}]")
        lines += [f'{key} = "{value}"' for key, value in values.items()]
    path = directory / "scholarkg.toml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.fixture
def config_file(tmp_path: Path) -> Path:
    return write_config(tmp_path, [SAMPLE_PROFILE])
