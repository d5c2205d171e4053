"""Parse a researcher profile page (plain text) into a :class:`Profile` record.

The page layout, as served::

    <name>
    <subject code>            e.g. LG
    h-index117 / 25papers / 11,030citations / Novelty49% / AI Score45   (label and number glued)
    <N> Papers
    <code><date>[Code]        e.g. CLJul 31, 2024Code  — starts a paper block
                              (a known code apart: CL Jul 31, 2024, CL - Jul 31, 2024)
    <title>
    <authors>[ et al.][ · org, org]
    [<abstract paragraph>]

A line that reads as the heading but is followed by a metric is the papers metric written with
a space (``2 papers``), not the heading. The first line is the name; a page whose first line is
a metric (``h-index5``: its name line is missing) is a :class:`ParseError` naming that line,
never a researcher called so; so is a page whose only text line above the metrics is a known
subject code (``SE``). A control
character that is not white space (:mod:`scholarkg.extract.textcheck`, the arXiv doors' rule)
in the name is a :class:`ParseError` at its line; in a paper's title, author line or abstract
it quarantines that paper, the reason naming the field and the code point.

A block that lost a line is quarantined, not read with its lines moved up: a known subject
code alone (its date missing) starts a block, never more of the abstract before; an author of
more than :data:`NAME_WORDS` words is a sentence (the title or author line missing). A date's
month is a whole word (``SuperMario 64`` is no code and date), and where a title goes, a line
that only looks like a block's start (no known code, no readable date: ``ProMarch 2 Protocol``)
is the title. A known code apart from a readable date (``CL Jul 31, 2024``) starts a block;
a line of prose so written (``Attention Mar 3, 2020``, ``AI May 3 agents``) stays text.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from scholarkg.errors import LimitExceeded, ParseError
from scholarkg.extract.arxiv_authors import joined_suffixes
from scholarkg.extract.page_text import (
    page_lines,
    read_count,
    refuse_non_text,
    reject_non_profile,
)
from scholarkg.extract.profile_header import NAME_WORDS, Header, is_metric, parse_header
from scholarkg.extract.reasons import nameless_author, quarantine_reason
from scholarkg.extract.textcheck import non_text_reason
from scholarkg.iris import fold
from scholarkg.limits import DEFAULT_LIMITS, Limits, check_literal, clip
from scholarkg.models import Profile, ProfilePaper, QuarantinedRecord

_MONTHS = "Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec"
# A month as a whole word, abbreviated or in full (``Mar``, ``March``, ``Sept``), never the
# start of another word (``Mario``, ``Decoder``).
_MONTH_WORD = (
    "(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?"
    "|Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)"
)
# Loose: a short line with a subject code glued to a month and some digits starts a paper
# block; a block whose date then fails the strict pattern is quarantined, not merged.
_BLOCK_START = re.compile(
    rf"^(?=.{{6,48}}$)(?P<code>[A-Za-z][A-Za-z.\-]{{0,11}}?)(?P<rest>{_MONTH_WORD}\.?\s.*\d.*)$"
)
# A code apart from its date (``CL Jul 31, 2024``, ``CL - Jul 31, 2024``): read as the glued
# form when the code is known and the date readable (_block_start). The line is short (48
# characters at most), so no pattern here backtracks far.
_CODE_APART = re.compile(
    r"^(?=.{6,48}$)(?P<code>[A-Za-z][A-Za-z.\-]*?)[\s\-\u2013\u2014:|\u00b7/]*\s(?P<rest>\S.*)$"
)
# Strict: what a readable block start looks like.
_DATE_AND_FLAG = re.compile(
    rf"^(?P<month>{_MONTH_WORD})\.?\s+(?P<day>\d{{1,2}}),\s*(?P<year>\d{{4}})\s*(?P<code>Code)?$"
)
_HEADING = re.compile(r"^(?P<count>\d[\d,]*)\s+Papers?$", re.IGNORECASE)
# The middle dot between white space of any kind (a page taken from HTML writes &nbsp;·&nbsp;,
# one copied from a table a tab); never the one inside a name (Col·lell). One character each
# side, so a line with a long run of white space is still read in linear time.
_ORG_SEPARATOR = re.compile(r"(?<=\s)·(?=\s)")
# "et al." closing an author line, after white space; found from its "et" (a pattern starting
# with the white space backtracks over a long run of it from each of its places: quadratic)
_ET_AL = re.compile(r"(?<=\s)et\s+al\.?$")
_MONTH_NUMBER = {name: i for i, name in enumerate(_MONTHS.split("|"), start=1)}
_A_DAY = dt.timedelta(days=1)


def _utc_day(when: dt.datetime) -> dt.date:
    """The UTC day of ``when`` (a time without a zone is taken as UTC)."""
    return when.astimezone(dt.UTC).date() if when.tzinfo else when.date()


@dataclass
class _Block:
    """A paper block as read: its first line, title and author line, and its abstract as one
    text (a page of millions of short lines is never held line by line)."""

    line: int
    header: str
    lines: list[tuple[int, str]] = field(default_factory=list)  # title, author line
    abstract_line: int = 0
    abstract: io.StringIO = field(default_factory=io.StringIO)  # its lines joined by a blank
    dropped: int = 0  # characters past them, only counted: the abstract is over the limit
    non_text: tuple[int, str] | None = None  # the first abstract line holding no text

    def add(self, number: int, text: str, limit: int) -> None:
        """One more line; the abstract's past ``limit`` characters are only counted (it is
        refused whole, :func:`_within_limits`)."""
        if len(self.lines) < 2:
            self.lines.append((number, text))
        elif self.kept > limit:
            self.dropped += len(text) + 2
        else:
            if self.kept:
                self.abstract.write("\n\n")
            else:
                self.abstract_line = number
            self.abstract.write(text)
            if self.non_text is None and non_text_reason(text, "abstract"):
                self.non_text = (number, text)

    @property
    def kept(self) -> int:
        """Characters of the abstract kept (as joined)."""
        return self.abstract.tell()

    def abstract_text(self) -> str | None:
        return self.abstract.getvalue() or None

    def raw_text(self) -> str:
        lines = [self.header, *(text for _, text in self.lines)]
        if self.kept:
            lines.append(self.abstract.getvalue().replace("\n\n", "\n"))
        return "\n".join(lines)


def _block_start(text: str, subject_codes: Mapping[str, str]) -> re.Match[str] | None:
    """The code and the rest of a line that starts a paper block (``CLJul 31, 2024``; loose,
    the date is checked later); a known code apart from a readable date (``CL Jul 31, 2024``,
    ``CL - Jul 31, 2024``), never prose (``Published Jan 5, 2024``). None: no such line."""
    glued = _BLOCK_START.match(text)
    if glued is not None:
        return glued
    apart = _CODE_APART.match(text)
    if apart is None or apart["code"] not in subject_codes:
        return None
    return apart if _DATE_AND_FLAG.match(apart["rest"]) else None


def _parse_date(
    block: _Block, source: str, subject_codes: Mapping[str, str], latest: dt.date
) -> tuple[dt.date, bool]:
    """The block's date and whether it is flagged ``Code``; a ParseError for a date that is
    none, or one after ``latest`` (a paper dated after the page listing it was retrieved)."""
    match = _block_start(block.header, subject_codes)
    if match is None:  # a known subject code alone starts it (_split_header_and_blocks)
        raise ParseError(
            source,
            f"paper has no date: its line is the subject code {block.header!r} alone",
            line=block.line,
        )
    stamp = _DATE_AND_FLAG.match(match["rest"].strip())
    if stamp is None:
        raise ParseError(source, f"unreadable paper date {match['rest']!r}", line=block.line)
    try:
        month = _MONTH_NUMBER[stamp["month"][:3]]
        date = dt.date(int(stamp["year"]), month, int(stamp["day"]))
    except ValueError as exc:
        raise ParseError(
            source, f"impossible date {match['rest']!r}: {exc}", line=block.line
        ) from exc
    if date > latest:
        raise ParseError(
            source,
            f"date {match['rest']!r} is after the page was retrieved ({latest - _A_DAY}): "
            "no paper is dated so",
            line=block.line,
        )
    return date, stamp["code"] is not None


def _split_authors(text: str) -> tuple[tuple[str, ...], bool, tuple[str, ...]]:
    separator = _ORG_SEPARATOR.search(text)
    names, orgs = (text[: separator.start()], text[separator.end() :]) if separator else (text, "")
    names = names.rstrip()
    et_al = _ET_AL.search(names)
    if et_al:  # the white space before it and a comma before that go too
        names = names[: et_al.start()].rstrip().removesuffix(",")
    authors = tuple(joined_suffixes([a.strip() for a in names.split(",") if a.strip()]))
    organizations = tuple(o.strip() for o in orgs.split(",") if o.strip())
    return authors, et_al is not None, organizations


def _within_limits(block: _Block, source: str, limits: Limits) -> None:
    """Refuse a block whose title, author line or abstract is over ``literal_bytes``."""
    parts = [("title", block.lines[:1]), ("author line", block.lines[1:2])]
    for name, lines in parts:
        if lines:
            try:
                check_literal(f"the {name}", lines[0][1], limits)
            except LimitExceeded as exc:
                raise ParseError(source, str(exc), line=lines[0][0]) from exc
    if block.dropped:  # over the limit in characters, hence in bytes
        size, limit = block.kept + block.dropped, limits.literal_bytes
        over = LimitExceeded(f"the abstract is {size} bytes", "[limits] literal_bytes", limit)
        raise ParseError(source, str(over), line=block.abstract_line)
    try:
        check_literal("the abstract", block.abstract_text(), limits)
    except LimitExceeded as exc:
        raise ParseError(source, str(exc), line=block.abstract_line) from exc


def _parse_paper(
    block: _Block, source: str, subject_codes: Mapping[str, str], limits: Limits, latest: dt.date
) -> ProfilePaper:
    date, has_code = _parse_date(block, source, subject_codes, latest)
    match = _block_start(block.header, subject_codes)
    assert match is not None  # _parse_date refused any other block
    if len(block.lines) < 2:
        raise ParseError(source, "paper block has no author line after its title", line=block.line)
    _within_limits(block, source, limits)
    refuse_non_text("title", block.lines[0], source)
    refuse_non_text("authors", block.lines[1], source)
    if block.non_text is not None:
        refuse_non_text("abstract", block.non_text, source)
    (_, title), (author_line_no, author_line) = block.lines[0], block.lines[1]
    authors, truncated, organizations = _split_authors(author_line)
    if not authors:
        raise ParseError(source, "paper block lists no authors", line=author_line_no)
    for position, author in enumerate(authors, start=1):
        if not fold(author):  # only invisible characters (a zero-width space), or punctuation
            raise ParseError(source, nameless_author(position), line=author_line_no)
        if (words := len(author.split())) > NAME_WORDS:
            raise ParseError(
                source,
                f"author {position} is {words} words long: no name (is the paper's title or "
                "author line missing?)",
                line=author_line_no,
            )
    abstract = block.abstract_text()
    code = match["code"]
    return ProfilePaper(
        line=block.line,
        subject_code=code,
        category=subject_codes.get(code),
        date=date,
        has_code=has_code,
        title=title,
        authors=authors,
        authors_truncated=truncated,
        organizations=organizations,
        abstract=abstract,
    )


def _starts_block(text: str, title_next: bool, subject_codes: Mapping[str, str]) -> bool:
    """``text`` starts a paper block: a known subject code alone (a block whose date is
    missing, quarantined, never more of the abstract before) or a code glued to a date. Where
    a block's title goes (``title_next``), a line that only looks like a start (``ProMarch 2
    Protocol``: no readable date, no known code) is that title."""
    if text in subject_codes:
        return True
    start = _block_start(text, subject_codes)
    if start is None:
        return False
    if not title_next or start["code"] in subject_codes:
        return True
    return _DATE_AND_FLAG.match(start["rest"].strip()) is not None


@dataclass
class _Papers:
    """The papers of a page and what of it is quarantined, each block read as soon as it
    ends (the next block starts, or the page): a page of 200 000 papers never holds their
    blocks, only what is kept of them."""

    source: str
    subject_codes: Mapping[str, str]
    limits: Limits
    latest: dt.date
    papers: list[ProfilePaper] = field(default_factory=list)
    quarantined: list[QuarantinedRecord] = field(default_factory=list)
    blocks: int = 0  # paper blocks read, quarantined or not

    def stray(self, block: _Block) -> None:
        """Text between the heading and the first paper: a paper whose first line is
        unreadable, or text no paper holds."""
        reason = f"text before the first paper: {block.header[:60]!r}"
        self.quarantined.append(
            QuarantinedRecord(self.source, block.line, reason, clip(block.raw_text()))
        )

    def paper(self, block: _Block) -> None:
        self.blocks += 1
        try:
            self.papers.append(
                _parse_paper(block, self.source, self.subject_codes, self.limits, self.latest)
            )
        except ParseError as exc:
            self.quarantined.append(
                QuarantinedRecord(
                    self.source,
                    exc.line or block.line,
                    quarantine_reason(exc),
                    clip(block.raw_text()),
                )
            )


def _read_page(lines: Iterable[tuple[int, str]], papers: _Papers) -> tuple[Header, int | None]:
    """The header and the count the heading states; each paper block (and the text between
    the heading and the first paper, if any, as one block) goes to ``papers`` as it ends."""
    source, subject_codes, limit = papers.source, papers.subject_codes, papers.limits
    header = Header()
    block: _Block | None = None  # the block being read
    stray = True  # it is the text before the first paper
    stated: int | None = None
    in_papers = False
    heading: tuple[int, str, str] | None = None  # a line that reads as the heading: the
    number = 0  # heading unless a metric follows it (then it was the count, ``2 papers``)
    for number, text in lines:
        if heading is not None and is_metric(text):
            header.add(*heading[:2])
        elif heading is not None:
            stated, in_papers = read_count(heading[2], source, heading[0]), True
        heading = None
        if not in_papers:
            found = _HEADING.match(text)
            if found:
                heading = (number, text, found["count"])
            else:
                header.add(number, text)
            continue
        title_next = block is not None and not stray and not block.lines
        if _starts_block(text, title_next, subject_codes):
            if block is not None:
                (papers.stray if stray else papers.paper)(block)
            block, stray = _Block(line=number, header=text), False
        elif block is not None:
            block.add(number, text, limit.literal_bytes)
        else:
            block = _Block(line=number, header=text)
    if block is not None:
        (papers.stray if stray else papers.paper)(block)
    if heading is not None:  # the page's last line: a heading of a page with no papers
        stated, in_papers = read_count(heading[2], source, heading[0]), True
    if not in_papers:
        raise ParseError(source, "no 'N Papers' heading: not a researcher profile", line=number)
    return header, stated


def parse_profile(
    data: bytes,
    *,
    source: str,
    retrieved_at: dt.datetime,
    subject_codes: Mapping[str, str],
    limits: Limits = DEFAULT_LIMITS,
    charset: str | None = None,
) -> Profile:
    """Parse a profile page (``charset``: the one its server declared, if any); unreadable
    paper blocks are quarantined, not fatal, and so is text between the papers heading and
    the first paper (``CL|Jul 31, 2024``: no paper start).

    A paper with a text over ``[limits] literal_bytes`` is quarantined too (the graph never
    carries a value that large), and so is one dated after ``retrieved_at`` (a day of time
    zones allowed); a researcher name that large makes the page a ParseError.
    """
    lines = reject_non_profile(page_lines(data, source, charset), source)
    latest = _utc_day(retrieved_at) + _A_DAY  # a page's day may be a day ahead of UTC's
    read = _Papers(source, subject_codes, limits, latest)
    header, stated = _read_page(lines, read)
    warnings: list[str] = []
    name, subject_code, metrics = parse_header(header, source, warnings, limits, subject_codes)
    papers, quarantined = read.papers, read.quarantined
    unknown = sorted({p.subject_code for p in papers if p.category is None})
    if subject_code and subject_code not in subject_codes:
        unknown = sorted({*unknown, subject_code})
    for code in unknown:
        warnings.append(f"{source}: unknown subject code {code!r} (kept as written, no category)")
    if stated is not None and stated != read.blocks:
        warnings.append(f"{source}: page states {stated} papers but lists {read.blocks}")
    return Profile(
        source=source,
        name=name,
        subject_code=subject_code,
        category=subject_codes.get(subject_code),
        metrics=metrics,
        stated_paper_count=stated,
        papers=tuple(papers),
        retrieved_at=retrieved_at,
        content_sha256=hashlib.sha256(data).hexdigest(),
        quarantined=tuple(quarantined),
        warnings=tuple(warnings),
    )
