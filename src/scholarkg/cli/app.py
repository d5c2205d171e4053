"""The ``scholarkg`` command: the parser of every command, and how a command ends.

A command's handler returns its exit code. Library errors (``ScholarKGError``) print as one
line, ``error: …``, with exit code 1; a stop request (SIGTERM/SIGINT) during a job stops it
between steps, and a job it stopped exits as that signal would end a process (130 for SIGINT,
143 for SIGTERM); a reader that goes away (``scholarkg query … | head``) ends the command quietly
with exit code 141, as a process ended by SIGPIPE.
"""

from __future__ import annotations

import argparse
import difflib
import errno
import io
import os
import signal
import sys
import threading
from collections.abc import Sequence
from typing import TYPE_CHECKING, NoReturn

from scholarkg import __version__
from scholarkg.cli import arxiv, export, profile, quarantine, query, run, schedule, serve
from scholarkg.cli.common import HelpFormatter, describe
from scholarkg.cli.streams import closed_streams_to_devnull, encode_every_character
from scholarkg.errors import ScholarKGError
from scholarkg.lifecycle import (
    Interrupted,
    stop_on_signal,
    stop_once,
    stop_quietly,
    stopped_exit_code,
)

if TYPE_CHECKING:
    from _typeshed import SupportsWrite

DESCRIPTION = """
Build, validate, query and serve a scholarly knowledge graph: researcher profile pages and
arXiv records become RDF, every graph passes a SHACL gate before it is loaded, and the store
answers SPARQL.

Start with `scholarkg run` (the sample profile in a checkout), then `scholarkg query --list`.
Every command's --help says what it does and shows its defaults; [section] key names a
setting of the configuration (config/default.toml, overlaid by --config).
"""
BROKEN_PIPE = 128 + signal.SIGPIPE
_WRITE_FAILED = {errno.ENOSPC, errno.EDQUOT, errno.EFBIG, errno.EIO}


class Parser(argparse.ArgumentParser):
    """argparse's parser, except that ``--help`` and ``--version`` written to a stdout that
    refuses them (``> /dev/full``) raise the OSError, for :func:`main` to tell (before: argparse
    dropped it and the command exited 0 having shown nothing). Subcommands' parsers are of
    this class too (``add_subparsers`` takes its parent's)."""

    def _print_message(self, message: str, file: SupportsWrite[str] | None = None) -> None:
        if not message or file is not sys.stdout:  # stderr: a usage error keeps its exit code
            super()._print_message(message, file)
            return
        print(message, end="", flush=True)  # an OSError raised, not dropped

    def parse_known_args(  # type: ignore[override]
        self, args: Sequence[str] | None = None, namespace: argparse.Namespace | None = None
    ) -> tuple[argparse.Namespace, list[str]]:
        """As argparse's, except that arguments a command does not know are its usage error,
        with its usage (before: ``scholarkg query --bogus`` showed the top level's usage and
        ``scholarkg: error: unrecognized arguments``, as if the option were misplaced); so is
        what the command's ``check`` default (options that only go together) says is wrong."""
        self._options_before_the_command(sys.argv[1:] if args is None else args)
        parsed, extras = super().parse_known_args(args, namespace)
        if extras:
            self.error(f"unrecognized arguments: {' '.join(extras)}")
        check = getattr(parsed, "check", None)
        if check is not None and _commands(self) is None:  # the command's own parser
            problem = check(parsed)
            if problem:  # before: a handler refused it after the config was read, exit 1
                self.error(problem)
        return parsed, extras

    def _options_before_the_command(self, args: Sequence[str]) -> None:
        """A command's option given before the command (``scholarkg --config c.toml run``) is
        a usage error saying where it goes (before: ``invalid choice: 'c.toml'``, its value
        taken for the command)."""
        commands = _commands(self)
        if commands is None:
            return
        for arg in args:
            if not arg.startswith("-") or arg == "--":
                return  # the command, or the end of options
            name = arg.partition("=")[0]
            if name not in self._option_string_actions and _known_below(commands, name):
                command = next((a for a in args if a in commands.choices), "COMMAND")
                self.error(
                    f"{name} is a command's option: give it after the command "
                    f"({self.prog} {command} {name} …)"
                )

    def error(self, message: str) -> NoReturn:
        """argparse's usage error; one for a command left out names the commands there are
        (before: ``scholarkg`` alone said ``required: COMMAND`` and left the reader to guess)."""
        commands = _commands(self)
        if message.endswith("required: COMMAND") and commands is not None:
            names = ", ".join(commands.choices)
            message += f" (one of {names}; {self.prog} --help says what each does)"
        super().error(message)

    def _check_value(self, action: argparse.Action, value: object) -> None:
        """A choice not offered names the nearest one when there is one (``scholarkg quer``:
        did you mean 'query'?), then every choice, as argparse does."""
        choices = action.choices
        if choices is None or value in choices:
            return
        near = difflib.get_close_matches(str(value), [str(c) for c in choices], n=1)
        offered = ", ".join(repr(c) for c in choices)
        hint = f"did you mean {near[0]!r}? " if near else ""
        raise argparse.ArgumentError(
            action, f"invalid choice: {value!r} ({hint}choose from {offered})"
        )


