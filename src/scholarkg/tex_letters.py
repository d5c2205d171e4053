r"""TeX as arXiv writes letters, read as the letters: a letter command (``{\O}``, ``\ss``,
``\i``; its spaces are TeX's) and an accent on one letter, in braces or not (``\"o``,
``\'{e}``, ``\v{S}``, ``Mart\'{\i}n``), as the letter it marks. One table for names
(:mod:`scholarkg.identity.name_reading`) and titles (:func:`scholarkg.iris.fold`), so
``{\O}resund`` and ``Øresund``, ``Schr\"odinger`` and ``Schrödinger`` fold alike.
"""

from __future__ import annotations

import re

_TEX_LETTER = re.compile(r"\\(ss|ae|AE|oe|OE|aa|AA|o|O|l|L|i|j)(?![A-Za-z])\s*")
_TEX_LETTERS = {"ss": "ß", "ae": "æ", "AE": "Æ", "oe": "œ", "OE": "Œ", "aa": "å", "AA": "Å"}
_TEX_LETTERS |= {"o": "ø", "O": "Ø", "l": "ł", "L": "Ł", "i": "i", "j": "j"}  # \i: dotless i
_TEX_ACCENT = re.compile(
    r"\\(?:[`'^\"~=.]\s*|[vuHckrdbt](?=\s*\{)\s*|[vuHckrdbt]\s+)(?:\{\s*([A-Za-z])\s*\}|([A-Za-z]))"
)


def tex_letters(text: str) -> str:
    r"""``text`` with TeX letters as their letters and a TeX accent as the letter it marks,
    without the mark (``\v{S}r\'amek`` → ``Sramek``, ``{\O}bro`` → ``{Ø}bro``): what folds
    alike to the text written in Unicode (``Šrámek``, ``Øbro``). Other TeX stays."""
    if "\\" not in text:
        return text
    text = _TEX_LETTER.sub(lambda m: _TEX_LETTERS[m[1]], text)
    return _TEX_ACCENT.sub(lambda m: m[1] or m[2], text)
