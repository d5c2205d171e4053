"""``[people.merge]`` / ``[people.split]`` under careless or hostile references: each is one
configuration error naming the table, the reference and what is wrong with it. The split-label
run is CONSTRUCTED from the real sample profile (``examples/profiles/leonard-hussenot.txt``)."""

from __future__ import annotations

from pathlib import Path

import pytest

from building import run_cli
from conftest import write_config
from samples import SAMPLE_PROFILE
from scholarkg.config import load_config
from scholarkg.errors import ConfigError
from scholarkg.identity.overrides import Overrides
from scholarkg.iris import KEY_CHARS
from scholarkg.runs.build import build

CLP = "Conditional Language Policy: A General Framework for Steerable Multi-Objective Finetuning"


@pytest.mark.parametrize(
    ("merge", "split", "error"),
    [
        ({"\u200b#1": "person:x"}, {}, "[people.merge] '\\u200b#1': the paper '\\u200b'"),
        ({"!!!#2": "person:x"}, {}, "[people.merge] '!!!#2': the paper '!!!'"),
        ({}, {"...|Ann Lee": "ann"}, "[people.split] '...|Ann Lee': the paper '...'"),
        ({f"{CLP}|\u200b": "person:x"}, {}, f"[people.merge] '{CLP}|\\u200b': the name '\\u200b'"),
        ({}, {f"{CLP}|--": "kw"}, f"[people.split] '{CLP}|--': the name '--'"),
    ],
)
def test_a_paper_or_name_of_no_letter_or_digit_is_one_config_error(
    merge: dict[str, str], split: dict[str, str], error: str
) -> None:
    """CONSTRUCTED: a reference whose paper or name is punctuation or a zero-width space. It
    was taken (the paper keyed by an empty title, the name by an invisible one) and could
    only name nobody, or any paper whose title folds to nothing; now it is refused naming it."""
    with pytest.raises(ConfigError) as caught:
        Overrides.parse(merge, split)
    assert str(caught.value) == f"{error} holds no letter or digit"
    assert "\n" not in str(caught.value)


def test_a_split_label_longer_than_an_iri_key_is_a_config_error(tmp_path: Path) -> None:
    """CONSTRUCTED: the sample page with Kaiwen Wang split to a label of 10 000 letters. The
    run minted a person IRI of 10 037 characters (names are cut to :data:`KEY_CHARS` in IRIs
    for that reason: the endpoint refused such an IRI as a request head too large); now the
    config is refused in one line giving the label's length and the bound. A label of
    :data:`KEY_CHARS` characters still names its person."""
    split = {f"{CLP}|Kaiwen Wang": "k" * 10_000}
    path = write_config(tmp_path, [SAMPLE_PROFILE], **{"people.split": split})
    with pytest.raises(ConfigError) as caught:
        build(load_config(path))
    assert str(caught.value) == (
        f"{path}:10: [people] split: '{CLP}|Kaiwen Wang' = {'k' * 40!r}…: the label is "
        f"10000 characters as an IRI segment; at most {KEY_CHARS}"
    )
    [(_, label)] = Overrides.parse({}, {f"{CLP}|Kaiwen Wang": "k" * KEY_CHARS}).splits
    assert label == "k" * KEY_CHARS


def test_a_malformed_reference_stops_the_run_before_it_starts(tmp_path: Path) -> None:
    """CONSTRUCTED: the sample page with ``[people.merge] "X#0"`` (positions count from 1).
    The config was read, the run started (its Prefect flow, the page fetched and archived)
    and then failed on the reference; now the config is refused as it is read, in one line
    naming the file and the reference, and the run writes nothing."""
    merge = {"X#0": "person:someone"}
    path = write_config(tmp_path, [SAMPLE_PROFILE], **{"people.merge": merge})
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    assert str(caught.value).startswith(f"{path}:10: [people] merge: 'X#0': not a reference")
    done = run_cli(path)
    assert done.returncode != 0
    assert "[people] merge: 'X#0': not a reference" in done.stderr
    assert "Prefect" not in done.stderr and not (tmp_path / "data").exists()
