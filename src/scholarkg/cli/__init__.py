"""The ``scholarkg`` command line: thin commands over the library.

Each command lives in its own module (``run``, ``profile``, ``query``, ``export``, ``serve``,
``arxiv``, ``schedule``) with its arguments and its handler; :mod:`scholarkg.cli.app` assembles
the parser and turns errors into one-line messages and exit codes. Heavy libraries (rdflib,
pyoxigraph, Prefect) are imported by the handlers, so ``scholarkg --help`` stays fast.
"""

from scholarkg.cli.app import build_parser, main

__all__ = ["build_parser", "main"]
