"""A schedule's cron line, checked as the configuration is read: the five standard fields, and
no line Prefect would refuse, read otherwise than written, or never fire."""

from __future__ import annotations

import re

# The five cron fields: name, lowest and highest value, names allowed for values.
_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_DAYS = ("sun", "mon", "tue", "wed", "thu", "fri", "sat")
_CRON_FIELDS: tuple[tuple[str, int, int, tuple[str, ...]], ...] = (
    ("minute", 0, 59, ()),
    ("hour", 0, 23, ()),
    ("day of month", 1, 31, ()),
    ("month", 1, 12, _MONTHS),
    ("day of week", 0, 7, _DAYS),
)
_CRON_ITEM = re.compile(r"^(\*|(\w+)(?:-(\w+))?)(?:/(\d+))?$")


def _cron_value(text: str, low: int, high: int, names: tuple[str, ...]) -> int | None:
    """A field's value, as a number or (months, days) a three-letter name; None: not one."""
    if text.lower() in names:
        return names.index(text.lower()) + (1 if names is _MONTHS else 0)
    if text.isdigit() and text.isascii() and low <= int(text) <= high:
        return int(text)
    return None


_LONGEST_MONTH = (31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)  # days, February's in leap years


def _cron_values(text: str, low: int, high: int, names: tuple[str, ...]) -> set[int]:
    """The values a checked field names (its ranges run forwards: :func:`_range_refusal`)."""
    found: set[int] = set()
    for item in text.split(","):
        match = _CRON_ITEM.match(item)
        assert match is not None  # checked by cron_line
        star, first, last, step = match.group(1) == "*", *match.group(2, 3, 4)
        start = low if star else _cron_value(first, low, high, names) or low
        end = high if star or (last is None and step) else start
        if last is not None:
            end = _cron_value(last, low, high, names) or low
        found.update(range(start, end + 1, int(step or 1)))
    return found


def _as_list(values: list[int], sunday_twice: bool) -> str:
    """``values`` as a cron list of ascending runs (``0-2,5-59``); day 7 as 0 (Sunday) when
    ``sunday_twice``."""
    ordered = sorted({0 if sunday_twice and v == 7 else v for v in values})
    runs: list[list[int]] = []
    for value in ordered:
        if runs and value == runs[-1][1] + 1:
            runs[-1][1] = value
        else:
            runs.append([value, value])
    return ",".join(str(a) if a == b else f"{a}-{b}" for a, b in runs)


def _range_refusal(field: str, item: str, low: int, high: int, names: tuple[str, ...]) -> str:
    """Why a checked item's range does not mean what it says (empty: it does). Prefect's
    croniter reads a range of one value (``3-3``) as the whole field (``0 3-3 * * *`` runs
    every hour) and wraps one written backwards round (``22-2``), which other cron programs
    refuse; the message names the values to write instead."""
    match = _CRON_ITEM.match(item)
    if match is None or match.group(3) is None:
        return ""
    start = _cron_value(match.group(2), low, high, names)
    end = _cron_value(match.group(3), low, high, names)
    if start is None or end is None or start < end:
        return ""
    sunday_twice = high == 7  # days of the week: 7 is 0, and a range wraps round after 6
    if start == end or (sunday_twice and {start, end} == {0, 7}):
        return (
            f"{field} {item!r} is a range of one value, which Prefect reads as the whole field, "
            f"{low}-{high}: write {_as_list([start], sunday_twice)}"
        )
    refusal = (
        f"{field} {item!r} is a range written backwards, which Prefect wraps round and other "
        "cron programs refuse: write the values meant as a list"
    )
    if match.group(4) is not None:  # croniter steps a wrapped range its own way: no guess
        return refusal
    if sunday_twice:  # 7-1 is Sunday to Monday, 5-0 Friday to Sunday
        start, end = start % 7, end % 7
    top = 6 if sunday_twice else high
    values = (
        range(start, end + 1) if start <= end else [*range(start, top + 1), *range(low, end + 1)]
    )
    return f"{refusal}, {_as_list([*values], sunday_twice)}"


def _step_refusal(field: str, item: str, low: int, high: int) -> str:
    """Why a checked item's step does not mean what it says (empty: it does): a step longer
    than the field has values (``*/90`` of the minutes) picks the range's first value alone,
    once each hour, day, month or year (every cron program reads it so), never every 90."""
    match = _CRON_ITEM.match(item)
    values = 7 if high == 7 else high - low + 1  # the days of the week: 0 and 7 are Sunday
    if match is None or match.group(4) is None or int(match.group(4)) <= values:
        return ""
    step = int(match.group(4))
    return (
        f"{field} {item!r}: a step of {step} is longer than the field's {values} values, so it "
        f"picks the range's first value alone (cron has no 'every {step}')"
    )


def _never_runs(fields: list[str]) -> str | None:
    """Why a checked cron line never fires (None: it does): days of the month that no month
    it names has (``0 0 30 2 *``, ``31 4,6``), which Prefect takes, then never schedules."""
    if fields[2] == "*":
        return None
    days = _cron_values(fields[2], *_CRON_FIELDS[2][1:])
    months = sorted(_cron_values(fields[3], *_CRON_FIELDS[3][1:]))
    if min(days) > max(_LONGEST_MONTH[m - 1] for m in months):
        listed = ",".join(str(m) for m in months)
        return (
            f"day of month {fields[2]!r} falls in no month it names ({listed}): the schedule "
            "would never run"
        )
    return None


def cron_line(value: str) -> str:
    """A standard five-field cron line (``*``, values, ``a-b`` ranges, ``/step``, lists; month
    and day names), checked here so a schedule Prefect would refuse stops the config."""
    fields = value.split()
    if len(fields) != 5:
        raise ValueError("must be a 5-field cron string")
    for text, (field, low, high, names) in zip(fields, _CRON_FIELDS, strict=True):
        for item in text.split(","):
            match = _CRON_ITEM.match(item)
            values = [] if match is None else [g for g in match.group(2, 3) if g is not None]
            bad = match is None or match.group(4) == "0"
            bad = bad or any(_cron_value(v, low, high, names) is None for v in values)
            if bad:
                raise ValueError(
                    f"{field} {item!r} is not a cron value: use *, {low}-{high}, a range a-b, "
                    "a step /n or a comma-separated list"
                )
            if refusal := _range_refusal(field, item, low, high, names):
                raise ValueError(refusal)
            if refusal := _step_refusal(field, item, low, high):
                raise ValueError(refusal)
    never = _never_runs(fields)
    if never:
        raise ValueError(never)
    return value
