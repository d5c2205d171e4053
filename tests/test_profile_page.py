"""The profile page parser on the real sample and on deliberately broken variants."""

from __future__ import annotations

import codecs
import datetime as dt
import hashlib
from pathlib import Path

import pytest

from arxiv_replay import fast_policy
from loopback import Pages
from scholarkg.config import load_config
from scholarkg.errors import ParseError
from scholarkg.extract.http import HttpClient
from scholarkg.extract.profile_page import parse_profile
from scholarkg.extract.profiles import fetch_profile, parse_archived_profile
from scholarkg.extract.raw_archive import RawArchive
from scholarkg.models import Profile

WHEN = dt.datetime(2026, 11, 26, 12, 0, tzinfo=dt.UTC)
CODES = load_config().subject_codes


def parse(data: bytes, source: str = "page.txt") -> Profile:
    return parse_profile(data, source=source, retrieved_at=WHEN, subject_codes=CODES)


def test_header_fields(sample_bytes: bytes) -> None:
    profile = parse(sample_bytes)
    assert profile.name == "Léonard Hussenot"
    assert (profile.subject_code, profile.category) == ("LG", "cs.LG")
    m = profile.metrics
    assert (m.h_index, m.papers, m.citations, m.novelty_percent, m.ai_score) == (
        117,
        25,
        11030,
        49,
        45,
    )
    assert profile.stated_paper_count == 25
    assert profile.warnings == () and profile.quarantined == ()


def test_all_25_papers_with_their_fields(sample_bytes: bytes) -> None:
    papers = parse(sample_bytes).papers
    assert len(papers) == 25
    by_title = {p.title: p for p in papers}
    gemma2 = by_title["Gemma 2: Improving Open Language Models at a Practical Size"]
    assert (gemma2.subject_code, gemma2.category, gemma2.date) == (
        "CL",
        "cs.CL",
        dt.date(2024, 7, 31),
    )
    assert gemma2.authors == ("Gemma Team", "Morgane Riviere", "Shreya Pathak")
    assert gemma2.authors_truncated and gemma2.organizations == ("deepmind",)
    assert gemma2.abstract and gemma2.abstract.startswith("In this work, we introduce Gemma 2")
    gemini25 = next(p for p in papers if p.title.startswith("Gemini 2.5"))
    assert gemini25.organizations == ("amazon-science", "baidu")
    copycat = by_title["CopyCAT: Taking Control of Neural Policies with Constant Attacks"]
    assert copycat.authors == ("Léonard Hussenot", "Matthieu Geist", "Olivier Pietquin")
    assert not copycat.authors_truncated
    assert {p.title for p in papers if p.has_code} == {
        "WARP: On the Benefits of Weight Averaged Rewarded Policies",
        "Continuous Control with Action Quantization from Demonstrations",
    }
    medgemma = by_title["MedGemma Technical Report"]
    assert (medgemma.subject_code, medgemma.category) == ("AI", "cs.AI")
    assert sum(p.category == "cs.LG" for p in papers) == 17
    assert sum(p.category == "cs.CL" for p in papers) == 7
    assert all(p.abstract for p in papers)
    assert papers[0].line == 12 and papers[-1].line == 180


def test_crlf_blank_lines_and_trailing_spaces_change_nothing(sample_bytes: bytes) -> None:
    original = parse(sample_bytes)
    messy = sample_bytes.replace(b"\n", b"  \r\n\r\n")
    again = parse(messy)
    assert again.papers[5].title == original.papers[5].title
    assert [(p.title, p.authors, p.date, p.abstract) for p in again.papers] == [
        (p.title, p.authors, p.date, p.abstract) for p in original.papers
    ]


def test_impossible_date_quarantines_only_that_paper(sample_bytes: bytes) -> None:
    broken = sample_bytes.replace(b"LGJul 19, 2024\n", b"LGFeb 30, 2024\n")
    profile = parse(broken, source="broken.txt")
    assert len(profile.papers) == 24
    [bad] = profile.quarantined
    assert bad.line == 19 and "impossible date" in bad.reason
    assert "BOND" in bad.text
    assert profile.warnings == ()  # 25 blocks are still listed: no count mismatch


