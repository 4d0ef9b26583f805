"""The error hierarchy: one root, and input errors that are also ``ValueError``.

Every message names the bad value and what was allowed, so the command line can print it
as its one line on stderr (exit code 2).
"""

from __future__ import annotations


class SymconvError(Exception):
    """Root of every error symconv raises on purpose."""


class InputError(SymconvError, ValueError):
    """A value given by the user is malformed or outside what is allowed."""


class LimitError(InputError):
    """A request is over a size limit (the message says the count and how to raise it)."""


class FormulaError(InputError):
    """A formula or claim could not be parsed; the message draws a caret under the column."""

    def __init__(self, message: str, text: str = "", column: int | None = None) -> None:
        self.text = text
        self.column = column
        if column is not None and text and "\n" not in text and len(text) <= 200:
            message = f"{message}\n  {text}\n  {' ' * column}^"
        elif column is not None:
            message = f"{message} (at column {column + 1})"
        super().__init__(message)


class ToolError(SymconvError):
    """An external tool (pdflatex, a probed function) failed."""
