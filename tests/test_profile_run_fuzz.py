"""A whole build of a hostile profile page: the sample (``examples/profiles/leonard-hussenot.txt``)
mutated — lines dropped, doubled, swapped, cut; a paper listed twice; control characters, NUL,
lone surrogates and bytes of no UTF-8, a byte-order mark mid-page, CR-only line ends, very long
lines, direction marks, zero-width joiners in names, tabs; metrics out of range (``h-index-1``,
``1e309``, 10**30, Arabic digits), dates that are none (Feb 30, year 0, ``9999-12-31T24:00``);
a title empty or of spaces; an abstract holding the page's own field markers — built by
:func:`scholarkg.runs.build.build` (the stages the ``build_kg`` flow of ``scholarkg run`` runs as
tasks) into an embedded store in a temporary data folder.

Whatever the page, the build ends without an exception; the page's bytes are archived; a page
refused is one failure of one line naming the page and its line, nothing of it loaded; else
every paper the page lists is in the store or quarantined with a one-line reason at its line,
and the report's counts are what the store holds (queried).

Examples: ``SCHOLARKG_HYPOTHESIS_PROFILE`` picks ``default`` (derandomized, a few builds: the
suite runs on a busy two-core machine) or ``thorough`` (200 derandomized builds, some minutes).
"""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
from collections import Counter
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from building import rows
from conftest import write_config
from no_hang import no_hang
from profile_sample import CODES, SAMPLE, encoded
from scholarkg.clients import archive_for
from scholarkg.config import Config, load_config
from scholarkg.extract.profiles import parse_archived_profile
from scholarkg.identity.names import listed_name
from scholarkg.models import Profile
from scholarkg.quarantine import read_quarantined
from scholarkg.runs.build import build
from scholarkg.runs.report import RunReport

PROFILE = os.environ.get("SCHOLARKG_HYPOTHESIS_PROFILE", "default")
EXAMPLES = {"default": 5, "thorough": 200}[PROFILE]
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
LINES = SAMPLE.split("\n")
HEADING = LINES.index("25 Papers")
DATE_LINES = [at for at, line in enumerate(LINES) if at > HEADING and line[:2] in CODES]
BLOCKS = [
    (start, end) for start, end in zip(DATE_LINES, [*DATE_LINES[1:], len(LINES)], strict=True)
]
SKG = "PREFIX skg: <https://w3id.org/scholarkg/ontology#> "

# put into a line: what is no text, what is invisible, line ends of other kinds, a lone surrogate
PIECES = [
    "\x00", "\x01", "\x1b", "\x7f", "\x85", "\x9b", "\ufffe", "\ud800", "\udc80", "\ufeff",
    "\u200b", "\u200d", "\u200e", "\u200f", "\u202e", "\u2066", "\u2028", "\t", "\r", "\x0b",
    "\xa0", " · ", ",", "et al.",
]  # fmt: skip
# put into the bytes: no UTF-8 (a lead byte alone, a surrogate, 0xff), a byte-order mark
BYTES = [b"\xff", b"\xc3", b"\xed\xa0\x80", b"\xef\xbb\xbf", b"\x80", b"\xf4\x90\x80\x80"]
NUMBERS = ["-1", "1e309", "1" + "0" * 30, "\u0661\u0662", "0", "", "1,,2", "\uff11\uff12"]
DATES = [
    "Feb 30, 2023", "Jan 1, 0", "Jan 1, 0000", "Dec 31, 9999", "2023-02-30",
    "9999-12-31T24:00", "Jul 19, 2024Code", "Jul 19, 10000", "Jul 32, 2024",
]  # fmt: skip
# put in place of a line
FIELDS = [
    *(f"h-index{n}" for n in NUMBERS),
    *(f"{n}papers" for n in NUMBERS),
    *(f"{n} Papers" for n in NUMBERS),
    *(f"{n}citations" for n in NUMBERS),
    *(f"Novelty{n}%" for n in NUMBERS),
    *(f"AI Score{n}" for n in NUMBERS),
    *(f"LG{d}" for d in DATES),
    *(f"CL {d}" for d in DATES),
    "",
    "   ",
    "\t",
    "LG",
    "Code",
    "et al.",
]
# the page's own markers, put into an abstract's line
MARKERS = [
    " h-index117 ", " 25 Papers ", " LGJul 19, 2024Code ", " · deepmind ", " et al. ",
    "\n25 Papers\n", "\nh-index5\n", "\nLGJul 19, 2024\n", "\nCode\n",
]  # fmt: skip
OPS = ["cut", "drop", "twice", "swap", "piece", "field", "long", "paper twice", "title", "marker"]
OPS += ["name", "name", "name"]  # a piece in the researcher's name or a paper's author line


