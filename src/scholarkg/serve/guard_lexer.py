"""The lexer behind :mod:`scholarkg.serve.guard`: it reads SPARQL text the way Oxigraph 0.5's
parser does wherever that decides what the guard must see.

- IRIs, prefixed names, strings and comments are read as :mod:`.sparql_tokens` reads them,
  so a quote or ``#`` inside an IRI or a name starts no string or comment.
- Inside an expression's parentheses, ``<`` after an operand is "less than", not an IRI (else
  ``FILTER(0<1)SERVICE:x#>`` would hide a ``SERVICE``). Which parentheses hold an expression
  follows from what precedes them (``FILTER``, a function name, ``SELECT``/``BY``/``HAVING``
  clauses) versus collections, ``VALUES`` rows and property paths.
- ``SERVICE:x {`` is ``SERVICE`` with the prefixed name ``:x``; ``LOAD:x`` opening an update
  operation is ``LOAD``.
- Nesting counts what the engine nests (:mod:`.guard_levels`).
"""

from __future__ import annotations

import re

from scholarkg.serve.guard_levels import (
    CHAIN_PER_LEVEL,
    CHAINED,
    CLAUSE_OFF,
    CLAUSE_ON,
    CLOSURES,
    QUERY_FORMS,
    STEPS,
    STEPS_PER_LEVEL,
    Level,
    Scan,
)
from scholarkg.serve.sparql_tokens import (
    BNODE,
    IRI,
    IRI_TEXT,
    NUMBER,
    OPERATOR,
    PN_LOCAL,
    PREFIX,
    VARIABLE,
    WORD,
    comment_end,
    decode_escapes,
    next_char,
    string_end,
)

__all__ = ["CHAIN_PER_LEVEL", "QUERY_FORMS", "STEPS_PER_LEVEL", "Scan", "lex"]

# Runs of plain terms read in one match, with what reading them term by term would do: numbers,
# IRIs without escapes, strings without escapes or line breaks (a long VALUES or IN list). In
# VALUES data, terms apart or rows of them (each row a level, one deep); in an expression,
# terms between commas. A run ends where a term is followed by anything else (``"a"@en``,
# ``<f>(``): the step by step reading goes on from there.
# A plain prefixed name (ASCII, no escapes, dots or colons in it; not service:/load:, which the
# step by step reading may take as the keyword) is a term too: ``ex:a`` as ``<…>`` is.
_NAME = (
    r"(?![Ss][Ee][Rr][Vv][Ii][Cc][Ee]:|[Ll][Oo][Aa][Dd]:)"
    r"(?:[A-Za-z][A-Za-z0-9_-]*)?:[A-Za-z0-9_][A-Za-z0-9_-]*"
)
_TERM = rf"{NUMBER.pattern}|<[^<>\"{{}}|^`\\\x00-\x20]*>|\"[^\"\\\r\n]*\"|'[^'\\\r\n]*'|{_NAME}"
_WS = r"[ \t\r\n]"  # SPARQL's white space (not \s: no-break space, \f and \v are not)
_DATA_TERMS = re.compile(rf"(?:({_TERM}){_WS}+)*({_TERM})(?=[ \t\r\n)}}]|\Z)")
_DATA_ROWS = re.compile(rf"(?:\({_WS}*(?:(?:{_TERM}){_WS}+)*({_TERM}){_WS}*\){_WS}*)+")
_LIST_TERMS = re.compile(rf"(?:({_TERM}){_WS}*,{_WS}*)*({_TERM})(?=[ \t\r\n,)]|\Z)")
_TERM_FIRST = frozenset("0123456789<\"'(:abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")
_SPACES = re.compile(r"[ \t\r\n]+")  # read in one match: a run of them changes nothing


def _term_text(term: str) -> str:
    """The text a term's token carries: a string none, an IRI what is between ``<>``."""
    if term[0] in "\"'":
        return ""
    return term[1:-1] if term[0] == "<" else term


