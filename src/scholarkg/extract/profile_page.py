"""Parse a researcher profile page (plain text) into a :class:`Profile` record.

The page layout, as served::

    <name>
    <subject code>            e.g. LG
    h-index117 / 25papers / 11,030citations / Novelty49% / AI Score45   (label and number glued)
    <N> Papers
    <code><date>[Code]        e.g. CLJul 31, 2024Code  — starts a paper block
    <title>
    <authors>[ et al.][ · org, org]
    [<abstract paragraph>]

The first line is the name; a page whose first line is a metric (``h-index5``: its name line
is missing) is a :class:`ParseError` naming that line, never a researcher called so; so is a
page whose only text line above the metrics is a known subject code (``SE``). A control
character that is not white space (:mod:`scholarkg.extract.textcheck`, the arXiv doors' rule)
in the name is a :class:`ParseError` at its line; in a paper's title, author line or abstract
it quarantines that paper, the reason naming the field and the code point.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from scholarkg.errors import LimitExceeded, ParseError
from scholarkg.extract.reasons import quarantine_reason
from scholarkg.extract.textcheck import non_text_reason
from scholarkg.limits import DEFAULT_LIMITS, Limits, check_literal, clip
from scholarkg.models import Metrics, Profile, ProfilePaper, QuarantinedRecord

_MONTHS = "Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec"
# Loose: a short line with a subject code glued to a month and some digits starts a paper
# block; a block whose date then fails the strict pattern is quarantined, not merged.
_BLOCK_START = re.compile(
    rf"^(?=.{{6,48}}$)(?P<code>[A-Za-z][A-Za-z.\-]{{0,11}}?)(?P<rest>(?:{_MONTHS})\w*\.?\s.*\d.*)$"
)
# Strict: what a readable block start looks like.
_DATE_AND_FLAG = re.compile(
    rf"^(?P<month>{_MONTHS})\w*\.?\s+(?P<day>\d{{1,2}}),\s*(?P<year>\d{{4}})\s*(?P<code>Code)?$"
)
_HEADING = re.compile(r"^(?P<count>\d[\d,]*)\s+Papers?$", re.IGNORECASE)
_SUBJECT_CODE = re.compile(r"^[A-Za-z][A-Za-z\-]{0,11}(?:\.[A-Za-z\-]{1,12})?$")
_METRICS: dict[str, re.Pattern[str]] = {
    "h_index": re.compile(r"^h-index\s*(?P<n>\d[\d,]*)$", re.IGNORECASE),
    "papers": re.compile(r"^(?P<n>\d[\d,]*)\s*papers$", re.IGNORECASE),
    "citations": re.compile(r"^(?P<n>\d[\d,]*)\s*citations$", re.IGNORECASE),
    "novelty_percent": re.compile(r"^Novelty\s*(?P<n>\d[\d,]*)\s*%$", re.IGNORECASE),
    "ai_score": re.compile(r"^AI\s*Score\s*(?P<n>\d[\d,]*)$", re.IGNORECASE),
}
_METRIC_NAMES = {
    "h_index": "h-index",
    "papers": "papers count",
    "citations": "citations count",
    "novelty_percent": "novelty",
    "ai_score": "AI score",
}
_ORG_SEPARATOR = " · "
_ET_AL = re.compile(r",?\s+et\s+al\.?$")
_MONTH_NUMBER = {name: i for i, name in enumerate(_MONTHS.split("|"), start=1)}


@dataclass
class _Block:
    line: int
    header: str
    lines: list[tuple[int, str]] = field(default_factory=list)

    def raw_text(self) -> str:
        return "\n".join([self.header, *(text for _, text in self.lines)])


def decode_page(data: bytes, source: str) -> str:
    """UTF-8 text of a page; a wrong encoding is a ParseError naming the line."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise ParseError(source, "not UTF-8 text (wrong encoding?)", line=line) from exc


def _number(text: str, source: str, line: int) -> int:
    """A count as the page writes it (``1,234``); ParseError past 15 digits, which no profile
    holds (Python refuses to read more than 4 300 of them at all)."""
    digits = text.replace(",", "")
    if len(digits) > 15:
        raise ParseError(source, f"{text[:20]}…: a number no profile holds", line=line)
    return int(digits)


