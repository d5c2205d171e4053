"""A profile page's parse holds what it keeps of the papers, not the page's text or blocks:
pages CONSTRUCTED from the real sample (``examples/profiles/leonard-hussenot.txt``)."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys

import pytest

from samples import SAMPLE_PROFILE
from scholarkg.config import load_config
from scholarkg.errors import ParseError
from scholarkg.extract import page_text
from scholarkg.extract.profile_page import parse_profile
from scholarkg.models import Profile

WHEN = dt.datetime(2026, 12, 3, tzinfo=dt.UTC)
CODES = load_config().subject_codes

# Run in a process of its own: the sample's 25 papers repeated to ``papers`` (each title
# numbered), parsed under tracemalloc; it prints the papers and quarantined records read, the
# parse's peak and what the profile it returned still holds (its papers), in bytes.
_MEASURE = r"""
import datetime as dt, json, sys, tracemalloc
from pathlib import Path
from scholarkg.config import load_config
from scholarkg.extract.profile_page import parse_profile

sample = Path(sys.argv[1]).read_bytes()
head, _, body = sample.partition(b"25 Papers\n")
lines = body.split(b"\n")[1:]  # each paper 7 lines: its start, title, authors, abstract
blocks = [lines[at : at + 7] for at in range(0, 175, 7)]
papers, codes = int(sys.argv[2]), load_config().subject_codes
page = head + b"%d Papers\n\n" % papers + b"\n".join(
    b"\n".join([blocks[i % 25][0], b"%d " % i + blocks[i % 25][1], *blocks[i % 25][2:]])
    for i in range(papers)
)
tracemalloc.start()
when = dt.datetime(2026, 12, 3, tzinfo=dt.UTC)
profile = parse_profile(page, source="p", retrieved_at=when, subject_codes=codes)
held, peak = tracemalloc.get_traced_memory()
print(json.dumps([len(profile.papers), len(profile.quarantined), peak, held]))
"""


def _measure(papers: int) -> tuple[int, int, int, int]:
    done = subprocess.run(
        [sys.executable, "-c", _MEASURE, str(SAMPLE_PROFILE), str(papers)],
        capture_output=True,
        text=True,
        check=True,
    )
    read, quarantined, peak, held = json.loads(done.stdout)
    return read, quarantined, peak, held


def test_a_page_of_many_papers_is_parsed_in_memory_flat_in_their_number() -> None:
    """REPRODUCED: a page of 200 000 papers (19 MB) peaked at 427 MB, ~1.4 GB at the 64 MiB
    page cap: its text was decoded whole (and copied twice to fold its line breaks), and every
    paper's block held until the last was read. Measured here (tracemalloc): beyond what the
    profile keeps, the parse took 5.3 MB for 2 000 papers and 55 MB for 20 000 (10.4 times).
    Now the page is decoded 64 KiB at a time and each block read into its paper as it ends:
    0.26 MB and 0.29 MB (1.15 times) beyond what is kept (the
    list of the papers only grows, a pointer a paper)."""
    small_read, small_quarantined, small_peak, small_held = _measure(2_000)
    large_read, large_quarantined, large_peak, large_held = _measure(20_000)
    assert (small_read, small_quarantined, large_read, large_quarantined) == (2_000, 0, 20_000, 0)
    assert large_held > 9 * small_held  # what is kept of the papers grows with them
    small_over, large_over = small_peak - small_held, large_peak - large_held
    assert large_over < 2 * small_over, (small_over, large_over)  # it was 10.3 times


PIECES = [1, 2, 3, 7, 64 * 1024]


@pytest.mark.parametrize(
    ("name", "change"),
    [
        ("lf", lambda text: text.encode()),
        ("crlf", lambda text: text.replace("\n", "\r\n").encode()),
        ("cr", lambda text: text.replace("\n", "\r").encode()),
        ("utf-16", lambda text: text.replace("\n", "\r\n").encode("utf-16")),
        ("utf-32", lambda text: text.encode("utf-32")),
    ],
)
def test_a_page_read_in_pieces_of_any_size_reads_the_same(
    name: str, change: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    """CONSTRUCTED: the sample with LF, CRLF or CR line breaks, in UTF-8, UTF-16 or UTF-32,
    decoded a byte, two, three, seven or 64 KiB at a time: a line break, a CRLF or a
    character split between two pieces reads as one, and every piece size gives the same
    profile, the same lines (a paper quarantined at its line: a control character put in)."""
    text = SAMPLE_PROFILE.read_text(encoding="utf-8").replace("CopyCAT:", "Copy\x7fCAT:")
    data = change(text)  # type: ignore[operator]
    profiles: list[Profile] = []
    for size in PIECES:
        monkeypatch.setattr(page_text, "_PIECE", size)
        profiles.append(parse_profile(data, source="p", retrieved_at=WHEN, subject_codes=CODES))
    assert all(profile == profiles[0] for profile in profiles), name
    [bad] = profiles[0].quarantined
    lines = text.split("\n")
    assert (bad.line, len(profiles[0].papers)) == (
        next(n for n, line in enumerate(lines, 1) if "Copy\x7fCAT" in line),
        24,
    )


def test_bytes_no_text_are_found_at_their_byte_whatever_the_piece(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """CONSTRUCTED: a Latin-1 byte in the last abstract, and a UTF-8 character cut short at
    the page's end: the byte offset and line are the same whatever piece it falls in."""
    data = SAMPLE_PROFILE.read_bytes()
    latin1 = data.replace(b"realistic settings", b"r\xe9alistic settings")
    at = latin1.index(b"\xe9")
    line = latin1[:at].count(b"\n") + 1
    cut = data + "é".encode()[:1]
    last = data.count(b"\n") + 1
    for size in PIECES:
        monkeypatch.setattr(page_text, "_PIECE", size)
        said = []
        for page in (latin1, cut):
            with pytest.raises(ParseError) as caught:
                parse_profile(page, source="p", retrieved_at=WHEN, subject_codes=CODES)
            said.append(str(caught.value))
        assert said == [
            f"p:{line}: not UTF-8 text at byte {at} (0xe9): wrong encoding? save it as UTF-8",
            f"p:{last}: not UTF-8 text at byte {len(data)} (0xc3): wrong "
            "encoding? save it as UTF-8",
        ], size
