"""The one rule every ingest door applies to text: what is no text is refused, never stored.

No text value keeps a lone surrogate (no character; no UTF-8 text can hold it), the
noncharacters U+FFFE and U+FFFF (no XML character: stored, they made every XML answer of the
endpoint not well-formed) or a control character that is not white space: C0 but tab, line
feed, vertical tab, form feed and carriage return; DEL; C1 (U+0080–U+009F) but NEXT LINE
(U+0085). White-space controls fold to one space like any run of white space; the others no
XML serialisation writes (C0) or mean mis-decoded bytes (C1: Windows-1252 read as Latin-1).
DEL and C1 are legal in XML 1.0, so an Atom or OAI-PMH answer can carry them as well as a
snapshot line; U+FFFE and U+FFFF only a snapshot line or a profile page can.

The check runs on the text as the source gave it, before white space is folded (which would
turn U+001C–U+001F into spaces), and names the field in the snapshot's words, so one record
gets the same reason through the snapshot, the API or OAI-PMH: ``title: control character
U+007F is not text``.
"""

from __future__ import annotations

import codecs
import re

from lxml import etree

NOT_TEXT = re.compile("[\ud800-\udfff\x00-\x08\x0e-\x1f\x7f-\x84\x86-\x9f\ufffe\uffff]")

# The XML elements (Atom, OAI-PMH arXiv / arXivRaw / oai_dc) under the snapshot's field names.
_FIELD_OF_ELEMENT = {
    "summary": "abstract",
    "description": "abstract",
    "comment": "comments",
    "journal_ref": "journal-ref",
    "author": "authors",
    "creator": "authors",
    "primary_category": "categories",
    "category": "categories",
    "version": "versions",
    "identifier": "id",
}


def field_name(localname: str) -> str:
    """The snapshot's name of the field an Atom or OAI-PMH element of ``localname`` fills."""
    return _FIELD_OF_ELEMENT.get(localname, localname)


# What in an XML body can carry DEL or C1 (no other control character is XML 1.0 text): the
# character in UTF-8, or a character reference to it (&#127;-&#159;, &#x7F;-&#x9F;).
_XML_NON_TEXT = re.compile(
    rb"\x7f|\xc2[\x80-\x84\x86-\x9f]"
    rb"|&#(?:0*(?:12[7-9]|1[3-5][0-9]);|x0*(?:7[fF]|8[0-46-9a-fA-F]|9[0-9a-fA-F]);)"
)
_ENCODING = re.compile(rb"""^<\?xml[^>]*?encoding\s*=\s*["']([A-Za-z0-9._-]+)["']""")
_UTF8 = {b"utf-8", b"utf8", b"us-ascii", b"ascii"}


def xml_may_hold_non_text(body: bytes) -> bool:
    """Whether an XML ``body`` may hold DEL or C1 anywhere (a byte scan, at C speed): False
    for the common page, whose records then need no check one by one. A body not in UTF-8
    (or ASCII) may always hold them."""
    head = body.removeprefix(b"\xef\xbb\xbf").lstrip(b" \t\r\n")
    if not head.startswith(b"<"):
        return True  # UTF-16/32 or no XML: let the per-record check decide
    declared = _ENCODING.match(head)
    if declared and declared.group(1).lower() not in _UTF8:
        return True
    return _XML_NON_TEXT.search(body) is not None


