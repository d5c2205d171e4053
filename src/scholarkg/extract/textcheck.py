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
from functools import partial

from lxml import etree

from scholarkg.text_masks import BLOCK, MASK_BASES, Masks
from scholarkg.text_masks import NOT_TEXT as NOT_TEXT  # the rule, where the doors read it

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
# a private-use character a mask's block may hold, as the body writes it in UTF-8: U+E000-U+EFFF,
# planes 15 and 16
_PRIVATE_USE = re.compile(
    rb"\xee[\x80-\xbf]{2}|\xf3[\xb0-\xbf][\x80-\xbf]{2}|\xf4[\x80-\x8f][\x80-\xbf]{2}"
)
_XML_WHITE = (0x09, 0x0A, 0x0D)
_BYTE_MASKS = "scholarkg-mask-bytes-"  # + the block's base, in hex


def _register_byte_masks(masks: Masks) -> str:
    name = f"{_BYTE_MASKS}{masks.base:x}"

    def mask_bytes(error: UnicodeError) -> tuple[str, int]:
        assert isinstance(error, UnicodeDecodeError)
        bad = error.object[error.start : error.end]
        return "".join(masks.of_byte(b) for b in bad), error.end

    codecs.register_error(name, mask_bytes)
    return name


_BYTE_ERRORS = {base: _register_byte_masks(Masks(base)) for base in MASK_BASES}


def _ref_code(found: re.Match[bytes]) -> int:
    return int(found.group(1), 16) if found.group(1) else int(found.group(2), 10)


def _mask_one(masks: Masks, found: re.Match[bytes]) -> bytes:
    if found.group(1) is None and found.group(2) is None:
        code = found.group()[0]  # a raw byte
    else:
        code = int(found.group(1), 10) if found.group(1) else int(found.group(2), 16)
        if code > 0x1F or code in _XML_WHITE:
            return found.group()  # a reference to a character XML holds: left as written
    if code in (0x0B, 0x0C):  # white space, as every door folds it
        return b" "
    return masks.of_control(code).encode("utf-8")


def _no_character(code: int) -> bool:
    """A reference to ``code`` is to no XML character (C0 is :data:`_XML_C0`'s)."""
    return 0xD800 <= code <= 0xDFFF or code in (0xFFFE, 0xFFFF) or code > 0x10FFFF


def _mask_ref(masks: Masks, found: re.Match[bytes]) -> bytes:
    code = _ref_code(found)
    if not _no_character(code):
        return found.group()
    if 0xD800 <= code <= 0xDFFF:
        return masks.of_surrogate(code).encode("utf-8")
    return masks.of_noncharacter(code).encode("utf-8")


def _not_utf8(body: bytes) -> bool:
    if body.isascii():
        return False
    try:
        body.decode("utf-8")
    except UnicodeDecodeError:
        return True
    return False


def _free_masks(body: bytes) -> Masks | None:
    """The first block of masks (:data:`~scholarkg.text_masks.MASK_BASES`) of which ``body``
    holds no character, written or as a character reference; None if it holds one of each."""
    used = {ord(c.decode("utf-8")) & ~(BLOCK - 1) for c in _PRIVATE_USE.findall(body)}
    used.update(_ref_code(found) & ~(BLOCK - 1) for found in _XML_REF.finditer(body))
    return next((Masks(base) for base in MASK_BASES if base not in used), None)


def mask_xml_controls(body: bytes) -> tuple[bytes, Masks | None]:
    """``body`` with what would make it not well-formed in one record put as a private-use
    character (a mask: :mod:`scholarkg.text_masks`) that :func:`refuse_non_text_element`
    (``masked=``) refuses in the record holding it, naming what it stands for: each C0 control
    XML 1.0 cannot hold (raw or a character reference), each byte that is no UTF-8, each
    reference to a surrogate, U+FFFE, U+FFFF or past U+10FFFF; vertical tab and form feed as a
    space (the white space every door folds them to). Returns the body and the masks it uses
    (None: nothing masked).

    Before, one record's ``&#7;`` or one Latin-1 byte refused its whole answer, and a harvest
    stopped at that page on every run. The masks are of a block the body holds no character of
    (before: always U+E000-U+EFFF, so a ``&#xE007;`` the source wrote was read as a masked
    BEL). A body in another encoding than UTF-8, or that holds a character of every block, is
    returned as it is (refused as before)."""
    controls = _XML_C0.search(body) is not None
    refs = any(_no_character(_ref_code(found)) for found in _XML_REF.finditer(body))
    not_utf8 = _not_utf8(body)
    if not (controls or refs or not_utf8):
        return body, None
    head = body.removeprefix(b"\xef\xbb\xbf").lstrip(b" \t\r\n")
    declared = _ENCODING.match(head)
    if not head.startswith(b"<") or (declared and declared.group(1).lower() not in _UTF8):
        return body, None
    masks = _free_masks(body)
    if masks is None:
        return body, None
    masked = body
    if not_utf8:
        masked = masked.decode("utf-8", _BYTE_ERRORS[masks.base]).encode("utf-8")
    if controls:
        masked = _XML_C0.sub(partial(_mask_one, masks), masked)
    if refs:
        masked = _XML_REF.sub(partial(_mask_ref, masks), masked)
    return (masked, masks) if masked != body else (body, None)


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


def refuse_non_text_element(holder: etree._Element, *, masked: Masks | None = None) -> None:
    """ValueError naming the field where the text or an attribute inside ``holder`` (an Atom
    ``<entry>``, an OAI-PMH ``<header>`` or metadata element: each child one field) holds what
    is no text; a child is named the way the snapshot names that field. ``masked``: the masks
    of the body, read through :func:`mask_xml_controls`, each the control it stands for."""
    for child in holder:
        if not isinstance(child.tag, str):  # comments and processing instructions hold no value
            continue
        field = field_name(etree.QName(child).localname)
        for element in child.iter():
            texts = [element.text, *element.attrib.values()] if isinstance(element.tag, str) else []
            if element is not child:
                texts.append(element.tail)
            for text in texts:
                if text and masked and (mask := masked.search(str(text))):
                    raise ValueError(masked.reason(mask, field))
                if text and (reason := non_text_reason(str(text), field)):
                    raise ValueError(reason)