def test_a_paper_dated_after_the_page_was_retrieved_is_quarantined(sample_bytes: bytes) -> None:
    """REPRODUCED: ``LGJul 19, 9999`` loaded a paper issued in the year 9999 (and ``Nov 28,
    2026`` one dated two days after the page was read on Nov 26). A day ahead of the
    retrieval's UTC day is still read (a page's day may be a time zone ahead); year 0001 is a
    date (no bound below is drawn)."""
    page = sample_bytes.replace(b"LGJul 19, 2024", b"LGJul 19, 9999").replace(
        b"LGJul 22, 2024", b"LGNov 28, 2026"
    )
    page = page.replace(b"CLSep 14, 2022", b"CLNov 27, 2026").replace(
        b"CLJul 7, 2025", b"CLJan 1, 0001"
    )
    profile = parse(page, "p.txt")
    assert [(q.line, q.reason) for q in profile.quarantined] == [
        (
            19,
            "date 'Jul 19, 9999' is after the page was retrieved (2026-11-26): no paper is "
            "dated so",
        ),
        (
            26,
            "date 'Nov 28, 2026' is after the page was retrieved (2026-11-26): no paper is "
            "dated so",
        ),
    ]
    assert {p.line: p.date.isoformat() for p in profile.papers if p.line in (40, 47)} == {
        40: "2026-11-27",
        47: "0001-01-01",
    }
    assert len(profile.papers) == 23


def test_unreadable_date_is_quarantined_not_merged(sample_bytes: bytes) -> None:
    broken = sample_bytes.replace(b"LGJul 19, 2024\n", b"LGJul 2024\n")
    profile = parse(broken)
    assert [q.line for q in profile.quarantined] == [19]
    assert "unreadable paper date" in profile.quarantined[0].reason
    assert len(profile.papers) == 24


def test_a_title_with_a_month_inside_a_word_is_a_title() -> None:
    """CONSTRUCTED: titles and an abstract line where a month's letters end a word
    (``SuperMario 64``, ``AlphaDecoder 2``) or a word is glued to a month (``ProMarch 2``).
    Before, each was read as the start of a paper with an unreadable date: all three papers
    were quarantined, as six blocks ('page states 3 papers but lists 6')."""
    page = (
        "A Person\n\nLG\nh-index1\n\n3 Papers\n\n"
        "LGJan 1, 2020\nSuperMario 64 as a benchmark\nA, B\n\n"
        "CVDec 3, 2021Code\nAlphaDecoder 2: decoding\nC, D\nWe play.\n\nSuperMario 64 levels\n\n"
        "ROSept. 2, 2022\nProMarch 2 Protocol\nE\n"
    )
    profile = parse(page.encode())
    assert [(p.line, p.title, p.date.isoformat()) for p in profile.papers] == [
        (8, "SuperMario 64 as a benchmark", "2020-01-01"),
        (12, "AlphaDecoder 2: decoding", "2021-12-03"),
        (19, "ProMarch 2 Protocol", "2022-09-02"),
    ]
    assert profile.papers[1].abstract == "We play.\n\nSuperMario 64 levels"
    assert (profile.quarantined, profile.warnings) == ((), ())


def test_a_broken_paper_start_where_a_title_goes_is_still_a_paper_start() -> None:
    """A block that lost its title and author line before a paper whose date is unreadable:
    both are quarantined, the second's line never read as the first's title."""
    page = "A Person\n\nLG\nh-index1\n\n2 Papers\n\nLGJan 1, 2020\nLGJul 2024\nT\nA, B\n"
    profile = parse(page.encode())
    assert profile.papers == ()
    assert [(q.line, q.reason) for q in profile.quarantined] == [
        (8, "paper block has no author line after its title"),
        (9, "unreadable paper date 'Jul 2024'"),
    ]


@pytest.mark.parametrize("space", [" ", "  ", "\t", "\u00a0", " - ", ": ", " \u00b7 ", " \u2014 "])
def test_a_code_written_apart_from_its_date_starts_its_paper(
    sample_bytes: bytes, space: str
) -> None:
    """REPRODUCED: ``CL Jul 31, 2024`` (the first paper) and ``LG Jun 24, 2024Code`` (the
    tenth) with white space (or a dash, colon or middle dot) between code and date. Before,
    the first was 'text before the first paper' and the whole page refused; the tenth was read
    as more of the ninth paper's abstract, its title, authors and abstract with it (24
    papers, no word of it)."""
    spaced = sample_bytes.replace(b"CLJul 31, 2024\n", f"CL{space}Jul 31, 2024\n".encode())
    spaced = spaced.replace(b"LGJun 24, 2024Code\n", f"LG{space}Jun 24, 2024Code\n".encode())
    profile = parse(spaced)
    assert [(p.line, p.subject_code, p.date, p.has_code, p.title) for p in profile.papers] == [
        (p.line, p.subject_code, p.date, p.has_code, p.title) for p in parse(sample_bytes).papers
    ]
    assert (profile.quarantined, profile.warnings) == ((), ())


