"""Saved queries (``queries/*.rq``): reading one with what its header declares (a description,
parameters and their kinds, ``@warm``), finding one by name or path, and checking and binding
the parameters given for it.

Values go into the SPARQL text through :mod:`scholarkg.query_binding`; running a query in this
process and formatting its results is :mod:`scholarkg.query_results`.
"""

from __future__ import annotations

import difflib
import os
import re
from dataclasses import dataclass
from pathlib import Path

from scholarkg.errors import QueryError
from scholarkg.extract.page_text import BYTE_ORDER_MARKS
from scholarkg.identity.names import name_key, tokens
from scholarkg.query_binding import PARAM_NAME, bind_parameters, check_text
from scholarkg.resources import queries_dir
from scholarkg.shown_text import shown_value

# `# @param name description` (or `# @param? name …` for an optional one; `name:integer` for a
# whole number, `name:iri` for an IRI, `name:name` for a person's name, `name:a|b|c` for one of
# the values listed) in a query's header.
_PARAM_LINE = re.compile(r"^#\s*@param(\??)\s+([A-Za-z_][A-Za-z0-9_]*)(?::(\S*))?\s*(.*)$")
_SIMPLE_KINDS = ("integer", "iri", "name")
_CHOICES = re.compile(r"^[A-Za-z0-9_.-]+(?:\|[A-Za-z0-9_.-]+)+$")
# What a text parameter refuses as an IRI: an absolute one in angle brackets, or a bare one
# with an authority (``https://…``) or a URN (``Wang:Wei`` is text).
_IRI_FOR_TEXT = re.compile(
    r"^(?:<[A-Za-z][A-Za-z0-9+.-]*:\S+>|[A-Za-z][A-Za-z0-9+.-]*://\S+|urn:\S+)$", re.IGNORECASE
)
# `# @warm`: a whole-store answer the server computes in the background once per store version.
_WARM_LINE = re.compile(r"^#\s*@warm\s*$")


@dataclass(frozen=True)
class Parameter:
    """A parameter a saved query declares: bound to the variable ``?name``."""

    name: str
    description: str
    optional: bool = True
    # "text": a string literal (an IRI, bracketed or bare, is refused); "integer": an
    # xsd:integer; "iri": an IRI (in angle brackets or not); "name": a person's name, bound as
    # its name key to ``?<name>Key`` (see :func:`bind_saved`); "choice": one of ``choices``,
    # bound as a string literal. A value not of its kind is refused.
    kind: str = "text"
    choices: tuple[str, ...] = ()


@dataclass(frozen=True)
class SavedQuery:
    """A ``queries/*.rq`` file: its name, header comment, declared parameters and text."""

    name: str
    path: Path
    description: str
    text: str
    parameters: tuple[Parameter, ...] = ()
    warm: bool = False  # `# @warm`: answered by the server's warm-up (without parameters)


def saved_queries(directory: Path | None = None) -> list[SavedQuery]:
    """Every saved query, sorted by name."""
    folder = directory or queries_dir()
    return [_read_saved(path) for path in sorted(folder.glob("*.rq"))]


def _read_saved(path: Path) -> SavedQuery:
    try:
        text = _text(path.read_bytes())
    except UnicodeDecodeError as exc:
        raise QueryError(f"{path}: not {exc.encoding.upper()} text (byte {exc.start})") from None
    except OSError as exc:
        raise QueryError(f"{path}: cannot read query file: {exc.strerror or exc}") from None
    if not holds_query(text):  # sent on, the store's parser said only "error at 1:1"
        raise QueryError(f"{path}: no SPARQL query in the file")
    header: list[str] = []
    parameters: list[Parameter] = []
    lines: dict[str, int] = {}  # each parameter's declaration line
    warm = False
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.startswith("#"):
            break
        declared = _PARAM_LINE.match(line)
        if _WARM_LINE.match(line):
            warm = True
        elif declared:
            optional, name, kind, description = declared.groups()
            if kind is not None and kind not in _SIMPLE_KINDS and not _CHOICES.match(kind):
                raise QueryError(
                    f"{path}: line {number}: parameter {name}: no kind {kind!r} (integer, iri, "
                    "name, or the values it takes, a|b|c)"
                )
            choices = () if kind is None or kind in _SIMPLE_KINDS else tuple(kind.split("|"))
            kind = "choice" if choices else kind or "text"
            parameters.append(Parameter(name, description.strip(), optional == "?", kind, choices))
            lines[name] = number
        else:
            header.append(line.lstrip("# ").rstrip())
    used = _variables(text) if parameters else set()
    for parameter in parameters:  # a typo in a declaration binds a variable nothing reads
        variable = parameter.name + ("Key" if parameter.kind == "name" else "")
        if variable not in used:
            raise QueryError(
                f"{path}: line {lines[parameter.name]}: parameter {parameter.name}: the query "
                f"never uses ?{variable}, so a value given for it would narrow nothing"
            )
    description = " ".join(h for h in header if h)
    return SavedQuery(path.stem, path, description, text, tuple(parameters), warm)


def _text(data: bytes) -> str:
    """A query file's text: in the encoding its byte order mark names, the mark left out (the
    endpoint reads a body so), else UTF-8; UnicodeDecodeError for bytes that are neither."""
    for mark, encoding in BYTE_ORDER_MARKS:
        if data.startswith(mark):
            return data[len(mark) :].decode(encoding)
    return data.decode("utf-8")


def holds_query(text: str) -> bool:
    """Whether ``text`` holds anything but white space and comment lines."""
    return any(line.strip() and not line.lstrip().startswith("#") for line in text.splitlines())


