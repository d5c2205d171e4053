"""A snapshot line that gives one key twice with different values is quarantined, the key named.

``json.loads`` keeps the later of two values without a word, so a line written by a faulty
export or a hand merge (``"title": "A", "title": "B"``) loaded one of them as if it were the
record, the other lost. Which one the writer meant is not known: the line is quarantined with a
reason naming the key, told ``<file>:<line>: …``, and the other lines load. A key given twice
with the same value is that value.

CONSTRUCTED from the real sample's lines 0704.0002 and 0704.0003 (tests/fixtures/arxiv/kaggle),
a key repeated in their text as each case says.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import write_config
from scholarkg.config import load_config
from scholarkg.extract.snapshot import read_snapshot
from scholarkg.runs.arxiv_snapshot import load_snapshot

SAMPLE = Path(__file__).parent / "fixtures" / "arxiv" / "kaggle" / "snapshot_sample_100.jsonl"
FIRST, SECOND = SAMPLE.read_text(encoding="utf-8").splitlines()[:2]
TITLE = '"title":"Sparsity-certifying Graph Decompositions"'
CREATED = '"created":"Sat, 13 Dec 2008 17:26:00 GMT"'


def _repeated(before: str, after: str) -> str:
    assert before in FIRST, "the sample line no longer holds the text"
    return FIRST.replace(before, after, 1)


@pytest.mark.parametrize(
    ("line", "key"),
    [
        (_repeated(TITLE, f'"title":"Another Title",{TITLE}'), "title"),
        (_repeated(TITLE, f'{TITLE},"title":"Another Title"'), "title"),
        (_repeated('"doi":null', '"doi":"10.1000/x","doi":null'), "doi"),
        (_repeated('"id":"0704.0002"', '"id":"0704.0002","id":"0704.0003"'), "id"),
        # in a version's object, not the record's
        (_repeated(CREATED, f'{CREATED},"created":"Sun, 14 Dec 2008 10:00:00 GMT"'), "created"),
        # written with an escape, the same key (json reads "\u0074itle" as "title")
        (_repeated(TITLE, f'"\\u0074itle":"Another Title",{TITLE}'), "title"),
    ],
)
def test_a_key_given_twice_with_different_values_quarantines_its_line(
    line: str, key: str, tmp_path: Path
) -> None:
    """Before: the line loaded with the later value, the earlier one dropped without trace."""
    path = tmp_path / "snapshot.jsonl"
    path.write_text(f"{line}\n{SECOND}\n", encoding="utf-8")
    reader = read_snapshot(path)
    assert [r.arxiv_id for r in reader] == ["0704.0003"]
    (quarantined,) = reader.quarantined
    assert quarantined.line == 1 and quarantined.text == line
    assert quarantined.describe() == (f"{path}:1: key {key!r} is given twice with different values")


def test_a_key_given_twice_with_the_same_value_is_that_value(tmp_path: Path) -> None:
    path = tmp_path / "snapshot.jsonl"
    line = _repeated(TITLE, f"{TITLE},{TITLE}").replace('"doi":null', '"doi":null,"doi":null')
    path.write_text(f"{line}\n", encoding="utf-8")
    reader = read_snapshot(path)
    (record,) = reader
    assert reader.quarantined == [] and record.title == "Sparsity-certifying Graph Decompositions"


def test_a_run_reports_the_line_and_loads_the_rest(tmp_path: Path) -> None:
    config = load_config(write_config(tmp_path, []))
    path = tmp_path / "snapshot.jsonl"
    line = _repeated(TITLE, f'"title":"Another Title",{TITLE}')
    path.write_text(f"{SECOND}\n{line}\n", encoding="utf-8")
    report = load_snapshot(config, path, workers=0).report
    assert report.records_loaded == 1
    assert report.quarantined == [f"{path}:2: key 'title' is given twice with different values"]
