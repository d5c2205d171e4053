"""The config of a store whose one profile page lists CONSTRUCTED papers (tests/constructed.py),
resolved against a given arXiv API: shared by the resolution and harvest tests
(test_resolution.py, test_deletion_memory.py and those beside them)."""

from __future__ import annotations

from pathlib import Path

from conftest import write_config
from constructed import Listed, profile_page
from scholarkg.config import Config, load_config


def page_config(
    tmp_path: Path, api_url: str, papers: list[Listed], *, h_index: int = 10, **sections: object
) -> Config:
    """The config of a store in ``tmp_path`` whose one profile page (Quinn Tester's) lists
    ``papers``, resolved against the arXiv API at ``api_url``; ``sections`` as write_config's."""
    page = tmp_path / "profile.txt"
    page.write_bytes(profile_page("Quinn Tester", papers, h_index=h_index))
    arxiv = {"enabled": True, "api_url": api_url, "min_interval": 0.01} | dict(
        sections.pop("arxiv", {})  # type: ignore[arg-type]
    )
    http = {"min_interval": 0.0, "max_retries": 1, "backoff_base": 0.01, "read_timeout": 5.0}
    return load_config(write_config(tmp_path, [page], arxiv=arxiv, http=http, **sections))  # type: ignore[arg-type]
