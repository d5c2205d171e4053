"""SPARQL expressions of SHACL-SPARQL constraints, evaluated the way rdflib evaluates them.

Values are N-Triples term strings; an error is the :data:`ERR` value, passed on to operators as
rdflib's ``Expr.eval`` passes its ``SPARQLError`` objects. ``=``/``!=`` on IRIs or plain strings,
``&&``, ``||``, ``!``, ``STR``, ``CONCAT``, ``STRSTARTS``/``STRENDS`` and the ``is…`` tests run
natively with rdflib's rules (including its left-to-right error handling); every other operator,
and any other operand types, is handed the evaluated arguments and run by rdflib's own function.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from rdflib import BNode, Literal, URIRef, Variable
from rdflib.plugins.sparql.operators import EBV
from rdflib.plugins.sparql.sparql import SPARQLError

from scholarkg.shacl.index import View
from scholarkg.shacl.rdflib_private import Expr, operator_function
from scholarkg.shacl.terms import from_rdflib, literal_parts, to_rdflib
from scholarkg.transform.emit import escape_literal

Solution = dict[str, str]
Pattern = Callable[[View, Solution], Iterator[Solution]]

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
TRUE = '"true"^^<http://www.w3.org/2001/XMLSchema#boolean>'
FALSE = '"false"^^<http://www.w3.org/2001/XMLSchema#boolean>'


class Unsupported(Exception):
    """Outside the compiled fragment: evaluate this constraint with rdflib."""


class Err:
    """A SPARQL expression error, carried as a value the way rdflib's ``Expr.eval`` does."""

    __slots__ = ()


ERR = Err()
Value = str | Err
Fn = Callable[[View, Solution], Value]


class _Args(dict[str, Any]):
    """Evaluated arguments for an rdflib operator function (missing ones read as ``None``)."""

    def __getattr__(self, name: str) -> Any:
        return self.get(name)


def _is_simple(term: str) -> bool:
    return term[0] == '"' and term[-1] == '"'


def _stringish(term: str) -> bool:
    return term[0] == '"' and (term[-1] == '"' or term.endswith("^^<" + XSD_STRING + ">"))


def _body(term: str) -> str:
    return term[1 : term.rfind('"')]


def ebv(value: Value) -> bool:
    """Effective boolean value as rdflib computes it; raises SPARQLError on an error."""
    if isinstance(value, Err) or value[0] != '"':
        raise SPARQLError("no effective boolean value")
    if value == TRUE:
        return True
    if value == FALSE:
        return False
    if _stringish(value):
        return len(literal_parts(value)[0]) > 0
    return bool(EBV(to_rdflib(value)))


def _boolean(flag: bool) -> str:
    return TRUE if flag else FALSE


def _to_rd(value: Any) -> Any:
    if isinstance(value, Err):
        return SPARQLError("error in argument")
    if isinstance(value, list):
        return [_to_rd(v) for v in value]
    if isinstance(value, str) and value[:1] in ('"', "<", "_"):
        return to_rdflib(value)
    return value


def _delegate(func: Callable[..., Any], args: dict[str, Any]) -> Value:
    """Call rdflib's own operator on already evaluated arguments."""
    try:
        result = func(_Args({k: _to_rd(v) for k, v in args.items()}), None)
    except SPARQLError:
        return ERR
    except Exception as exc:  # the operator needs more than its arguments (a context, …)
        raise Unsupported(f"{getattr(func, '__name__', func)}: {exc}") from exc
    if isinstance(result, SPARQLError):
        return ERR
    if isinstance(result, (URIRef, BNode, Literal)):
        return from_rdflib(result)
    raise Unsupported(f"unexpected operator result {result!r}")


def _child(node: Any, compile_pattern: Callable[[Any], Pattern]) -> Any:
    """Compile an operator argument: an expression, a list of them, a term or a keyword."""
    if isinstance(node, list):
        fns = [_child(n, compile_pattern) for n in node]
        return lambda view, sol: [f(view, sol) if callable(f) else f for f in fns]
    if isinstance(node, (Expr, Variable, URIRef, Literal, BNode)):
        return compile_expr(node, compile_pattern)
    return node  # an operator keyword ("!=") or None


def compile_expr(node: Any, compile_pattern: Callable[[Any], Pattern]) -> Fn:
    """An expression as ``fn(view, solution) -> term | ERR``."""
    if isinstance(node, Variable):
        name = str(node)
        return lambda view, sol: sol.get(name, ERR)
    if isinstance(node, BNode):
        raise Unsupported("blank node in an expression")
    if isinstance(node, (URIRef, Literal)):
        constant = from_rdflib(node)
        return lambda view, sol: constant
    if not isinstance(node, Expr):
        raise Unsupported(f"expression {node!r}")
    name = node.name
    binary = ("RelationalExpression", "ConditionalAndExpression", "ConditionalOrExpression")
    if name in binary and node.other is None:  # a single operand: just that expression
        return compile_expr(node.expr, compile_pattern)
    if name in ("Builtin_EXISTS", "Builtin_NOTEXISTS"):
        inner = compile_pattern(node.graph)  # the attribute: rdflib translates it in place
        wanted = name == "Builtin_EXISTS"

        def exists(view: View, sol: Solution) -> Value:
            for _ in inner(view, sol):
                return _boolean(wanted)
            return _boolean(not wanted)

        return exists
    children = {k: _child(getattr(node, k), compile_pattern) for k in node if k != "_vars"}
    func = operator_function(node)
    if func is None:
        raise Unsupported(f"no evaluator for {name}")

    def evaluated(view: View, sol: Solution) -> dict[str, Any]:
        return {k: (c(view, sol) if callable(c) else c) for k, c in children.items()}

    native = _NATIVE.get(name)
    if native is not None:
        return native(children, func, evaluated)

    def delegated(view: View, sol: Solution) -> Value:
        return _delegate(func, evaluated(view, sol))

    return delegated


