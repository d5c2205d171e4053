"""SIGTERM while a run fetches many small profile pages stops it at the next page: a page's
task that ends within half a second still lets the stop be seen (before: the stop was looked
for only while a task was still running, so a run of quick pages fetched and parsed every one
of them after SIGTERM: 5 000 small files ran on for minutes).

The pages are CONSTRUCTED: 200 one-line files, no profile (each fails alone when parsed)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

from conftest import write_config

HELPER = Path(__file__).parent / "helpers" / "killed_at.py"
BOUND = 600  # seconds: only catches a hang
PAGES = 200


def test_sigterm_among_quick_pages_stops_before_the_rest_are_parsed(tmp_path: Path) -> None:
    pages = []
    for n in range(PAGES):
        page = tmp_path / f"page-{n}.txt"
        page.write_text(f"Person {n}\n", encoding="utf-8")
        pages.append(page)
    config = write_config(tmp_path, pages)
    # SIGTERM as the fourth page is fetched (the fetch goes on)
    hook = "scholarkg.runs.profile_sources:fetch_source:page-3.txt"
    stopped = subprocess.run(
        [sys.executable, str(HELPER), hook, "run", "--config", str(config)],
        capture_output=True, text=True, timeout=BOUND, env={**os.environ, "KILLED_BY": "TERM"},
    )  # fmt: skip
    assert stopped.returncode == 128 + signal.SIGTERM, stopped.stderr
    assert "Traceback" not in stopped.stderr + stopped.stdout, stopped.stderr
    assert "failed: interrupted: stop requested" in stopped.stdout, stopped.stdout
    # no page was parsed after the stop (before: "200 failed", each parsed and refused)
    assert "profiles: 0 built, 0 unchanged (skipped), 0 failed" in stopped.stdout, stopped.stdout
    assert "no 'N Papers' heading" not in stopped.stdout
