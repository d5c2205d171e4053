"""A ``[people.merge]`` name key is what :func:`~scholarkg.identity.names.name_key` can write,
recognised in linear time; any other key is a configuration error saying why."""

from __future__ import annotations

import pytest

from linear_time import LINEAR_RATIO, growth
from scholarkg.errors import ConfigError
from scholarkg.identity.names import name_key
from scholarkg.identity.overrides import parse_ref

NAMES = [
    "L. Hussenot",
    "Léonard Hussenot",
    "J.-P. Dupont",
    "Smith, John, Jr.",
    "O'Connor",
    "Wang Wei",
    "王 伟",
    "ジョン・スミス",
    "Müller-Lüdenscheidt",
    r"\v{S}r\'amek",
    "Ørsted Łukasz Đorđe",
    "Ǿrsted",  # a capital Ø with a mark (NFKD: Ø and the mark): "orsted", as "Ørsted"
    "John Smith 3rd",
    "...",
]


@pytest.mark.parametrize("name", NAMES)
def test_a_key_name_key_writes_is_a_name_key(name: str) -> None:
    key = name_key(name)
    ref = parse_ref(key, "[people.merge]", merge=True)
    assert (ref.kind, ref.value) == ("key", key)


def test_every_key_name_key_writes_of_these_letters_is_a_name_key() -> None:
    """Latin, Greek, Cyrillic, kana and Hangul letters, marks and symbols, each in a name."""
    blocks = [
        range(0x20, 0x530),
        range(0x3040, 0x3100),
        range(0xAC00, 0xAC40),
        range(0xFF61, 0xFFA0),
    ]
    refused = []
    for c in (chr(c) for block in blocks for c in block):
        for name in (c, f"Ab {c}x{c} Cd"):
            try:
                parse_ref(name_key(name), "[people.merge]", merge=True)
            except ConfigError:
                refused.append(name)
    assert refused == []


@pytest.mark.parametrize(
    ("key", "why"),
    [
        ("-", "single hyphens"),
        ("-a", "single hyphens"),
        ("a-", "single hyphens"),
        ("a--b", "single hyphens"),
        ("l-hussenot-", "single hyphens"),
        ("l hussenot", "no spaces"),
        ("L-hussenot", "lower-case letters and digits"),
        ("l_hussenot", "lower-case letters and digits"),
        ("o'connor", "lower-case letters and digits"),
        ("l.-hussenot", "lower-case letters and digits"),
        ("müller-lüdenscheidt", "not folded; as a key: 'muller-ludenscheidt'"),
        ("Émile-zola", "'emile-zola'"),
        ("Ørsted", "'orsted'"),
        ("a-" * 8 + "A", "lower-case letters and digits"),
    ],
)
def test_a_key_name_key_cannot_write_is_a_config_error_saying_why(key: str, why: str) -> None:
    with pytest.raises(ConfigError) as refused:
        parse_ref(key, "[people.merge]", merge=True)
    message = str(refused.value)
    assert message.startswith(f"[people.merge] {key!r}: not a name key")
    assert why in message


@pytest.mark.parametrize("text", ["a|", "#1", "a#0", "person:", "a:b"])
def test_a_malformed_reference_of_another_kind_lists_the_kinds(text: str) -> None:
    with pytest.raises(ConfigError, match=r"not a reference; use profile:<location>"):
        parse_ref(text, "[people.merge]", merge=True)


def test_a_name_key_is_no_split_reference() -> None:
    with pytest.raises(ConfigError, match="not a reference"):
        parse_ref("l-hussenot", "[people.split]", merge=False)


def _refused(text: str) -> None:
    for _ in range(20):
        with pytest.raises(ConfigError):
            parse_ref(text, "[people.merge]", merge=True)


def test_a_long_hyphenated_key_is_refused_in_linear_time() -> None:
    assert growth(_refused, lambda size: "a-" * size + "A", 2) < LINEAR_RATIO


def test_a_long_key_is_read_in_linear_time() -> None:
    """A key with no hyphen wrong until its last one: its words are read once each."""
    assert growth(_refused, lambda size: "ab-" * size + "-a", 200) < LINEAR_RATIO
    assert growth(_accepted, lambda size: "ab-" * size + "a", 200) < LINEAR_RATIO


def _accepted(text: str) -> None:
    for _ in range(20):
        assert parse_ref(text, "[people.merge]", merge=True).kind == "key"