def _mutate(lines: list[str], draw: st.DrawFn) -> list[str]:
    """``lines`` after one mutation drawn from ``draw``."""
    op = draw(st.sampled_from(OPS))
    at = draw(st.integers(0, len(lines) - 1))
    line = lines[at]
    cut = draw(st.integers(0, len(line)))
    if op == "cut":  # the page ends mid-line
        return [*lines[:at], line[:cut]]
    if op == "drop":
        return lines[:at] + lines[at + 1 :]
    if op == "twice":
        return [*lines[: at + 1], line, *lines[at + 1 :]]
    if op == "swap":
        other = draw(st.integers(0, len(lines) - 1))
        swapped = list(lines)
        swapped[at], swapped[other] = swapped[other], swapped[at]
        return swapped
    if op == "name":  # the researcher's name line, or a paper's author line
        authors = [0, *(start + 3 for start, end in BLOCKS if start + 3 < min(end, len(lines)))]
        at = draw(st.sampled_from(authors))
        line = lines[at]
        cut = draw(st.integers(0, len(line)))
    if op in ("piece", "name"):
        piece = draw(st.sampled_from(PIECES))
        return [*lines[:at], line[:cut] + piece + line[cut:], *lines[at + 1 :]]
    if op == "field":
        return [*lines[:at], draw(st.sampled_from(FIELDS)), *lines[at + 1 :]]
    if op == "long":  # under and over [limits] literal_bytes (1 MiB)
        size = draw(st.sampled_from([10_000, 1_100_000]))
        return [*lines[:at], (line or "x") * (size // max(len(line), 1) + 1), *lines[at + 1 :]]
    start, end = BLOCKS[draw(st.integers(0, len(BLOCKS) - 1))]
    if end > len(lines):  # the page was cut before this paper's end
        return lines
    if op == "paper twice":
        return [*lines[:end], *lines[start:end], *lines[end:]]
    if op == "title":  # the title line (after the date line) empty or of spaces
        blank = draw(st.sampled_from(["", " ", "   \t "]))
        return [*lines[: start + 1], blank, *lines[start + 2 :]]
    abstract = start + 5  # date, title, blank, authors, blank, abstract
    if abstract >= end or not lines[abstract]:
        return lines
    text = lines[abstract]
    where = draw(st.integers(0, len(text)))
    marker = draw(st.sampled_from(MARKERS))
    return [*lines[:abstract], text[:where] + marker + text[where:], *lines[abstract + 1 :]]


@st.composite
def hostile_pages(draw: st.DrawFn) -> bytes:
    lines = list(LINES)
    for _ in range(draw(st.integers(1, 6))):
        if lines:
            lines = _mutate(lines, draw)
    page = encoded(draw(st.sampled_from(["\n", "\r\n", "\r"])).join(lines))
    if draw(st.integers(0, 3)) == 0:  # bytes of no UTF-8, or a byte-order mark, anywhere
        at = draw(st.integers(0, len(page)))
        page = page[:at] + draw(st.sampled_from(BYTES)) + page[at:]
    if draw(st.integers(0, 7)) == 0:  # cut at any byte: mid-character too
        page = page[: draw(st.integers(0, len(page)))]
    return page


def _one_line(text: str) -> None:
    assert text and "\n" not in text and "\r" not in text, repr(text)


def _loaded(config: Config, page: bytes) -> Counter[tuple[str, str]]:
    """The listed papers the store holds of ``page``: the title and date of each paper's
    resolution in the profile graph of the snapshot of its bytes (a profile graph as it was
    keeps the provenance of the bytes it was first built from)."""
    found = rows(
        config,
        SKG + "SELECT ?t ?d { GRAPH ?s { ?s skg:sourceContentHash ?hash }"
        f' FILTER (?hash = "sha256:{_sha(page)}" && CONTAINS(STR(?s), "/snapshot/"))'
        ' BIND (IRI(REPLACE(STR(?s), "/snapshot/[^/]*$", "")) AS ?g)'
        " GRAPH ?g { ?r a skg:Resolution ; skg:titleAsListed ?t ; skg:dateAsListed ?d } }",
    )
    return Counter((row["t"], row["d"]) for row in found)


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _quads(config: Config) -> int:
    [row] = rows(config, "SELECT (COUNT(*) AS ?n) { GRAPH ?g { ?s ?p ?o } }")
    return int(row["n"])


def _refused(config: Config, report: RunReport, path: Path, page: bytes) -> None:
    """A page refused: one failure of one line naming the page and a line, nothing loaded."""
    [(location, message)] = report.failures
    _one_line(message)
    assert location == str(path) and message.startswith(f"{path}:"), message
    line = message.removeprefix(f"{path}:").split(":", 1)[0]
    assert line.isdigit() and int(line) >= 1, message
    assert report.papers == 0 and not report.sources_built
    if config.store.path.exists():
        assert not _loaded(config, page)


def _built(config: Config, report: RunReport, profile: Profile, page: bytes) -> None:
    """Every paper in the store or quarantined at its line with a one-line reason; the
    report's counts the store's."""
    assert not report.failures, report.failures
    assert not report.rejected, report.rejected
    kept = read_quarantined(config.quarantine_dir).records  # arXiv is off: listed papers all
    lines = len(re.split(rb"\r\n|\r|\n", page))
    for record in kept:  # at a line of the page
        assert record.source == profile.source and 1 <= record.line <= lines, record
        _one_line(record.reason)
    assert len(kept) == report.quarantined.count
    assert report.papers == len(profile.papers) + len(profile.quarantined)
    left_out = {r.line for r in kept}
    for item in profile.quarantined:
        assert item.line in left_out
    stored = [p for p in profile.papers if p.line not in left_out]
    expected = Counter((listed_name(p.title), p.date.isoformat()) for p in stored)
    assert _loaded(config, page) == expected
    assert sum(report.paper_states.values()) == len(stored)
    assert report.papers - len(kept) == len(stored)


def build_page(page: bytes, *, sample_first: bool = False) -> None:
    """Build ``page`` (after the sample at its place, if ``sample_first``) and check it."""
    with tempfile.TemporaryDirectory(prefix="profile-fuzz-") as folder:
        directory = Path(folder)
        path = directory / "page.txt"
        config = load_config(write_config(directory, [path]))
        if sample_first:  # the page changed since the last run
            path.write_bytes(encoded(SAMPLE))
            assert build(config).report.outcome == "ok"
        path.write_bytes(page)
        with no_hang(300, "the build"):
            report = build(config).report
        archived = archive_for(config).get(_sha(page), str(path))
        assert archived.read_bytes() == page  # archived before it was read
        if report.failures:
            _refused(config, report, path, page)
        elif report.sources_unchanged:  # the mutations gave the sample back
            assert sample_first and page == encoded(SAMPLE)
        else:
            profile = parse_archived_profile(archived, CODES, config.limits)
            _built(config, report, profile, page)
        assert report.store_quads == _quads(config)


@FUZZ
@given(hostile_pages(), st.booleans())
def test_a_hostile_page_is_built_or_refused_and_the_report_counts_the_store(
    page: bytes, sample_first: bool
) -> None:
    build_page(page, sample_first=sample_first)
