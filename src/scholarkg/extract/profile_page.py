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
subject code (``SE``), and one whose name no author may have either (``12345``, an e-mail
address: :mod:`scholarkg.identity.person_names`). A control
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

This module reads the page line by line into its header and paper blocks; the header is read
by :mod:`~scholarkg.extract.profile_header`, which line starts a block by
:mod:`~scholarkg.extract.profile_block_start`, a block into a paper by
:mod:`~scholarkg.extract.profile_paper`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from scholarkg.errors import ParseError
from scholarkg.extract.page_text import page_lines, read_count, reject_non_profile
from scholarkg.extract.profile_block_start import A_DAY, bare, starts_block
from scholarkg.extract.profile_header import Header, is_metric, parse_header
from scholarkg.extract.profile_paper import PaperBlock, parse_paper
from scholarkg.extract.reasons import quarantine_reason
from scholarkg.limits import DEFAULT_LIMITS, Limits, clip
from scholarkg.models import Profile, ProfilePaper, QuarantinedRecord

_HEADING = re.compile(r"^(?P<count>\d[\d,]*)\s+Papers?$", re.IGNORECASE)


def _utc_day(when: dt.datetime) -> dt.date:
    """The UTC day of ``when`` (a time without a zone is taken as UTC)."""
    return when.astimezone(dt.UTC).date() if when.tzinfo else when.date()


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

    def stray(self, block: PaperBlock) -> None:
        """Text between the heading and the first paper: a paper whose first line is
        unreadable, or text no paper holds."""
        reason = f"text before the first paper: {block.header[:60]!r}"
        self.quarantined.append(
            QuarantinedRecord(self.source, block.line, reason, clip(block.raw_text()))
        )

    def paper(self, block: PaperBlock) -> None:
        self.blocks += 1
        try:
            self.papers.append(
                parse_paper(block, self.source, self.subject_codes, self.limits, self.latest)
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
    block: PaperBlock | None = None  # the block being read
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
            found = _HEADING.match(bare(text))  # before: '\ufeff25 Papers' was no heading
            if found:
                heading = (number, text, found["count"])
            else:
                header.add(number, text)
            continue
        title_next = block is not None and not stray and not block.lines
        if starts_block(text, title_next, subject_codes):
            if block is not None:
                (papers.stray if stray else papers.paper)(block)
            block, stray = PaperBlock(line=number, header=text), False
        elif block is not None:
            block.add(number, text, limit.literal_bytes)
        else:
            block = PaperBlock(line=number, header=text)
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
    latest = _utc_day(retrieved_at) + A_DAY  # a page's day may be a day ahead of UTC's
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