def test_a_code_apart_from_an_impossible_date_quarantines_only_that_paper(
    sample_bytes: bytes,
) -> None:
    profile = parse(sample_bytes.replace(b"CLJul 31, 2024\n", b"CL Feb 30, 2024\n"))
    assert len(profile.papers) == 24
    assert [(q.line, q.reason[:30]) for q in profile.quarantined] == [
        (12, "impossible date 'Feb 30, 2024'")
    ]


@pytest.mark.parametrize("first", ["CL|Jul 31, 2024", "QX Jul 31, 2024", "CL 31 Jul 2024"])
def test_an_unreadable_first_paper_line_quarantines_that_paper(
    sample_bytes: bytes, first: str
) -> None:
    """REPRODUCED: the first paper's line unreadable (another separator, an unknown code apart
    from its date, another date order). Before, 'text before the first paper' refused the whole
    page; now that paper is quarantined, naming its line, and the other 24 load."""
    profile = parse(sample_bytes.replace(b"CLJul 31, 2024", first.encode(), 1), "p.txt")
    assert [p.line for p in profile.papers] == [p.line for p in parse(sample_bytes).papers][1:]
    [stray] = profile.quarantined
    assert (stray.source, stray.line, stray.reason) == (
        "p.txt",
        12,
        f"text before the first paper: {first!r}",
    )
    assert stray.text.startswith(f"{first}\nGemma 2: Improving Open Language Models")
    assert profile.warnings == ("p.txt: page states 25 papers but lists 24",)


def test_text_before_the_first_paper_is_kept_whole_and_bounded() -> None:
    """Every line between the heading and the first paper is in the one quarantined record,
    up to ``[limits] literal_bytes`` (a page of a million such lines is not held)."""
    page = "A Person\n\nLG\nh-index1\n\n1 Papers\n\nstray\nmore\n\nyet more\nLGJan 1, 2020\nT\nA\n"
    profile = parse(page.encode())
    assert [p.title for p in profile.papers] == ["T"]
    assert [(q.line, q.text) for q in profile.quarantined] == [(8, "stray\nmore\nyet more")]
    flood = "A Person\n\nLG\nh-index1\n\n1 Papers\n" + "x\n" * 1_000_000 + "LGJan 1, 2020\nT\nA\n"
    flooded = parse(flood.encode())
    assert [p.title for p in flooded.papers] == ["T"]
    [stray] = flooded.quarantined
    assert stray.line == 7 and "[clipped: " in stray.text


def test_prose_with_a_date_apart_from_a_word_stays_text() -> None:
    """A title and abstract lines that read as a word apart from a date (no known code, or no
    readable date) are no paper start."""
    page = (
        "A Person\n\nLG\nh-index1\n\n2 Papers\n\n"
        "LGJan 1, 2020\nAttention Mar 3, 2020\nA, B\nAI May 3 agents\n\nPublished Jan 5, 2024\n"
        "LG Jan 2, 2020\nCL Jul 2024 in 2 parts\nC\nUpdated: Jan 5, 2024\n"
    )
    profile = parse(page.encode())
    assert [(p.line, p.title, p.abstract) for p in profile.papers] == [
        (8, "Attention Mar 3, 2020", "AI May 3 agents\n\nPublished Jan 5, 2024"),
        (14, "CL Jul 2024 in 2 parts", "Updated: Jan 5, 2024"),
    ]
    assert (profile.quarantined, profile.warnings) == ((), ())


@pytest.mark.parametrize(
    "metrics",
    [
        "h-index 3\n2 papers\n12 citations\n",  # the count among the metrics
        "h-index 3\n12 citations\n2 papers\n",  # the count last, just above the heading
    ],
)
def test_a_paper_count_written_with_a_space_is_a_metric(metrics: str) -> None:
    """CONSTRUCTED: the metrics with a space between number and label, as the metric patterns
    allow (a page taken from HTML). Before, ``2 papers`` was read as the papers heading: the
    line after it was 'text before the first paper', the whole page refused."""
    page = f"A Person\n\nLG\n{metrics}\n1 Papers\n\nLGJan 1, 2020\nT\nA, B\n"
    profile = parse(page.encode())
    assert (profile.metrics.h_index, profile.metrics.papers, profile.metrics.citations) == (
        3,
        2,
        12,
    )
    assert profile.stated_paper_count == 1 and [p.title for p in profile.papers] == ["T"]
    assert (profile.quarantined, profile.warnings) == ((), ())


