"""One loader for the grammars and one mapping of lark's errors to :class:`FormulaError`.

The grammars are package data (``grammars/*.lark``), read with :mod:`importlib.resources`
so an installed wheel needs no source tree.  A parse error becomes one message naming what
was unexpected, with a caret under its column (a window of the text around it when the text
is long).
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable
from importlib import resources
from typing import Any

from .errors import FormulaError

#: Longest line FormulaError draws a caret under; longer texts show a window around the
#: column (errors.FormulaError itself only draws carets under short one-line texts).
CARET_WINDOW = 70


@functools.cache
def parser(name: str, start: str = "start") -> Any:
    """The LALR parser of ``grammars/NAME.lark`` (made once)."""
    import lark

    text = resources.files(__package__).joinpath("grammars", f"{name}.lark").read_text(
        encoding="utf-8")
    return lark.Lark(text, start=start, parser="lalr", propagate_positions=True,
                     maybe_placeholders=False)


def caret_error(message: str, text: str, pos: int) -> FormulaError:
    """A FormulaError whose caret line shows the text around ``pos``, however long the
    text; ``.text`` and ``.column`` stay the whole text and the real column."""
    if len(text) <= 200:
        return FormulaError(message, text, pos)
    start = max(0, pos - CARET_WINDOW)
    end = min(len(text), pos + CARET_WINDOW)
    excerpt = ("..." if start else "") + text[start:end] + ("..." if end < len(text) else "")
    err = FormulaError(f"{message} (column {pos + 1})", excerpt, pos - start + (3 if start
                                                                             else 0))
    err.text, err.column = text, pos
    return err


def parse(name: str, text: str, what: str, *, start: str = "start",
          expected: Callable[[Iterable[str]], str] | None = None,
          hint: Callable[[str], str] | None = None) -> Any:
    """Parse ``text`` with grammar ``name``; every lark error becomes a caret error.

    ``what`` names the text in messages ("formula", "claim"); ``expected`` turns lark's
    expected terminals into words (appended as ": expected ..."); ``hint`` adds a phrase
    to an unexpected-token message (given the text).
    """
    import lark

    try:
        tree = parser(name, start).parse(text)
    except lark.exceptions.UnexpectedCharacters as exc:
        pos = int(exc.pos_in_stream or 0)
        ch = text[pos] if pos < len(text) else ""
        if ch == "\\":
            raise caret_error(f"unknown LaTeX command {_command_at(text, pos)!r} in the "
                              f"{what}", text, pos) from None
        raise caret_error(f"unexpected character {ch!r} in the {what}", text, pos) from None
    except lark.exceptions.UnexpectedEOF:
        raise caret_error(f"the {what} ends too early", text, len(text.rstrip())) from None
    except lark.exceptions.UnexpectedToken as exc:
        tok = exc.token
        tail = ": expected " + expected(exc.expected) if expected else ""
        if tok.type == "$END":
            raise caret_error(f"the {what} ends too early"
                              + (tail or " (expected more after this)"), text,
                              len(text.rstrip())) from None
        extra = hint(text) if hint else ""
        raise caret_error(f"unexpected {str(tok)!r} in the {what}{extra}{tail}", text,
                          tok.start_pos or 0) from None
    except lark.exceptions.UnexpectedInput as exc:  # pragma: no cover - other lark cases
        raise caret_error(f"the {what} could not be parsed", text,
                          getattr(exc, "pos_in_stream", 0) or 0) from None
    except RecursionError:
        raise FormulaError(f"the {what} is nested too deeply") from None
    check_depth(tree, text, what)
    return tree


#: Deepest parse tree accepted (unary signs, brackets, operators): the trees are walked
#: recursively later, so depth is bounded here, where the column can still be shown.
MAX_TREE_DEPTH = 100


def check_depth(tree: Any, text: str, what: str) -> None:
    """A caret error at the first node deeper than :data:`MAX_TREE_DEPTH` (iterative)."""
    import lark

    from .limits import first_deeper

    node = first_deeper(tree, MAX_TREE_DEPTH, lambda n: n.children
                        if isinstance(n, lark.Tree) else (), start=1)
    if node is not None:
        raise caret_error(f"the {what} is nested more than {MAX_TREE_DEPTH} levels deep",
                          text, column(node))


def _command_at(text: str, pos: int) -> str:
    end = pos + 1
    while end < len(text) and text[end].isalpha():
        end += 1
    return text[pos:max(end, pos + 2)]


def column(t: Any) -> int:
    """0-based column of a lark tree (from its meta) or token."""
    meta = getattr(t, "meta", None)
    if meta is not None and not getattr(meta, "empty", True):
        return int(meta.column) - 1
    col = getattr(t, "column", None)
    return int(col) - 1 if col else 0
