"""The command line: a thin layer that parses arguments and calls library functions.

``main(argv, stdout, stderr) -> int`` is what the console script runs and what the tests
call in-process.  Exit codes: 0 success/proved, 1 refuted/differs, 2 bad input.
Each subcommand lives in ``symconv.commands.<name>`` with ``add_arguments(parser)`` and
``run(args, out) -> int``; those modules import SymPy/NumPy only inside ``run``.
"""

from __future__ import annotations

import argparse
import importlib
import importlib.util
import io
import re
import sys
from collections.abc import Sequence
from typing import IO, Any, NoReturn

from ._version import __version__
from .errors import FormulaError, SymconvError

#: subcommand -> module; order is the order of ``symconv --help``.
COMMANDS = {
    "expand": "symconv.commands.expand",
    "prove": "symconv.commands.prove",
    "check": "symconv.commands.check",
    "identify": "symconv.commands.identify",
    "port": "symconv.commands.port",
    "matrix": "symconv.commands.matrix",
    "explore": "symconv.commands.explore",
    "derive": "symconv.commands.derive",
    "demo": "symconv.commands.demo",
}

#: A value users type after an option that argparse would otherwise read as an option:
#: ``--h -1,2,-1``, ``--at -1,-1``, ``--origin -1,0``.
_NEGATIVE_VALUE = re.compile(r"-(\d|\.\d)[0-9.,;:eEj+\-x ]*\Z")


class _Parser(argparse.ArgumentParser):
    """argparse, but a usage error is one line (and exit code 2)."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: error: {message}\n")


def _join_negative_values(argv: Sequence[str]) -> list[str]:
    out: list[str] = []
    for tok in argv:
        prev = out[-1] if out else ""
        if (_NEGATIVE_VALUE.match(tok) and prev.startswith("-") and "=" not in prev
                and not _NEGATIVE_VALUE.match(prev) and prev not in ("-h", "--help")):
            out[-1] = f"{prev}={tok}"
        else:
            out.append(tok)
    return out


#: Errors no request should reach, mapped to one line and exit 2 all the same (the floor:
#: sizes and depths are checked before work starts, so these are the last resort).
FLOOR = (MemoryError, RecursionError, OSError, UnicodeError, OverflowError)


def one_line(exc: BaseException) -> str:
    """The message of an error as the one line the command line prints."""
    if isinstance(exc, FormulaError):
        return str(exc)  # its caret under the column is the point of it
    if isinstance(exc, SymconvError):
        return _clip(" ".join(str(exc).split()))
    if isinstance(exc, MemoryError):
        return ("out of memory: the request is larger than this machine can hold; use "
                "smaller sizes or a lower --max-terms")
    if isinstance(exc, RecursionError):
        return "the input is nested too deeply"
    if isinstance(exc, UnicodeError):
        return f"text that is not valid UTF-8 ({exc.__class__.__name__})"
    if isinstance(exc, OverflowError):
        return "a number is too large"
    if _too_many_digits(exc):
        return ("a result has more than 4,300 digits, more than can be printed; use smaller "
                "values")
    if isinstance(exc, OSError):
        name = exc.filename if exc.filename is not None else ""
        why = exc.strerror or exc.__class__.__name__
        return _clip(f"cannot use {name!r}: {why}" if name else f"input/output error: {why}")
    return str(exc)  # pragma: no cover


def _too_many_digits(exc: BaseException) -> bool:
    """Python's refusal to print an integer of more than 4,300 digits (values are bounded
    to about 1,200 digits, but a claim may multiply several of them)."""
    return isinstance(exc, ValueError) and "integer string conversion" in str(exc)


def _clip(msg: str, most: int = 400) -> str:
    """One line of at most ``most`` characters (a hostile value can be megabytes)."""
    msg = "".join(ch if ch.isprintable() else "?" for ch in msg)
    return msg if len(msg) <= most else msg[:most - 20] + " ... (message cut)"


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="symconv",
        description="Derive and prove what convolution and cross-correlation compute: "
                    "expand y[m,n] symbolically, prove the kernel flip and the backward-pass "
                    "duality, check index formulas, and render worked examples.",
    )
    parser.add_argument("--version", action="version", version=f"symconv {__version__}")
    parser.add_argument("--debug", action="store_true",
                        help="show a traceback for errors instead of one line")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    for name, modname in COMMANDS.items():
        mod = importlib.import_module(modname)
        p = sub.add_parser(name, help=mod.HELP, description=getattr(mod, "DESCRIPTION",
                                                                     mod.HELP))
        p.add_argument("--debug", action="store_true", default=argparse.SUPPRESS,
                       help="show a traceback for errors instead of one line")
        mod.add_arguments(p)
        p.set_defaults(_module=modname)
    return parser


def main(argv: Sequence[str] | None = None, stdout: IO[str] | None = None,
         stderr: IO[str] | None = None) -> int:
    out = stdout if stdout is not None else sys.stdout
    err = stderr if stderr is not None else sys.stderr
    args_list = _join_negative_values(list(sys.argv[1:] if argv is None else argv))
    parser = build_parser()
    try:
        old_out, old_err = sys.stdout, sys.stderr
        sys.stdout, sys.stderr = out, err
        try:
            args = parser.parse_args(args_list)
        finally:
            sys.stdout, sys.stderr = old_out, old_err
    except SystemExit as exc:
        return int(exc.code or 0)
    if not getattr(args, "command", None):
        # As argparse tools do: the usage and the missing argument on stderr, exit 2.
        err.write(parser.format_usage())
        err.write("symconv: error: a COMMAND is required (symconv --help lists them)\n")
        return 2
    mod = importlib.import_module(args._module)
    if argv is None:
        _terminate_like_interrupt()
    try:
        if getattr(args, "output_file", False) and args.output not in (None, "-"):
            from .io import check_output

            check_output(args.output)  # a bad -o is refused before any work
        # What a command prints is held until it has finished: an error half-way (a value
        # too large for its format, say) prints its one line, never half a JSON document.
        held = io.StringIO()
        code = int(mod.run(args, held))
        out.write(held.getvalue())
        return code
    except BrokenPipeError:  # pragma: no cover - `symconv ... | head`
        import os

        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 0
    except (SymconvError, *FLOOR, ValueError) as exc:
        if not isinstance(exc, (SymconvError, *FLOOR)) and not _too_many_digits(exc):
            raise  # a bug, shown as one
        if getattr(args, "debug", False):
            raise
        err.write(f"symconv {args.command}: error: {one_line(exc)}\n")
        return 2
    except _Terminated:
        err.write("symconv: terminated\n")
        return 143
    except KeyboardInterrupt:  # pragma: no cover - interactive
        err.write("symconv: interrupted\n")
        return 130


class _Terminated(KeyboardInterrupt):
    """SIGTERM, raised where the process is, so that its ``finally`` blocks run as for
    Ctrl-C: a file being written atomically leaves no temporary file behind."""


def _terminate_like_interrupt() -> None:
    import signal
    import threading

    if threading.current_thread() is not threading.main_thread():  # pragma: no cover
        return

    def handler(signum: int, frame: Any) -> None:
        raise _Terminated()

    signal.signal(signal.SIGTERM, handler)