# C0 controls XML 1.0 cannot hold (every one but tab, line feed and carriage return), raw or as a
# character reference: the body is not well-formed, and the parser refuses the whole answer
_XML_C0 = re.compile(rb"[\x00-\x08\x0b\x0c\x0e-\x1f]|&#(?:0*([0-9]{1,2})|x0*([0-9a-fA-F]{1,2}));")
# any character reference (those to no XML character: a surrogate, U+FFFE, U+FFFF, past U+10FFFF)
_XML_REF = re.compile(rb"&#(?:x0*([0-9a-fA-F]{1,16})|0*([0-9]{1,20}));")
# What stands for what in a masked body (private use, U+E000-U+EFFF): a C0 control c as
# U+E000 + c; U+FFFE, U+FFFF and a reference past U+10FFFF as U+E020-U+E022; a byte b that is
# no UTF-8 as U+E100 + b; a surrogate s as U+E800 + (s - U+D800).
_MASK_BASE = 0xE000
_MASK_PAST = 0xE022
_MASK_BYTE = 0xE100
_MASK_SURROGATE = 0xE800
_MASKED_BYTES = re.compile(rb"\xee[\x80-\xbf][\x80-\xbf]")  # U+E000-U+EFFF in UTF-8
MASKED = re.compile("[\ue000-\uefff]")
"""A mask :func:`mask_xml_controls` may have put (in a masked body only: see
:func:`masked_escape`)."""
_XML_WHITE = (0x09, 0x0A, 0x0D)
_BYTE_MASKS = "scholarkg-mask-bytes"


def _mask_bytes(error: UnicodeError) -> tuple[str, int]:
    assert isinstance(error, UnicodeDecodeError)
    bad = error.object[error.start : error.end]
    return "".join(chr(_MASK_BYTE + b) for b in bad), error.end


codecs.register_error(_BYTE_MASKS, _mask_bytes)


def _mask_one(found: re.Match[bytes]) -> bytes:
    if found.group(1) is None and found.group(2) is None:
        code = found.group()[0]  # a raw byte
    else:
        code = int(found.group(1), 10) if found.group(1) else int(found.group(2), 16)
        if code > 0x1F or code in _XML_WHITE:
            return found.group()  # a reference to a character XML holds: left as written
    if code in (0x0B, 0x0C):  # white space, as every door folds it
        return b" "
    return chr(_MASK_BASE + code).encode("utf-8")


def _ref_mask(found: re.Match[bytes]) -> str | None:
    """The mask of a reference to what is no XML character (None: one to a character; C0 is
    :data:`_XML_C0`'s)."""
    code = int(found.group(1), 16) if found.group(1) else int(found.group(2), 10)
    if 0xD800 <= code <= 0xDFFF:
        return chr(_MASK_SURROGATE + code - 0xD800)
    if code in (0xFFFE, 0xFFFF):
        return chr(_MASK_BASE + 0x20 + code - 0xFFFE)
    return chr(_MASK_PAST) if code > 0x10FFFF else None


def _mask_ref(found: re.Match[bytes]) -> bytes:
    mask = _ref_mask(found)
    return found.group() if mask is None else mask.encode("utf-8")


def _not_utf8(body: bytes) -> bool:
    if body.isascii():
        return False
    try:
        body.decode("utf-8")
    except UnicodeDecodeError:
        return True
    return False


def mask_xml_controls(body: bytes) -> tuple[bytes, bool]:
    """``body`` with what would make it not well-formed in one record put as a private-use
    character that :func:`refuse_non_text_element` (``masked=True``) refuses in the record
    holding it, naming what it stands for: each C0 control XML 1.0 cannot hold (raw or a
    character reference), each byte that is no UTF-8, each reference to a surrogate, U+FFFE,
    U+FFFF or past U+10FFFF; vertical tab and form feed as a space (the white space every door
    folds them to). Returns the body and whether anything was masked.

    Before, one record's ``&#7;`` or one Latin-1 byte refused its whole answer, and a harvest
    stopped at that page on every run. A body in another encoding than UTF-8, or that holds
    U+E000-U+EFFF itself, is returned as it is (refused as before)."""
    controls = _XML_C0.search(body) is not None
    refs = any(_ref_mask(found) for found in _XML_REF.finditer(body))
    not_utf8 = _not_utf8(body)
    if not (controls or refs or not_utf8) or _MASKED_BYTES.search(body):
        return body, False
    head = body.removeprefix(b"\xef\xbb\xbf").lstrip(b" \t\r\n")
    declared = _ENCODING.match(head)
    if not head.startswith(b"<") or (declared and declared.group(1).lower() not in _UTF8):
        return body, False
    masked = body
    if not_utf8:
        masked = masked.decode("utf-8", _BYTE_MASKS).encode("utf-8")
    if controls:
        masked = _XML_C0.sub(_mask_one, masked)
    if refs:
        masked = _XML_REF.sub(_mask_ref, masked)
    return masked, masked != body