def test_paper_without_author_line_is_quarantined() -> None:
    page = (
        "A Person\n\nLG\nh-index1\n\n2 Papers\n\n"
        "LGJan 1, 2020\nLonely title\n\nLGJan 2, 2020\nT\n\nA, B\n"
    )
    profile = parse(page.encode())
    assert [p.title for p in profile.papers] == ["T"]
    assert profile.quarantined[0].line == 8
    assert "no author line" in profile.quarantined[0].reason


def test_count_mismatch_is_a_warning(sample_bytes: bytes) -> None:
    profile = parse(sample_bytes.replace(b"25 Papers", b"26 Papers"), source="p.txt")
    assert len(profile.papers) == 25
    assert "p.txt: page states 26 papers but lists 25" in profile.warnings


def test_unknown_subject_code_is_kept_and_warned(sample_bytes: bytes) -> None:
    profile = parse(sample_bytes.replace(b"CLJul 31, 2024", b"QXJul 31, 2024"), source="p.txt")
    paper = profile.papers[0]
    assert (paper.subject_code, paper.category) == ("QX", None)
    assert any("unknown subject code 'QX'" in w for w in profile.warnings)


def test_a_novelty_over_a_hundred_percent_is_left_out_and_warned(sample_bytes: bytes) -> None:
    """REPRODUCED: ``Novelty999%`` was read and stored as a novelty of 999 %."""
    profile = parse(sample_bytes.replace(b"Novelty49%", b"Novelty999%"), source="p.txt")
    assert (profile.metrics.novelty_percent, profile.metrics.h_index) == (None, 117)
    assert profile.warnings == ("p.txt:7: novelty 999% is over 100%: left out",)
    assert parse(sample_bytes.replace(b"Novelty49%", b"Novelty100%")).metrics.novelty_percent == 100


def test_thousands_separators_in_metrics() -> None:
    page = "X Y\n\nCV\nh-index1,234\n12,345papers\n1,234,567citations\n\n0 Papers\n"
    profile = parse(page.encode())
    assert (profile.metrics.h_index, profile.metrics.papers, profile.metrics.citations) == (
        1234,
        12345,
        1234567,
    )
    assert profile.papers == ()


MARKED = [  # CONSTRUCTED: the real sample saved in each encoding, its mark (if any) first
    ("utf-8 mark", codecs.BOM_UTF8, "utf-8"),
    ("utf-16le mark", codecs.BOM_UTF16_LE, "utf-16-le"),
    ("utf-16be mark", codecs.BOM_UTF16_BE, "utf-16-be"),
    ("utf-32le mark", codecs.BOM_UTF32_LE, "utf-32-le"),
    ("utf-32be mark", codecs.BOM_UTF32_BE, "utf-32-be"),
    ("utf-16le unmarked", b"", "utf-16-le"),
    ("utf-16be unmarked", b"", "utf-16-be"),
]


@pytest.mark.parametrize(("name", "mark", "codec"), MARKED, ids=[m[0] for m in MARKED])
def test_a_page_in_utf16_or_utf32_is_decoded_and_its_bytes_archived_as_they_came(
    name: str, mark: bytes, codec: str, sample_bytes: bytes, tmp_path: Path
) -> None:
    """REPRODUCED: the sample saved as UTF-16 (with a byte-order mark or without: its start
    every other byte NUL) was refused, "UTF-16 text (its byte-order mark), not UTF-8: save it
    as UTF-8"; with a UTF-32 mark, as "not UTF-8 text". A mark says what the page is; UTF-16
    without one is read where its start shows it (in UTF-8 a NUL is no text). The page loads
    as the UTF-8 one does, and the archive keeps the bytes as they came."""
    data = mark + sample_bytes.decode().encode(codec)
    page = tmp_path / "page.txt"
    page.write_bytes(data)
    archive = RawArchive(tmp_path / "raw")
    with HttpClient(archive, fast_policy()) as http:
        archived = fetch_profile(str(page), archive, http)
    assert archived is not None and archived.read_bytes() == data
    profile = parse_archived_profile(archived, CODES)
    utf8 = parse(sample_bytes, source=str(page))
    assert profile.content_sha256 == hashlib.sha256(data).hexdigest()
    assert (profile.name, profile.metrics, profile.papers) == (
        utf8.name,
        utf8.metrics,
        utf8.papers,
    )
    assert (profile.quarantined, profile.warnings, len(profile.papers)) == ((), (), 25)


