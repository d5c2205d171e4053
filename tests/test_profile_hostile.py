"""The profile-page door under hostile input: every page CONSTRUCTED from the real sample
(``examples/profiles/leonard-hussenot.txt``), each test saying what it changed.

Work a hostile page could make quadratic runs under a CPU budget (:mod:`cpu_budget`): some
hundred times what the work needs, hours below what the quadratic work took.
"""

from __future__ import annotations

import datetime as dt
import os
import threading
import tracemalloc
from pathlib import Path

import pytest

from arxiv_replay import fast_policy
from building import rows, run_cli
from conftest import write_config
from cpu_budget import ends_within
from samples import SAMPLE_PROFILE
from scholarkg.config import load_config
from scholarkg.errors import ConfigError, ExtractError, ParseError
from scholarkg.extract.http import HttpClient
from scholarkg.extract.profile_page import parse_profile
from scholarkg.extract.profiles import fetch_profile
from scholarkg.extract.raw_archive import RawArchive
from scholarkg.identity import names
from scholarkg.models import Profile

WHEN = dt.datetime(2026, 12, 3, tzinfo=dt.UTC)
CODES = load_config().subject_codes
SAMPLE = SAMPLE_PROFILE.read_text(encoding="utf-8")
FIRST_ABSTRACT = "In this work, we introduce Gemma 2"
BOND_AUTHORS = "Pier Giuseppe Sessa, Robert Dadashi, Léonard Hussenot et al."
HANG = 120  # seconds a blocked call is given before the test unblocks it and fails
SKG = "PREFIX skg: <https://w3id.org/scholarkg/ontology#> "
RUN = 900_000  # white space inside one line: under [limits] literal_bytes (1 MiB)


def parse(page: str) -> Profile:
    return parse_profile(page.encode(), source="p.txt", retrieved_at=WHEN, subject_codes=CODES)


def test_a_line_with_a_long_run_of_white_space_is_read_in_linear_time() -> None:
    """CONSTRUCTED: the first abstract with 900 000 spaces between two of its words (and, on
    another page, a vertical tab inside the run). Trimming each line's ends backtracked over
    every such run: quadratic, hours for this page of 1 MB."""
    rest = "work, we introduce Gemma 2"
    page = SAMPLE.replace(FIRST_ABSTRACT, "In this" + " " * RUN + rest)
    broken = SAMPLE.replace(FIRST_ABSTRACT, "In this" + " " * RUN + "\x0b" + rest)
    assert ends_within(60, lambda: (parse(page), parse(broken))) is None
    [first, *_] = parse(page).papers
    assert first.abstract is not None and " " * RUN in first.abstract
    [folded, *_] = parse(broken).papers
    assert folded.abstract == parse(SAMPLE).papers[0].abstract


def test_an_author_line_with_a_long_run_of_white_space_is_read_in_linear_time() -> None:
    """CONSTRUCTED: BOND's author line with 900 000 spaces after a comma; looking for its
    closing ``et al.`` backtracked over the run from each of its places."""
    spaced = BOND_AUTHORS.replace("Sessa, ", "Sessa," + " " * RUN)
    page = SAMPLE.replace(BOND_AUTHORS, spaced)
    assert ends_within(60, lambda: parse(page)) is None
    bond = parse(page).papers[1]
    assert bond.authors == ("Pier Giuseppe Sessa", "Robert Dadashi", "Léonard Hussenot")
    assert bond.authors_truncated


def read_aside(
    location: str, archive: RawArchive, **policy: float
) -> tuple[list[str], threading.Thread]:
    """``fetch_profile(location)`` on a thread given ``HANG`` seconds: the errors it said, and
    the thread (still alive: the read blocked)."""
    said: list[str] = []

    def read() -> None:
        with HttpClient(archive, fast_policy(**policy)) as http:
            try:
                fetch_profile(location, archive, http)
            except ExtractError as exc:
                said.append(str(exc))

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    reader.join(HANG)
    return said, reader