def resolve_query(name_or_path: str) -> SavedQuery:
    """A saved query by name (``papers-per-year``) or a path to any ``.rq`` file. A bare name
    (no folder, no ``.rq``) is the saved query of that name before a file of that name in the
    working directory (``query organisations > organisations`` must not make the next
    ``query organisations`` read its own output)."""
    saved = queries_dir() / (name_or_path if name_or_path.endswith(".rq") else f"{name_or_path}.rq")
    bare = (
        not name_or_path.endswith(".rq") and "/" not in name_or_path and os.sep not in name_or_path
    )
    path = Path(name_or_path)
    if (bare and saved.is_file()) or not path.is_file():
        if path.exists() and not (bare and saved.is_file()):  # before: "no such query file"
            what = "a directory" if path.is_dir() else "no regular file (a pipe or a device)"
            raise QueryError(f"{name_or_path}: is {what}, not a query file")
        path = saved
    if not path.is_file():
        names = [q.name for q in saved_queries()]
        near = difflib.get_close_matches(Path(name_or_path).name.removesuffix(".rq"), names, n=1)
        hint = f"; did you mean {near[0]}?" if near else ""  # before: the list alone
        raise QueryError(
            f"{name_or_path}: no such query file or saved query{hint} (saved: {', '.join(names)})"
        )
    return _read_saved(path)


def _variables(sparql: str) -> set[str]:
    from scholarkg.serve.guard import scan_query

    return set(scan_query(sparql).variables)


def check_parameters(query: SavedQuery | str, params: dict[str, str]) -> None:
    """Refuse a parameter the query does not declare (a saved query) or does not use (ad-hoc
    text), naming the parameters it has; refuse a missing required one."""
    for name in params:
        if not PARAM_NAME.match(name):
            raise QueryError(f"{shown_value(name)}: parameter names are SPARQL variable names")
    if isinstance(query, SavedQuery):  # what it declares, none if it declares none
        known = [p.name for p in query.parameters]
        where = f"saved query {query.name}"
    else:
        text = query.text if isinstance(query, SavedQuery) else query
        known = sorted(_variables(text))
        where = "this query"
    unknown = [n for n in params if n not in known]
    if unknown:
        listed = _few(known) if known else "none"
        raise QueryError(
            f"unknown parameter(s) {_few(unknown)} for {where}; its parameters: {listed}"
        )
    if isinstance(query, SavedQuery):
        missing = [p.name for p in query.parameters if not p.optional and p.name not in params]
        if missing:
            raise QueryError(f"saved query {query.name} needs parameter(s) {', '.join(missing)}")


def _few(names: list[str], shown: int = 10) -> str:
    """``names`` joined, the first ``shown`` of them and how many more (2000 ``--param``
    given by a script: one line, not 2000 names)."""
    more = f" and {len(names) - shown} more" if len(names) > shown else ""
    return ", ".join(names[:shown]) + more


def bind_saved(query: SavedQuery, params: dict[str, str]) -> str:
    """``query``'s text with ``params`` checked against its declared parameters and bound as
    their kinds say; a value not of its kind is a :class:`QueryError` naming the query (an IRI
    for a text or name parameter too: no name equals it, the query would answer nothing). A
    ``name`` parameter ``researcher`` is bound as ``?researcherKey``, its name key, which the
    query matches against ``skg:nameKey``: a name is found however its case, accents and
    punctuation are written. A ``choice`` parameter takes one of its values (white space
    around it dropped), bound as text: another would match nothing."""
    check_parameters(query, params)
    bound, kinds = dict(params), {p.name: p.kind for p in query.parameters}
    for parameter in query.parameters:
        value = params.get(parameter.name)
        if value is not None and parameter.kind == "choice":
            bound[parameter.name], kinds[parameter.name] = _choice(query, parameter, value), "text"
        if value is None or parameter.kind not in ("text", "name"):
            continue
        if _IRI_FOR_TEXT.match(value.strip()):
            iris = [p.name for p in query.parameters if p.kind == "iri"]
            where = f"; an IRI goes in {' or '.join(iris)}" if iris else ""
            raise QueryError(
                f"saved query {query.name}: parameter {parameter.name} takes text (a name), "
                f"not an IRI, got {shown_value(value)}{where}"
            )
        if parameter.kind == "name":
            del bound[parameter.name]
            bound[parameter.name + "Key"] = _name_key(query, parameter.name, value)
            kinds[parameter.name + "Key"] = "text"
    try:
        return bind_parameters(query.text, bound, kinds, str(query.path))
    except QueryError as exc:
        raise QueryError(f"saved query {query.name}: {exc}") from None


def _choice(query: SavedQuery, parameter: Parameter, value: str) -> str:
    """``value`` if it is one of ``parameter``'s choices (white space around it dropped), else
    a :class:`QueryError` listing them."""
    if value.strip() not in parameter.choices:
        raise QueryError(
            f"saved query {query.name}: parameter {parameter.name} takes one of "
            f"{', '.join(parameter.choices)}, got {shown_value(value)}"
        )
    return value.strip()


def _name_key(query: SavedQuery, parameter: str, value: str) -> str:
    """A ``name`` parameter's value as the persons' ``skg:nameKey`` holds it
    (:func:`~scholarkg.identity.names.name_key`: ``leonard hussenot``, ``LÉONARD HUSSENOT``
    and ``Léonard Hussenot`` are ``leonard-hussenot``); a value with no letter or digit names
    nobody and is refused."""
    check_text(value, f"saved query {query.name}: parameter {parameter}")
    if not tokens(value):
        raise QueryError(
            f"saved query {query.name}: parameter {parameter} takes a person's name, got "
            f"{shown_value(value)} (no letter or digit)"
        )
    return name_key(value)
