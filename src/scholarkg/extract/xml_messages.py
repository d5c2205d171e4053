"""libxml2's messages as a scholarkg user reads them: what is wrong, not how to call libxml2.

Some of libxml2's messages end in advice to its own callers (``use XML_PARSE_HUGE option``,
``see xmlCtxtSetMaxAmplification``) that names parser options no user of scholarkg can set: the
project sets them (:func:`~.xmlsafe.RecordStream` lifts the size limits wherever no entity can
be declared), and a deeper document or a bigger expansion is no answer arXiv sends. The advice
is dropped and a message that names a libxml2 function instead of the fault is reworded, so the
error line says what is wrong and nothing else. An undeclared entity (``&nbsp;``), which
lxml's pull parser passes over without a word, is named at its line
(:func:`undeclared_entity`), and so is a declaration of a wide encoding the bytes are not in
(:func:`wide_encoding_declared`)."""

from __future__ import annotations

import re

# advice clauses (libxml2 2.9-2.14), with the separator before them and the line break after
_ADVICE = re.compile(
    r"[\s,;]*\b(?:(?:try|use)\s+XML_PARSE_HUGE(?:\s+option)?|see\s+xmlCtxtSetMaxAmplification)"
    r"\b\.?\s*",
    re.IGNORECASE,
)
# messages that name a libxml2 function or state its limit as an internal error
_REWORDED = (
    # 2.14: an element declaration of the DTD nested past the depth limit
    (
        re.compile(r"xmlParseElementChildrenContentDecl\s*:\s*depth (\d+) too deep"),
        r"element declaration nested too deep (\1 levels)",
    ),
    # a bare '&' in text
    (re.compile(r"xmlParseEntityRef: no name"), "'&' begins no entity reference (& is &amp;)"),
    # before 2.11: one token (a name, value or text) longer than the input limit
    (re.compile(r"(?:internal error:\s*)?Huge input lookup"), "input too long to read"),
    # before 2.11: a text node longer than the limit, told as an allocation failure
    (
        re.compile(r"(?:Memory allocation failed\s*:\s*)?xmlSAX2Characters: huge text node"),
        "Text node too long",
    ),
)


# a reference to an entity XML does not predefine (and a document without a DTD cannot declare)
_UNDECLARED = re.compile(rb"&(?!(?:amp|lt|gt|quot|apos);)([A-Za-z_:][A-Za-z0-9_.:-]{0,63});")
# what lxml's pull parser says once an undeclared entity silently ended its document: the next
# feed starts another (its line 1), or close() finds none (line 0)
_AFTER_SILENT_END = ("no element found", "Start tag expected", "Document is empty")


def undeclared_entity(body: bytes, message: str, read: int) -> tuple[str, int] | None:
    """The name and line of the first entity reference XML does not predefine in the ``read``
    bytes of ``body`` (``&nbsp;``), when ``message`` is what lxml's pull parser says after one
    (given ``resolve_entities=False`` it ends the document at such a reference without an
    error, so its message names none and no line); else None."""
    if not message.startswith(_AFTER_SILENT_END):
        return None
    found = _UNDECLARED.search(body, 0, read)
    if found is None:
        return None
    return found.group(1).decode("ascii"), body.count(b"\n", 0, found.start()) + 1


# an XML declaration as ASCII-compatible bytes write it, naming its encoding
_DECLARED = re.compile(
    rb"<\?xml[ \t\r\n][^>]{0,200}?encoding[ \t\r\n]*=[ \t\r\n]*([\"'])([A-Za-z0-9._:-]{1,40})\1"
)
# encodings of two or four bytes a character, in which "<?xml" is never written byte for byte
_WIDE = re.compile(r"(?:UTF-?(?:16|32)|UCS-?[24]|ISO-10646-UCS-[24])(?:[-_]?(?:LE|BE))?", re.I)


def wide_encoding_declared(body: bytes) -> str | None:
    """The message for ``body`` when its XML declaration, written one byte a character (as
    UTF-8 or ASCII write it), names an encoding of two or four bytes a character (UTF-16,
    UTF-32, UCS-2): the declaration is not in the encoding it names, so which one the document
    is in is not known (libxml2 switches to the one named and says ``Blank needed here``, of
    bytes it reads as UTF-16); else None."""
    found = _DECLARED.match(body.removeprefix(b"\xef\xbb\xbf"))
    if found is None or not _WIDE.fullmatch(found[2].decode("ascii")):
        return None
    named = found[2].decode("ascii")
    return (
        f"the XML declaration names encoding '{named}' but is itself written one byte a "
        f"character, not in {named}: which encoding the document is in is not known"
    )


def plain_message(message: str) -> str:
    """``message`` (libxml2's, as lxml words it) without advice to libxml2's callers."""
    for pattern, words in _REWORDED:
        message = pattern.sub(words, message)
    return _ADVICE.sub("", message)
