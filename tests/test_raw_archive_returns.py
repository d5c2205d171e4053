"""The raw archive notes, per profile source, which bytes it gave last and since when: a page
edited and put back gives its first bytes again, and that is a new observation (a snapshot dated
when they came back), not the first one again. The build-level check is
``test_queries.test_a_page_back_to_earlier_bytes_is_observed_again``."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from scholarkg.extract.raw_archive import ArchivedResponse, RawArchive
from scholarkg.models import Profile

SOURCE = "/srv/profiles/page.txt"
T = [dt.datetime(2026, 12, 4, 13, m, tzinfo=dt.UTC) for m in range(6)]


def fetched(archive: RawArchive, body: bytes, at: int) -> ArchivedResponse:
    """``body`` retrieved from :data:`SOURCE` at ``T[at]``, archived and noted."""
    return archive.noted(archive.store(body, source=SOURCE, retrieved_at=T[at]), SOURCE)


def test_a_page_put_back_is_seen_since_it_came_back(tmp_path: Path) -> None:
    archive = RawArchive(tmp_path)
    first = fetched(archive, b"A", 0)
    assert (first.returned_at, first.seen_since) == (None, T[0])
    assert fetched(archive, b"A", 1).seen_since == T[0]  # the same bytes: nothing new
    assert fetched(archive, b"B", 2).returned_at is None  # new bytes: first seen now
    back = fetched(archive, b"A", 3)
    assert (back.returned_at, back.seen_since, back.first_retrieved_at) == (T[3], T[3], T[0])
    again = fetched(archive, b"A", 4)  # a resumed run fetches it again: as the run it resumes
    assert again.returned_at == T[3]
    assert archive.get(again.sha256, SOURCE).returned_at == T[3]
    assert archive.get(again.sha256).returned_at is None  # no source: as first recorded
    assert fetched(archive, b"B", 5).returned_at == T[5]  # and B back after A


def test_another_source_of_the_same_bytes_has_a_note_of_its_own(tmp_path: Path) -> None:
    archive = RawArchive(tmp_path)
    fetched(archive, b"A", 0)
    fetched(archive, b"B", 1)
    other = archive.noted(archive.store(b"A", source="/elsewhere", retrieved_at=T[2]), "/elsewhere")
    assert other.returned_at is None and other.seen_since == T[0]  # not noted before: as ever


def test_a_damaged_note_is_as_none(tmp_path: Path) -> None:
    archive = RawArchive(tmp_path)
    fetched(archive, b"A", 0)
    [note] = (tmp_path / "sources").iterdir()
    note.write_text("{not json", encoding="utf-8")
    assert fetched(archive, b"A", 1).returned_at is None
    assert fetched(archive, b"B", 2).returned_at is None
    assert fetched(archive, b"A", 3).returned_at == T[3]  # noted again since


def test_a_snapshot_key_says_when_the_bytes_came_back() -> None:
    sha = "89331bcba7cef96aa0754a05b2d82e7577b1739e2c422b9ac38a8f3b47904368"
    profile = Profile("s", "n", "LG", None, None, None, (), T[0], sha)  # type: ignore[arg-type]
    assert profile.snapshot_key == "89331bcba7cef96a"
    came_back = dt.datetime(
        2026, 12, 4, 14, 17, 15, 605744, tzinfo=dt.timezone(dt.timedelta(hours=1))
    )
    back = Profile("s", "n", "LG", None, None, None, (), T[0], sha, returned_at=came_back)  # type: ignore[arg-type]
    assert back.snapshot_key == "89331bcba7cef96a-20261204T131715605744Z"
