"""An arXiv API answer is read entry by entry: the memory its parse takes beyond what Python
allocates (libxml2's tree, which tracemalloc cannot see) does not grow with its entry count.
Parsed as one tree, an answer of 100 000 tiny entries (3 MB) cost ~50 MB beyond what Python
allocated, ~16 bytes a byte: about 1 GB at the 64 MiB body limit. Sizes measured in fresh
interpreters (:mod:`child_memory`), not times."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from lxml import etree

from child_memory import cost_of, linux_rss_known
from scholarkg.errors import ExtractError, ParseError
from scholarkg.extract import atom
from scholarkg.extract.atom import parse_feed

SETUP = """
from scholarkg.extract.atom import parse_feed
HEAD = (
    b'<?xml version="1.0" encoding="UTF-8"?>\\n<feed xmlns="http://www.w3.org/2005/Atom"'
    b' xmlns:opensearch="http://a9.com/-/spec/opensearch/1.1/">\\n'
    b"<opensearch:totalResults>9</opensearch:totalResults>\\n"
)
ENTRY = b"<entry><title>T</title></entry>\\n"
def answer(entries):  # CONSTRUCTED: tiny entries, each quarantined (no id)
    return HEAD + ENTRY * entries + b"</feed>\\n"
body = answer(ENTRIES)
parse_feed(answer(100), source="warm")
"""
MB = 2**20


def parse_cost(entries: int) -> tuple[int, int]:
    """The memory unseen by tracemalloc, and the RSS growth, of parsing ``entries`` entries."""
    work = f"result = parse_feed(body, source='s'); assert len(result.quarantined) == {entries}"
    cost = cost_of(f"ENTRIES = {entries}\n{SETUP}", work)
    return cost.unseen, cost.rss


@pytest.mark.skipif(not linux_rss_known(), reason="needs /proc/self/status (Linux)")
def test_what_python_does_not_see_does_not_grow_with_the_entries() -> None:
    small, small_rss = parse_cost(12_500)
    large, large_rss = parse_cost(100_000)
    # as one tree: ~6 and ~50 MB unseen; entry by entry ~1.5 and ~3 (one 64 KB feed read ahead)
    said = f"unseen {small / MB:.1f} -> {large / MB:.1f} MB"
    said += f" (RSS growth {small_rss / MB:.1f} -> {large_rss / MB:.1f} MB)"
    assert large - small < 15 * MB, said


# --- what the stream keeps: counted, not measured --------------------------------------------

FEED = (
    b'<?xml version="1.0" encoding="UTF-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom"'
    b' xmlns:opensearch="http://a9.com/-/spec/opensearch/1.1/">\n'
)
COUNTERS = (
    b"<opensearch:totalResults>7</opensearch:totalResults>\n"
    b"<opensearch:startIndex>2</opensearch:startIndex>\n"
    b"<opensearch:itemsPerPage>3</opensearch:itemsPerPage>\n"
)
ERROR = (
    b"<entry><id>http://arxiv.org/api/errors#incorrect_id_format_for_x</id>"
    b"<summary>incorrect id format for x</summary></entry>\n"
)


def entry(i: int) -> bytes:
    """CONSTRUCTED: an entry with what a record needs (one line)."""
    arxiv_id = f"2101.{i:05d}v1"
    return f"<entry><id>http://arxiv.org/abs/{arxiv_id}</id><title>T {i}</title></entry>\n".encode()


def entries(count: int) -> bytes:
    return b"".join(entry(i) for i in range(count))


def test_the_entries_held_at_once_do_not_grow_with_the_answer(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    held: list[int] = []
    real: Callable[..., atom.AtomEntry] = atom.read_entry

    def counting(element: etree._Element, *args: Any, **kwargs: Any) -> atom.AtomEntry:
        holder = element.getparent()
        assert holder is not None
        held.append(len(holder))
        return real(element, *args, **kwargs)

    monkeypatch.setattr(atom, "read_entry", counting)
    feed = parse_feed(FEED + COUNTERS + entries(5_000) + b"</feed>\n", source="big")
    assert len(feed.entries) == 5_000 and feed.entries[-1].record.line == 5_005
    assert max(held) <= 1_000, max(held)  # as one tree: 5 003, the whole feed


@pytest.mark.parametrize("where", ["before", "between", "after"])
def test_the_counters_are_read_wherever_they_sit(where: str) -> None:
    body = {
        "before": FEED + COUNTERS + entries(3_000),
        "between": FEED + entries(1_500) + COUNTERS + entries(1_500),
        "after": FEED + entries(3_000) + COUNTERS,
    }[where] + b"</feed>\n"
    feed = parse_feed(body, source="s")
    assert (feed.total_results, feed.start_index, feed.items_per_page) == (7, 2, 3)
    assert len(feed.entries) == 3_000 and not feed.quarantined


def test_the_first_counter_counts_and_a_bad_one_is_told_at_its_line() -> None:
    twice = FEED + COUNTERS + entries(2_000) + COUNTERS.replace(b">7<", b">8<") + b"</feed>\n"
    assert parse_feed(twice, source="s").total_results == 7
    late = FEED + entries(2_000) + b"<opensearch:totalResults>many</opensearch:totalResults>"
    with pytest.raises(ParseError, match="'many' is not an integer") as caught:
        parse_feed(late + b"</feed>\n", source="s")
    assert caught.value.line == 2_003


@pytest.mark.parametrize("where", ["first", "last"])
def test_an_error_entry_anywhere_refuses_the_feed(where: str) -> None:
    body = FEED + (ERROR + entries(2_000) if where == "first" else entries(2_000) + ERROR)
    with pytest.raises(ExtractError, match="arXiv API error: incorrect id format") as caught:
        parse_feed(body + b"</feed>\n", source="s", status=400)
    assert caught.value.status == 400


def test_damage_after_an_error_entry_is_still_a_syntax_error() -> None:
    with pytest.raises(ParseError, match="not well-formed") as caught:
        parse_feed(FEED + ERROR + entries(2_000) + b"<oops></feed>", source="cut")
    assert str(caught.value).startswith("cut:") and "\n" not in str(caught.value)
    assert caught.value.line == 2_004


def test_a_large_answer_that_is_no_feed_is_refused_by_its_root() -> None:
    body = FEED.replace(b"<feed", b"<fee") + entries(3_000) + b"</fee>\n"
    with pytest.raises(ParseError, match="expected an Atom <feed>, found <"):
        parse_feed(body, source="s")


def test_a_quarantined_entry_keeps_its_own_text_only() -> None:
    bad = b"<entry><title>no id</title></entry>"
    body = FEED + entries(1_000) + bad + b"\n  tail text\n" + entries(1_000) + b"</feed>\n"
    (quarantined,) = parse_feed(body, source="s").quarantined
    assert quarantined.line == 1_003 and quarantined.reason == "no arXiv id"
    assert quarantined.text == (
        '<entry xmlns="http://www.w3.org/2005/Atom"'
        ' xmlns:opensearch="http://a9.com/-/spec/opensearch/1.1/"><title>no id</title></entry>'
    )
