"""Streaming reader of the arXiv metadata snapshot (100-line real sample)."""

from __future__ import annotations

import datetime as dt
import gzip
import json
import re
from pathlib import Path

import pytest

from scholarkg.errors import ExtractError, ParseError
from scholarkg.extract.snapshot import batched, parse_snapshot_line, read_snapshot
from scholarkg.models import ArxivAuthor, ArxivVersion

SAMPLE = Path(__file__).parent / "fixtures" / "arxiv" / "kaggle" / "snapshot_sample_100.jsonl"


def test_all_hundred_records_load() -> None:
    reader = read_snapshot(SAMPLE)
    records = list(reader)
    assert len(records) == 100 and reader.quarantined == [] and reader.lines_read == 100
    assert records[0].arxiv_id == "0704.0002" and records[-1].arxiv_id == "0704.0101"
    assert len({r.arxiv_id for r in records}) == 100


def test_fields_of_0704_0002_match_the_file() -> None:
    line = SAMPLE.read_text(encoding="utf-8").splitlines()[0]
    raw = json.loads(line)
    record = next(iter(read_snapshot(SAMPLE)))
    assert record.arxiv_id == raw["id"] == "0704.0002"
    assert record.title == "Sparsity-certifying Graph Decompositions"
    assert record.authors == (ArxivAuthor("Ileana Streinu"), ArxivAuthor("Louis Theran"))
    assert record.categories == ("math.CO", "cs.CG") and record.primary_category == "math.CO"
    assert record.comment == "To appear in Graphs and Combinatorics"
    assert record.license == "http://arxiv.org/licenses/nonexclusive-distrib/1.0/"
    assert record.journal_ref is None and record.doi is None
    assert record.abstract == " ".join(raw["abstract"].split())
    assert record.versions == (
        ArxivVersion(1, dt.datetime(2007, 3, 31, 2, 26, 18, tzinfo=dt.UTC)),
        ArxivVersion(2, dt.datetime(2008, 12, 13, 17, 26, 0, tzinfo=dt.UTC)),
    )
    assert record.published == dt.date(2007, 3, 31)
    assert record.updated == dt.date(2008, 12, 13) == dt.date.fromisoformat(raw["update_date"])
    assert record.source == f"{SAMPLE}:1"


def test_author_affiliations_from_authors_parsed() -> None:
    records = {r.arxiv_id: r for r in read_snapshot(SAMPLE)}
    assert records["0704.0031"].authors == (ArxivAuthor("V. M. Biryukov", ("Serpukhov, IHEP",)),)
    # "1 and 2" in authors_parsed are footnote markers, not affiliations
    assert records["0704.0025"].authors[0] == ArxivAuthor("A. S. Mishchenko")
    assert records["0704.0027"].latest_version == 4


def test_bad_lines_are_quarantined_with_line_numbers(tmp_path: Path) -> None:
    lines = SAMPLE.read_text(encoding="utf-8").splitlines(keepends=True)
    lines[4] = '{"id": "0704.0006", "title": "truncated...\n'
    no_title = json.loads(lines[9])
    del no_title["title"]
    lines[9] = json.dumps(no_title) + "\n"
    bad_date = json.loads(lines[19])
    bad_date["versions"][0]["created"] = "yesterday-ish"
    lines[19] = json.dumps(bad_date) + "\n"
    copy = tmp_path / "snapshot.jsonl"
    copy.write_text("".join(lines), encoding="utf-8")
    reader = read_snapshot(copy)
    records = list(reader)
    assert len(records) == 97
    assert [q.line for q in reader.quarantined] == [5, 10, 20]
    reasons = [q.reason for q in reader.quarantined]
    assert reasons[0].startswith("not JSON: Invalid control character at: line 1")
    assert reasons[1] == "no title"
    assert "bad version date 'yesterday-ish'" in reasons[2]
    assert reader.quarantined[0].text == '{"id": "0704.0006", "title": "truncated...'
    assert all(q.source == str(copy) for q in reader.quarantined)
    assert records[-1].arxiv_id == "0704.0101"  # reading went on to the end


