"""East Asian names written surname first: ``Kim Jong Un`` is often ``Jong-Un Kim``.

arXiv and many papers write a Korean, Chinese or Vietnamese name surname first and its given
name as two words (``Kim Jong Un``, ``Park Chan Wook``, ``Zhang Xiao Ming``, ``Nguyen Van
Thanh``), where a profile writes it given name first (``Jong-Un Kim``, ``Chan-Wook Park``,
``Xiaoming Zhang``). Read as written, the surname is the last word (``Un``). The name stands for
its surname-first reading too where that is the likely one: three words, the first a common
surname of a small table (:data:`SURNAMES`), the last none (``Min Jun Park`` and ``Li Ming
Wang`` may be given name first: ``Park`` and ``Wang`` are surnames), and both given words a
syllable as these languages romanise one (``Lee Harvey Oswald`` is not such a name). Two words
(``Wang Wei``) tell nothing: read surname first only at one position of one paper
(:func:`~scholarkg.identity.names.compatible_at_position`). Comparison only: keys and blocks
stay as written.
"""

from __future__ import annotations

import re

from scholarkg.iris import fold

# common surnames (folded) in their usual romanisations, left out where also a common given
# syllable ("jin", "mai") or one a Western name begins with as a given name only (none)
SURNAMES = frozenset(
    {
        # Korean
        "ahn", "bae", "baek", "cha", "choi", "choe", "chung", "heo", "hong", "hwang", "jang",
        "jeon", "jeong", "jung", "kang", "kim", "kwak", "kwon", "lee", "lim", "noh", "oh", "paik",
        "pak", "park", "ryu", "seo", "shin", "son", "yoo", "yoon", "yun",
        # Chinese (pinyin, and Cantonese spellings)
        "cai", "cao", "chan", "chen", "cheng", "cheung", "cui", "deng", "ding", "dong", "du",
        "fan", "feng", "gao", "guo", "han", "hu", "huang", "jiang", "lai", "leung", "li", "liang",
        "liao", "lin", "liu", "lu", "luo", "ng", "pan", "peng", "shen", "song", "su", "sun",
        "tan", "tang", "tian", "wang", "wong", "wu", "xie", "xu", "xue", "yang", "yao", "ye",
        "yu", "yuan", "zeng", "zhang", "zhao", "zheng", "zhong", "zhou", "zhu",
        # Vietnamese
        "bui", "dang", "dinh", "duong", "hoang", "huynh", "ngo", "nguyen", "pham", "phan",
        "tran", "truong", "vo", "vu",
    }
)  # fmt: skip
# one romanised syllable: an initial, a glide, vowels, a final ("jong", "wook", "hyun", "xiao",
# "zhuang", "thanh", "nguyen"); not "harvey", "oswald", "ann"
_SYLLABLE = re.compile(
    r"(?:[bcdfghjklmnpqrstvwxyz]|ch|gh|kh|ng|ngh|nh|ph|qu|sh|th|tr|ts|zh|jj|kk|pp|ss|tt)?"
    r"[wy]?[aeiou][aeiouy]{0,2}(?:ng|nh|ch|[nmkptlc])?"
)
_WORD = re.compile(r"[^\W\d_]{2,}")


def surname_first(text: str) -> str | None:
    """``Jong Un Kim`` for ``Kim Jong Un``: the name read surname first, where its first word
    is a surname of :data:`SURNAMES`, its last is none, and the two words after the surname
    are each one syllable written in small letters; ``None`` for any other name (``Wang Wei``,
    ``Li Ming Wang``, ``Lee Harvey Oswald``, ``Kim J. Un``, one with a comma or a hyphen)."""
    words = text.split()
    if len(words) != 3 or not all(_WORD.fullmatch(w) for w in words):
        return None
    surname, *given = (fold(w) for w in words)
    if (
        surname not in SURNAMES
        or given[-1] in SURNAMES
        or any(w.isupper() for w in words[1:])
        or not all(_SYLLABLE.fullmatch(g) for g in given)
    ):
        return None
    return " ".join([*words[1:], words[0]])
