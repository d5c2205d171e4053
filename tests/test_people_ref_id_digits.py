"""A ``[people]`` reference (or an ``[arxiv] overrides`` value) naming its paper by an arXiv
id of the wrong digit count for its month (``0704.00020``, refused by every arXiv door since
the digit count is checked) is a configuration error at the entry's line saying why.

Before, the id was read as a title: the config loaded, and the run said only that the rule
named no paper loaded (``none is known as …``), never that the id could be none.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from config_errors import config_error
from scholarkg.errors import ConfigError
from scholarkg.identity.overrides import Overrides

FOUR = "arXiv ids from 0704 to 1412 have 4 digits after the point, not 5"


pytestmark = pytest.mark.usefixtures("clean_environment")  # tests/conftest.py


@pytest.mark.parametrize(
    ("text", "told"),
    [
        (
            '[people.split]\n"0704.0002#1" = "a"\n"0704.00020#1" = "b"\n',
            "error: my.toml:3: [people] split: '0704.00020#1': '0704.00020' is not an "
            f"arXiv identifier: {FOUR}",
        ),
        (
            '[people.merge]\n\n"person:a" = "arXiv:0704.00020v1|Ileana Streinu"\n',
            "error: my.toml:3: [people] merge: 'arXiv:0704.00020v1|Ileana Streinu': "
            f"'arXiv:0704.00020v1' is not an arXiv identifier: {FOUR}",
        ),
        (
            '[people.split]\n"1501.1234#2" = "b"\n',
            "error: my.toml:2: [people] split: '1501.1234#2': '1501.1234' is not an "
            "arXiv identifier: arXiv ids from 1501 on have 5 digits after the point, not 4",
        ),
        (  # the same reason for an [arxiv] override (before: only "is not an arXiv id")
            '[arxiv.overrides]\n"A title" = "0704.00020"\n',
            f"error: my.toml:2: [arxiv] overrides: 'A title' = '0704.00020' is not an arXiv id: "
            f"{FOUR}",
        ),
    ],
)
def test_an_id_of_the_wrong_digit_count_is_told_at_its_entry(
    tmp_path: Path, text: str, told: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert config_error(tmp_path, text, capsys) == told


def test_ids_and_titles_are_read_as_before() -> None:
    """A right id is the paper's id; a title that is no id's form stays a title."""
    rules = Overrides.parse(
        {}, {"arXiv:0704.0002v2#1": "a", "1501.00001|Ann Lee": "b", "Gemma 2#3": "c"}
    )
    assert [r.value for r, _ in rules.splits] == ["0704.0002", "1501.00001", "gemma 2"]
    with pytest.raises(ConfigError, match="not 5"):
        Overrides.parse({}, {"0704.00020|Ann Lee": "b"})