def test_a_named_pipe_is_refused_without_waiting_for_a_writer(tmp_path: Path) -> None:
    """A FIFO as the page: opening it waited for a writer, for ever. (``HANG`` only bounds the
    wait of the test: the refusal takes no waiting at all.)"""
    fifo = tmp_path / "page.txt"
    os.mkfifo(fifo)
    archive = RawArchive(tmp_path / "raw")
    said, reader = read_aside(str(fifo), archive)
    waited = reader.is_alive()
    if waited:  # a writer that writes nothing lets the blocked reader end
        with fifo.open("wb"):
            pass
        reader.join()
    assert not waited, "waited for a writer"
    assert said == [f"{fifo}: a named pipe (FIFO), not a file: a profile page is read whole "
                    "from a file or an http(s) URL"]  # fmt: skip
    assert list(archive.retrievals()) == []


def test_a_terminal_that_sends_nothing_is_refused_after_the_read_timeout(tmp_path: Path) -> None:
    """A terminal as the page (a pseudo-terminal's far end; ``/dev/ptmx`` opens one): it sent
    a line, then nothing, and its read waited for more, for ever. Each wait for more is
    bounded by ``[http] read_timeout``. (``HANG`` only bounds the wait of the test.)"""
    near, far = os.openpty()
    archive = RawArchive(tmp_path / "raw")
    terminal = os.ttyname(far)
    os.write(near, b"Ann Smith\n")
    said, reader = read_aside(terminal, archive, read_timeout=0.5)
    waited = reader.is_alive()
    os.close(near)  # a closed near end ends a blocked read of the far one
    reader.join()
    os.close(far)
    assert not waited, "waited for the terminal for ever"
    assert said == [f"{terminal}: a character device that sent nothing more for 0.5 s ([http] "
                    "read_timeout): a profile page is read whole from a file or an http(s) "
                    "URL"]  # fmt: skip
    assert list(archive.retrievals()) == []


def test_a_config_path_that_is_a_symlink_loop_is_a_config_error(tmp_path: Path) -> None:
    os.symlink("loop-b", tmp_path / "loop-a")
    os.symlink("loop-a", tmp_path / "loop-b")
    with pytest.raises(ConfigError) as caught:
        load_config(tmp_path / "loop-a")
    assert str(caught.value).startswith(f"{tmp_path / 'loop-a'}: ")
    assert "Too many levels of symbolic links" in str(caught.value)


def _no_pages(tmp_path: Path) -> list[Path]:
    """A symlink loop, a directory, a FIFO and a missing file under ``tmp_path``."""
    os.symlink("loop-b", tmp_path / "loop-a")
    os.symlink("loop-a", tmp_path / "loop-b")
    os.mkfifo(tmp_path / "fifo.txt")
    (tmp_path / "folder").mkdir()
    return [tmp_path / "loop-b", tmp_path / "folder", tmp_path / "fifo.txt", tmp_path / "none"]


@pytest.mark.flow
def test_paths_that_are_no_page_fail_alone_in_one_line_each(tmp_path: Path) -> None:
    """A symlink loop (in the config, relative and absolute), a directory, a FIFO and a
    missing file: each one ``failed:`` line naming it, the sample page built, exit 1. Before,
    a symlink loop was a traceback and nothing was built. (Given with --profile they are a
    usage error before anything runs: the test below; before: they were given there, and the
    whole build ran before each failed.)"""
    bad = _no_pages(tmp_path)
    config = write_config(tmp_path, ["loop-a", SAMPLE_PROFILE, *bad])
    done = run_cli(config)
    assert "Traceback" not in done.stderr + done.stdout, done.stderr
    assert done.returncode == 1
    failed = [line for line in done.stdout.splitlines() if line.startswith("failed:")]
    assert sorted(line.split()[1] for line in failed) == sorted(
        f"{path}:" for path in [tmp_path / "loop-a", *bad]
    )
    assert "profiles: 1 built, 0 unchanged (skipped), 5 failed" in done.stdout
    assert "papers: 25 listed, 0 quarantined" in done.stdout
    listed = "SELECT (COUNT(DISTINCT ?p) AS ?n) WHERE { ?s skg:listsPaper ?p }"
    assert rows(load_config(config), SKG + listed) == [{"n": "25"}]