def _offset_and_line(page: bytes, needle: bytes) -> tuple[int, int]:
    at = page.index(needle)
    return at, page[:at].count(b"\n") + 1


def test_a_page_in_latin1_windows1252_or_mixed_is_refused_at_its_byte(
    sample_bytes: bytes,
) -> None:
    """CONSTRUCTED: the sample saved as Latin-1, as Windows-1252 (a curly apostrophe, 0x92,
    in a title), and in UTF-8 with one title in Latin-1 (mixed). No byte shows which
    single-byte encoding a page is in: each is one line naming the page, the line and the
    byte's offset and value (before: the line only, "not UTF-8 text (wrong encoding?)")."""
    text = sample_bytes.decode()
    latin1 = text.encode("latin-1", "replace")
    with pytest.raises(ParseError) as caught:
        parse(latin1, source="p.txt")
    assert str(caught.value) == (
        "p.txt:1: not UTF-8 text at byte 1 (0xe9): wrong encoding? save it as UTF-8"
    )
    title = "CopyCAT: Taking Control of Neural Policies with Constant Attacks"
    curly = text.replace(title, title.replace("Taking", "Agents\u2019 Taking"))
    cp1252 = curly.encode("ascii", "replace").replace(b"Agents?", "Agents\u2019".encode("cp1252"))
    at, line = _offset_and_line(cp1252, b"\x92")
    with pytest.raises(ParseError) as caught:
        parse(cp1252, source="p.txt")
    assert str(caught.value) == (
        f"p.txt:{line}: not UTF-8 text at byte {at} (0x92): wrong encoding? save it as UTF-8"
    )
    mixed = sample_bytes.replace(
        b"Pier Giuseppe Sessa, Robert Dadashi, L\xc3\xa9onard",
        b"Pier Giuseppe Sessa, Robert Dadashi, L\xe9onard",
    )
    at, line = _offset_and_line(mixed, b"\xe9onard Hussenot et al.")
    with pytest.raises(ParseError) as caught:
        parse(mixed, source="p.txt")
    assert str(caught.value) == (
        f"p.txt:{line}: not UTF-8 text at byte {at} (0xe9): wrong encoding? save it as UTF-8"
    )


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be", "utf-32-le"])
def test_a_page_in_utf16_or_utf32_unmarked_and_unshown_by_its_start_is_said_to_be_so(
    codec: str, sample_bytes: bytes
) -> None:
    """CONSTRUCTED: the sample with a researcher named in Chinese (张伟), saved in UTF-16 or
    UTF-32 without a byte-order mark: its start is no Latin-1 text a NUL apart, so it is read
    as UTF-8 and refused at the first byte no UTF-8 holds, 400 bytes in. Before, the line said
    only 'wrong encoding?'; the NUL bytes before that byte now say which."""
    data = sample_bytes.decode().replace("Léonard Hussenot", "张伟").encode(codec)
    with pytest.raises(ParseError) as caught:
        parse(data, source="p.txt")
    assert str(caught.value).endswith(
        ": NUL bytes before it: UTF-16 or UTF-32 without a byte-order mark? save it as UTF-8"
    )
    assert str(caught.value).startswith("p.txt:")


@pytest.mark.parametrize(
    ("codec", "mark"), [("utf-16-le", codecs.BOM_UTF16_LE), ("utf-16-be", b"")]
)
def test_a_utf16_page_cut_short_or_with_a_lone_surrogate_is_refused_at_its_byte(
    codec: str, mark: bytes, sample_bytes: bytes
) -> None:
    """CONSTRUCTED: the sample in UTF-16 with its last byte cut off, and with a lone high
    surrogate (0xD800) in place of a title's first letter: one line naming the byte."""
    data = mark + sample_bytes.decode().encode(codec)
    with pytest.raises(ParseError) as caught:
        parse(data[:-1], source="p.txt")
    lines = sample_bytes.count(b"\n")  # the cut byte is on the line after the last newline
    name = codec.upper().replace("-LE", "LE").replace("-BE", "BE")
    assert str(caught.value) == (
        f"p.txt:{lines + 1}: not {name} text at byte {len(data) - 2} "
        f"(0x{data[-2]:02x}): truncated data"
    )
    title = "CopyCAT".encode(codec)
    surrogate = data.replace(title, b"\xd8\x00"[:: 1 if codec.endswith("be") else -1] + title[2:])
    at = surrogate.index("opyCAT".encode(codec)) - 2
    before = surrogate[len(mark) : at].decode(codec)
    with pytest.raises(ParseError) as caught:
        parse(surrogate, source="p.txt")
    assert caught.value.line == before.count("\n") + 1
    assert f"text at byte {at} " in str(caught.value)
    assert "illegal" in str(caught.value) or "surrogate" in str(caught.value)


