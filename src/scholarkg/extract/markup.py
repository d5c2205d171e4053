"""Markup inside a record's text field is refused, never read past.

arXiv writes every field of its records as plain text (TeX included): an Atom ``<title>``,
``<summary>`` or author ``<name>`` is of Atom's type ``text``, which holds no child element
(RFC 4287, 3.1.1), and the OAI-PMH formats' fields are plain strings; a ``<`` in a title comes
as ``&lt;``. An element inside such a field (``<title>Foo <b>bar</b> baz</title>``) is no answer
arXiv sends: before, its text was joined (``Foo bar baz``) and the record loaded, the markup
dropped without a word. Now the record is quarantined at the line of the field holding the
element, its XML kept whole with the reason, in the words of
:mod:`~scholarkg.extract.textcheck`: ``title: element <b> is markup, not text``.
An OAI-PMH ``<header>``'s fields (``<identifier>``, ``<datestamp>``, ``<setSpec>``) are plain
strings too, and are refused alike (before: read by joining their text, a deleted record's too).
A field of the answer itself (an OAI-PMH ``<resumptionToken>`` or ``<responseDate>``, an
OpenSearch counter) holding an element refuses the answer at its line
(:func:`refuse_answer_markup`); so does the text of an error the server answers with (an
OAI-PMH ``<error>``, an API error entry's ``<summary>``), never shown joined.
"""

from __future__ import annotations

from lxml import etree

from scholarkg.errors import ParseError
from scholarkg.extract.textcheck import field_name
from scholarkg.extract.xmlsafe import line_of

_ATOM = "{http://www.w3.org/2005/Atom}"
_ARXIV = "{http://arxiv.org/OAI/arXiv/}"
# the fields whose children are fields: a person and the arXiv format's author list; an arXivRaw
# version. Every other element of these namespaces in a record is one text value.
_HOLDERS = frozenset(
    (
        f"{_ATOM}author",
        f"{_ARXIV}authors",
        f"{_ARXIV}author",
        "{http://arxiv.org/OAI/arXivRaw/}version",
    )
)
# the namespaces whose fields the doors read; an extension element of another is never read
_READ = frozenset(
    (
        "http://www.w3.org/2005/Atom",
        "http://arxiv.org/schemas/atom",
        "http://arxiv.org/OAI/arXiv/",
        "http://arxiv.org/OAI/arXivRaw/",
        "http://purl.org/dc/elements/1.1/",
        "http://www.openarchives.org/OAI/2.0/",  # a header's identifier, datestamp, setSpec
    )
)
# Atom elements no door reads that hold elements by design
_UNREAD = frozenset((f"{_ATOM}source", f"{_ATOM}contributor"))


def refuse_markup(record: etree._Element, source: str) -> None:
    """ParseError at the field's line, naming the field and the element, when a text field of
    ``record`` (an Atom ``<entry>``, an OAI-PMH ``<header>`` or metadata element) holds an
    element (before: told at the record's line, a header's ``<setSpec>`` lines below it). A
    person or version costs a lookup; only an element holding elements is looked into
    (``len``: at C speed)."""
    for child in record:
        if isinstance(child.tag, str) and len(child):
            _refuse_inside(child, child, source)


def _refuse_inside(element: etree._Element, field: etree._Element, source: str) -> None:
    """``element`` (inside ``field``, a child of the record) holds something; the line told
    is ``element``'s, the text field holding it (an author's ``<keyname>``, not the list)."""
    tag = element.tag
    if tag in _HOLDERS:
        for child in element:
            if isinstance(child.tag, str) and len(child):
                _refuse_inside(child, field, source)
        return
    if not isinstance(tag, str) or tag in _UNREAD or etree.QName(tag).namespace not in _READ:
        return
    for child in element:
        if isinstance(child.tag, str):  # not a comment or processing instruction: no text
            name = field_name(etree.QName(field).localname)
            said = f"{name}: element <{etree.QName(child).localname}> is markup, not text"
            raise ParseError(source, said, line=line_of(element))


def refuse_answer_markup(field: etree._Element, source: str, name: str | None = None) -> None:
    """ParseError at ``field``'s line when ``field``, a text field of the answer itself (not
    of a record: ``<resumptionToken>``, ``<responseDate>``, ``<opensearch:totalResults>``, an
    error's text), holds an element; ``name`` names it (None: its element's name). Before, its
    text was joined: a token the server never gave was sent back, ``2148<b>81</b>`` read as
    the total 214881, an error told with its markup dropped."""
    child = next((c for c in field if isinstance(c.tag, str)), None)
    if child is not None:
        name, inside = name or etree.QName(field).localname, etree.QName(child).localname
        said = f"{name}: element <{inside}> is markup, not text"
        raise ParseError(source, said, line=line_of(field))
