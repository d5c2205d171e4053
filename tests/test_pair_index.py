"""The co-author pair index: the rows written for a paper carry the very keys the co-author rule
looks up (``pair_key`` of the author's and the co-author's name blocks), one row per ordered
pair of distinct authors, none for a paper past ``MAX_EVIDENCE_AUTHORS``."""

from __future__ import annotations

from scholarkg.identity.pair_keys import MAX_EVIDENCE_AUTHORS, pair_key, pair_rows

AUTHORS = [
    ("dadashi r", "n1", "Robert Dadashi"),
    ("geist m", "n2", "M. Geist"),
    ("geist m", "n3", "Matthieu Geist"),
]


def test_each_ordered_pair_of_authors_is_one_row_under_the_key_the_rule_reads() -> None:
    rows = list(pair_rows("p", AUTHORS))
    expected = [
        (pair_key(block, co_block), node, "p", co_name)
        for block, node, _ in AUTHORS
        for co_block, co_node, co_name in AUTHORS
        if co_node != node
    ]
    assert rows == expected and len(rows) == 6


def test_no_rows_for_a_single_author_or_a_collaboration() -> None:
    assert list(pair_rows("p", AUTHORS[:1])) == []
    many = [(f"b{n}", f"n{n}", f"Name {n}") for n in range(MAX_EVIDENCE_AUTHORS + 1)]
    assert list(pair_rows("p", many)) == []
    assert len(list(pair_rows("p", many[:MAX_EVIDENCE_AUTHORS]))) == MAX_EVIDENCE_AUTHORS * (
        MAX_EVIDENCE_AUTHORS - 1
    )


def test_a_name_spelled_otherwise_is_indexed_under_the_block_of_each_spelling() -> None:
    """``Hans Müller`` beside ``Jörg Schäfer``: each row under every pair of their blocks
    (``muller-h``/``mueller-h`` × ``schafer-j``/``schaefer-j``), so ``Hans Mueller`` beside
    ``Joerg Schaefer`` on another paper looks up a key that is there."""
    authors = [("muller-h", "n1", "Hans Müller"), ("schafer-j", "n2", "Jörg Schäfer")]
    keys = {key for key, node, _, _ in pair_rows("p", authors) if node == "n1"}
    assert keys == {
        pair_key(b, c) for b in ("muller-h", "mueller-h") for c in ("schafer-j", "schaefer-j")
    }
    assert pair_key("mueller-h", "schaefer-j") in keys


def test_the_keys_are_the_ones_a_registry_holds() -> None:
    """The key of a pair is the two blocks' CRC-32s as one signed 64-bit integer, whichever way
    it is computed (a look-up's keys share their high half): a registry written before reads
    the same keys."""
    assert pair_key("dadashi-r", "geist-m") == 6796265578777390644
    assert pair_key("geist-m", "dadashi-r") == -6467821947742769271
    assert pair_key("", "") == -(1 << 63)
    rows = list(pair_rows("p", [("dadashi-r", "n1", "R. Dadashi"), ("geist-m", "n2", "M. Geist")]))
    assert [key for key, *_ in rows] == [6796265578777390644, -6467821947742769271]
