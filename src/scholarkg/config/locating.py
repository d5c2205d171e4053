"""Locations in the configuration: a relative path follows the directory of the file that
wrote it (the working directory for the defaults and the environment), a ``file:`` URL is the
path it names, an http(s) URL stays as it is; ``[people]``'s ``profile:<path>`` references are
located as a profile source's path is, so they name the location the run records."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from scholarkg.config.fields import marker
from scholarkg.config.key_lines import placed
from scholarkg.config.messages import Loc
from scholarkg.config.origins import origin
from scholarkg.config.schema import Settings, declared_keys
from scholarkg.errors import ConfigError
from scholarkg.files import absolute
from scholarkg.locations import (
    NO_NUL,
    NOT_UTF8,
    NUL,
    file_url_path,
    home_expanded,
    http_url,
    is_http_url,
    not_utf8,
    shown_path,
    url_problem,
)

CONTROL = (
    "a path holding a line break or other control character, which no one-line message can show"
)

# False while a read-only command's configuration is loaded: a path that is not UTF-8 text is
# kept, for the one opened to be refused where it is (see :func:`paths_kept`).
_REFUSE_NOT_UTF8: ContextVar[bool] = ContextVar("scholarkg_refuse_not_utf8", default=True)


@contextmanager
def paths_kept() -> Iterator[None]:
    """Locate paths that are not UTF-8 text without refusing them: for a command that writes no
    record (``query``, ``quarantine list``), which opens one path or none of them (before: a
    working directory of such a name refused even ``query --list``, for the default
    ``[profiles] sources`` it never reads)."""
    token = _REFUSE_NOT_UTF8.set(False)
    try:
        yield
    finally:
        _REFUSE_NOT_UTF8.reset(token)


def _locate(value: str, base: Path) -> str:
    """A URL stays as is; a ``file:`` URL is the path it names; a relative path is resolved
    against ``base``. A ``file:`` URL naming no file here, an http(s) URL that cannot be
    fetched or a URL of another scheme (``ftp://``: once a relative path ``ftp:/…``) is a
    ConfigError naming it, and so is a path that is not UTF-8 text (its own name, or the
    folder it follows: a config or working directory of such a name) or that holds a line
    break or other control character."""
    if problem := url_problem(value):
        raise ConfigError(f"{shown_path(value)}: {problem}")
    if is_http_url(value):
        return http_url(value)
    try:
        named = file_url_path(value)
    except ValueError as exc:
        raise ConfigError(f"{shown_path(value)}: {exc}") from None
    if NUL in value:
        raise ConfigError(f"{value!r}: {NO_NUL}")
    if any(ord(c) < 0x20 or ord(c) == 0x7F for c in value):  # before: "da\nta" taken as is
        raise ConfigError(f"{value!r}: {CONTROL}")
    try:
        path = Path(home_expanded(named if named is not None else value))
    except ValueError as exc:
        raise ConfigError(str(exc)) from None
    located = str(path if path.is_absolute() else absolute(base / path))
    if not_utf8(located) and _REFUSE_NOT_UTF8.get():
        raise ConfigError(f"{shown_path(located)}: {NOT_UTF8}")
    return located


def _located(value: Any, base: Path, *, item: bool = False) -> Any:
    if isinstance(value, str) and not value.strip():  # before: the folder it follows
        if item:  # validation names its index
            return value
        raise ConfigError("an empty path; leave the key out for its default")
    if isinstance(value, str):
        return _locate(value, base)
    if isinstance(value, Path):
        return Path(_locate(str(value), base))
    if isinstance(value, list | tuple):
        return type(value)(_located(each, base, item=True) for each in value)
    return value  # not a location ("" or not text): validation says what is wrong with it


def _located_ref(ref: Any, base: Path) -> Any:
    """A ``profile:<path>`` reference of ``[people]`` with its path located as a profile
    source's is, so it names the location the run records; any other reference as it is."""
    if isinstance(ref, str) and ref.strip().startswith("profile:"):
        location = ref.strip().removeprefix("profile:").strip()
        return f"profile:{_locate(location, base)}" if location else ref
    return ref


def _located_people(
    people: dict[str, Any], base: Path, naming: Callable[[Loc], str]
) -> dict[str, Any]:
    """``[people]``'s tables with their profile references located: in ``merge`` both sides
    are references, in ``split`` the keys. A bad one is a ConfigError led by ``naming`` of its
    entry's location (``("merge", <its key>)``)."""
    out = dict(people)
    for table, values_too in (("merge", True), ("split", False)):
        refs = out.get(table)
        if isinstance(refs, dict):
            located: dict[Any, Any] = {}
            for ref, other in refs.items():
                with _naming(naming((table, ref))):
                    located[_located_ref(ref, base)] = (
                        _located_ref(other, base) if values_too else other
                    )
            out[table] = located
    return out


@contextmanager
def _naming(where: str) -> Iterator[None]:
    """A ConfigError raised inside says ``where`` first (the file or variable, section, key)."""
    try:
        yield
    except ConfigError as exc:
        raise ConfigError(f"{where}: {exc}") from None


def absolutise(raw: dict[str, Any], base: Path, where: Path, text: str = "") -> dict[str, Any]:
    """The file's (``where``, its ``text``) relative paths resolved against its own
    directory; a bad one is named at its line (a ``[people]`` reference at its entry's: before,
    the table's)."""
    out = {k: dict(v) if isinstance(v, dict) else v for k, v in raw.items()}
    for section, key, field in declared_keys():
        table = out.get(section)
        if marker(field, "relative") and isinstance(table, dict) and key in table:
            with _naming(f"{placed(where, text, (section, key))}: [{section}] {key}"):
                table[key] = _located(table[key], base)
    if isinstance(out.get("people"), dict):  # a bad reference at its entry's line
        out["people"] = _located_people(
            out["people"],
            base,
            lambda loc: f"{placed(where, text, ('people', *loc))}: [people.{loc[0]}]",
        )
    return out


def locate_paths(settings: Settings, base: Path, where: Path) -> Settings:
    """``settings`` with the relative paths left (defaults, environment) resolved against
    ``base``, ``[people]``'s ``profile:`` references included (``where``: the file, named
    when no variable set a bad value)."""
    changed: dict[str, dict[str, Any]] = {}
    for section, key, field in declared_keys():
        if marker(field, "relative"):
            value = getattr(getattr(settings, section), key)
            with _naming(f"{origin((section, key), where)}: [{section}] {key}"):
                located = _located(value, base)
            if located != value:
                changed.setdefault(section, {})[key] = located
    people = _located_people(
        settings.people.model_dump(),
        base,
        lambda loc: f"{origin(('people', *loc), where)}: [people.{loc[0]}]",
    )
    if people != settings.people.model_dump():
        changed["people"] = people
    updates: dict[str, BaseModel] = {
        section: getattr(settings, section).model_copy(update=keys)
        for section, keys in changed.items()
    }
    return settings.model_copy(update=updates)
