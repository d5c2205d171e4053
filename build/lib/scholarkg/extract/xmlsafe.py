"""Hardened XML parsing shared by the Atom and OAI-PMH readers."""

from __future__ import annotations

from lxml import etree

from scholarkg.errors import ParseError


def parse_xml(body: bytes, *, source: str) -> etree._Element:
    """The root element of ``body``, parsed without entity expansion, DTDs or network access.

    arXiv never sends a DOCTYPE, so a document carrying one (the vehicle of XXE and
    entity-expansion attacks) is refused with :class:`ParseError` instead of being read.
    A document that cannot declare entities (ASCII-compatible, no ``<!DOCTYPE`` anywhere) is
    read without libxml2's 10 MB limit on one text node, so one oversize record is quarantined
    by the record readers (``[limits] literal_bytes``) instead of failing its whole page; the
    HTTP layer's ``max_body_bytes`` bounds the document itself.
    """
    parser = etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=not _may_declare_entities(body),
    )
    try:
        root = etree.fromstring(body, parser)
    except etree.XMLSyntaxError as exc:
        raise ParseError(source, f"not well-formed XML: {exc.msg}", line=exc.lineno) from exc
    except ValueError as exc:
        raise ParseError(source, f"not XML: {exc}") from exc
    docinfo = root.getroottree().docinfo
    if getattr(docinfo, "doctype", "") or getattr(docinfo, "internalDTD", None) is not None:
        raise ParseError(source, "XML with a DOCTYPE is refused (entity expansion risk)")
    return root


def _may_declare_entities(body: bytes) -> bool:
    """Whether ``body`` might hold a DTD (or be in an encoding where a byte search cannot tell)."""
    ascii_compatible = body.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<")
    return not ascii_compatible or b"\x00" in body[:64] or b"<!DOCTYPE" in body


def squash(text: str | None) -> str | None:
    """``text`` with every whitespace run collapsed to one space and trimmed; None if empty."""
    if text is None:
        return None
    joined = " ".join(text.split())
    return joined or None


def text_of(element: etree._Element | None) -> str | None:
    """All text inside ``element``, whitespace-normalised; None if absent or empty."""
    if element is None:
        return None
    parts = element.itertext()
    return squash("".join(p if isinstance(p, str) else p.decode("utf-8") for p in parts))


def line_of(element: etree._Element | None) -> int | None:
    """The source line of ``element`` when lxml knows it."""
    line = getattr(element, "sourceline", None)
    return line if isinstance(line, int) else None
