"""Layout shared by the figure builders: where an index of a 1-D or 2-D signal is drawn,
index texts in the m/n colours, the headers of a grid, and the size limits."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from ...errors import InputError
from ...index.relation import AffineAxis, ChannelAxis
from .model import MAX_GRID_CELLS, Label, Span, Text


def spatial_axes(exp: Any, what: str) -> list[AffineAxis]:
    facs = exp.relation.factors
    if any(isinstance(f, ChannelAxis) for f in facs) or not 1 <= len(facs) <= 2:
        raise InputError(f"the {what} figure is drawn for 1-D and 2-D operations without "
                         f"channels; this one has {len(facs)} axes")
    return list(facs)


def index_text(values: Sequence[int], roles: bool = True) -> Text:
    """``[1, -2]`` with the first index in the m colour and the second in the n colour."""
    out: list[Span] = [Span("[")]
    for a, v in enumerate(values):
        if a:
            out.append(Span(","))
        out.append(Span(str(v), ("m", "n")[a] if roles and a < 2 else "plain"))
    out.append(Span("]"))
    return tuple(out)


def place(sig: Any, idx: Sequence[int]) -> tuple[int, int]:
    """(column, row) of an index of a 1-D or 2-D signal in display order."""
    lo = sig.lo
    if len(idx) == 1:
        return idx[0] - lo[0], 0
    if sig.axes == "xy":
        return idx[0] - lo[0], idx[1] - lo[1]
    return idx[1] - lo[1], idx[0] - lo[0]


def grid_dims(sig: Any) -> tuple[int, int]:
    """(columns, rows) of a 1-D or 2-D signal drawn in display order."""
    if len(sig.shape) == 1:
        return sig.shape[0], 1
    return (sig.shape[0], sig.shape[1]) if sig.axes == "xy" else (sig.shape[1], sig.shape[0])


def axis_of(sig: Any, horizontal: bool) -> int | None:
    """Which index runs horizontally (or vertically) in the drawing."""
    if len(sig.shape) == 1:
        return 0 if horizontal else None
    if sig.axes == "xy":
        return 0 if horizontal else 1
    return 1 if horizontal else 0


def headers(sig: Any, x0: float, y0: float, letters: tuple[str, str], cw: float = 1.0,
             ch: float = 1.0) -> list[Label]:
    """Index values above the columns and left of the rows, in the index colours."""
    labels: list[Label] = []
    cols, rows = grid_dims(sig)
    ha, va = axis_of(sig, True), axis_of(sig, False)
    role = ("m", "n")
    if ha is not None:
        for c in range(cols):
            labels.append(Label(x0 + (c + 0.5) * cw, y0 - 0.35,
                                (Span(str(sig.lo[ha] + c), role[ha]),), small=True))
        labels.append(Label(x0 - 0.45, y0 - 0.35, (Span(letters[ha], role[ha]),), small=True))
    if va is not None:
        for r in range(rows):
            labels.append(Label(x0 - 0.45, y0 + (r + 0.5) * ch,
                                (Span(str(sig.lo[va] + r), role[va]),), small=True))
        labels.append(Label(x0 - 0.45, y0 + rows * ch + 0.35,
                            (Span(letters[va], role[va]),), small=True))
    return labels


def display_key(sig: Any, idx: Sequence[int]) -> tuple[int, ...]:
    return tuple(idx[a] for a in sig.display_axes())


def check_cells(n: int, what: str) -> None:
    if n > MAX_GRID_CELLS:
        raise InputError(f"the {what} figure would have {n} cells; figures are drawn for at "
                         f"most {MAX_GRID_CELLS} (use a smaller shape)")


# -- captions: rich text (``$...$`` math with the notation's macros) ----------------------
def arr(name: str) -> str:
    """An array's name in caption math: ``\\arr{x}`` (bold in the default style)."""
    return rf"\arr{{{name}}}"


def index_math(values: Sequence[int]) -> str:
    """``[1,-2]`` as caption math (a signed number gets a real minus there)."""
    return "[" + ",".join(str(v) for v in values) + "]"


def patch_math(name: str, lo: Sequence[int], hi: Sequence[int]) -> str:
    """``\\arr{x}[0..2,\\,-1..1]``: the pixels of an inclusive box, as caption math."""
    return arr(name) + "[" + r",\,".join(f"{a}..{b}" for a, b in zip(lo, hi, strict=False)) \
        + "]"


def ranges_math(lo: Sequence[int], hi: Sequence[int], letters: Sequence[str]) -> str:
    """``$-3 \\le i \\le 3$ and $-3 \\le j \\le 3$`` for the axes of a signal."""
    parts = [f"${a} \\le {ch} \\le {b}$" for a, b, ch in zip(lo, hi, letters, strict=False)]
    return " and ".join(parts)


def kernel_index_math(op: str, dims: int) -> str:
    """The kernel index of an operation in ``dims`` dimensions: ``m-i, n-j``."""
    from ...index.ops import OPERATIONS

    first = OPERATIONS[op].kernel_index
    second = first.replace("m", "n").replace("i", "j")
    return first if dims == 1 else f"{first},{second}"


# -- numbers in cells ---------------------------------------------------------------------
def number(v: Any) -> str:
    """A value as a cell shows it: integers plain, floats to 4 significant digits,
    complex numbers as ``a+bi``; exact values as SymPy prints them (``1/9``)."""
    if not isinstance(v, (int, float, complex, np.number)):
        from ..exact import value_text

        return value_text(v)
    if isinstance(v, (complex, np.complexfloating)):
        c = complex(v)
        if c.imag == 0:
            return number(c.real)
        re_ = number(c.real) if c.real else ""
        im = number(abs(c.imag))
        sign = "-" if c.imag < 0 else ("+" if re_ else "")
        return f"{re_}{sign}{'' if im == '1' else im}i"
    f = float(v)
    if f.is_integer() and abs(f) < 1e15:
        return str(int(f))
    return f"{f:.4g}"


def factor(v: Any) -> str:
    """A number as the second factor of a product: a negative one in parentheses."""
    s = number(v)
    return f"({s})" if s.startswith("-") or ("+" in s[1:] or "-" in s[1:] or "/" in s) else s


def product_text(xv: Any, hv: Any, pixel: str = "", entry: str = "") -> str:
    """``3·(-1)``: the numbers one product multiplies; an array given without values shows
    its symbol instead (``x[0]·(-1)``, ``3·a``)."""
    left = pixel if xv is None else number(xv)
    return f"{left}\u00b7{entry if hv is None else factor(hv)}"


def exact_value(v: Any) -> bool:
    """Whether ``v`` is an exact value beyond an integer (a fraction, a surd, a symbol)."""
    return not isinstance(v, (int, float, complex, np.number))


def value_span(v: Any, role: str = "plain", *, factor_: bool = False) -> Span:
    """A value in a figure: integers and floats as text in ``role``, exact values as LaTeX
    math (``\\frac{1}{9}``, ``\\sqrt{2}``; the SVG writes them as ``1/9``, ``√2``), greyed
    when ``role`` is ``muted``.  As the second factor of a product (``factor_``) a negative
    value or a sum is parenthesised."""
    if not exact_value(v):
        return Span(factor(v) if factor_ else number(v), role)
    from ..exact import factor_latex, value_latex

    s = factor_latex(v, True) if factor_ else value_latex(v, True)
    # Braced, a leading minus is a sign, not a binary minus after "= ".
    return Span("{" + s + "}" if s.startswith("-") else s, "math", role == "muted")