@pytest.mark.parametrize(
    ("data", "line", "message"),
    [
        (b"", 1, "empty page"),
        (b"\n\n   \n", 1, "empty page"),
        (b"<!DOCTYPE html>\n<html><body>Not found</body></html>\n", 1, "looks like HTML"),
        (b"\n\n<html>\n", 3, "looks like HTML"),
        ("Léonard\n\n1 Papers\n".encode("latin-1"), 1, "not UTF-8"),
        (b"Just some text\nwith no heading\n", 2, "no 'N Papers' heading"),
        # CONSTRUCTED: 5 000 digits, past what Python reads as a number (ValueError escaped)
        (b"X Y\nCV\nh-index" + b"9" * 5000 + b"\n0 Papers\n", 3, "a number no profile holds"),
        (b"X Y\nCV\n" + b"9" * 5000 + b" Papers\n", 3, "a number no profile holds"),
    ],
)
def test_not_a_profile_is_a_parse_error_with_source_and_line(
    data: bytes, line: int, message: str
) -> None:
    with pytest.raises(ParseError) as caught:
        parse(data, source="bad.txt")
    assert caught.value.line == line
    assert str(caught.value).startswith(f"bad.txt:{line}: ")
    assert message in str(caught.value)


def test_content_hash_is_sha256_of_the_bytes(sample_bytes: bytes) -> None:
    assert parse(sample_bytes).content_sha256 == (
        "89331bcba7cef96aa0754a05b2d82e7577b1739e2c422b9ac38a8f3b47904368"
    )


@pytest.mark.parametrize(
    ("first", "what"),
    [
        ("h-index5", "h-index"),  # as the page writes it: label and number glued
        ("h-index 5", "h-index"),
        ("12papers", "papers"),
        ("3,100citations", "citations"),
        ("Novelty40%", "novelty_percent"),
        ("AI Score20", "ai_score"),
    ],
)
def test_a_metric_line_where_the_name_belongs_is_no_name(first: str, what: str) -> None:
    """A page whose name line is missing starts its header with a metric: a parse error naming
    the source and the line, never a researcher called ``h-index5`` (its h-index lost)."""
    page = f"\n{first}\nCV\nh-index30\n4papers\n\n0 Papers\n"
    with pytest.raises(ParseError) as caught:
        parse(page.encode(), source="bad.txt")
    assert str(caught.value).startswith("bad.txt:2: ")
    assert "no researcher name" in str(caught.value) and repr(first) in str(caught.value)
    assert what.replace("_", " ").split()[0] in str(caught.value).lower()


def test_the_metrics_are_kept_as_stated_and_a_negative_one_is_no_count(
    sample_bytes: bytes,
) -> None:
    """The real sample states h-index 117, 25 papers and 11,030 citations: an h-index above
    the papers count, and its square (13,689) above the citations, which no one set of papers
    allows (h papers of h citations each). The page's numbers count different sets (its
    papers those it lists, its h-index all of them), so neither is refused nor warned of.
    CONSTRUCTED: a negative h-index or citations count is no count: one warning naming the
    page and line, the metric left out (the others kept)."""
    assert parse(sample_bytes).warnings == ()
    page = sample_bytes.replace(b"h-index117", b"h-index-5").replace(b"11,030c", b"-3c")
    profile = parse(page, source="p.txt")
    m = profile.metrics
    assert (m.h_index, m.papers, m.citations, len(profile.papers)) == (None, 25, None, 25)
    assert profile.warnings == (
        "p.txt:4: unrecognised header line 'h-index-5'",
        "p.txt:6: unrecognised header line '-3citations'",
    )


def test_h_index_glued_to_its_number_is_the_h_index() -> None:
    page = "X Y\nCV\nh-index5\n0 Papers\n"
    profile = parse(page.encode())
    assert (profile.name, profile.metrics.h_index, profile.warnings) == ("X Y", 5, ())


