"""The format-free figure models: what the article's figures show, in no output format.

Every figure is read off an :class:`~symconv.expansion.Expansion` and is either a *drawing*
(cells on a grid, boxes, labels: the TikZ and SVG renderers draw it) or a *table* (the
worked example, the duality, the matrix, the equations: the LaTeX renderer typesets it,
from which MathML follows).  Text in a drawing is a tuple of :class:`Span` s, each with a
role (``array``, ``entry``, ``m``, ``n``...) that the renderers map to bold, italic and the
article's colours; no LaTeX, SVG or colour value appears here.

Captions are *rich text*: prose with ``$...$`` spans of LaTeX math (LaTeX is the single
source of notation), where ``\\arr{x}`` is an array name (bold by default), ``\\ent{a}``
a kernel entry, ``\\idxm{..}``/``\\idxn{..}`` an index in the first or second index
colour; every renderer expands these for its style (:func:`symconv.render.tex.expand_macros`)
and the terminal reads the math as Unicode (:mod:`symconv.render.plainmath`).

Coordinates: one unit is one cell; ``x`` grows to the right and ``y`` downwards (the
article's n grows downwards).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from ...index.ops import OPERATIONS

#: Line styles of outlines: every operation's patch has its own, so that print and
#: colour-blind readers tell them apart without the colours (legends draw a sample).
LINE_STYLES = {"conv": "solid", "corr-reflected": "dashed", "corr": "dotted",
               "conv-transpose": "dashdot"}
#: Span roles the renderers know.
ROLES = ("plain", "array", "entry", "m", "n", "op", "muted", "title", "math")
#: Largest drawings and tables, in cells: beyond these a figure is refused with the size.
MAX_GRID_CELLS = 400
MAX_MATRIX_CELLS = 900
MAX_DUALITY_ROWS = 64
#: Operations as figure captions name them (and the duality's "mixed" backward pass).
OP_WORDS = {**{n: s.figure_word for n, s in OPERATIONS.items()}, "mixed": "mixed operation"}


#: Why a worked-example row is invalid, in words (as the typeset table says it).
INVALID_WORDS = {"kernel": "no such kernel entry", "fraction": "not an integer index",
                 "pixel": "outside the image", "group": "outside the group"}


@dataclass(frozen=True)
class Span:
    """A run of text with one role: ``array`` names print bold, ``entry`` names italic,
    ``m``/``n`` in the index colours, ``op`` is the product dot, ``muted`` grey; ``math``
    is LaTeX math with the notation's macros (as in captions), for what plain runs cannot
    say (``\\partial L/\\partial \\arr{x}``)."""

    text: str
    role: str = "plain"
    #: greyed (an invalid row, a product with a padding zero): the role's font kept,
    #: the colour the palette's muted grey.
    muted: bool = False


Text = tuple[Span, ...]


def mute(t: Text) -> Text:
    """A text greyed (a product that adds nothing): entries stay italic, the product dot
    stays a dot."""
    return tuple(Span(sp.text, sp.role, True) for sp in t)


def text(t: Text) -> str:
    """The plain characters of a text (for tests, widths and accessibility titles); a
    ``math`` span counts its characters without the LaTeX commands and braces."""
    return "".join("\u00b7" if s.role == "op" else _math_chars(s.text) if s.role == "math"
                   else s.text for s in t)


def _math_chars(latex: str) -> str:
    """About the characters a piece of math shows: fonts and braces go, a symbol is one."""
    s = re.sub(r"\\(arr|ent|idxm|idxn|mathbf|mathit|mathrm|text|operatorname)\b", "", latex)
    return re.sub(r"\\[A-Za-z]+\s*", "*", s).replace("{", "").replace("}", "")


@dataclass(frozen=True)
class Cell:
    """A rectangle at (x, y) of size (w, h) with lines of text; ``fill`` is a colour role;
    a ``dashed`` border marks a cell that is not in the image (padding, as the
    convolution-arithmetic guide draws it)."""

    x: float
    y: float
    lines: tuple[Text, ...] = ()
    w: float = 1.0
    h: float = 1.0
    fill: str | None = None
    border: bool = True
    dashed: bool = False


@dataclass(frozen=True)
class Box:
    """An outline around cells: role ``conv``, ``corr``, ``corr-reflected`` (each with its
    line style, :data:`LINE_STYLES`) or ``grid`` (thin, solid)."""

    x0: float
    y0: float
    x1: float
    y1: float
    role: str
    style: str = "solid"
    inset: float = 0.0


@dataclass(frozen=True)
class Line:
    """A straight line from (x0, y0) to (x1, y1) in a role's colour and a line style: the
    samples in a legend, the rules of a table."""

    x0: float
    y0: float
    x1: float
    y1: float
    role: str
    style: str = "solid"
    width: str = "box"


@dataclass(frozen=True)
class Label:
    """Free text centred at (x, y) (``anchor`` ``west`` puts its left edge there)."""

    x: float
    y: float
    text: Text
    anchor: str = "center"
    small: bool = False


@dataclass(frozen=True)
class Drawing:
    """A figure made of cells, boxes and labels on a ``width`` x ``height`` unit canvas."""

    name: str
    caption: str
    width: float
    height: float
    cells: tuple[Cell, ...] = ()
    boxes: tuple[Box, ...] = ()
    labels: tuple[Label, ...] = ()
    lines: tuple[Line, ...] = ()
    #: ``normal``, ``small`` or ``tiny``: the size of the text in the cells.
    font: str = "normal"
    #: Size of one unit in centimetres (TikZ); SVG uses the same at 40 px per cm.
    unit: float = 1.0


@dataclass(frozen=True)
class WorkedRow:
    x: tuple[int, ...]
    plugged: tuple[str, ...]
    h: tuple[int, ...] | None
    valid: bool
    entry: str | None
    reason: str
    #: with values: the pixel's and the kernel entry's value (conjugated when the operation
    #: conjugates); None for the array given without values (its symbol is shown).
    values: tuple[Any, Any] | None = None


@dataclass(frozen=True)
class WorkedTable:
    """Figures 4 and 7: the plugged-in kernel index left of a rule, the solved one right."""

    name: str
    caption: str
    image: str
    kernel: str
    output: str
    at: tuple[int, ...]
    rows: tuple[WorkedRow, ...]
    conjugate: bool = False


@dataclass(frozen=True)
class DualityTable:
    """The forward pass per output and the backward pass per pixel, side by side."""

    name: str
    caption: str
    image: str
    kernel: str
    output: str
    #: (output index, [(pixel index, entry)]) per output.
    forward: tuple[tuple[tuple[int, ...], tuple[tuple[tuple[int, ...], str], ...]], ...]
    #: (pixel index, [(output index, entry)]) per pixel.
    backward: tuple[tuple[tuple[int, ...], tuple[tuple[tuple[int, ...], str], ...]], ...]
    backward_op: str


@dataclass(frozen=True)
class MatrixFigure:
    """The relation as a matrix: ``y = C x`` (rows outputs, columns pixels) and ``C^T``."""

    name: str
    caption: str
    image: str
    kernel: str
    output: str
    rows: tuple[tuple[int, ...], ...]
    cols: tuple[tuple[int, ...], ...]
    #: entries[r][c]: the kernel entry's name, or None for a zero.
    entries: tuple[tuple[str | None, ...], ...]


@dataclass(frozen=True)
class MatrixView:
    """An operation's matrix in one form (``symconv matrix``), small enough to typeset.

    ``atoms[p]`` names position ``p`` of the entry array: ``(name, None)`` for a named
    kernel entry (``a``), ``(array, index)`` for an indexed one (``x[0,1]``, ``h[1,0]``);
    ``cells[r][c]`` are the positions summed in a cell (empty: a zero).  ``row_blocks`` and
    ``col_blocks`` are the ends of the blocks (runs of equal first index in 2-D and up),
    where rules are drawn."""

    name: str
    caption: str
    #: toeplitz, circulant or im2col; transposed: C^T (P^T)
    form: str
    transposed: bool
    layer: bool
    #: the operation's array names: image, kernel, output
    arrays: tuple[str, str, str]
    row_array: str
    col_array: str
    rows: tuple[tuple[int, ...], ...]
    cols: tuple[tuple[int, ...], ...]
    atoms: tuple[tuple[str, tuple[int, ...] | None], ...]
    cells: tuple[tuple[tuple[int, ...], ...], ...]
    row_blocks: tuple[int, ...]
    col_blocks: tuple[int, ...]
    conjugate: bool = False

    def cell_text(self, ps: tuple[int, ...], sep: str = ", ") -> str:
        """A cell as plain text: its atoms joined by ``+`` (``a+c``, ``x[0, 1]``, ``0``),
        indices separated by ``sep``."""
        def atom(p: int) -> str:
            base, idx = self.atoms[p]
            s = base if idx is None else f"{base}[{sep.join(map(str, idx))}]"
            return f"conj({s})" if self.conjugate else s

        return "+".join(atom(p) for p in ps) or "0"


@dataclass(frozen=True)
class Equation:
    """The operation's index formula with the names of its arrays (the article's figure 1)."""

    name: str
    caption: str
    expansion: Any


@dataclass(frozen=True)
class TermsFigure:
    """Every output term by term, or (``at``) one output, a line per row of its patch."""

    name: str
    caption: str
    expansion: Any
    at: tuple[int, ...] | None


@dataclass(frozen=True)
class Frame:
    """One position of the sliding kernel: cells to fill (with the entry lying on each
    pixel), the patch's box, and the caption of this output."""

    index: tuple[int, ...]
    cells: tuple[Cell, ...]
    boxes: tuple[Box, ...]
    label: Text


Figure = Drawing | WorkedTable | DualityTable | MatrixFigure | Equation | TermsFigure


