"""An identity registry gone (deleted, or emptied to nothing) between two runs while the store
keeps the person graphs it decided: the next run stops in one line naming the registry and
how many person graphs it decided, and changes nothing (before: a new registry decided the
persons again beside those the store held, silently: Léonard Hussenot and Robert Dadashi two
persons each, their co-authors' graphs pointing at both). Put back, the registry builds as if
never gone; a store that holds no person graph still starts with a new registry."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from building import content
from conftest import write_config
from samples import SAMPLE_PROFILE, SECOND_PROFILE
from scholarkg.config import load_config
from scholarkg.errors import LoadError
from scholarkg.runs.build import build
from scholarkg.runs.state_paths import registry_path


@pytest.mark.parametrize("gone", ["deleted", "emptied"])
def test_a_registry_gone_while_the_store_keeps_its_persons_stops_the_run(
    tmp_path: Path, gone: str
) -> None:
    config = load_config(write_config(tmp_path, [SAMPLE_PROFILE]))
    assert build(config).report.outcome == "ok"
    registry = registry_path(config)
    kept = tmp_path / "kept"
    kept.mkdir()
    for part in registry.parent.glob(registry.name + "*"):
        shutil.move(part, kept / part.name)
    if gone == "emptied":
        registry.write_bytes(b"")
    before = content(config)
    more = load_config(write_config(tmp_path, [SAMPLE_PROFILE, SECOND_PROFILE]))

    with pytest.raises(LoadError) as caught:
        build(more)
    message = str(caught.value)
    assert "\n" not in message
    assert message.startswith(f"{registry}: the identity registry is gone")
    assert "the store holds 44 person graphs it decided" in message
    assert content(config) == before  # no person decided again beside them
    assert registry.exists() == (gone == "emptied")
    if gone == "emptied":
        assert registry.read_bytes() == b""  # left as it was

    for part in kept.iterdir():  # put back: builds as if never gone
        os.replace(part, registry.parent / part.name)
    again = build(more).report
    assert again.outcome == "ok", again.summary_lines()
    persons = [g for g in content(more) if "/graph/person/" in g]
    assert len([g for g in persons if "/person/leonard-hussenot-" in g]) == 1
    assert len([g for g in persons if "/person/robert-dadashi-" in g]) == 1
