"""Hardened XML parsing shared by the Atom and OAI-PMH readers.

It refuses what arXiv never sends: no entity is resolved, no DTD loaded, no network used, and
a document with a DOCTYPE (the vehicle of XXE and entity-expansion attacks) is a
:class:`ParseError`. :class:`RecordStream` reads an answer element by element, handing each
record over once complete and freeing it when the next is asked for, so what it holds does not
grow with the number of records (as one tree, an OAI-PMH page of 50 000 records cost ~2 GB, an
Atom answer of 100 000 tiny entries 50-85 MB of libxml2's, which tracemalloc does not see); with
``record_bytes`` what it holds of one record does not grow past that either.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from lxml import etree

from scholarkg.errors import ParseError
from scholarkg.extract.xml_messages import (
    plain_message,
    undeclared_entity,
    wide_encoding_declared,
)

_FEED = 64 * 1024  # bytes handed to the pull parser at a time


def _hardened(body: bytes) -> dict[str, Any]:
    """The parser options: no entities, DTDs or network; libxml2's 10 MB limit on one text node
    lifted only for a document that cannot declare entities (ASCII-compatible or UTF-16, no
    ``<!DOCTYPE`` anywhere), so one oversize record is quarantined by the record readers
    (``[limits] literal_bytes``) instead of failing its page; the HTTP layer's ``max_body_bytes``
    bounds the document itself."""
    return {
        "resolve_entities": False,
        "no_network": True,
        "load_dtd": False,
        "dtd_validation": False,
        "huge_tree": not _may_declare_entities(body),
    }


_HTML_START = re.compile(rb"<!doctype\s+html[\s>]|<html[\s>]", re.IGNORECASE)


def _refuse_html(body: bytes, source: str) -> None:
    """An HTML page where XML was asked for (a maintenance notice, a proxy's page) is told as
    that, not as an XML error (its DOCTYPE read as an attack, its ``<br>`` as damage)."""
    head = body[:1024].removeprefix(b"\xef\xbb\xbf").lstrip(b" \t\r\n")
    if _HTML_START.match(head):
        raise ParseError(source, "an HTML page, not XML (an error or maintenance page?)")


def _refuse_doctype(root: etree._Element, source: str) -> None:
    docinfo = root.getroottree().docinfo
    if getattr(docinfo, "doctype", "") or getattr(docinfo, "internalDTD", None) is not None:
        raise ParseError(source, "XML with a DOCTYPE is refused (entity expansion risk)")


_CONTROLS = re.compile(r"[\x00-\x1f\x7f]")


def _syntax_error(source: str, exc: etree.XMLSyntaxError) -> ParseError:
    """One line: libxml2's message quotes the document (``xmlns: 'a&#10;b' is not a valid
    URI``), its control characters escaped (before: the line break broke the error in two),
    its advice to libxml2's callers dropped (:func:`~.xml_messages.plain_message`; before:
    ``Excessive depth in document: 2048, use XML_PARSE_HUGE option``, the option already on),
    its line told once (:func:`_column_only`)."""
    said = _CONTROLS.sub(lambda m: f"\\x{ord(m[0]):02x}", plain_message(exc.msg or "").strip())
    return ParseError(
        source, f"not well-formed XML: {_column_only(said, exc.lineno)}", line=exc.lineno
    )


_WHERE = re.compile(r",\s*line (\d+), column (\d+)$")


def _column_only(said: str, line: int | None) -> str:
    """``said`` without the line lxml appends when the error line names it already:
    ``…: Opening and ending tag mismatch: a line 1 and b (column 9)`` (before: ``S:1: …, line 1,
    column 9``, the line told twice)."""
    where = _WHERE.search(said)
    if where is None or line is None or int(where[1]) != line:
        return said
    return f"{said[: where.start()]} (column {where[2]})"


def _refuse_undeclared_prefix(element: etree._Element, source: str) -> None:
    """An element whose prefix no ``xmlns`` declares (``<os:totalResults>``, its declaration
    misspelt) is refused as libxml2 refuses it once the document ends: the pull parser hands it
    over before, its tag ``os:totalResults``, which lxml's own calls refuse with ValueError
    (before: that ValueError ended the parse, no source or line named)."""
    tag = element.tag
    if isinstance(tag, str) and ":" in tag.rpartition("}")[2]:
        prefix, _, name = tag.rpartition("}")[2].partition(":")
        said = f"Namespace prefix {prefix} on {name} is not defined"
        raise ParseError(source, f"not well-formed XML: {said}", line=line_of(element))


class RecordStream:
    """``body`` read incrementally, hardened (no entities, DTDs or network): iterating yields
    each element at ``path`` (its tags from the root, root first; None matches any tag) once it
    is complete; when the next is asked for, it is cleared and taken out of the tree with what
    came before it (siblings, comments). What the tree holds at once is the record being
    mapped and what the parser read ahead of it (at most one feed of 64 KB), whatever the
    page's length. After iteration :attr:`root` is the document without those records (the
    rest is small: dates, tokens, errors). A DOCTYPE is refused before the root's content is
    read.

    ``record_bytes`` bounds one record: once a record has taken more bytes of the body, what
    comes after in it is dropped as it is read (its children read before stay, so the record
    still shows its beginning), and the record, when yielded, has :attr:`oversize` set to the
    bytes it took (to within a 64 KB feed). (As one tree, an Atom entry of 1 000 000 authors,
    37 MB, held 368 MB of libxml2's.) A single text value is not cut: it is one node, bounded
    by the body's size."""

    def __init__(
        self,
        body: bytes,
        *,
        source: str,
        path: tuple[str | None, ...],
        record_bytes: int | None = None,
    ) -> None:
        self.body = body
        self.source = source
        self.path = path
        self.record_bytes = record_bytes
        self.root: etree._Element | None = None
        self.oversize: int | None = None  # of the record last yielded, if over: about its size
        self._fed = (0, 0)  # the body's bytes fed to the parser: before the last feed, after it
        self._record: _Record | None = None

    def __iter__(self) -> Iterator[etree._Element]:
        _refuse_html(self.body, self.source)
        parser = etree.XMLPullParser(events=("start", "end"), **_hardened(self.body))
        stack: list[str] = []
        body, depth = self.body, len(self.path)
        try:
            for offset in range(0, max(len(body), 1), _FEED):
                self._fed = (offset, min(offset + _FEED, len(body)))
                parser.feed(body[offset : offset + _FEED])
                yield from self._events(parser, stack, depth)
            self.root = parser.close()
            yield from self._events(parser, stack, depth)
        except etree.XMLSyntaxError as exc:
            said = exc.msg or ""
            if stack and (entity := undeclared_entity(body, said, self._fed[1])):
                name, line = entity  # before: 'no element found' at line 0, or 'Start tag
                said = f"not well-formed XML: Entity '{name}' not defined"  # expected' at 1
                raise ParseError(self.source, said, line=line) from exc
            if (exc.lineno or 0) <= 1 and (lie := wide_encoding_declared(body)):
                raise ParseError(self.source, lie, line=1) from exc  # before: 'Blank needed'
            raise _syntax_error(self.source, exc) from exc
        except ValueError as exc:
            raise ParseError(self.source, f"not XML: {exc}") from exc
        if self.root is None:  # pragma: no cover - close() raises first
            raise ParseError(self.source, "not XML: no root element")
        _refuse_doctype(self.root, self.source)

    def _events(
        self, parser: etree.XMLPullParser, stack: list[str], depth: int
    ) -> Iterator[etree._Element]:
        for event, item in parser.read_events():
            if not isinstance(item, etree._Element):  # start-ns/end-ns/comment: not asked for
                continue
            element = item
            if event == "start":
                if not stack:
                    _refuse_doctype(element, self.source)
                _refuse_undeclared_prefix(element, self.source)
                stack.append(element.tag)
                if len(stack) == depth and self.record_bytes is not None:
                    self._record = _Record(element, self._fed[1])
                continue
            if len(stack) > depth and self._record is not None:
                self._record.bound(element, self._fed[0], self.record_bytes or 0)
            matched = len(stack) == depth and all(
                want in (None, tag) for want, tag in zip(self.path, stack, strict=True)
            )
            stack.pop()
            if not matched:
                continue
            holder = element.getparent()
            record, self._record = self._record, None
            self.oversize = record.over(self._fed[0]) if record is not None else None
            yield element
            element.clear()
            if holder is not None:  # the cleared records before it go too
                while element.getprevious() is not None:
                    del holder[0]


class _Record:
    """The record being read, to bound: where it began in the body (``began``: at most this
    offset) and, once over the bound, the element completed as it went over with its ancestors
    within the record (``kept``): what was read within the bound hangs off them."""

    def __init__(self, element: etree._Element, began: int) -> None:
        self.element = element
        self.began = began
        self.oversize = False
        self.kept: list[etree._Element] = []  # held: their proxies, so their ids, stay
        self._kept_ids: set[int] = set()

    def over(self, read: int) -> int | None:
        """About the record's size (``read``: the body's bytes fed before), if it went over."""
        return max(read - self.began, 0) if self.oversize else None

    def bound(self, ended: etree._Element, read: int, limit: int) -> None:
        """``ended`` (inside the record) is complete: once the record has taken more than
        ``limit`` bytes, drop the siblings before it read after the bound (complete, tails and
        all); what was read within the bound stays, at any depth (an OAI-PMH record's fields
        sit three levels down)."""
        if not self.oversize:
            if read - self.began > limit:  # ``ended`` and its ancestors are kept
                self.oversize = True
                node: etree._Element | None = ended
                while node is not None and node is not self.element:
                    self.kept.append(node)
                    self._kept_ids.add(id(node))
                    node = node.getparent()
            return
        parent = ended.getparent()
        kept = self._kept_ids
        if parent is None or id(ended) in kept:
            return
        while (before := ended.getprevious()) is not None and id(before) not in kept:
            parent.remove(before)  # back to the kept child of ``parent``, if it has one


def _may_declare_entities(body: bytes) -> bool:
    """Whether ``body`` might hold a DTD (or be in an encoding where a byte search cannot tell).
    UTF-16 (one of the two encodings every XML parser reads) is searched as UTF-16: before,
    every UTF-16 answer kept libxml2's own 10 MB bound on a text node, so one oversize field
    refused its page (``Text node too long``) where in UTF-8 its record was quarantined at
    ``[limits] literal_bytes``, which counts a text's UTF-8 bytes whatever the answer's
    encoding."""
    head = body.removeprefix(b"\xff\xfe").removeprefix(b"\xfe\xff")[:4]
    if len(head) == 4 and head[0:2] in (b"<\x00", b"\x00<") and head[2:4].count(0) == 1:
        # one NUL after '<' as before it: not UTF-32, whose '<' has three. Either byte order,
        # at any offset: only more careful than the parser, whichever order it reads
        return any("<!DOCTYPE".encode(codec) in body for codec in ("utf-16-le", "utf-16-be"))
    ascii_compatible = body.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<")
    return not ascii_compatible or b"\x00" in body[:64] or b"<!DOCTYPE" in body


def squash(text: str | None) -> str | None:
    """``text`` with every whitespace run collapsed to one space and trimmed; None if empty.

    The one white-space rule of every arXiv door (API, OAI-PMH, snapshot), for every text field:
    white space is what ``str.split`` splits at (tab, LF, CR, VT, FF, U+001C-U+001F, NEL,
    U+2028, U+2029, no-break and the other Unicode spaces); zero-width characters are none."""
    if text is None:
        return None
    joined = " ".join(text.split())
    return joined or None


def text_of(element: etree._Element | None) -> str | None:
    """All text inside ``element``, whitespace-normalised; None if absent or empty."""
    return squash(written_text_of(element))


def written_text_of(element: etree._Element | None) -> str | None:
    """All text inside ``element`` as written, line breaks kept; None if absent."""
    if element is None:
        return None
    parts = element.itertext()
    return "".join(p if isinstance(p, str) else p.decode("utf-8") for p in parts)


def line_of(element: etree._Element | None) -> int | None:
    """The source line of ``element`` when lxml knows it."""
    line = getattr(element, "sourceline", None)
    return line if isinstance(line, int) else None


def refuse_repeated(parent: etree._Element, tags: frozenset[str]) -> None:
    """ValueError naming the first of ``tags`` (``{namespace}name``) that ``parent`` holds
    twice with different text, as a snapshot line's key given twice is refused: which one the
    writer meant is not known (before, the first was read and the other dropped without a
    word). The same text twice is that text."""
    seen: dict[str, str | None] = {}
    for child in parent:
        tag = child.tag
        if not isinstance(tag, str) or tag not in tags:
            continue
        text = text_of(child)
        if tag in seen and seen[tag] != text:
            name = etree.QName(tag).localname
            raise ValueError(f"<{name}> is given twice with different values")
        seen[tag] = text
