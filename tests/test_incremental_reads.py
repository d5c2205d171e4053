"""The state of the sources loaded (``data/state/sources.json``) is read once, not once a page:
a run asks for each page's validators, previous hash and state, and writes its state, so reading
the whole file each time was quadratic in the pages. A change by another process (a new version
of the file) is read again."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from conftest import write_config
from scholarkg import incremental
from scholarkg.config import load_config
from scholarkg.errors import StateUnreadable
from scholarkg.incremental import Fetched, SourceStates, previous_sha, remember, validators

PAGES = 200


def location(n: int) -> str:
    return f"https://profiles.example.org/{n}"


@pytest.fixture
def parsed(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """How many times a states file was parsed."""
    count: list[int] = []
    loads: Callable[..., Any] = json.loads

    def counted(text: str, *args: Any, **kwargs: Any) -> Any:
        count.append(len(text))
        return loads(text, *args, **kwargs)

    monkeypatch.setattr(incremental.json, "loads", counted)
    return count


def test_the_states_are_read_once_for_a_run_over_many_pages(
    tmp_path: Path, parsed: list[int]
) -> None:
    config = load_config(write_config(tmp_path, []))
    config.state_dir.mkdir(parents=True)
    for n in range(PAGES):  # as a run does for each page
        assert validators(config, location(n)) == (None, None)
        assert previous_sha(config, location(n)) is None
        remember(config, Fetched(location(n), f"{n:064x}", etag=f'"{n}"'), f"urn:graph:{n}")
    for n in range(PAGES):  # and the next run
        assert validators(config, location(n)) == (f'"{n}"', None)
        assert previous_sha(config, location(n)) == f"{n:064x}"
    # before: parsed at each question and each write, 997 times for 200 pages, the file growing
    assert parsed == []  # what this process wrote, it knows
    on_disk = json.loads((config.state_dir / "sources.json").read_text(encoding="utf-8"))
    assert sorted(on_disk) == sorted(location(n) for n in range(PAGES))


def test_a_file_another_process_wrote_is_read_again(tmp_path: Path, parsed: list[int]) -> None:
    config = load_config(write_config(tmp_path, []))
    config.state_dir.mkdir(parents=True)
    remember(config, Fetched(location(1), "a" * 64, etag='"one"'), "urn:graph:1")
    path = config.state_dir / "sources.json"
    states = json.loads(path.read_text(encoding="utf-8"))
    states[location(1)]["etag"] = '"two"'
    replaced = path.with_name("replaced.json")
    replaced.write_text(json.dumps(states), encoding="utf-8")
    replaced.replace(path)  # another process's write: a new file
    parsed.clear()
    assert validators(config, location(1)) == ('"two"', None)
    assert validators(config, location(1)) == ('"two"', None)
    assert len(parsed) == 1
    path.write_text("{not json", encoding="utf-8")  # broken in place: still one line naming it
    with pytest.raises(StateUnreadable, match=r"sources\.json"):
        SourceStates(config).get(location(1))
