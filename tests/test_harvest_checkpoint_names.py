"""A harvest's checkpoint file is named after its key, within what a file system allows: a set
spec may be as long as a server likes (OAI-PMH sets no bound), and one of 100 000 characters made
a file name no file system takes (before: ``OSError: File name too long`` out of the harvest, the
set refused by nothing before it). A long key's name is cut and told apart by a digest of the
whole key; a short one's is as before, so an unfinished harvest's checkpoint is still found."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest

from conftest import write_config
from scholarkg.config import load_config
from scholarkg.errors import StateUnreadable
from scholarkg.harvest import HarvestJob, HarvestState, checkpoint_name

LONG = "x" * 100_000


def test_a_short_key_names_its_checkpoint_as_before() -> None:
    key = HarvestState.key("arXiv", "physics:hep-ex")
    assert checkpoint_name(key) == "harvest-checkpoint-arXiv-set-physics-hep-ex.json"


def test_a_long_key_names_a_file_a_file_system_takes_and_no_other_keys() -> None:
    one, other = HarvestState.key("arXiv", LONG + "a"), HarvestState.key("arXiv", LONG + "b")
    names = {checkpoint_name(one), checkpoint_name(other)}
    assert len(names) == 2
    assert all(len(name.encode()) <= 255 and name.endswith(".json") for name in names)


def test_a_harvest_of_a_long_set_keeps_its_checkpoint(tmp_path: Path) -> None:
    config = load_config(write_config(tmp_path, []))
    job = HarvestJob.of(config, "arXiv", LONG)
    at = job.start("2024-01-25")
    job.path.parent.mkdir(parents=True, exist_ok=True)
    job.path.write_text("{}", encoding="utf-8")  # the name is one the file system takes
    assert at.set_spec == LONG and job.path.name == checkpoint_name(job.key)


def test_another_harvests_checkpoint_under_the_same_name_is_refused_not_resumed(
    tmp_path: Path,
) -> None:
    """``math.AG`` and ``math:AG`` are two sets whose keys name one checkpoint file: the
    harvest of one read the other's unfinished checkpoint as its own (its token, its counts),
    listing the other set's records under its key. It is now refused in one line naming both
    harvests, the file left as it is."""
    config = load_config(write_config(tmp_path, []))
    first = HarvestJob.of(config, "arXiv", "math.AG")
    first.path.parent.mkdir(parents=True, exist_ok=True)
    unfinished = dataclasses.replace(first.start("2024-01-25"), next_token="T1", pages_done=1)
    first.path.write_text(json.dumps(dataclasses.asdict(unfinished)), encoding="utf-8")
    second = HarvestJob.of(config, "arXiv", "math:AG")
    assert second.path == first.path
    with pytest.raises(StateUnreadable) as refused:
        second.start("2024-01-25")
    said = str(refused.value)
    assert "\n" not in said and "'arXiv set=math.AG'" in said and "arXiv set=math:AG" in said
    assert json.loads(first.path.read_text(encoding="utf-8"))["next_token"] == "T1"
    assert first.start(None).next_token == "T1"  # its own harvest still resumes
