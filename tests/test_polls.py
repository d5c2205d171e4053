"""tests/polls.until: a failure's message, asked of a callable only when the bound is passed
(a log's tail or a process's stacks cost a read each poll otherwise); polls.within: the same
wait, its caller told whether it held."""

from __future__ import annotations

import pytest

from polls import until, within


def test_a_callable_message_is_asked_only_when_the_bound_is_passed() -> None:
    asked: list[int] = []
    tries = iter([False, False, True])

    def message() -> str:
        asked.append(1)
        return "never"

    until(lambda: next(tries), message, bound=60.0, every=0.0)
    assert asked == []  # it held: the message was never made
    tries = iter([False, False, True])
    assert within(lambda: next(tries), bound=60.0, every=0.0)  # within says it held


def test_a_condition_never_met_fails_with_its_message() -> None:
    asked: list[int] = []

    def message() -> str:
        asked.append(1)
        return "the thing never happened: its log"

    with pytest.raises(AssertionError, match=r"^the thing never happened: its log$"):
        until(lambda: False, message, bound=0.0)
    assert asked == [1]
    with pytest.raises(AssertionError, match=r"^a plain line$"):
        until(lambda: False, "a plain line", bound=0.0)
    assert not within(lambda: False, bound=0.0)  # within says it did not, failing nothing
