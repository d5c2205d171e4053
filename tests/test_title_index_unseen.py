"""The title index written before titles were keyed without the characters no one sees
(minting 7, session 38's identity.invisible): a record fetched by id is keyed again, once, by
its title's current key beside the old one, so a profile listing the title plainly finds it.

Records and ids CONSTRUCTED; the index rows are written as minting 7's code wrote them (its
title key ``fold(title)``, its words the titles as given), the mark ``unseen`` absent as it was.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from scholarkg.iris import fold
from scholarkg.models import ArxivAuthor, ArxivRecord, ArxivVersion
from scholarkg.resolution.index import IndexEntry, TitleIndex, index_entry
from scholarkg.tex_letters import tex_letters

HIDDEN = "Constructed Hid\u200bden Characters in Deep Lear\u00adning Tests"
PLAIN = "Constructed Hidden Characters in Deep Learning Tests"


def _record(arxiv_id: str, title: str) -> ArxivRecord:
    return ArxivRecord(
        arxiv_id=arxiv_id,
        title=title,
        abstract="",
        authors=(ArxivAuthor("Helge Spieker"),),
        categories=("cs.LG",),
        published=dt.date(2022, 2, 24),
        versions=(ArxivVersion(1, dt.datetime(2022, 2, 24, tzinfo=dt.UTC), title),),
    )


def _index_as_minting_7_wrote_it(path: Path) -> None:
    index = TitleIndex(path)
    entry = index_entry(_record("9004.00031", HIDDEN))
    other = index_entry(_record("9004.00032", "Plain Bridge Loads"))
    old = IndexEntry(entry.arxiv_id, entry.data, (fold(HIDDEN),), tex_letters(HIDDEN))
    index.add_entries([old, other])
    index.db.execute("DELETE FROM meta WHERE key = 'unseen'")
    index.close()


def test_a_record_keyed_before_is_found_by_its_current_key_too(tmp_path: Path) -> None:
    """Before: the record was held under ``constructed hid den … lear ning tests`` only (the
    letters mark unchanged, nothing keyed it again), so ``exact`` of the plain title and a word
    search for ``Hidden`` found nothing until arXiv changed the record."""
    path = tmp_path / "titles.sqlite"
    _index_as_minting_7_wrote_it(path)
    index = TitleIndex(path)
    try:
        revision = index.revision
        assert [r.arxiv_id for r in index.exact(PLAIN)] == ["9004.00031"]
        assert [r.arxiv_id for r in index.exact(HIDDEN)] == ["9004.00031"]
        assert [r.arxiv_id for r in index.by_words("Hidden Learning")] == ["9004.00031"]
        keys = [k for (k,) in index.db.execute("SELECT key FROM titles ORDER BY key")]
        assert keys == [
            "constructed hid den characters in deep lear ning tests",  # the old key kept
            "constructed hidden characters in deep learning tests",
            "plain bridge loads",
        ]
    finally:
        index.close()
    index = TitleIndex(path)  # once: the mark is written, nothing keyed again
    try:
        assert index.revision == revision
        assert index.db.execute("SELECT value FROM meta WHERE key = 'unseen'").fetchone() == ("1",)
    finally:
        index.close()


def test_an_index_written_now_needs_no_keying_again(tmp_path: Path) -> None:
    path = tmp_path / "titles.sqlite"
    index = TitleIndex(path)
    index.add([_record("9004.00031", HIDDEN)])
    revision = index.revision
    index.close()
    index = TitleIndex(path)
    try:
        assert index.revision == revision
        keys = [k for (k,) in index.db.execute("SELECT key FROM titles")]
        assert keys == ["constructed hidden characters in deep learning tests"]
    finally:
        index.close()
