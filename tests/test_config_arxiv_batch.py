"""``[arxiv] batch_size`` past what one arXiv API request takes (2 000 ids) is refused with the
configuration, in one line naming the key, before anything runs: through ``--config-set`` and
through its variable, with the CLI in a subprocess."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src"


def _fetch(
    tmp_path: Path, *args: str, env: dict[str, str] | None = None, code: int = 2
) -> list[str]:
    """``scholarkg arxiv fetch`` of one id with ``args``, exit ``code``: its stderr's lines."""
    environ = {**os.environ, **(env or {}), "SCHOLARKG_DATA__DIR": str(tmp_path / "data")}
    environ["PYTHONPATH"] = os.pathsep.join(filter(None, [str(SRC), environ.get("PYTHONPATH")]))
    argv = [sys.executable, "-m", "scholarkg", "arxiv", "fetch", "--json", *args, "2401.00001"]
    done = subprocess.run(
        argv, capture_output=True, text=True, env=environ, timeout=300, check=False, cwd=tmp_path
    )
    assert done.returncode == code, done.stderr
    assert "Traceback" not in done.stderr, done.stderr
    assert done.stdout == ""
    return done.stderr.splitlines()


def test_a_batch_past_one_request_is_a_config_error_not_a_traceback(tmp_path: Path) -> None:
    """Before: accepted, then ``ValueError: batch_size must be within 1..2000``, a traceback,
    when the first request was built."""
    lines = _fetch(tmp_path, "--config-set", "arxiv.batch_size=2001")
    assert lines[-1] == (
        "scholarkg arxiv fetch: error: argument --config-set: 'arxiv.batch_size=2001': "
        "[arxiv] batch_size must be <= 2000, got 2001"
    )
    lines = _fetch(tmp_path, env={"SCHOLARKG_ARXIV__BATCH_SIZE": "99999999999999999999"}, code=1)
    assert lines == [
        "error: environment SCHOLARKG_ARXIV__BATCH_SIZE: [arxiv] batch_size must be <= 2000, "
        "got '99999999999999999999'"
    ]
