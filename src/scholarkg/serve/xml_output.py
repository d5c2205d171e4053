"""XML answers (RDF/XML, SPARQL XML results) that an XML parser reads as the data, or a reason
why they cannot be: Oxigraph writes a literal's characters as they are (XML 1.0 allows no C0
control but tab, line feed and carriage return, nor U+FFFE or U+FFFF) and a predicate whose IRI
ends in no XML name as an element without a name (``<oxprefix:>``). A carriage return is
allowed but read back as a line feed: it is written ``&#13;``."""

from __future__ import annotations

import functools
import re
import xml.parsers.expat
from collections.abc import Iterable, Iterator, Mapping
from typing import IO, TYPE_CHECKING, cast

import pyoxigraph as ox

if TYPE_CHECKING:
    from _typeshed import ReadableBuffer

# A character XML 1.0 does not allow, as UTF-8 bytes (Oxigraph writes valid UTF-8, so no
# surrogate appears): the C0 controls but tab, LF and CR; U+FFFE and U+FFFF.
_NOT_XML = re.compile(rb"[\x00-\x08\x0b\x0c\x0e-\x1f]|\xef\xbf[\xbe\xbf]")
RDF_XML_INSTEAD = "ask for Turtle, N-Triples or JSON-LD"
RESULTS_XML_INSTEAD = "ask for SPARQL JSON, CSV or TSV"


class NotXmlError(Exception):
    """The answer cannot be written as XML; the message says why, in one line."""


class XmlGuard:
    """A binary write target in front of ``out`` for an XML serializer: a character XML does
    not allow stops the writing (:class:`NotXmlError`, kept in ``refused`` too, however the
    serializer passes it on); a carriage return goes on as ``&#13;`` (only a literal's text
    holds one: IRIs, language tags and names cannot)."""

    def __init__(self, out: IO[bytes], what: str, instead: str) -> None:
        self.out = out
        self.what = what
        self.instead = instead
        self.refused: NotXmlError | None = None
        self._tail = b""  # the last bytes written: a character may span two writes

    def write(self, data: ReadableBuffer, /) -> int:
        if self.refused is not None:
            raise self.refused
        chunk = bytes(data)
        found = _NOT_XML.search(self._tail + chunk)
        if found is not None:
            code = ord(found.group().decode("utf-8"))
            self.refused = NotXmlError(
                f"{self.what} cannot carry this result: a literal holds U+{code:04X}, a "
                f"character XML 1.0 does not allow; {self.instead}"
            )
            raise self.refused
        self._tail = (self._tail + chunk)[-2:]
        self.out.write(chunk.replace(b"\r", b"&#13;"))
        return len(chunk)

    def flush(self) -> None:
        self.out.flush()

    def target(self) -> IO[bytes]:
        """This guard as the write target a serializer takes (it asks for write alone)."""
        return cast("IO[bytes]", self)


def _well_formed(document: bytes) -> bool:
    parser = xml.parsers.expat.ParserCreate(namespace_separator=" ")
    try:
        parser.Parse(document, True)
    except xml.parsers.expat.ExpatError:
        return False
    return True


@functools.lru_cache(maxsize=4096)
def _has_xml_name(predicate: str, prefixes: tuple[tuple[str, str], ...]) -> bool:
    """Whether Oxigraph writes ``predicate`` as an element an XML parser reads: it splits the
    IRI before its longest ending that is an XML name (by XML 1.0 fifth edition), and Python's
    expat knows the stricter names of the fourth: the element is written and parsed here."""
    probe = ox.Triple(ox.NamedNode("urn:x:s"), ox.NamedNode(predicate), ox.Literal(""))
    body = ox.serialize([probe], format=ox.RdfFormat.RDF_XML, prefixes=dict(prefixes) or None)
    return _well_formed(body or b"")


def xml_named(
    triples: Iterable[ox.Triple], prefixes: Mapping[str, str] | None = None
) -> Iterator[ox.Triple]:
    """``triples``, each checked as it passes: :class:`NotXmlError` for a predicate (of the
    triple or of a triple term in it) RDF/XML cannot name."""
    key = tuple(sorted((prefixes or {}).items()))
    for triple in triples:
        _check_predicates(triple, key)
        yield triple


def _check_predicates(triple: ox.Triple, key: tuple[tuple[str, str], ...]) -> None:
    if not _has_xml_name(triple.predicate.value, key):
        raise NotXmlError(
            f"RDF/XML cannot carry this result: the predicate <{triple.predicate.value}> ends "
            f"in no XML name; {RDF_XML_INSTEAD}"
        )
    for term in (triple.subject, triple.object):
        if isinstance(term, ox.Triple):
            _check_predicates(term, key)