# White space at a line's ends, but the separators U+001C-U+001F (Python's str.strip takes
# them as spaces): they are no text, and the text check must see them.
_EDGE_SPACE = re.compile(r"^[^\S\x1c-\x1f]+|[^\S\x1c-\x1f]+$")
# A run of white space holding a vertical tab or form feed (no XML text can hold them): one
# space, as the arXiv doors fold it.
_PAGE_BREAK_RUN = re.compile(r"[^\S\x1c-\x1f]*[\x0b\x0c][^\S\x1c-\x1f]*")


def _numbered_lines(text: str) -> list[tuple[int, str]]:
    """Non-blank lines with their 1-based line numbers; CRLF, CR and trailing spaces folded, a
    white-space run with a vertical tab or form feed folded to one space."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    stripped = (
        (n, _EDGE_SPACE.sub("", _PAGE_BREAK_RUN.sub(" ", line)))
        for n, line in enumerate(lines, start=1)
    )
    return [(n, line) for n, line in stripped if line]


def _refuse_non_text(field: str, line: tuple[int, str], source: str) -> None:
    """ParseError at ``line`` when its text holds what is no text (a control character that is
    not white space), by the rule every arXiv door applies (:mod:`~scholarkg.extract.textcheck`)."""
    number, text = line
    if reason := non_text_reason(text, field):
        raise ParseError(source, reason, line=number)


def _reject_non_profile(lines: list[tuple[int, str]], source: str) -> None:
    if not lines:
        raise ParseError(source, "empty page: not a researcher profile", line=1)
    for number, text in lines[:5]:
        if text.startswith("<") or "<html" in text.lower() or "<!doctype" in text.lower():
            raise ParseError(source, "looks like HTML, not a researcher profile page", line=number)


def _parse_date(block: _Block, source: str) -> tuple[dt.date, bool]:
    match = _BLOCK_START.match(block.header)
    assert match is not None  # blocks only start on matching lines
    stamp = _DATE_AND_FLAG.match(match["rest"].strip())
    if stamp is None:
        raise ParseError(source, f"unreadable paper date {match['rest']!r}", line=block.line)
    try:
        date = dt.date(int(stamp["year"]), _MONTH_NUMBER[stamp["month"]], int(stamp["day"]))
    except ValueError as exc:
        raise ParseError(
            source, f"impossible date {match['rest']!r}: {exc}", line=block.line
        ) from exc
    return date, stamp["code"] is not None


def _split_authors(text: str) -> tuple[tuple[str, ...], bool, tuple[str, ...]]:
    names, _, orgs = text.partition(_ORG_SEPARATOR)
    truncated = bool(_ET_AL.search(names))
    names = _ET_AL.sub("", names)
    authors = tuple(a.strip() for a in names.split(",") if a.strip())
    organizations = tuple(o.strip() for o in orgs.split(",") if o.strip())
    return authors, truncated, organizations


def _within_limits(block: _Block, source: str, limits: Limits) -> None:
    """Refuse a block whose title, author line or abstract is over ``literal_bytes``."""
    parts = [("title", block.lines[:1]), ("author line", block.lines[1:2])]
    parts.append(("abstract", block.lines[2:]))
    for name, lines in parts:
        if not lines:
            continue
        try:
            check_literal(f"the {name}", "\n\n".join(text for _, text in lines), limits)
        except LimitExceeded as exc:
            raise ParseError(source, str(exc), line=lines[0][0]) from exc


def _parse_paper(
    block: _Block, source: str, subject_codes: Mapping[str, str], limits: Limits
) -> ProfilePaper:
    match = _BLOCK_START.match(block.header)
    assert match is not None
    date, has_code = _parse_date(block, source)
    if len(block.lines) < 2:
        raise ParseError(source, "paper block has no author line after its title", line=block.line)
    _within_limits(block, source, limits)
    _refuse_non_text("title", block.lines[0], source)
    _refuse_non_text("authors", block.lines[1], source)
    for line in block.lines[2:]:
        _refuse_non_text("abstract", line, source)
    (_, title), (author_line_no, author_line) = block.lines[0], block.lines[1]
    authors, truncated, organizations = _split_authors(author_line)
    if not authors:
        raise ParseError(source, "paper block lists no authors", line=author_line_no)
    abstract = "\n\n".join(text for _, text in block.lines[2:]) or None
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


def _split_header_and_blocks(
    lines: list[tuple[int, str]], source: str
) -> tuple[list[tuple[int, str]], int | None, list[_Block]]:
    header: list[tuple[int, str]] = []
    stated: int | None = None
    blocks: list[_Block] = []
    in_papers = False
    for number, text in lines:
        if not in_papers:
            heading = _HEADING.match(text)
            if heading:
                stated, in_papers = _number(heading["count"], source, number), True
            else:
                header.append((number, text))
            continue
        if _BLOCK_START.match(text):
            blocks.append(_Block(line=number, header=text))
        elif blocks:
            blocks[-1].lines.append((number, text))
        else:
            raise ParseError(source, f"text before the first paper: {text[:60]!r}", line=number)
    if not in_papers:
        raise ParseError(
            source, "no 'N Papers' heading: not a researcher profile", line=lines[-1][0]
        )
    return header, stated, blocks


def _parse_header(
    header: list[tuple[int, str]],
    source: str,
    warnings: list[str],
    limits: Limits,
    subject_codes: Mapping[str, str],
) -> tuple[str, str, Metrics]:
    if not header:
        raise ParseError(source, "no researcher name before the papers heading", line=1)
    (name_line, name), rest = header[0], header[1:]
    read_as = next((key for key, pattern in _METRICS.items() if pattern.match(name)), None)
    if read_as is not None:  # the name line is missing: the header starts with the metrics
        raise ParseError(
            source,
            f"no researcher name: the first line {name!r} is the page's {_METRIC_NAMES[read_as]}, "
            "not a name",
            line=name_line,
        )
    try:
        check_literal("the researcher's name", name, limits)
    except LimitExceeded as exc:
        raise ParseError(source, str(exc), line=name_line) from exc
    _refuse_non_text("name", (name_line, name), source)
    subject_code = ""
    values: dict[str, int] = {}
    for number, text in rest:
        for key, pattern in _METRICS.items():
            metric = pattern.match(text)
            if metric:
                values[key] = _number(metric["n"], source, number)
                break
        else:
            if not subject_code and _SUBJECT_CODE.match(text):
                subject_code = text
            else:
                warnings.append(f"{source}:{number}: unrecognised header line {text[:60]!r}")
    if not subject_code and name in subject_codes:
        # the page's only text line is a known subject code: its name line is missing (a page
        # lists name, code, metrics; no researcher is called 'SE' and has no code line)
        raise ParseError(
            source,
            f"no researcher name: the first line {name!r} is the page's subject code "
            f"({subject_codes[name]}), not a name",
            line=name_line,
        )
    if not subject_code:
        warnings.append(f"{source}: header has no primary subject code")
    return name, subject_code, Metrics(**values)


def parse_profile(
    data: bytes,
    *,
    source: str,
    retrieved_at: dt.datetime,
    subject_codes: Mapping[str, str],
    limits: Limits = DEFAULT_LIMITS,
) -> Profile:
    """Parse a profile page; unreadable paper blocks are quarantined, not fatal.

    A paper with a text over ``[limits] literal_bytes`` is quarantined too (the graph never
    carries a value that large); a researcher name that large makes the page a ParseError.
    """
    lines = _numbered_lines(decode_page(data, source))
    _reject_non_profile(lines, source)
    header, stated, blocks = _split_header_and_blocks(lines, source)
    warnings: list[str] = []
    name, subject_code, metrics = _parse_header(header, source, warnings, limits, subject_codes)
    papers: list[ProfilePaper] = []
    quarantined: list[QuarantinedRecord] = []
    for block in blocks:
        try:
            papers.append(_parse_paper(block, source, subject_codes, limits))
        except ParseError as exc:
            quarantined.append(
                QuarantinedRecord(
                    source, exc.line or block.line, quarantine_reason(exc), clip(block.raw_text())
                )
            )
    unknown = sorted({p.subject_code for p in papers if p.category is None})
    if subject_code and subject_code not in subject_codes:
        unknown = sorted({*unknown, subject_code})
    for code in unknown:
        warnings.append(f"{source}: unknown subject code {code!r} (kept as written, no category)")
    if stated is not None and stated != len(blocks):
        warnings.append(f"{source}: page states {stated} papers but lists {len(blocks)}")
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
