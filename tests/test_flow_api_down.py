"""``scholarkg run`` with ``PREFECT_API_URL`` naming a Prefect API that does not answer ends on
one line naming it, before anything is built (before: Prefect's ``RuntimeError: Failed to reach
API`` as the flow started, a traceback of three chained exceptions)."""

from __future__ import annotations

from pathlib import Path

import pytest

from building import run_cli
from conftest import write_config
from loopback import free_port
from samples import SAMPLE_PROFILE


@pytest.mark.flow
def test_a_run_whose_prefect_api_does_not_answer_ends_on_one_line(tmp_path: Path) -> None:
    api = f"http://127.0.0.1:{free_port()}/api"
    ended = run_cli(write_config(tmp_path, [SAMPLE_PROFILE]), prefect_api=api)
    assert ended.returncode == 1, ended.stderr
    said = ended.stderr.splitlines()
    assert said[1:] == [f"Prefect: reporting to {api}", said[-1]], ended.stderr
    assert said[-1].startswith(
        f"error: PREFECT_API_URL={api}: the Prefect API does not answer (ConnectError: "
    ), said
    assert said[-1].endswith("); start it, or unset PREFECT_API_URL for a temporary one"), said
    assert ended.stdout == ""
    assert not (tmp_path / "store").exists()  # nothing built