@pytest.mark.parametrize("which", ["loop-b", "folder", "fifo.txt", "none", "unreadable"])
def test_a_profile_path_that_is_no_readable_file_is_a_usage_error(
    tmp_path: Path, which: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """``scholarkg run --profile PATH`` with no readable file at PATH: exit 2, the usage and one
    line naming the path, before anything runs (before: every configured profile was built,
    then that one failed: exit 1 after the whole run)."""
    from scholarkg.cli import main

    _no_pages(tmp_path)
    (tmp_path / "unreadable").write_text("Jane Doe\n", encoding="utf-8")
    (tmp_path / "unreadable").chmod(0)
    if which == "unreadable" and os.access(tmp_path / "unreadable", os.R_OK):
        pytest.skip("this user reads any file (root)")
    config = write_config(tmp_path, [SAMPLE_PROFILE])
    path = tmp_path / which
    with pytest.raises(SystemExit) as done:
        main(["run", "--profile", str(path), "--config", str(config)])
    assert done.value.code == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    lines = captured.err.splitlines()
    assert lines[0].startswith("usage: scholarkg run ")
    says = {
        "loop-b": "Too many levels of symbolic links",
        "folder": "a directory, not a file",
        "fifo.txt": "a named pipe (FIFO), not a file",
        "none": "No such file or directory",
        "unreadable": "not readable (Permission denied)",
    }[which]
    assert lines[-1].startswith(f"scholarkg run: error: argument --profile: {path}: {says}")
    assert not (tmp_path / "data").exists() and not (tmp_path / "store").exists()


def test_a_long_author_name_full_of_for_is_read_in_linear_time() -> None:
    """CONSTRUCTED: an author of a profile paper (any door's) named ``Ann for for … Smith``
    (100 000 times ``for``, 400 kB: under ``[limits] literal_bytes``). Each ``for`` made the
    reading of a name written for a group look for a group in all the rest of the name:
    quadratic, 55 s at 8 000 words, hours here."""
    name = "Ann " + "for " * 100_000 + "Smith"
    group = "Ann " + "for " * 100_000 + "the ATLAS Collaboration"

    def read() -> None:
        for each in (name, group):
            names.tokens(each), names.person_part(each), names.written_for(each)

    assert ends_within(60, read) is None
    assert names.written_for(name) is None and names.person_part(name) == name
    assert names.written_for(group) == group.removeprefix("Ann for ")  # as a short one reads
    assert names.person_part(group) == "Ann"
    assert names.tokens(group) == ("ann",)


BOND_TITLE = "BOND: Aligning LLMs with Best-of-N Distillation"


@pytest.mark.parametrize(
    ("old", "new", "line"),
    [
        (f"{BOND_TITLE}\n", "", 23),  # no title line: the author line read as the title
        (f"{BOND_AUTHORS}\n", "", 23),  # no author line: the abstract read as the authors
    ],
)
def test_a_paper_missing_its_title_or_author_line_is_quarantined(
    old: str, new: str, line: int
) -> None:
    """CONSTRUCTED: BOND's title line (or author line) left out. Its author line was read as
    its title and its abstract as its authors: six persons named by sentences of it."""
    profile = parse(SAMPLE.replace(old, new, 1))
    assert len(profile.papers) == 24
    assert max(len(name.split()) for p in profile.papers for name in p.authors) <= 3
    [bad] = profile.quarantined
    assert (bad.source, bad.line) == ("p.txt", line)
    assert bad.reason.startswith("author 1 is 20 words long: no name")
    assert "title or author line missing" in bad.reason
    assert "Reinforcement learning from human feedback" in bad.text


def test_a_paper_missing_its_date_is_quarantined_not_merged_into_the_one_before() -> None:
    """CONSTRUCTED: BOND's date line cut to its subject code (``LG``). The paper's lines were
    read as more paragraphs of the abstract before, and only the count told it."""
    profile = parse(SAMPLE.replace("LGJul 19, 2024\n", "LG\n", 1))
    assert [p.abstract for p in profile.papers] == [
        p.abstract for p in parse(SAMPLE).papers if not p.title.startswith("BOND")
    ]
    [bad] = profile.quarantined
    assert (bad.line, bad.reason) == (
        19,
        "paper has no date: its line is the subject code 'LG' alone",
    )
    assert BOND_TITLE in bad.text


@pytest.mark.parametrize(
    "stamp",
    ["LG2024-07-19", "LG0000-00-00", "LG 2024-07-19", "LG - 19/07/2024", "LG2024.07.19Code"],
)
def test_a_paper_dated_in_digits_is_quarantined_not_merged_into_the_one_before(
    stamp: str,
) -> None:
    """CONSTRUCTED: BOND's date line written in digits (``LG2024-07-19``, ``LG0000-00-00``).
    The line started no block: BOND's title, authors and abstract were read as more paragraphs
    of Gemma 2's abstract, and only the count told it."""
    profile = parse(SAMPLE.replace("LGJul 19, 2024\n", stamp + "\n", 1))
    assert [p.abstract for p in profile.papers] == [
        p.abstract for p in parse(SAMPLE).papers if not p.title.startswith("BOND")
    ]
    [bad] = profile.quarantined
    assert (bad.line, bad.reason) == (19, f"unreadable paper date {stamp[2:].lstrip(' -')!r}")
    assert BOND_TITLE in bad.text
    assert not [w for w in profile.warnings if "states" in w]


def test_a_researcher_name_of_invisible_characters_is_no_name() -> None:
    """CONSTRUCTED: the name line holds only a zero-width joiner and space, or only dots. The
    page built a profile of a researcher whose name cannot be seen (key ``x``), claiming none
    of their papers. A line of invisible characters only is blank (before: ``p.txt:1: … the
    first line '\\u200d\\u200b' holds no letter or digit``), so the page's first line is its
    subject code. A name with combining accents and a joiner between Latin letters is that
    name in NFC without the joiner (before: kept as written, ``Le\\u0301onard
    Hus\\u200dsenot``)."""
    page = SAMPLE.replace("Léonard Hussenot\n", "\u200d\u200b\n", 1)
    with pytest.raises(ParseError) as caught:
        parse(page)
    assert str(caught.value) == (
        "p.txt:3: no researcher name: the first line 'LG' is the page's subject code (cs.LG), "
        "not a name"
    )
    with pytest.raises(ParseError) as caught:
        parse(SAMPLE.replace("Léonard Hussenot\n", "\u200d. .\n", 1))
    assert str(caught.value) == (
        "p.txt:1: no researcher name: the first line '\\u200d. .' holds no letter or digit"
    )
    spelled = SAMPLE.replace("Léonard Hussenot\n", "Le\u0301onard Hus\u200dsenot\n", 1)
    assert parse(spelled).name == "Léonard Hussenot"


def test_a_researcher_name_line_of_a_sentence_or_a_megabyte_is_no_name() -> None:
    """CONSTRUCTED: the name line a notice of 14 words, or the name followed by 500 000 words
    (1 MB, under ``[limits] literal_bytes``). Each built a researcher so named (an author
    of more than 12 words was already refused as a sentence); now the page is one line naming
    the words counted. Twelve words stay a name."""
    notice = "Sorry, this profile is not available right now, please come back again later today."
    for line, words in ((notice, 14), ("Léonard " + "x " * 500_000, 500_001)):
        with pytest.raises(ParseError) as caught:
            parse(SAMPLE.replace("Léonard Hussenot", line, 1))
        assert str(caught.value) == (
            f"p.txt:1: no researcher name: the first line is {words} words long "
            f"({line[:40]!r}…): a sentence, not a name"
        )
    twelve = "María de los Ángeles García de la Fuente y Pérez de Tudela"
    assert parse(SAMPLE.replace("Léonard Hussenot", twelve, 1)).name == twelve


def test_an_author_of_invisible_characters_quarantines_the_paper() -> None:
    """CONSTRUCTED: a zero-width space listed as BOND's second author: a person with no visible
    name was made. The paper is quarantined with the arXiv doors' reason for a nameless author
    (dropping the author would move the authors after it up one place)."""
    page = SAMPLE.replace("Sessa, Robert", "Sessa, \u200b, Robert", 1)
    profile = parse(page)
    [bad] = profile.quarantined
    assert (bad.line, bad.reason) == (22, "author 2 has no name")
    assert len(profile.papers) == 24


def test_a_header_of_many_unknown_lines_is_a_few_warnings_and_a_count() -> None:
    """CONSTRUCTED: 20 000 lines of junk between the subject code and the metrics. Each was a
    warning of its own: 20 000 lines on the screen and in the report (33 million for a page of
    64 MiB)."""
    page = SAMPLE.replace("LG\nh-index117", "LG\n" + "junk line\n" * 20_000 + "h-index117", 1)
    profile = parse(page)
    assert profile.metrics == parse(SAMPLE).metrics and len(profile.papers) == 25
    assert profile.warnings == (
        *(f"p.txt:{n}: unrecognised header line 'junk line'" for n in range(4, 9)),
        "p.txt: 19995 more unrecognised header lines (lines 9-20003) not listed",
    )


def _parse_peak(page: str) -> tuple[Profile, int]:
    """The parse of ``page`` and the peak of the memory it allocated (tracemalloc: counted
    allocations, not time), the page's own bytes and text not included."""
    data = page.encode()
    tracemalloc.start()
    try:
        tracemalloc.reset_peak()
        base = tracemalloc.get_traced_memory()[0]
        profile = parse_profile(data, source="p.txt", retrieved_at=WHEN, subject_codes=CODES)
        return profile, tracemalloc.get_traced_memory()[1] - base
    finally:
        tracemalloc.stop()


def test_a_page_of_millions_of_short_lines_is_not_held_line_by_line() -> None:
    """CONSTRUCTED: the sample with 1 000 000 lines ``ab`` inside the first abstract, and
    another with them in the header. Every line was held as a tuple, twice (the page's lines,
    then its blocks' or header's): 0.9 GB for 3 MB of lines, ~6 GB at the 64 MiB page limit.
    Now the abstract past ``[limits] literal_bytes`` and the header past its first 1 000 lines
    (each an unrecognised line: a header has seven) are only counted, and an abstract is held
    as one text: the parse holds about the page's text, not its lines."""
    lines = "\n".join(["ab"] * 1_000_000)
    in_abstract = SAMPLE.replace(FIRST_ABSTRACT, lines + "\n" + FIRST_ABSTRACT)
    in_header = SAMPLE.replace("\n25 Papers\n", "\n" + lines + "\n25 Papers\n", 1)
    profile, peak = _parse_peak(in_abstract)
    assert peak < 8 * len(in_abstract), peak  # it was ~90 times the page
    [(line, reason)] = [(q.line, q.reason) for q in profile.quarantined]
    assert line == SAMPLE[: SAMPLE.index(FIRST_ABSTRACT)].count("\n") + 1
    assert "the abstract is" in reason and "[limits] literal_bytes" in reason
    assert len(profile.papers) == 24 and profile.name == "Léonard Hussenot"
    profile, peak = _parse_peak(in_header)
    assert peak < 8 * len(in_header), peak
    assert len(profile.papers) == 25 and profile.metrics == parse(SAMPLE).metrics
    assert [w for w in profile.warnings if "more unrecognised header lines" in w] == [
        "p.txt: 999995 more unrecognised header lines (lines 15-1000009) not listed"
    ]