def _masked_reason(mask: str, field: str) -> str:
    """Why the masked character ``mask`` (see :data:`_MASK_BASE`) is no text."""
    code = ord(mask)
    if code >= _MASK_SURROGATE:
        return f"{field}: a lone surrogate \\u{code - _MASK_SURROGATE + 0xD800:04x} is no character"
    if code >= _MASK_BYTE:
        return f"{field}: not UTF-8 (byte 0x{code - _MASK_BYTE:02X})"
    if code == _MASK_PAST:
        return f"{field}: a character reference beyond U+10FFFF is no character"
    if code > _MASK_BASE + 0x1F:
        return f"{field}: noncharacter U+{code - _MASK_BASE - 0x20 + 0xFFFE:04X} is not text"
    return f"{field}: control character U+{code - _MASK_BASE:04X} is not text"


def masked_escape(mask: str) -> str:
    """How an error line shows the mask ``mask`` (see :data:`_MASK_BASE`): the escape of what
    it stands for, ``\\u0007`` for BEL, ``\\ufffe``, ``\\ud800``; a byte that is no UTF-8 as
    ``\\xff``, a reference past U+10FFFF as ``\\U(>10ffff)``; a private-use character no mask
    is as its own escape."""
    code = ord(mask)
    if code < _MASK_BASE + 0x20:  # a C0 control
        return f"\\u{code - _MASK_BASE:04x}"
    if code < _MASK_PAST:  # U+FFFE, U+FFFF
        return f"\\u{code - _MASK_BASE - 0x20 + 0xFFFE:04x}"
    if code == _MASK_PAST:
        return "\\U(>10ffff)"
    if _MASK_BYTE <= code <= _MASK_BYTE + 0xFF:
        return f"\\x{code - _MASK_BYTE:02x}"
    if code >= _MASK_SURROGATE:
        return f"\\u{code - _MASK_SURROGATE + 0xD800:04x}"
    return f"\\u{code:04x}"


def non_text_reason(text: str, field: str) -> str | None:
    """Why ``text`` cannot be stored (naming ``field`` and the code point), or None if it can."""
    found = NOT_TEXT.search(text)
    if found is None:
        return None
    code = ord(found.group())
    if 0xD800 <= code <= 0xDFFF:
        return f"{field}: a lone surrogate \\u{code:04x} is no character"
    if code >= 0xFFFE:
        return f"{field}: noncharacter U+{code:04X} is not text"
    return f"{field}: control character U+{code:04X} is not text"


def refuse_non_text(value: object, field: str = "the line") -> None:
    """ValueError naming the field where a string in ``value`` (a JSON value: strings, lists,
    objects, whose keys name the fields) holds what is no text."""
    if isinstance(value, str):
        if reason := non_text_reason(value, field):
            raise ValueError(reason)
    elif isinstance(value, dict):
        for key, item in value.items():
            refuse_non_text(key, field)
            refuse_non_text(item, str(key) if field == "the line" else field)
    elif isinstance(value, list):
        for item in value:
            refuse_non_text(item, field)


def refuse_non_text_element(holder: etree._Element, *, masked: bool = False) -> None:
    """ValueError naming the field where the text or an attribute inside ``holder`` (an Atom
    ``<entry>``, an OAI-PMH ``<header>`` or metadata element: each child one field) holds what
    is no text; a child is named the way the snapshot names that field. ``masked``: the body
    was read through :func:`mask_xml_controls`, whose masks are the controls they stand for."""
    for child in holder:
        if not isinstance(child.tag, str):  # comments and processing instructions hold no value
            continue
        field = field_name(etree.QName(child).localname)
        for element in child.iter():
            texts = [element.text, *element.attrib.values()] if isinstance(element.tag, str) else []
            if element is not child:
                texts.append(element.tail)
            for text in texts:
                if text and masked and (mask := MASKED.search(str(text))):
                    raise ValueError(_masked_reason(mask.group(), field))
                if text and (reason := non_text_reason(str(text), field)):
                    raise ValueError(reason)