@pytest.mark.parametrize(
    ("old", "new", "line", "field"),
    [
        (b"BOND: Aligning", b"BOND:\x7f Aligning", 20, "title"),
        (b"BOND: Aligning", "BOND:\x80 Aligning".encode(), 20, "title"),
        (b"LLMs with Best-of-N Distillation", b"LLMs with Best-of-N Distillation\x1c", 20, "title"),
        (b"Pier Giuseppe", b"Pier\x00 Giuseppe", 22, "authors"),
        (b"Pier Giuseppe", "Pier\x9f Giuseppe".encode(), 22, "authors"),
        (b"Reinforcement learning", b"Reinforcement\x1b learning", 24, "abstract"),
    ],
)
def test_a_control_character_quarantines_its_paper_naming_field_and_line(
    sample_bytes: bytes, old: bytes, new: bytes, line: int, field: str
) -> None:
    """CONSTRUCTED from the real sample: a control character that is not white space, refused
    by every arXiv door (textcheck), quarantines the paper at the line that holds it, the reason
    naming the field and the code point; before, the profile's paper kept it in its literal
    (a trailing U+001C was even stripped as white space)."""
    profile = parse(sample_bytes.replace(old, new, 1), source="p.txt")
    char = next(c for c in new.decode() if c not in old.decode())
    assert len(profile.papers) == 24
    assert not [p for p in profile.papers if p.title.startswith("BOND")]
    [bad] = profile.quarantined
    assert (bad.source, bad.line) == ("p.txt", line)
    assert bad.reason == f"{field}: control character U+{ord(char):04X} is not text"
    assert "BOND" in bad.text


@pytest.mark.parametrize("char", ["\x7f", "\x85\x07", "\x1f", "\x90"])
def test_a_control_character_in_the_name_is_a_parse_error_at_its_line(
    sample_bytes: bytes, char: str
) -> None:
    name = "Léonard Hussenot\n"
    page = sample_bytes.replace(name.encode(), name.replace(" ", char).encode(), 1)
    bad = char.replace("\x85", "")
    with pytest.raises(ParseError) as caught:
        parse(page, source="p.txt")
    assert str(caught.value) == f"p.txt:1: name: control character U+{ord(bad):04X} is not text"


def test_white_space_controls_in_a_profile_stay_accepted(sample_bytes: bytes) -> None:
    """Tab and NEXT LINE are white space (as in the arXiv doors): the paper loads."""
    page = sample_bytes.replace(b"BOND: Aligning", "BOND:\t\x85Aligning".encode(), 1)
    profile = parse(page)
    assert profile.quarantined == () and len(profile.papers) == 25


@pytest.mark.parametrize("rest", ["h-index5\n3papers\n", "", "h-index5\nSomething else\n"])
def test_a_subject_code_where_the_name_belongs_is_no_name(rest: str) -> None:
    """A page lists name, subject code, metrics. One whose only text line above the metrics is
    a known subject code (``SE``) lacks its name line: a parse error at that line, never a
    researcher called 'SE' (before, the page built one, and lost its subject code)."""
    page = f"\nSE\n{rest}\n0 Papers\n"
    with pytest.raises(ParseError) as caught:
        parse(page.encode(), source="bad.txt")
    assert str(caught.value) == (
        "bad.txt:2: no researcher name: the first line 'SE' is the page's subject code (cs.SE), "
        "not a name"
    )


@pytest.mark.parametrize(
    ("page", "name", "code"),
    [
        ("Mausam\nh-index5\n0 Papers\n", "Mausam", ""),  # one-word name, no code line: a name
        ("QX\nh-index5\n0 Papers\n", "QX", ""),  # not a subject code the config knows
        ("SE\nLG\nh-index5\n0 Papers\n", "SE", "LG"),  # the code line is there: line 1 is the name
        ("Se\nh-index5\n0 Papers\n", "Se", ""),  # codes are matched as written
    ],
)
def test_a_short_name_stays_a_name(page: str, name: str, code: str) -> None:
    profile = parse(page.encode())
    assert (profile.name, profile.subject_code) == (name, code)


def test_a_vertical_tab_or_form_feed_folds_to_one_space(sample_bytes: bytes) -> None:
    """CONSTRUCTED: the arXiv doors fold them as white space; the page parser kept them in the
    title and the names ('BOND:\\x0bAligning'), which no XML serialisation can write."""
    page = sample_bytes.replace(b"BOND: Aligning", b"BOND: \x0b Aligning\x0c", 1)
    page = page.replace(b"Pier Giuseppe", b"Pier\x0b\x0cGiuseppe", 1)
    page = page.replace(b"\nLG\n", b"\nLG\x0c\n", 1)
    profile, original = parse(page), parse(sample_bytes)
    assert profile.papers[1].title == "BOND: Aligning LLMs with Best-of-N Distillation"
    assert [(p.title, p.authors) for p in profile.papers] == [
        (p.title, p.authors) for p in original.papers
    ]
    assert profile.subject_code == "LG" and profile.quarantined == ()


