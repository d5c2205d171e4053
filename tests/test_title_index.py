"""The title index resolution reads: adding, refreshing (a record whose title changed) and the
lookups by exact title and by words. Records here are CONSTRUCTED (ids and titles invented)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from scholarkg.models import ArxivAuthor, ArxivRecord, ArxivVersion
from scholarkg.resolution.index import TitleIndex


def record(n: int, title: str) -> ArxivRecord:
    return ArxivRecord(
        arxiv_id=f"2301.{n:05d}",
        title=title,
        abstract="",
        authors=(ArxivAuthor("Quinn Tester"),),
        categories=("cs.SE",),
        published=dt.date(2023, 1, 2),
        versions=(ArxivVersion(1, dt.datetime(2023, 1, 2, tzinfo=dt.UTC), title),),
    )


def test_refreshed_records_lose_their_old_titles_and_keep_the_others(tmp_path: Path) -> None:
    index = TitleIndex(tmp_path / "titles.sqlite")
    try:
        count = 1203  # refreshed in one call: more than one batch of 500
        index.add(record(n, f"Original study number {n} of mutation testing") for n in range(count))
        index.add([record(9999, "An untouched paper on fuzzing compilers")])
        assert len(index) == count + 1
        index.add(record(n, f"Revised study number {n} of flaky tests") for n in range(count))
        assert len(index) == count + 1
        for n in (0, 499, 500, 1202):
            assert index.exact(f"Original study number {n} of mutation testing") == []
            [found] = index.exact(f"Revised study number {n} of flaky tests")
            assert found.arxiv_id == f"2301.{n:05d}"
        assert index.by_words("mutation testing original") == []
        assert [r.arxiv_id for r in index.by_words("untouched fuzzing compilers")] == ["2301.09999"]
        [kept] = index.exact("An untouched paper on fuzzing compilers")
        assert kept.title == "An untouched paper on fuzzing compilers"
        assert index.get(["2301.00007"])["2301.00007"].title == (
            "Revised study number 7 of flaky tests"
        )
    finally:
        index.close()


def test_the_revision_moves_on_when_a_record_is_new_or_held_otherwise_only(
    tmp_path: Path,
) -> None:
    """Profiles left with unresolved papers are built again when the revision moved on since
    they were resolved; a record read again as it was (a profile's own, each build) is no
    reason to: the revision stays, and stays across reopening."""
    path = tmp_path / "titles.sqlite"
    index = TitleIndex(path)
    try:
        start = index.revision
        index.add([record(1, "A constructed study of flaky tests")])
        assert index.revision == start + 1
        index.add([record(1, "A constructed study of flaky tests")])
        index.add([])
        assert index.revision == start + 1
        index.add([record(1, "A constructed study of flaky tests, revised")])
        assert index.revision == start + 2
        index.add([record(1, "A constructed study of flaky tests, revised"), record(2, "Other")])
        assert index.revision == start + 3
    finally:
        index.close()
    again = TitleIndex(path)
    try:
        assert again.revision == start + 3
    finally:
        again.close()
