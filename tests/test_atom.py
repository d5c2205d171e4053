"""Atom feed parsing against the recorded arXiv API responses (and hostile XML written here)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from scholarkg.errors import ExtractError, ParseError
from scholarkg.extract.atom import AtomFeed, parse_feed
from scholarkg.models import ArxivAuthor, ArxivVersion

ATOM = Path(__file__).parent / "fixtures" / "arxiv" / "atom"


def feed_of(name: str) -> AtomFeed:
    path = next(ATOM.glob(f"{name}_*.xml"))
    return parse_feed(path.read_bytes(), source=str(path))


def utc(year: int, month: int, day: int, hour: int, minute: int, second: int) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, second, tzinfo=dt.UTC)


def test_single_entry_fields() -> None:
    feed = feed_of("id_1707.08567_s0_m100")
    assert (feed.total_results, feed.start_index, feed.items_per_page) == (1, 0, 100)
    (entry,) = feed.entries
    record = entry.record
    assert record.arxiv_id == "1707.08567" and entry.version == 1
    assert record.title == (
        "Proceedings of Workshop AEW10: Concepts in Information Theory and Communications"
    )
    assert record.abstract.startswith('The 10th Asia-Europe workshop in "Concepts in Information')
    assert len(record.authors) == 34
    assert record.authors[0] == ArxivAuthor("Kees A. Schouhamer Immink")
    assert record.authors[32].name == "Dirk Wübben"  # UTF-8 decoded, order kept
    assert record.authors[-1].name == "Hirosuke Yamamoto"
    assert record.categories == ("cs.IT",) and record.primary_category == "cs.IT"
    assert record.comment == (
        "44 pages, editors for the proceedings: Yanling Chen and A. J. Han Vinck"
    )
    assert record.published == record.updated == dt.date(2017, 7, 27)
    assert record.versions == (ArxivVersion(1, utc(2017, 7, 27, 8, 18, 33), record.title),)
    assert record.journal_ref is None and record.doi is None
    assert entry.links.abstract == "https://arxiv.org/abs/1707.08567v1"
    assert entry.links.pdf == "https://arxiv.org/pdf/1707.08567v1"
    assert record.source.endswith("id_1707.08567_s0_m100_6a1afebfc6a3.xml")


def test_old_style_ids_affiliations_and_journal_ref() -> None:
    (entry,) = feed_of("id_astro-ph_0601001_s0_m100").entries
    record = entry.record
    assert record.arxiv_id == "astro-ph/0601001"
    assert record.journal_ref == "ActaAstron.56:1-50,2006"
    assert [(a.name, a.affiliations) for a in record.authors] == [
        ("Andrew Gould", ("Ohio State",)),
        ("Susan Dorsher", ("Ohio State",)),
        ("B. Scott Gaudi", ("CfA",)),
        ("Andrzej Udalski", ("Warsaw University Observatory",)),
    ]
    assert record.abstract.startswith("We derive the frequencies of hot Jupiters")  # stripped
    (quant,) = feed_of("id_quant-ph_0201082v1_s0_m100").entries
    assert quant.record.arxiv_id == "quant-ph/0201082" and quant.version == 1
    assert quant.record.categories == ("quant-ph", "cs.PL")


def test_title_zero_is_kept() -> None:
    (entry,) = feed_of("id_2104.12255v1_s0_m100").entries
    assert entry.record.title == "0"
    assert entry.record.primary_category == "cs.CR"


def test_later_version_gets_v1_and_vn_only() -> None:
    feed = feed_of("q_testing_s0_m100")
    entry = next(e for e in feed.entries if e.record.arxiv_id == "1609.07528")
    assert entry.version == 3
    title = "Compressed Hypothesis Testing: To Mix or Not to Mix?"
    assert entry.record.versions == (
        ArxivVersion(1, utc(2016, 9, 23, 21, 58, 38)),
        ArxivVersion(3, utc(2024, 9, 6, 2, 20, 22), title),
    )
    assert entry.record.latest_version == 3
    assert entry.record.published == dt.date(2016, 9, 23)
    assert entry.record.updated == dt.date(2024, 9, 6)


def test_search_page_doi_links_and_counters() -> None:
    feed = feed_of("q_testing_s0_m100")
    assert (feed.total_results, feed.start_index, feed.items_per_page) == (214881, 0, 100)
    assert len(feed.entries) == 100 and not feed.quarantined
    first = feed.entries[0]
    assert first.record.arxiv_id == "2202.12139"
    assert first.record.doi == "10.1109/ICSTW55395.2022.00035"
    assert first.links.doi == "https://doi.org/10.1109/ICSTW55395.2022.00035"
    assert first.record.categories == ("cs.SE", "cs.LG")
    gaudel = next(e.record for e in feed.entries if e.record.arxiv_id == "0804.0970")
    assert [a.affiliations for a in gaudel.authors] == [("LRI",), ("IBISC",)]
    assert gaudel.journal_ref == "Formal Methods and Testing, Springer-Verlag (Ed.) (2008) 209-239"


def test_error_feed_raises_with_arxiv_message() -> None:
    path = next(ATOM.glob("id_abc_*.xml"))
    with pytest.raises(ExtractError, match="incorrect id format for abc") as caught:
        parse_feed(path.read_bytes(), source="u", status=400)
    assert caught.value.status == 400


def test_empty_feed() -> None:
    feed = feed_of("id_0000.0000_s0_m100")
    assert feed.entries == () and feed.total_results == 0


def test_xxe_payload_is_refused_not_expanded(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-CONTENT")
    hostile = tmp_path / "xxe.xml"
    hostile.write_text(
        f'<?xml version="1.0"?>\n<!DOCTYPE feed [<!ENTITY xxe SYSTEM "file://{secret}">]>\n'
        '<feed xmlns="http://www.w3.org/2005/Atom"><entry><id>http://arxiv.org/abs/2104.12255v1'
        "</id><title>&xxe;</title></entry></feed>"
    )
    with pytest.raises(ParseError, match="DOCTYPE") as caught:
        parse_feed(hostile.read_bytes(), source=str(hostile))
    assert "TOP-SECRET" not in str(caught.value)


def test_entity_bomb_is_refused() -> None:
    bomb = (
        b'<?xml version="1.0"?><!DOCTYPE feed [<!ENTITY a "aaaaaaaaaa">'
        b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
        b'<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]>'
        b'<feed xmlns="http://www.w3.org/2005/Atom"><title>&c;</title></feed>'
    )
    with pytest.raises(ParseError, match="DOCTYPE"):
        parse_feed(bomb, source="bomb")


def test_not_a_feed_and_not_xml() -> None:
    with pytest.raises(ParseError, match="expected an Atom <feed>"):
        parse_feed(b"<rss><channel>maintenance</channel></rss>", source="u")
    with pytest.raises(ParseError, match="an HTML page, not XML"):
        parse_feed(b"<html><body>maintenance</body></html>", source="u")
    with pytest.raises(ParseError) as caught:
        parse_feed(
            b'<?xml version="1.0"?>\n<feed xmlns="http://www.w3.org/2005/Atom">\n<entry>',
            source="u",
        )
    assert caught.value.line is not None


def test_entry_without_title_is_quarantined_rest_kept() -> None:
    path = next(ATOM.glob("id_1605.08386_*.xml"))
    body = path.read_bytes().replace(
        b"<entry>", b"<entry><id>http://arxiv.org/abs/bad</id></entry><entry>", 1
    )
    feed = parse_feed(body, source="u")
    assert [e.record.arxiv_id for e in feed.entries] == ["1605.08386"]
    (bad,) = feed.quarantined
    assert "not an arXiv identifier" in bad.reason and bad.line == 10 and "bad" in bad.text


def test_each_record_knows_the_line_of_its_entry() -> None:
    """A record the emitter quarantines later is told at its ``<entry>``'s line in the archived
    answer (it was told at line 0: two of one answer shared one quarantine file)."""
    path = next(ATOM.glob("q_testing_s0_m15_*.xml"))
    body = path.read_bytes()
    feed = parse_feed(body, source=str(path))
    starts = [n for n, text in enumerate(body.decode().splitlines(), 1) if "<entry>" in text]
    assert [e.record.line for e in feed.entries] == starts and len(starts) == 15


def test_a_term_too_long_for_an_arxiv_category_is_no_category() -> None:
    """CONSTRUCTED: the recorded entry with a category term of 10 000 letters, which has the
    form of an arXiv category but not its length (the longest is 18 characters). It is kept
    among the entry's other classifications, as terms of other schemes are. Before, it was a
    category, and a category IRI of 10 036 characters in the store."""
    name = next(ATOM.glob("id_2104.12255v1_*.xml"))
    long = "a" * 10_000
    body = name.read_bytes().replace(
        b'<category term="cs.CR"', f'<category term="{long}"/><category term="cs.CR"'.encode()
    )
    feed = parse_feed(body, source="x")
    (entry,) = feed.entries
    assert entry.record.categories == ("cs.CR",)
    assert entry.other_classifications == (long,)
