r"""TeX as arXiv writes letters, read as the letters: a letter command (``{\O}``, ``\ss``,
``\i``; its spaces are TeX's) and an accent on one letter, in braces or not (``\"o``,
``\'{e}``, ``\v{S}``, ``Mart\'{\i}n``), as the letter it marks. One table for names
(:mod:`scholarkg.identity.name_reading`) and titles (:func:`scholarkg.iris.fold`), so
``{\O}resund`` and ``Øresund``, ``Schr\"odinger`` and ``Schrödinger`` fold alike.
:func:`tex_unicode` writes them as the letters instead, marks kept, for names as listed.
"""

from __future__ import annotations

import re
import unicodedata

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


# the letter each letter command writes, for text shown as written (\i and \j: dotless)
_TEX_UNICODE = _TEX_LETTERS | {"i": "ı", "j": "ȷ", "DH": "Ð", "dh": "ð", "TH": "Þ", "th": "þ"}
_TEX_UNICODE |= {"NG": "Ŋ", "ng": "ŋ", "DJ": "Đ", "dj": "đ"}
# (not after a backslash: "\\\\" is TeX's line break, what follows it no command)
_TEX_COMMAND = re.compile(
    r"(?<!\\)\\(ss|ae|AE|oe|OE|aa|AA|DH|dh|TH|th|NG|ng|DJ|dj|[oOlLij])(?![A-Za-z])(?:\{\}|\s*)"
)
# the combining mark each accent command puts on its letter
_MARKS = {"`": "\u0300", "'": "\u0301", "^": "\u0302", '"': "\u0308", "~": "\u0303"}
_MARKS |= {"=": "\u0304", ".": "\u0307", "u": "\u0306", "v": "\u030c", "H": "\u030b"}
_MARKS |= {"c": "\u0327", "k": "\u0328", "r": "\u030a", "d": "\u0323", "b": "\u0331"}
# a letter, with the marks of accents read before (\^{\'e}: the inner one first)
_LETTER = r"(?:\{\s*([A-Za-zıȷ][\u0300-\u036f]*)\s*\}|([A-Za-zıȷ][\u0300-\u036f]*))"
_STACKED = 4  # accents on one letter read at most (more stay TeX)
_ACCENT_ON = re.compile(
    rf"(?<!\\)\\(?:([`'^\"~=.])\s*|([uvHckrdb])(?=\s*\{{)\s*|([uvHckrdb])\s+){_LETTER}"
)
_DOTLESS = {"ı": "i", "ȷ": "j"}  # the letter an accent goes on: í, not ı with an acute
# a letter in braces ({Ø}, {{é}}), unless the braces are a command's argument (\url{x}); a
# run of braces is read from its first (from each of its braces, a search would read the run
# again: quadratic)
_BRACED = re.compile(r"(\\[A-Za-z]+\s*)?(?<!\{)(\{+)([^\W\d_][\u0300-\u036f]*)(\}+)")


def _marked(match: re.Match[str]) -> str:
    letter = match[4] or match[5]
    return (
        _DOTLESS.get(letter[0], letter[0]) + letter[1:] + _MARKS[match[1] or match[2] or match[3]]
    )


def _unbraced(match: re.Match[str]) -> str:
    if match[1]:
        return match[0]
    pairs = min(len(match[2]), len(match[4]))
    return match[2][pairs:] + match[3] + match[4][pairs:]


def tex_unicode(text: str) -> str:
    r"""``text`` with TeX letters and accented letters written as those letters, in NFC
    (``G\"odel`` → ``Gödel``, ``{\'E}mile`` → ``Émile``, ``{\O}bro`` → ``Øbro``,
    ``Mart\'{\i}n`` → ``Martín``), as arXiv writes the names it parsed; a letter in braces is
    the letter (``G{ö}del``, which arXiv's own conversion makes of ``G{\"o}del``). Other TeX
    stays."""
    if "\\" not in text and "{" not in text:
        return text
    # composed first and a braced letter unbraced (as when read again): a command before a
    # letter written with a combining mark, an accent on {{v}}, are read as on the letter
    text = _BRACED.sub(_unbraced, unicodedata.normalize("NFC", text))
    text = _TEX_COMMAND.sub(lambda m: _TEX_UNICODE[m[1]], text)
    for _ in range(_STACKED):
        marked = _ACCENT_ON.sub(_marked, text)
        if marked == text:
            break
        text = marked
    return unicodedata.normalize("NFC", _BRACED.sub(_unbraced, text))
