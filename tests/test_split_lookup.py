"""``Overrides.split_for`` compares only the ``[people.split]`` rules naming the paper asked
about (before: every configured split, for every authorship of every paper: 1 000 splits over
10 000 authorships were ten million comparisons), and still answers with the first rule so
configured. CONSTRUCTED references."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from scholarkg.identity.overrides import Overrides, Ref
from scholarkg.iris import work_key


@pytest.fixture
def compared(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """Each reference :meth:`Ref.matches` is asked of, by its text."""
    asked: list[str] = []
    matches = Ref.matches

    def counted(self: Ref, keys: tuple[str, ...], position: int | None, name: str) -> bool:
        asked.append(self.text)
        return matches(self, keys, position, name)

    monkeypatch.setattr(Ref, "matches", counted)
    yield asked


def test_a_paper_no_split_names_compares_no_rule(compared: list[str]) -> None:
    splits = {f"2401.{n:05d}#1": f"person-{n}" for n in range(1, 1001)}
    overrides = Overrides.parse({}, splits)
    for n in range(2000, 2100):
        assert overrides.split_for((f"2401.{n:05d}",), 1, "Ann Lee") is None
    assert compared == []
    ref, label = overrides.split_for(("2401.00500",), 1, "Ann Lee") or (None, None)
    assert (getattr(ref, "text", None), label) == ("2401.00500#1", "person-500")
    assert compared == ["2401.00500#1"]
    assert overrides.unused_splits() == [t for t in splits if t != "2401.00500#1"]


@pytest.mark.parametrize("first", ["position", "named"])
def test_the_first_configured_rule_naming_an_authorship_wins(
    compared: list[str], first: str
) -> None:
    """Two rules name the same authorship, one by position under the arXiv id and one by name
    under the title: the one configured first decides, whichever of the paper's keys names it."""
    by_position = ("2401.00007#2", "by-position")
    by_name = ("Graphs Of Papers|Ann Lee", "by-name")
    rules = [by_position, by_name] if first == "position" else [by_name, by_position]
    other = {f"2401.{n:05d}#2": f"p-{n}" for n in range(100, 200)}
    overrides = Overrides.parse({}, dict([*rules, *other.items()]))
    keys = ("2401.00007", work_key("Graphs Of Papers"))
    found = overrides.split_for(keys, 2, "Ann Lee")
    assert found is not None and found[0].text == rules[0][0] and found[1] == rules[0][1]
    assert compared == [rules[0][0]]
    # the other rule's authorship alone: the first does not name it
    compared.clear()
    if first == "position":
        assert overrides.split_for(keys, 3, "Ann Lee") == (
            Ref(by_name[0], "named", keys[1], name="Ann Lee"),
            "by-name",
        )
    else:
        assert overrides.split_for(keys, 2, "Bo Chen") == (
            Ref(by_position[0], "position", "2401.00007", position=2),
            "by-position",
        )
    assert sorted(compared) == sorted(r for r, _ in rules)