def test_a_page_its_server_declares_latin1_or_windows1252_is_read_so_when_no_utf8(
    sample_bytes: bytes, tmp_path: Path
) -> None:
    """CONSTRUCTED: the sample with a curly apostrophe in a title, saved as Windows-1252 and
    served as ``charset=ISO-8859-1`` (read as Windows-1252, as browsers do) or
    ``charset=windows-1252``: it loads as the UTF-8 page does, its bytes archived as they came.
    Before, it was refused as no UTF-8. The declaration is not trusted where the bytes say
    otherwise: the UTF-8 page labelled ISO-8859-1 (a server's common default) is read as UTF-8,
    a page mixing UTF-8 and Latin-1 is refused, and so is one no declaration names (a file or
    ``text/plain`` alone), each at its byte; a byte Windows-1252 has no character for too."""
    title = "CopyCAT: Taking Control of Neural Policies with Constant Attacks"
    text = sample_bytes.decode().replace(title, title.replace("Taking", "Agents\u2019 Taking"))
    text = text.encode("cp1252", "replace").decode("cp1252")  # the page as cp1252 can write it
    cp1252 = text.encode("cp1252")
    mixed = sample_bytes.replace(b"Constant Attacks", b"Constant Attacks \xe9")
    undefined = cp1252.replace(b"Taking", b"Tak\x81ing")
    pages = {
        "/latin1.txt": ("text/plain; charset=ISO-8859-1", cp1252),
        "/cp1252.txt": ('text/plain;charset="windows-1252"', cp1252),
        "/utf8.txt": ("text/plain; charset=iso-8859-1", sample_bytes),
        "/mixed.txt": ("text/plain; charset=iso-8859-1", mixed),
        "/none.txt": ("text/plain", cp1252),
        "/undefined.txt": ("text/plain; charset=windows-1252", undefined),
    }
    archive = RawArchive(tmp_path / "raw")
    read: dict[str, object] = {}
    with Pages(pages.__getitem__) as server, HttpClient(archive, fast_policy()) as http:
        for path in pages:
            archived = fetch_profile(server.base + path, archive, http)
            assert archived is not None and archived.read_bytes() == pages[path][1]
            try:
                read[path] = parse_archived_profile(archived, CODES)
            except ParseError as exc:
                read[path] = exc.message
    expected = parse(text.encode(), source="x")
    for path in ("/latin1.txt", "/cp1252.txt"):
        profile = read[path]
        assert isinstance(profile, Profile)
        assert (profile.name, profile.papers, profile.quarantined, profile.warnings) == (
            expected.name,
            expected.papers,
            (),
            (),
        )
        assert any(p.title.startswith("CopyCAT: Agents\u2019 Taking") for p in profile.papers)
    assert isinstance(read["/utf8.txt"], Profile) and read["/utf8.txt"].name == "Léonard Hussenot"
    not_utf8 = "not UTF-8 text at byte {} (0x{:02x}): wrong encoding? save it as UTF-8"
    assert read["/mixed.txt"] == not_utf8.format(mixed.index(b"\xe9"), 0xE9)
    assert read["/none.txt"] == not_utf8.format(1, 0xE9)
    at = undefined.index(b"\x81")
    assert read["/undefined.txt"] == (
        f"not Windows-1252 text at byte {at} (0x81): character maps to <undefined>"
    )


@pytest.mark.parametrize("flag", ["code", "Has code", "Code!", "Codes", "[Code]"])
def test_an_odd_code_flag_is_named_as_the_flag_not_the_date(sample_bytes: bytes, flag: str) -> None:
    """CONSTRUCTED: a readable date followed by something other than ``Code``. The paper is
    quarantined (the flag is a field we load), and the reason names the flag, not the date."""
    broken = sample_bytes.replace(b"LGJul 19, 2024\n", f"LGJul 19, 2024{flag}\n".encode())
    profile = parse(broken)
    assert [(q.line, q.reason) for q in profile.quarantined] == [
        (19, f"unreadable has-code flag {flag!r} after the date 'Jul 19, 2024' (only 'Code')")
    ]
    assert len(profile.papers) == 24