def _commands(
    parser: argparse.ArgumentParser,
) -> argparse._SubParsersAction[argparse.ArgumentParser] | None:
    """The commands ``parser`` chooses among, if it does."""
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return action
    return None


def _known_below(commands: argparse._SubParsersAction[argparse.ArgumentParser], name: str) -> bool:
    """Whether an option ``name`` is one of these commands' (or their commands')."""
    for sub in commands.choices.values():
        if name in sub._option_string_actions:
            return True
        below = _commands(sub)
        if below is not None and _known_below(below, name):
            return True
    return False


def build_parser() -> argparse.ArgumentParser:
    parser = Parser(
        prog="scholarkg", description=describe(DESCRIPTION), formatter_class=HelpFormatter
    )
    parser.add_argument("--version", action="version", version=f"scholarkg {__version__}")
    commands = parser.add_subparsers(
        title="commands", dest="command", required=True, metavar="COMMAND"
    )
    for command in (run, profile, query, export, serve, arxiv, schedule, quarantine):
        command.register(commands)
    return parser


def _reader_gone() -> int:
    """stdout's reader closed the pipe: nothing more can be shown. Point stdout at /dev/null so
    the interpreter's last flush does not fail again, and end as SIGPIPE would."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError):  # stdout is not a file (captured, replaced)
        pass
    return BROKEN_PIPE


def _stdout_failed(exc: OSError) -> bool:
    """Whether ``exc`` is stdout refusing a write: a full disk (or quota, or file size limit)
    or an I/O error, from a write (no file named), while stdout refuses one too (``> /dev/full``)
    or its file system has no space left. Before, such a command ended in an OSError
    traceback."""
    if exc.filename is not None or exc.errno not in _WRITE_FAILED:
        return False
    try:
        fd = sys.stdout.fileno()
        os.write(fd, b"")
        return os.fstatvfs(fd).f_bavail == 0
    except io.UnsupportedOperation:  # not a file (captured, replaced)
        return False
    except OSError:
        return True


def _output_refused(exc: OSError) -> int:
    """The exit code for ``exc`` when it is stdout refusing the output: 141 for a reader gone,
    1 and one line on stderr for a full disk or an I/O error; any other OSError is raised."""
    if isinstance(exc, BrokenPipeError):
        return _reader_gone()
    if not _stdout_failed(exc):
        raise exc
    print(f"error: stdout: cannot write the output: {exc.strerror or exc}", file=sys.stderr)
    _reader_gone()  # nothing more goes there: the interpreter's last flush would fail too
    return 1


def main(argv: Sequence[str] | None = None) -> int:
    with closed_streams_to_devnull():  # started with >&- or 2>&-: nothing shown there
        return _main(argv)


def _main(argv: Sequence[str] | None) -> int:
    encode_every_character()
    try:
        args = build_parser().parse_args(argv)
    except OSError as exc:  # --help or --version to a stdout that refuses it
        return _output_refused(exc)
    stoppable = getattr(args, "stoppable", False)  # jobs stop between steps on SIGTERM/SIGINT
    in_main_thread = threading.current_thread() is threading.main_thread()  # else: no signals
    signals = (signal.SIGTERM, signal.SIGINT) if stoppable and in_main_thread else ()
    # a job that says what its stop left (stoppable="quietly") is not acknowledged first; a
    # flow run (stoppable="once") takes no second signal, which Prefect's engine would crash on
    on_signal = {"quietly": stop_quietly, "once": stop_once}.get(str(stoppable), stop_on_signal)
    previous = {s: signal.signal(s, on_signal) for s in signals}
    try:
        code: int = args.handler(args)
        sys.stdout.flush()  # a closed pipe shows here, not at exit
    except ScholarKGError as exc:  # before OSError: a WriteFailed is one (before: a traceback)
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except OSError as exc:
        return _output_refused(exc)
    except Interrupted:  # stopped before a job could take it over
        print("interrupted: stop requested", file=sys.stderr)
        return stopped_exit_code() or 1
    except KeyboardInterrupt:  # a second signal, or Ctrl-C in a command that is not a job
        print("interrupted", file=sys.stderr)
        return stopped_exit_code() or 128 + signal.SIGINT
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    return (code and stopped_exit_code()) or code  # a job that a signal stopped
