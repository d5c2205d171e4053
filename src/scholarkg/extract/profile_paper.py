"""One paper block of a profile page: its lines as read, and the :class:`ProfilePaper` read
from them (a ParseError, naming the line, for a block to quarantine).

A block that lost a line is refused, not read with its lines moved up: an author of more than
:data:`NAME_WORDS` words is a sentence (the title or author line missing). A control character
that is not white space (:mod:`scholarkg.extract.textcheck`) in the date line, title, author
line or abstract refuses the block, the reason naming the field and the code point; so does a
text over ``[limits] literal_bytes``, and an author line listing more authors than ``[limits]
authors_per_record`` (the arXiv doors' limit).
"""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from scholarkg.errors import LimitExceeded, ParseError
from scholarkg.extract.arxiv_authors import joined_suffixes
from scholarkg.extract.page_text import refuse_non_text
from scholarkg.extract.profile_block_start import block_start, parse_date
from scholarkg.extract.profile_header import NAME_WORDS, shown_name
from scholarkg.extract.reasons import nameless_author
from scholarkg.extract.textcheck import non_text_reason
from scholarkg.identity.invisible import unjoined
from scholarkg.identity.person_names import holds_no_name, unfit_author
from scholarkg.iris import fold, work_key
from scholarkg.limits import Limits, check_author_count, check_literal
from scholarkg.models import ProfilePaper

# The middle dot between white space of any kind (a page taken from HTML writes &nbsp;·&nbsp;,
# one copied from a table a tab); never the one inside a name (Col·lell). One character each
# side, so a line with a long run of white space is still read in linear time.
_ORG_SEPARATOR = re.compile(r"(?<=\s)·(?=\s)")
# "et al." closing an author line, after white space or as the whole line (which then names
# no author); found from its "et" (a pattern starting with the white space backtracks over a
# long run of it from each of its places: quadratic)
_ET_AL = re.compile(r"(?<!\S)et\s+al\.?$")


@dataclass
class PaperBlock:
    """A paper block as read: its first line, title and author line, and its abstract as one
    text (a page of millions of short lines is never held line by line)."""

    line: int
    header: str
    lines: list[tuple[int, str]] = field(default_factory=list)  # title, author line
    abstract_line: int = 0
    abstract: io.StringIO = field(default_factory=io.StringIO)  # its lines joined by a blank
    dropped: int = 0  # UTF-8 bytes past them, only counted: the abstract is over the limit
    non_text: tuple[int, str] | None = None  # the first abstract line holding no text

    def add(self, number: int, text: str, limit: int) -> None:
        """One more line; the abstract's past ``limit`` characters are only counted, in UTF-8
        bytes as ``[limits] literal_bytes`` counts (it is refused whole, :func:`_within_limits`;
        before: counted in characters, and told as bytes)."""
        if len(self.lines) < 2:
            self.lines.append((number, text))
        elif self.kept > limit:
            self.dropped += len(text.encode("utf-8", "surrogatepass")) + 2
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


def _within_limits(block: PaperBlock, source: str, limits: Limits) -> None:
    """Refuse a block whose title, author line or abstract is over ``literal_bytes``."""
    parts = [("title", block.lines[:1]), ("author line", block.lines[1:2])]
    for name, lines in parts:
        if lines:
            try:
                check_literal(f"the {name}", lines[0][1], limits)
            except LimitExceeded as exc:
                raise ParseError(source, str(exc), line=lines[0][0]) from exc
    if block.dropped:  # over the limit in characters, hence in bytes
        kept = len((block.abstract_text() or "").encode("utf-8", "surrogatepass"))
        size, limit = kept + block.dropped, limits.literal_bytes
        over = LimitExceeded(f"the abstract is {size} bytes", "[limits] literal_bytes", limit)
        raise ParseError(source, str(over), line=block.abstract_line)
    try:
        check_literal("the abstract", block.abstract_text(), limits)
    except LimitExceeded as exc:
        raise ParseError(source, str(exc), line=block.abstract_line) from exc


def parse_paper(
    block: PaperBlock,
    source: str,
    subject_codes: Mapping[str, str],
    limits: Limits,
    latest: dt.date,
) -> ProfilePaper:
    """The paper ``block`` lists; a ParseError naming the line for one to quarantine."""
    refuse_non_text("date line", (block.line, block.header), source)  # before: NUL in it made
    # it no block start, its paper more of the abstract before (both papers lost)
    date, has_code = parse_date(block.header, block.line, source, subject_codes, latest)
    match = block_start(block.header, subject_codes)
    assert match is not None  # parse_date refused any other block
    if len(block.lines) < 2:
        raise ParseError(source, "paper block has no author line after its title", line=block.line)
    _within_limits(block, source, limits)
    refuse_non_text("title", block.lines[0], source)
    refuse_non_text("authors", block.lines[1], source)
    if block.non_text is not None:
        refuse_non_text("abstract", block.non_text, source)
    (title_line_no, title), (author_line_no, author_line) = block.lines[0], block.lines[1]
    if not work_key(title):  # only invisible characters (a Hangul filler too) or punctuation
        raise ParseError(source, f"title {title!r} holds no letter or digit", line=title_line_no)
    authors, truncated, organizations = _split_authors(author_line)
    if not authors:
        raise ParseError(source, "paper block lists no authors", line=author_line_no)
    try:  # counted before any author is read (before: no bound but literal_bytes, ~200 000)
        check_author_count(len(authors), limits)
    except LimitExceeded as exc:
        raise ParseError(source, str(exc), line=author_line_no) from exc
    for position, author in enumerate(authors, start=1):
        if holds_no_name(author):  # only invisible characters (a zero-width space, a
            # Hangul filler: before, a filler alone was a name, shown empty), or punctuation
            raise ParseError(source, nameless_author(position), line=author_line_no)
        if (why := unfit_author(position, author)) is not None:
            raise ParseError(source, why, line=author_line_no)
        if (words := len(author.split())) > NAME_WORDS:
            raise ParseError(
                source,
                f"author {position} is {words} words long: no name (is the paper's title or "
                "author line missing?)",
                line=author_line_no,
            )
    for position, organization in enumerate(organizations, start=1):
        if not fold(unjoined(organization)):  # "· · ·", a zero-width space: keyed "x"
            raise ParseError(
                source,
                f"organisation {position} {organization!r} holds no letter or digit",
                line=author_line_no,
            )
        if (why := unfit_author(position, organization, "organisation")) is not None:
            raise ParseError(source, why, line=author_line_no)  # before: keyed '12345'
    abstract = block.abstract_text()
    code = match["code"]
    return ProfilePaper(
        line=block.line,
        subject_code=code,
        category=subject_codes.get(code),
        date=date,
        has_code=has_code,
        title=title,
        authors=tuple(map(shown_name, authors)),  # before: as written, a bidi override kept
        authors_truncated=truncated,
        organizations=tuple(map(shown_name, organizations)),
        abstract=abstract,
    )