def test_quarantine_is_visible_while_streaming(tmp_path: Path) -> None:
    copy = tmp_path / "s.jsonl"
    lines = SAMPLE.read_text(encoding="utf-8").splitlines(keepends=True)[:3]
    copy.write_text("not json\n" + "".join(lines), encoding="utf-8")
    reader = read_snapshot(copy)
    stream = iter(reader)
    first = next(stream)
    assert first.arxiv_id == "0704.0002" and reader.lines_read == 2
    assert [q.line for q in reader.quarantined] == [1]


def test_gzip_and_invalid_utf8(tmp_path: Path) -> None:
    lines = SAMPLE.read_bytes().splitlines(keepends=True)[:2]
    packed = tmp_path / "s.jsonl.gz"
    packed.write_bytes(gzip.compress(b"\xff\xfe broken\n" + b"".join(lines)))
    reader = read_snapshot(packed)
    assert [r.arxiv_id for r in reader] == ["0704.0002", "0704.0003"]
    assert [q.line for q in reader.quarantined] == [1]
    assert reader.quarantined[0].reason.startswith("not UTF-8: 'utf-8' codec can't decode")


def test_authors_string_fallback_and_bad_id() -> None:
    line = json.dumps({"id": "math/0001001", "title": "T", "authors": "A. One and B. Two (X)"})
    record = parse_snapshot_line(line, source="s")
    assert record.arxiv_id == "math/0001001"
    # A takes B's affiliation, as arXiv's parser (whose output authors_parsed is) reads it
    assert record.authors == (ArxivAuthor("A. One", ("X",)), ArxivAuthor("B. Two", ("X",)))
    with pytest.raises(ParseError, match="not an arXiv identifier"):
        parse_snapshot_line(json.dumps({"id": "nope", "title": "T"}), source="s")


@pytest.mark.parametrize(
    ("written", "said"),
    [
        ("1501.10000", "'id' is not a string"),  # a JSON number: read as 1501.1, another id
        ("704.0001", "'id' is not a string"),
        ('["0704.0001"]', "'id' is not a string"),
        ("null", "no arXiv id"),
        ('" "', "no arXiv id"),
    ],
)
def test_an_id_that_is_no_string_is_told_so(written: str, said: str) -> None:
    """Before, a number where the id belongs was quarantined as ``no arXiv id``, as if the line
    had none (the other fields already said ``'title' is not a string``)."""
    line = f'{{"id": {written}, "title": "T"}}'
    with pytest.raises(ValueError) as caught:
        parse_snapshot_line(line, source="s")
    assert str(caught.value) == said


def test_missing_file_is_an_extract_error(tmp_path: Path) -> None:
    with pytest.raises(ExtractError, match="cannot open snapshot"):
        list(read_snapshot(tmp_path / "absent.jsonl"))


def test_batched() -> None:
    assert list(batched(range(7), 3)) == [(0, 1, 2), (3, 4, 5), (6,)]
    assert list(batched([], 3)) == []
    with pytest.raises(ValueError, match="at least 1"):
        list(batched([1], 0))


@pytest.mark.parametrize(
    ("value", "said"),
    [
        ("A\x7fB", "title: control character U+007F"),  # DEL may stand raw in JSON
        ("A\x00B", "title: control character U+0000"),
        ("A\x1cB", "title: control character U+001C"),  # Python's str.split took it as a space
    ],
)
def test_a_control_character_is_refused_with_its_field(value: str, said: str) -> None:
    for ascii_only in (True, False):
        line = json.dumps({"id": "0704.0001", "title": value}, ensure_ascii=ascii_only)
        with pytest.raises(ValueError, match=re.escape(said)):
            parse_snapshot_line(line, source="s")


def test_white_space_controls_fold_to_a_space() -> None:
    line = json.dumps({"id": "0704.0001", "title": "A\tB\x0bC\x0cD\r\nE\x85F"})
    assert parse_snapshot_line(line, source="s").title == "A B C D E F"