Evaluated = Callable[[View, Solution], dict[str, Any]]
Native = Callable[[dict[str, Any], Callable[..., Any], Evaluated], Fn]


def _relational(children: dict[str, Any], func: Callable[..., Any], evaluated: Evaluated) -> Fn:
    op = children.get("op")
    left, right = children["expr"], children["other"]
    if op not in ("=", "!=") or not (callable(left) and callable(right)):
        return lambda view, sol: _delegate(func, evaluated(view, sol))
    negate = op == "!="

    def relational(view: View, sol: Solution) -> Value:
        a, b = left(view, sol), right(view, sol)
        if isinstance(a, Err) or isinstance(b, Err):
            return ERR
        if (a[0] == b[0] == "<") or (a[0] == b[0] == "_"):
            return _boolean((a == b) != negate)
        if _stringish(a) and _stringish(b):
            return _boolean((_body(a) == _body(b)) != negate)
        return _delegate(func, {"expr": a, "other": b, "op": op})

    return relational


def _and(children: dict[str, Any], func: Callable[..., Any], evaluated: Evaluated) -> Fn:
    first, rest = children["expr"], children["other"]

    def conjunction(view: View, sol: Solution) -> Value:
        values = [first(view, sol), *rest(view, sol)]
        try:
            return _boolean(all(ebv(v) for v in values))
        except SPARQLError:
            return ERR

    return conjunction


def _or(children: dict[str, Any], func: Callable[..., Any], evaluated: Evaluated) -> Fn:
    first, rest = children["expr"], children["other"]

    def disjunction(view: View, sol: Solution) -> Value:
        error = False
        for v in [first(view, sol), *rest(view, sol)]:
            try:
                if ebv(v):
                    return TRUE
            except SPARQLError:
                error = True
        return ERR if error else FALSE

    return disjunction


def _not(children: dict[str, Any], func: Callable[..., Any], evaluated: Evaluated) -> Fn:
    inner = children["expr"]

    def negation(view: View, sol: Solution) -> Value:
        try:
            return _boolean(not ebv(inner(view, sol)))
        except SPARQLError:
            return ERR

    return negation


def _str(children: dict[str, Any], func: Callable[..., Any], evaluated: Evaluated) -> Fn:
    arg = children["arg"]

    def to_str(view: View, sol: Solution) -> Value:
        v = arg(view, sol)
        if isinstance(v, Err):
            return ERR
        if v[0] == "<":
            return '"' + escape_literal(v[1:-1]) + '"'
        if v[0] == "_":
            return '"' + escape_literal(v[2:]) + '"'
        return '"' + _body(v) + '"'

    return to_str


def _concat(children: dict[str, Any], func: Callable[..., Any], evaluated: Evaluated) -> Fn:
    args = children["arg"]

    def concat(view: View, sol: Solution) -> Value:
        values = args(view, sol)
        if all(isinstance(v, str) and _is_simple(v) for v in values):
            return '"' + "".join(_body(v) for v in values) + '"'
        return _delegate(func, {"arg": values})

    return concat


def _affix(starts: bool) -> Native:
    def make(children: dict[str, Any], func: Callable[..., Any], evaluated: Evaluated) -> Fn:
        first, second = children["arg1"], children["arg2"]

        def affix(view: View, sol: Solution) -> Value:
            a, b = first(view, sol), second(view, sol)
            if isinstance(a, str) and isinstance(b, str) and _is_simple(a) and _is_simple(b):
                x, y = literal_parts(a)[0], literal_parts(b)[0]
                return _boolean(x.startswith(y) if starts else x.endswith(y))
            return _delegate(func, {"arg1": a, "arg2": b})

        return affix

    return make


def _kind(mark: str) -> Native:
    def make(children: dict[str, Any], func: Callable[..., Any], evaluated: Evaluated) -> Fn:
        arg = children["arg"]
        return lambda view, sol: _boolean(isinstance(v := arg(view, sol), str) and v[0] == mark)

    return make


_NATIVE: dict[str, Native] = {
    "RelationalExpression": _relational,
    "ConditionalAndExpression": _and,
    "ConditionalOrExpression": _or,
    "UnaryNot": _not,
    "Builtin_STR": _str,
    "Builtin_CONCAT": _concat,
    "Builtin_STRSTARTS": _affix(True),
    "Builtin_STRENDS": _affix(False),
    "Builtin_isIRI": _kind("<"),
    "Builtin_isBLANK": _kind("_"),
    "Builtin_isLITERAL": _kind('"'),
}
