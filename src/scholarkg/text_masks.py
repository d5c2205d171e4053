"""What is no text, and the masks that stand for it in a masked XML body: the rules an error
line needs to show foreign text (:mod:`scholarkg.shown_text`), without the XML parser
(:mod:`scholarkg.extract.textcheck` masks and checks bodies with these).

A masked body puts what would make it not well-formed as a private-use character of one block
of 4096 (:class:`Masks`): a C0 control c as base + c; U+FFFE, U+FFFF and a reference past
U+10FFFF as base + 0x20-0x22; a byte b that is no UTF-8 as base + 0x100 + b; a surrogate s as
base + 0x800 + (s - U+D800). The block is one the body holds no character of, literally or as a
character reference, so a private-use character the source wrote is read as itself."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

NOT_TEXT = re.compile("[\ud800-\udfff\x00-\x08\x0e-\x1f\x7f-\x84\x86-\x9f\ufffe\uffff]")
"""A character that is no text: a lone surrogate, a control that is not white space (C0 but
tab, line feed, vertical tab, form feed and carriage return; DEL; C1 but NEXT LINE), U+FFFE or
U+FFFF."""

BLOCK = 0x1000  # the characters of one block of masks
_PAST = 0x22
_BYTE = 0x100
_SURROGATE = 0x800

# The private-use blocks a body's masks may take, in the order tried: U+E000-U+EFFF first (the
# masks of every body that holds none of it), then plane 15's and plane 16's (their last block
# left out: it ends in the noncharacters U+FFFFE and U+FFFFF, U+10FFFE and U+10FFFF).
MASK_BASES = (
    0xE000,
    *range(0xF0000, 0xFF000, BLOCK),
    *range(0x100000, 0x10F000, BLOCK),
)


@dataclass(frozen=True)
class Masks:
    """The block of masks one masked body uses, from ``base`` (one of :data:`MASK_BASES`)."""

    base: int = MASK_BASES[0]

    def of_control(self, code: int) -> str:
        """The mask of the C0 control ``code``."""
        return chr(self.base + code)

    def of_noncharacter(self, code: int) -> str:
        """The mask of a reference to U+FFFE, U+FFFF or (``code`` past U+10FFFF) no character."""
        return chr(self.base + (_PAST if code > 0x10FFFF else 0x20 + code - 0xFFFE))

    def of_byte(self, byte: int) -> str:
        """The mask of the byte ``byte`` that is no UTF-8."""
        return chr(self.base + _BYTE + byte)

    def of_surrogate(self, code: int) -> str:
        """The mask of a reference to the surrogate ``code``."""
        return chr(self.base + _SURROGATE + code - 0xD800)

    def search(self, text: str) -> str | None:
        """The first mask in ``text``, or None (at C speed: every text of a masked page)."""
        found = _pattern(self.base).search(text)
        return found.group() if found else None

    def is_mask(self, char: str) -> bool:
        """``char`` is a mask of this block."""
        return _pattern(self.base).fullmatch(char) is not None

    def _stands_for(self, mask: str) -> tuple[str, int] | None:
        offset = ord(mask) - self.base
        if 0 <= offset < 0x20:
            return "control", offset
        if offset < _PAST:
            return "noncharacter", offset - 0x20 + 0xFFFE
        if offset == _PAST:
            return "past", 0
        if _BYTE <= offset < _BYTE + 0x100:
            return "byte", offset - _BYTE
        if _SURROGATE <= offset < BLOCK:
            return "surrogate", offset - _SURROGATE + 0xD800
        return None  # in the block, but no mask: the body held none of the block

    def escape(self, char: str) -> str:
        """How an error line shows the mask ``char``: the escape of what it stands for,
        ``\\u0007`` for BEL, ``\\ufffe``, ``\\ud800``; a byte that is no UTF-8 as ``\\xff``, a
        reference past U+10FFFF as ``\\U(>10ffff)``; a character no mask as its own escape."""
        kind, code = self._stands_for(char) or ("other", ord(char))
        if kind == "byte":
            return f"\\x{code:02x}"
        if kind == "past":
            return "\\U(>10ffff)"
        return f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}"

    def reason(self, mask: str, field: str) -> str:
        """Why the mask ``mask`` is no text, naming ``field``."""
        kind, code = self._stands_for(mask) or ("other", ord(mask))
        if kind == "surrogate":
            return f"{field}: a lone surrogate \\u{code:04x} is no character"
        if kind == "byte":
            return f"{field}: not UTF-8 (byte 0x{code:02X})"
        if kind == "past":
            return f"{field}: a character reference beyond U+10FFFF is no character"
        if kind == "noncharacter":
            return f"{field}: noncharacter U+{code:04X} is not text"
        return f"{field}: control character U+{code:04X} is not text"


@cache
def _pattern(base: int) -> re.Pattern[str]:
    """A mask of the block from ``base``."""
    spans = ((0, _PAST), (_BYTE, _BYTE + 0xFF), (_SURROGATE, BLOCK - 1))
    return re.compile("[" + "".join(f"{chr(base + a)}-{chr(base + b)}" for a, b in spans) + "]")