class _TooDeep(Exception):
    """The nesting read so far already passes the limit: the rest of the text is not read."""


class _Lexer:
    def __init__(self, text: str, limit: int | None = None, *, runs: bool = True) -> None:
        self.text = text
        self.limit = limit
        self.runs = runs  # read runs of plain terms in one match (off: term by term)
        self.scan = Scan()
        self.levels = [Level("top")]
        self.prev = ("start", "")  # (kind, text) of the last token
        self.before_prev = ""
        self.pending_service = False
        self.pending_load = False
        self.values_block = False  # after VALUES: the next { holds data rows
        self.no_prefix_until = 0  # [BASE][CHARS.]* seen up to here, with no ":" after it

    def run(self) -> Scan:
        text, i = self.text, 0
        try:
            while i < len(text):
                i = self.step(text[i], i)
        except _TooDeep:
            self.scan.nesting, self.scan.stopped_at = self.nesting_so_far(), i
            return self.scan
        while len(self.levels) > 1:
            self.close()
        if self.pending_service or self.pending_load:
            self.token("end", "")
        self.scan.nesting = self.levels[0].total()
        return self.scan

    def step(self, char: str, i: int) -> int:
        text = self.text
        if char in " \t\r\n":
            return _SPACES.match(text, i).end()  # type: ignore[union-attr]
        if char == "#":
            return comment_end(text, i)
        terms = (
            char in _TERM_FIRST
            and self.prev[0] != "operator"
            and self.runs
            and self.levels[-1].kind in ("data", "expr")  # where runs are read (cheap first)
        )
        if terms and (end := self.terms(i)):
            return end
        if char in "\"'":
            self.token("operand", "")
            return string_end(text, i)
        if char == "<" and (match := IRI.match(text, i)):
            iri = decode_escapes(match.group(1))
            if not IRI_TEXT.fullmatch(iri):
                pass
            elif not self.less_than():
                self.token("operand", iri, target=iri)
                return match.end()
            elif "#" in iri or "'" in iri:  # as an IRI, it would hide no comment or string
                self.scan.doubts.append(match.group(0))
        if char in "?$" and (match := VARIABLE.match(text, i)):
            self.scan.variables.add(match.group(0)[1:])
            self.token("operand", match.group(0), target=match.group(0))
            return match.end()
        if char in "{([":
            self.scan.pairs.open(char, i)
            self.open(char)
            return i + 1
        if char in "})]":
            self.scan.pairs.close(char, i)
            self.close()
            self.token("operand", char)
            return i + 1
        if char in ",;." and not NUMBER.match(text, i):
            self.separator()
            self.token("separator", char)
            return i + 1
        if match := OPERATOR.match(text, i):
            self.operator(match.group(0))
            return match.end()
        if char == "_" and (match := BNODE.match(text, i)):
            self.token("operand", match.group(0), target=match.group(0))
            return match.end()
        if end := self.prefixed_name_end(i):
            self.prefixed_name(text[i:end], end)
            return end
        if match := WORD.match(text, i):
            self.word(match.group(0).upper())
            return match.end()
        if match := NUMBER.match(text, i):
            self.token("operand", match.group(0))
            return match.end()
        if char == "\\":  # outside a name the engine refuses it: hide nothing after it
            return i + 2
        self.operator(char)
        return i + 1

    def terms(self, i: int) -> int:
        """Read the run of plain terms (``_TERM``) at ``i`` in VALUES data or an expression
        in one match, as a step per term would; the end of the run, 0 if there is none."""
        level, text = self.levels[-1], self.text
        if self.pending_service or self.pending_load or level.kind not in ("data", "expr"):
            return 0
        if level.kind == "expr":
            if text[i] == "(" or (text[i] == "<" and self.less_than()):
                return 0
            if not (match := _LIST_TERMS.match(text, i)):
                return 0
            if match.group(1) is not None:  # a comma: as separator() reads it
                level.deepest = max(level.deepest, level.chain // CHAIN_PER_LEVEL + level.inner)
                level.chain = level.inner = 0
                self.prev = ("separator", ",")
        elif text[i] == "(":
            triple_term = self.prev == ("operator", "<") and self.before_prev == "<"  # <<(
            if level.clause or triple_term or not (match := _DATA_ROWS.match(text, i)):
                return 0
            self.before_prev, self.prev = _term_text(match.group(1)), ("operand", ")")
            level.inner = max(level.inner, 1)  # each row: one level, with nothing in it
            if len(self.levels) > self.scan.depth:
                self.scan.depth = len(self.levels)
                self.watch()
            return match.end()
        elif not (match := _DATA_TERMS.match(text, i)):
            return 0
        elif match.group(1) is not None:
            self.prev = ("operand", _term_text(match.group(1)))
        self.before_prev, self.prev = self.prev[1], ("operand", _term_text(match.group(2)))
        return match.end()

    def nesting_so_far(self) -> int:
        """The nesting the text has at least, whatever follows: the levels still open closed
        now, as :meth:`close` would (no count of a level ever falls as more is read). O(depth):
        reckoned once, where the reading stops."""
        total, carried = -1, 0
        for at in range(len(self.levels) - 1, -1, -1):
            level = self.levels[at]
            steps = level.steps + carried
            inner = level.inner if total < 0 else max(level.inner, 1 + total)
            carried = 0
            outer = self.levels[at - 1].kind if at else ""
            if level.kind in ("bnode", "list") and outer in ("group", "bnode", "list"):
                steps, carried = 0, steps
            chained = level.chain // CHAIN_PER_LEVEL + inner
            total = steps // STEPS_PER_LEVEL + max(level.deepest, chained)
        return total

    def watch(self) -> None:
        """Stop reading (:class:`_TooDeep`) once the nesting so far passes the limit, as far
        as it shows in O(1): each level open holds the current one, so the text nests at least
        as deep as the levels around the current one and its count. Looked at when a bracket
        is deeper than any before and when a level's steps or chain grow (a level's count only
        grows while it is the current one); what is not seen here is counted at the end."""
        if self.limit is not None and len(self.levels) - 1 + self.levels[-1].total() > self.limit:
            raise _TooDeep

    def prefixed_name_end(self, i: int) -> int:
        """The end of the prefixed name starting at ``i``; 0 if none does (each run of name
        characters is read once: no text is scanned over and over)."""
        text, prefix_end = self.text, i
        if text[i] != ":":
            if i < self.no_prefix_until or not (match := PREFIX.match(text, i)):
                return 0
            prefix_end = match.end()
            if not text.startswith(":", prefix_end) or text[prefix_end - 1] == ".":
                self.no_prefix_until = prefix_end
                return 0
        return PN_LOCAL.match(text, prefix_end + 1).end()  # type: ignore[union-attr]

    def less_than(self) -> bool:
        """Whether a ``<`` here is the comparison: in an expression, after an operand."""
        return self.levels[-1].kind == "expr" and self.prev[0] == "operand"

    def separator(self) -> None:
        level = self.levels[-1]
        level.deepest = max(level.deepest, level.chain // CHAIN_PER_LEVEL + level.inner)
        level.chain = level.inner = 0
        if level.kind in ("group", "bnode"):
            level.steps += 1  # the end of a triple pattern (or of more)
            self.watch()

    def token(self, kind: str, text: str, *, target: str | None = None) -> None:
        level = self.levels[-1]
        if kind == "operand" and level.kind == "list":
            level.steps += 2  # a collection's element: two triple patterns
            self.watch()
        elif level.clause and (kind, text) == ("open", "("):
            level.steps += 1  # one more projected, grouping or ordering expression
            self.watch()
        if self.pending_service and text.upper() != "SILENT":
            self.scan.services.append(target if target is not None else text)
            self.pending_service = False
        if self.pending_load and text.upper() != "SILENT":
            self.scan.loads.append(target if target is not None else text)
            self.pending_load = False
        self.before_prev, self.prev = self.prev[1], (kind, text)

    def operator(self, operator: str) -> None:
        level = self.levels[-1]
        if operator in CHAINED["expr" if level.kind == "expr" else "pattern"]:
            level.chain += 1
            self.watch()
        if operator in CLOSURES and level.kind in ("group", "bnode", "list"):
            self.scan.closures += 1
        self.token("operator", operator)

    def open(self, char: str) -> None:
        level = self.levels[-1]
        if char == "{":
            kind, level.clause = "data" if self.values_block else "group", False
            self.values_block = False
        elif char == "[":
            kind = "bnode"
        else:
            kind = self.paren_kind()
        self.token("open", char)
        self.levels.append(Level(kind))
        if len(self.levels) - 1 > self.scan.depth:
            self.scan.depth = len(self.levels) - 1
            self.watch()

    def paren_kind(self) -> str:
        """Whether ``(`` here opens an expression or a list (collection, VALUES row, path)."""
        level = self.levels[-1]
        kind, text = self.prev
        if (kind, text, self.before_prev) == ("operator", "<", "<"):
            return "list"  # <<( s p o )>>, a triple term
        if level.kind in ("expr", "data", "list"):
            return level.kind
        if level.clause:
            return "expr"
        if kind == "word":
            return {"VALUES": "data", "A": "list"}.get(text, "expr")
        if kind == "operand" and self.before_prev == "FILTER":  # FILTER <function>(…)
            return "expr"
        return "list"

    def close(self) -> None:
        if len(self.levels) == 1:
            return
        inner = self.levels.pop()
        outer = self.levels[-1]
        if inner.kind == "group":
            self.scan.steps += inner.steps
        if inner.kind in ("bnode", "list") and outer.kind in ("group", "bnode", "list"):
            outer.steps += inner.steps  # its triple patterns join the enclosing ones
            inner.steps = 0
        outer.inner = max(outer.inner, 1 + inner.total())

    def word(self, upper: str) -> None:
        level = self.levels[-1]
        self.scan.words.add(upper)
        if upper in QUERY_FORMS and self.scan.form is None:
            self.scan.form = upper
        if upper == "FROM":
            self.scan.has_dataset = True
        if upper in CLAUSE_ON and level.kind != "expr":
            level.clause = True
        elif upper in CLAUSE_OFF:
            level.clause = False
        if upper == "UNION":
            level.chain += 1
            self.watch()
        elif upper in STEPS and level.kind == "group":
            level.steps += 1
            self.watch()
        if upper == "VALUES":
            self.values_block = True
        self.token("operand" if upper in ("TRUE", "FALSE") else "word", upper)
        if upper == "SERVICE":
            self.pending_service = True
        elif upper == "LOAD":
            self.pending_load = True

    def opens_operation(self) -> bool:
        """Whether an update operation may start here (``load:x`` could be ``LOAD :x``)."""
        return len(self.levels) == 1 and self.prev[0] != "word" and self.scan.form != "DESCRIBE"

    def prefixed_name(self, name: str, end: int) -> None:
        prefix, local = name.split(":", 1)
        keyword = prefix.upper()
        if keyword == "SERVICE" and next_char(self.text, end) == "{":
            self.word(keyword)  # SERVICE:x { … } is SERVICE with the name :x
        elif keyword == "LOAD" and self.opens_operation():
            self.word(keyword)  # LOAD:x opening an update operation
        else:
            self.token("operand", name, target=name)
            return
        self.token("operand", ":" + local, target=":" + local)


def lex(text: str, limit: int | None = None) -> Scan:
    """One pass over ``text`` as Oxigraph reads it. With a nesting ``limit``, the pass stops
    once the nesting read passes it (``Scan.stopped_at``: where; ``Scan.nesting``: the nesting
    read up to there)."""
    return _Lexer(text, limit).run()
