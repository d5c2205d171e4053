"""The one-line error ``scholarkg`` gives for a config file, as a test reads it."""

from __future__ import annotations

from pathlib import Path

import pytest

from scholarkg.cli import main


def config_error(tmp_path: Path, text: str, capsys: pytest.CaptureFixture[str]) -> str:
    """What stderr says when ``text`` (a config file's sections, ``[data] dir`` added) is
    refused, the file named ``my.toml``; the command must exit 1."""
    config = tmp_path / "my.toml"
    config.write_text(f'{text}\n[data]\ndir = "{tmp_path / "data"}"\n', encoding="utf-8")
    assert main(["quarantine", "list", "--config", str(config)]) == 1
    return capsys.readouterr().err.strip().replace(str(config), "my.toml")
