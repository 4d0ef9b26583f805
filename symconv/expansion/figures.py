"""What the article's figures show, independent of any output format.

Every figure is read off an :class:`~symconv.expansion.Expansion` and is either a *drawing*
(cells on a grid, boxes, labels: the TikZ and SVG renderers draw it) or a *table* (the
worked example, the duality, the matrix: the LaTeX renderer typesets it as an ``array``,
from which MathML follows).  Text in a drawing is a tuple of :class:`Span` s, each with a
role (``array``, ``entry``, ``m``, ``n``...) that the renderers map to bold, italic and the
article's colours; no LaTeX, SVG or colour value appears here.

Coordinates: one unit is one cell; ``x`` grows to the right and ``y`` downwards (the
article's n grows downwards).

>>> from symconv.expansion import expand
>>> d = drawing(expand("conv", "7x7", "3x3", mode="same"), (1, 1))
>>> [text(c.lines[0]) for c in d.cells[:3]]
['x[0,0]·i', 'x[0,1]·f', 'x[0,2]·c']
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..errors import InputError
from ..index.notation import plugged_kernel_index
from ..index.ops import OPERATIONS
from ..index.relation import AffineAxis, ChannelAxis

#: Span roles the renderers know.
ROLES = ("plain", "array", "entry", "m", "n", "op", "muted", "title")
#: Largest drawings and tables, in cells: beyond these a figure is refused with the size.
MAX_GRID_CELLS = 400
MAX_MATRIX_CELLS = 900
MAX_DUALITY_ROWS = 64


@dataclass(frozen=True)
class Span:
    """A run of text with one role: ``array`` names print bold, ``entry`` names italic,
    ``m``/``n`` in the index colours, ``op`` is the product dot, ``muted`` grey."""

    text: str
    role: str = "plain"


Text = tuple[Span, ...]


def text(t: Text) -> str:
    """The plain characters of a text (for tests and accessibility titles)."""
    return "".join("\u00b7" if s.role == "op" else s.text for s in t)


@dataclass(frozen=True)
class Cell:
    """A rectangle at (x, y) of size (w, h) with lines of text; ``fill`` is a colour role."""

    x: float
    y: float
    lines: tuple[Text, ...] = ()
    w: float = 1.0
    h: float = 1.0
    fill: str | None = None
    border: bool = True


@dataclass(frozen=True)
class Box:
    """A coloured outline around cells (role ``conv``, ``corr``, ``corr-reflected``)."""

    x0: float
    y0: float
    x1: float
    y1: float
    role: str
    dashed: bool = False
    inset: float = 0.0


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


Figure = Drawing | WorkedTable | DualityTable | MatrixFigure

#: The operations' names in captions.
#: Operations as figure captions name them (and the duality's "mixed" backward pass).
OP_WORDS = {**{n: s.figure_word for n, s in OPERATIONS.items()}, "mixed": "mixed operation"}


# -- helpers ------------------------------------------------------------------------------
def _spatial(exp: Any, what: str) -> list[AffineAxis]:
    facs = exp.relation.factors
    if any(isinstance(f, ChannelAxis) for f in facs) or not 1 <= len(facs) <= 2:
        raise InputError(f"the {what} figure is drawn for 1-D and 2-D operations without "
                         f"channels; this one has {len(facs)} axes")
    return list(facs)


def _idx(values: Sequence[int], roles: bool = True) -> Text:
    """``[1, -2]`` with the first index in the m colour and the second in the n colour."""
    out: list[Span] = [Span("[")]
    for a, v in enumerate(values):
        if a:
            out.append(Span(","))
        out.append(Span(str(v), ("m", "n")[a] if roles and a < 2 else "plain"))
    out.append(Span("]"))
    return tuple(out)


def _place(sig: Any, idx: Sequence[int]) -> tuple[int, int]:
    """(column, row) of an index of a 1-D or 2-D signal in display order."""
    lo = sig.lo
    if len(idx) == 1:
        return idx[0] - lo[0], 0
    if sig.axes == "xy":
        return idx[0] - lo[0], idx[1] - lo[1]
    return idx[1] - lo[1], idx[0] - lo[0]


def _dims(sig: Any) -> tuple[int, int]:
    """(columns, rows) of a 1-D or 2-D signal drawn in display order."""
    if len(sig.shape) == 1:
        return sig.shape[0], 1
    return (sig.shape[0], sig.shape[1]) if sig.axes == "xy" else (sig.shape[1], sig.shape[0])


def _axis_of(sig: Any, horizontal: bool) -> int | None:
    """Which index runs horizontally (or vertically) in the drawing."""
    if len(sig.shape) == 1:
        return 0 if horizontal else None
    if sig.axes == "xy":
        return 0 if horizontal else 1
    return 1 if horizontal else 0


def _headers(sig: Any, x0: float, y0: float, letters: tuple[str, str], cw: float = 1.0,
             ch: float = 1.0) -> list[Label]:
    """Index values above the columns and left of the rows, in the index colours."""
    labels: list[Label] = []
    cols, rows = _dims(sig)
    ha, va = _axis_of(sig, True), _axis_of(sig, False)
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


def _display_key(sig: Any, idx: Sequence[int]) -> tuple[int, ...]:
    return tuple(idx[a] for a in sig.display_axes())


def _check_cells(n: int, what: str) -> None:
    if n > MAX_GRID_CELLS:
        raise InputError(f"the {what} figure would have {n} cells; figures are drawn for at "
                         f"most {MAX_GRID_CELLS} (use a smaller shape)")


# -- figure 2: the kernel ----------------------------------------------------------------
def kernel_grid(exp: Any) -> Drawing:
    """The kernel's indices (left: first index red, second green) and entry names (right)."""
    _spatial(exp, "kernel")
    ker = exp.operation.kernel
    cols, rows = _dims(ker)
    _check_cells(cols * rows, "kernel")
    cw = 1.6 if len(ker.shape) == 2 else 1.2
    left_x, top = 0.9, 1.3
    right_x = left_x + cols * cw + 1.0
    cells: list[Cell] = []
    for idx in ker.indices():
        c, r = _place(ker, idx)
        cells.append(Cell(left_x + c * cw, top + r, (_idx(idx),), w=cw))
        name = exp.entry_name(idx)
        cells.append(Cell(right_x + c, top + r, ((Span(name, "entry"),),)))
    labels = _headers(ker, left_x, top, ("m", "n"), cw)
    kname = ker.name
    labels.append(Label(left_x + cols * cw / 2, 0.3, (Span("indices of "), Span(kname, "array")),
                        small=True))
    labels.append(Label(right_x + cols / 2, 0.3, (Span("entries"),), small=True))
    labels.append(Label(right_x - 0.5, top + rows / 2, (Span("="),)))
    return Drawing("kernel", f"The kernel {kname}: indices (left) and the names of its "
                   "entries (right); an entry is a number, the kernel is the array.",
                   right_x + cols + 0.2, top + rows + 0.8, tuple(cells), (), tuple(labels),
                   font="small", unit=0.9)


# -- figure 3: the image and its corner ----------------------------------------------------
def image_grid(exp: Any) -> Drawing:
    """The whole image with its indices on the axes (the article's ``imagex``)."""
    _spatial(exp, "image")
    img = exp.operation.image
    cols, rows = _dims(img)
    _check_cells(cols * rows, "image")
    x0, y0 = 1.0, 0.9
    cells = []
    zero = tuple(0 for _ in img.shape)
    for idx in img.indices():
        c, r = _place(img, idx)
        centre = tuple(idx) == zero
        cells.append(Cell(x0 + c, y0 + r, ((Span(img.name, "array"),),) if centre else (),
                          fill="header" if centre else None))
    labels = _headers(img, x0, y0, ("i", "j"))
    return Drawing("image", f"The image {img.name}, indices "
                   + " by ".join(f"{a}..{b}" for a, b in zip(img.lo, img.hi, strict=False))
                   + "; the centre element is [" + ",".join("0" for _ in img.shape) + "].",
                   x0 + cols + 0.3, y0 + rows + 0.8, tuple(cells), (), tuple(labels),
                   font="small", unit=0.75)


def image_corner(exp: Any, size: int = 4) -> Drawing:
    """The lower-right corner of the image with ``[i,j]`` in each pixel (figure 3)."""
    _spatial(exp, "corner")
    img = exp.operation.image
    lo = [max(l_, h - size + 1) for l_, h in zip(img.lo, img.hi, strict=False)]
    sub = dataclasses.replace(img, shape=tuple(h - a + 1 for a, h in zip(lo, img.hi, strict=False)),
                              origin=tuple(-a for a in lo), entries=None, values=None)
    cols, rows = _dims(sub)
    x0, y0 = 1.0, 0.9
    cw = 1.4
    cells = []
    for idx in sub.indices():
        c, r = _place(sub, idx)
        cells.append(Cell(x0 + c * cw, y0 + r, (_idx(idx),), w=cw))
    labels = _headers(sub, x0, y0, ("i", "j"), cw)
    rng = " by ".join(f"{a}..{b}" for a, b in zip(lo, img.hi, strict=False))
    return Drawing("corner", f"The lower-right corner of {img.name} ({rng}) with the index "
                   "[i,j] of each pixel.", x0 + cols * cw + 0.3, y0 + rows + 0.8,
                   tuple(cells), (), tuple(labels), font="small", unit=0.9)


# -- figures 4 and 7: the worked example ---------------------------------------------------
def worked_table(exp: Any, at: Sequence[int], subset: str = "window") -> WorkedTable:
    """Every candidate pixel of the window one ring wider than the patch (``window``), or
    the article's subset (``article``: from the patch's first index to one past its last,
    as the article's i, j = 0..3 for y[1,1])."""
    if subset not in ("window", "article"):
        raise InputError(f"bad subset {subset!r}: use window or article")
    op = exp.operation
    we = exp.worked_example(at)
    facs = exp.relation.factors
    rows = []
    for r in we.rows:
        if subset == "article" and we.patch is not None:
            lo, hi = we.patch
            if not all(a <= v <= b + 1 for v, a, b in zip(r.x, lo, hi, strict=False)):
                continue
        plugged: list[str] = []
        for f, m, i in zip(facs, at, r.x, strict=False):
            if isinstance(f, AffineAxis):
                plugged.append(plugged_kernel_index(f, m, i))
            else:
                first = int(f.input_channel(m, 0))
                plugged += [str(m), f"{i}-{first}" if first else str(i)]
        rows.append(WorkedRow(r.x, tuple(plugged), r.h, r.valid, r.entry, r.reason))
    at_s = ",".join(map(str, at))
    which = "the article's rows" if subset == "article" else "every pixel of the window"
    return WorkedTable(f"worked-{subset}", f"Worked example for {op.output_name}[{at_s}] "
                       f"({OP_WORDS[op.op]}), {which}: the kernel index with the numbers "
                       "plugged in (left of the rule) and solved (right); rows whose kernel "
                       "index falls outside the kernel are invalid.",
                       op.image.name, op.kernel.name, op.output_name, tuple(at), tuple(rows),
                       op.conjugate)


# -- figures 5 and 8: the kernel over the patch --------------------------------------------
def flip_word(exp: Any) -> str:
    sig = [f.sigma for f in exp.relation.factors if isinstance(f, AffineAxis)]
    if all(s < 0 for s in sig):
        return "rotated by 180 degrees: convolution flips the kernel" if len(sig) == 2 \
            else "reversed: convolution flips the kernel"
    if all(s > 0 for s in sig):
        return "as drawn: cross-correlation does not flip the kernel"
    return "flipped along some axes only"


def drawing(exp: Any, at: Sequence[int]) -> Drawing:
    """The patch with the kernel entry that multiplies each pixel (figures 5 and 8)."""
    _spatial(exp, "drawing")
    op = exp.operation
    img, ker = op.image, op.kernel
    we = exp.worked_example(at)
    if we.patch is None:
        raise InputError(f"no pixel feeds {op.output_name}[{','.join(map(str, at))}]")
    lo, hi = we.patch
    sub = dataclasses.replace(img, shape=tuple(b - a + 1 for a, b in zip(lo, hi, strict=False)),
                              origin=tuple(-a for a in lo), entries=None, values=None)
    lookup = {r.x: r.entry for r in we.rows if r.valid}
    cols, rows = _dims(sub)
    _check_cells(cols * rows, "drawing")
    cw = 2.0
    x0, y0 = 0.2, 1.0
    cells: list[Cell] = []
    for idx in sub.indices():
        c, r = _place(sub, idx)
        e = lookup.get(tuple(idx))
        line: Text = (Span(img.name, "array"),) + _idx(idx, roles=False)
        if e is not None:
            line += (Span("*", "op"), Span(e, "entry"))
        cells.append(Cell(x0 + c * cw, y0 + r, (line,), w=cw,
                          fill="patch" if e is not None else None))
    # The kernel as it lies on the patch, entries only, beside it.
    kx = x0 + cols * cw + 1.2
    for idx in sub.indices():
        c, r = _place(sub, idx)
        e = lookup.get(tuple(idx))
        cells.append(Cell(kx + c, y0 + r, ((Span(e or "", "entry"),),)))
    # ... and the kernel as drawn (figure 2), for comparison.
    kx2 = kx + cols + 1.2
    kcols, krows = _dims(ker)
    for idx in ker.indices():
        c, r = _place(ker, idx)
        cells.append(Cell(kx2 + c, y0 + r, ((Span(exp.entry_name(idx), "entry"),),)))
    at_s = ",".join(map(str, at))
    labels = (
        Label(x0 + cols * cw / 2, 0.4, (Span("products for "), Span(op.output_name, "array"),
                                        Span(f"[{at_s}]")), small=True),
        Label(kx + cols / 2, 0.4, (Span("kernel on the patch"),), small=True),
        Label(kx2 + kcols / 2, 0.4, (Span("kernel "), Span(ker.name, "array"),
                                     Span(" as drawn")), small=True),
    )
    rng = ", ".join(f"{a}..{b}" for a, b in zip(lo, hi, strict=False))
    return Drawing(f"drawing-{op.op}", f"{OP_WORDS[op.op].capitalize()}, "
                   f"{op.output_name}[{at_s}]: the patch {img.name}[{rng}] with the kernel "
                   f"entry that multiplies each pixel; the kernel lies on it {flip_word(exp)}.",
                   kx2 + kcols + 0.2, y0 + max(rows, krows) + 0.3, tuple(cells), (), labels,
                   font="small", unit=0.85)


# -- figure 6: the image with the patches of each operation --------------------------------
#: The operations figure 6 boxes, in drawing order (later boxes on top), and their styles.
BOX_OPS = (("corr", True), ("corr-reflected", False), ("conv", False))


def sibling(exp: Any, op: str) -> Any:
    """The same setting under another operation."""
    from .core import Expansion

    return Expansion(dataclasses.replace(exp.operation, op=op), max_terms=exp.max_terms)


def patches(exp: Any, at: Sequence[int], ops: Sequence[str] = ("conv", "corr-reflected", "corr")
            ) -> dict[str, tuple[tuple[int, ...], tuple[int, ...]] | None]:
    """The patch each operation reads for output ``at`` (None when it reads none)."""
    out: dict[str, Any] = {}
    for name in ops:
        sib = exp if name == exp.operation.op else sibling(exp, name)
        try:
            out[name] = sib.worked_example(at).patch
        except InputError:
            out[name] = None
    return out


def boxes(exp: Any, at: Sequence[int], with_corr: bool = True) -> Drawing:
    """The whole image, the conv patch boxed red and the article's correlation's green (and
    the standard correlation's blue, dashed) for output ``at`` (figure 6)."""
    _spatial(exp, "boxes")
    full = exp.operation.image
    pts = patches(exp, at)
    img = full
    cols, rows = _dims(full)
    if cols * rows > MAX_GRID_CELLS:
        # A large image: draw the window around the patches, two pixels wider.
        found = [p for p in pts.values() if p is not None]
        if not found:
            _check_cells(cols * rows, "boxes")
        lo = [max(a, min(p[0][k] for p in found) - 2) for k, a in enumerate(full.lo)]
        hi = [min(b, max(p[1][k] for p in found) + 2) for k, b in enumerate(full.hi)]
        shape = tuple(b - a + 1 for a, b in zip(lo, hi, strict=False))
        img = dataclasses.replace(full, shape=shape, origin=tuple(-a for a in lo),
                                  entries=None, values=None)
        cols, rows = _dims(img)
        _check_cells(cols * rows, "boxes")
    cw = 1.9  # room for [-3,-3] in the small type, clear of the cell's borders
    x0, y0 = 1.0, 0.9
    cells = []
    # Filled: the pixels this output really reads (a dilated kernel skips some).
    used = {t.x for t in exp.terms(at)}
    for idx in img.indices():
        c, r = _place(img, idx)
        cells.append(Cell(x0 + c * cw, y0 + r, (_idx(idx),), w=cw,
                          fill="patch" if tuple(idx) in used else None))
    bx = []
    legend: list[Label] = []
    at_s = ",".join(map(str, at))
    ly = y0 + rows + 1.0
    for name, dashed in BOX_OPS:
        p = pts.get(name)
        if name == "corr" and not with_corr:
            continue
        if p is None:
            continue
        (c0, r0), (c1, r1) = _place(img, p[0]), _place(img, p[1])
        c0, c1 = min(c0, c1), max(c0, c1)
        r0, r1 = min(r0, r1), max(r0, r1)
        inset = {"conv": 0.04, "corr-reflected": 0.04, "corr": 0.12}[name]
        bx.append(Box(x0 + c0 * cw, y0 + r0, x0 + (c1 + 1) * cw, y0 + r1 + 1, name, dashed,
                      inset))
    for name, _ in BOX_OPS[::-1]:
        p = pts.get(name)
        if p is None or (name == "corr" and not with_corr):
            continue
        rng = ",".join(f"{a}..{b}" for a, b in zip(*p, strict=False))  # math, no spaces
        legend.append(Label(x0, ly, (Span(f"{OP_WORDS[name]}: ", name),
                                     Span(img.name, "array"), Span(f"[{rng}]")),
                            anchor="west", small=True))
        ly += 0.5
    part = "" if img is full else " (the part of the image around them)"
    return Drawing("boxes", f"The pixels each operation reads for "
                   f"{exp.operation.output_name}[{at_s}]{part}, filled: those of "
                   f"{OP_WORDS[exp.operation.op]}; boxed: convolution (red), the article's "
                   "cross-correlation h[m+i, n+j] (green) and the standard cross-correlation "
                   "h[i-m, j-n] (blue, dashed).", x0 + cols * cw + 0.3, ly + 0.1, tuple(cells),
                   tuple(bx), tuple(_headers(img, x0, y0, ("i", "j"), cw)) + tuple(legend),
                   font="tiny", unit=0.75)


# -- the output map: which patch feeds each output ----------------------------------------
def output_patches(exp: Any) -> list[tuple[tuple[int, ...], tuple[tuple[int, ...],
                                                                    tuple[int, ...]] | None]]:
    """(output index, inclusive pixel box or None) for every output, in C order."""
    t = exp.terms_table
    out: list[tuple[tuple[int, ...], tuple[tuple[int, ...], tuple[int, ...]] | None]] = []
    for p, idx in enumerate(exp.indices()):
        s, e = int(t.starts[p]), int(t.starts[p + 1])
        if s == e:
            out.append((idx, None))
            continue
        px = t.image[s:e]
        out.append((idx, (tuple(int(v) for v in px.min(0)), tuple(int(v) for v in px.max(0)))))
    return out


def output_map(exp: Any, at: Sequence[int] | None = None) -> Drawing:
    """Every output with the image box that feeds it (ConvolutionOutput and
    CrossCorrelationOutput), the output ``at`` highlighted."""
    _spatial(exp, "output map")
    op = exp.operation
    out_sig = dataclasses.replace(op.image, shape=exp.shape,
                                  origin=tuple(-a for a in exp.out_lo), entries=None,
                                  values=None)
    cols, rows = _dims(out_sig)
    _check_cells(cols * rows, "output map")
    two = len(exp.shape) == 2
    cw, ch = (2.0, 1.1) if two else (1.5, 0.8)
    x0, y0 = 1.0, 0.9
    cells = []
    for idx, box in output_patches(exp):
        c, r = _place(out_sig, idx)
        if box is None:
            lines: tuple[Text, ...] = ((Span("no pixel", "muted"),),)
        else:
            lines = tuple((Span(f"{a}..{b}", ("m", "n")[k] if k < 2 else "plain"),)
                          for k, (a, b) in enumerate(zip(*box, strict=False)))
        focus = at is not None and tuple(idx) == tuple(at)
        cells.append(Cell(x0 + c * cw, y0 + r * ch, lines, w=cw, h=ch,
                          fill="focus" if focus else None))
    labels = _headers(out_sig, x0, y0, ("m", "n"), cw, ch)
    kind = OP_WORDS[op.op]
    return Drawing(f"output-map-{op.op}", f"Output map of {kind}: in each output "
                   f"{op.output_name}[m" + (",n" if two else "") + "], the range of "
                   + ("i (red) and j (green)" if two else "i") + f" of the pixels of "
                   f"{op.image.name} that feed it.", x0 + cols * cw + 0.3,
                   y0 + rows * ch + 0.8, tuple(cells), (), tuple(labels), font="tiny",
                   unit=0.8)


# -- the sliding kernel (beamer's animation) ----------------------------------------------
def slide_frames(exp: Any) -> list[tuple[tuple[int, ...], tuple[tuple[int, ...],
                                                             tuple[int, ...]] | None]]:
    """One frame per output position, in output order: (output index, patch)."""
    return output_patches(exp)


# -- the duality -------------------------------------------------------------------------
def duality(exp: Any) -> DualityTable:
    """Forward: each output as a sum over pixels; backward: each pixel's gradient as a sum
    over outputs.  The same relation read by its two ends."""
    op = exp.operation
    t = exp.terms_table
    n_out = len(t.starts) - 1
    if n_out > MAX_DUALITY_ROWS or op.image.size > MAX_DUALITY_ROWS:
        raise InputError(f"the duality figure lists every output and every pixel; this one "
                         f"has {n_out} outputs and {op.image.size} pixels (at most "
                         f"{MAX_DUALITY_ROWS})")
    fwd = []
    back: dict[tuple[int, ...], list[tuple[tuple[int, ...], str]]] = {
        tuple(i): [] for i in op.image.indices()}
    for p, idx in enumerate(exp.indices()):
        s, e = int(t.starts[p]), int(t.starts[p + 1])
        items = []
        for j in range(s, e):
            px = tuple(int(v) for v in t.image[j])
            name = exp.entry_name(t.kernel[j])
            items.append((px, name))
            back[px].append((tuple(idx), name))
        fwd.append((tuple(idx), tuple(sorted(items, key=lambda it: _display_key(op.image,
                                                                                it[0])))))
    out_axes = op.image.display_axes()
    bwd = tuple((px, tuple(sorted(v, key=lambda it: tuple(it[0][a] for a in out_axes))))
                for px, v in back.items())
    sig = [f.sigma for f in exp.relation.factors if isinstance(f, AffineAxis)]
    back_op = "corr" if all(s < 0 for s in sig) else "conv" if all(s > 0 for s in sig) \
        else "mixed"
    return DualityTable("duality", f"Forward ({OP_WORDS[op.op]}, left) and backward "
                        f"(right): each pixel's gradient collects g = dL/d{op.output_name} "
                        "over the outputs it fed, with the same kernel entry; read per "
                        f"pixel, the pairs make a {OP_WORDS.get(back_op, 'mixed operation')} of g "
                        "with the kernel.", op.image.name, op.kernel.name, op.output_name,
                        tuple(fwd), bwd, back_op)


# -- the matrix --------------------------------------------------------------------------
def matrix(exp: Any) -> MatrixFigure:
    """``y = C x``: one row per output, one column per pixel (C order), the kernel entry
    where the relation pairs them (doubly block Toeplitz in 2-D), and ``C^T`` for the
    backward pass."""
    op = exp.operation
    t = exp.terms_table
    outs = list(exp.indices())
    pix = [tuple(i) for i in op.image.indices()]
    if len(outs) * len(pix) > MAX_MATRIX_CELLS:
        raise InputError(f"the matrix figure would be {len(outs)} x {len(pix)}; it is drawn "
                         f"for at most {MAX_MATRIX_CELLS} entries (use a smaller shape)")
    col = {p: c for c, p in enumerate(pix)}
    grid: list[list[str | None]] = [[None] * len(pix) for _ in outs]
    for p in range(len(outs)):
        for j in range(int(t.starts[p]), int(t.starts[p + 1])):
            px = tuple(int(v) for v in t.image[j])
            name = exp.entry_name(t.kernel[j])
            c = col[px]
            grid[p][c] = name if grid[p][c] is None else f"{grid[p][c]}+{name}"
    return MatrixFigure("matrix", f"The relation as a matrix: {op.output_name} = C "
                        f"{op.image.name} with one row per output and one column per pixel "
                        "(row-major order); the backward pass multiplies by the transpose.",
                        op.image.name, op.kernel.name, op.output_name, tuple(outs),
                        tuple(pix), tuple(tuple(r) for r in grid))


# -- the tables drawn: worked example, matrix and duality as pictures ---------------------
#: Sizes of the drawn tables: a worked-example row, a matrix cell, a line of a duality cell.
ROW_H = 0.62
MATRIX_CELL = (1.25, 0.62)
DUALITY_LINE = 0.62
#: Widest matrix drawn (pixels or outputs), and the longest list in one duality cell.
MAX_MATRIX_DRAWN = 16
MAX_DUALITY_LINES = 9
#: Widest drawing that fits a page's text (A4 with 2 cm margins) at its natural size.
MAX_WIDTH_CM = 16.5
_BINARY_MINUS = re.compile(r"(?<=[\d)])-")


def _width(chars: int, per: float = 0.21, pad: float = 0.5) -> float:
    """Room (in cm) for a line of ``chars`` characters of math in the small fonts."""
    return chars * per + pad


def _muted(t: Text) -> Text:
    return tuple(Span(sp.text, "muted") for sp in t)


def _plugged(values: Sequence[str]) -> Text:
    """``[1-0, 1-(-1)]`` with the binary minus as a minus sign (the signed numbers in
    parentheses stay hyphens, which the renderers read as signed numbers)."""
    out: list[Span] = [Span("[")]
    for a, v in enumerate(values):
        if a:
            out.append(Span(","))
        out.append(Span(_BINARY_MINUS.sub("\u2212", v), ("m", "n")[a] if a < 2 else "plain"))
    out.append(Span("]"))
    return tuple(out)


def worked_drawing(exp: Any, at: Sequence[int], subset: str = "article") -> Drawing:
    """Figures 4 and 7 as a picture: pixel and plugged-in kernel index left of a rule, the
    solved index and the entry right of it; invalid rows greyed and marked with a cross."""
    tab = worked_table(exp, at, subset)
    rows = tab.rows
    if len(rows) > MAX_GRID_CELLS // 4:
        raise InputError(f"the drawn worked example would have {len(rows)} rows; it is drawn "
                         f"for at most {MAX_GRID_CELLS // 4} (use the typeset table)")
    unit = 0.8
    left = [(Span(tab.image, "array"),) + _idx(r.x) + (Span(" "),) + (Span(tab.kernel, "array"),)
            + _plugged(r.plugged) for r in rows]
    solved = [(Span(tab.kernel, "array"),) + (_idx(r.h) if r.h is not None else
                                               (Span("[\u2013]"),)) for r in rows]
    notes: list[Text] = []
    for r in rows:
        if r.valid:
            notes.append((Span("= "), Span(r.entry or "", "entry")))
        else:
            notes.append((Span("\u00d7 " + INVALID_WORDS.get(r.reason, "invalid"), "muted"),))
    w_left = max(_width(len(text(t))) for t in left) / unit
    w_solved = max(_width(len(text(t))) for t in solved) / unit
    w_note = max(_width(len(text(t)), 0.19) for t in notes) / unit
    x0, y0, gap = 0.2, 1.0, 0.35
    rule_x = x0 + w_left + gap
    x_solved = rule_x + gap
    x_note = x_solved + w_solved
    width = x_note + w_note
    cells: list[Cell] = []
    labels = [Label(x0, 0.5, (Span("pixel and kernel index"),), "west", True),
              Label(x_solved, 0.5, (Span("solved"),), "west", True),
              Label(x_note, 0.5, (Span("entry"),), "west", True)]
    for k, r in enumerate(rows):
        y = y0 + k * ROW_H
        if not r.valid:
            cells.append(Cell(0.0, y, (), w=width, h=ROW_H, fill="header", border=False))
        # Invalid rows in grey, as the typeset table sets them.
        lk, sk = (left[k], solved[k]) if r.valid else (_muted(left[k]), _muted(solved[k]))
        labels.append(Label(x0, y + ROW_H / 2, lk, "west"))
        labels.append(Label(x_solved, y + ROW_H / 2, sk, "west"))
        labels.append(Label(x_note, y + ROW_H / 2, notes[k], "west"))
    # The rule between the plugged-in and the solved index, drawn as a thin filled cell.
    cells.append(Cell(rule_x, 0.2, (), w=0.03, h=y0 + len(rows) * ROW_H - 0.2, fill="grid",
                      border=False))
    return Drawing(f"{tab.name}-drawn", tab.caption, width + 0.2, y0 + len(rows) * ROW_H + 0.2,
                   tuple(cells), (), tuple(labels), font="small", unit=unit)


#: Why a worked-example row is invalid, in words (as the typeset table says it).
INVALID_WORDS = {"kernel": "no such kernel entry", "fraction": "not an integer index",
                 "pixel": "outside the image", "group": "outside the group"}


def _blocks(keys: Sequence[tuple[int, ...]]) -> list[tuple[int, int]]:
    """Runs of equal first index in C order: the blocks of a doubly block Toeplitz matrix."""
    out: list[tuple[int, int]] = []
    start = 0
    for k in range(1, len(keys) + 1):
        if k == len(keys) or keys[k][0] != keys[start][0]:
            out.append((start, k))
            start = k
    return out


def _matrix_panel(cells: list[Cell], labels: list[Label], boxes: list[Box], x0: float,
                  y0: float, rows: Sequence[tuple[str, tuple[int, ...]]],
                  cols: Sequence[tuple[str, tuple[int, ...]]],
                  entries: Sequence[Sequence[str | None]], blocked: bool, title: Text
                  ) -> tuple[float, float]:
    """One matrix with its row and column headers at (x0, y0); returns its size."""
    cw, ch = MATRIX_CELL
    # A column is as wide as its header (2-D indices such as [-2, -2] need more than a cell).
    cw = max([cw] + [_width(len(text(_idx(i))) + len(i), 0.12, 0.1) / 0.7 for _, i in cols])
    head_w = max(_width(len(n) + 2 + 3 * len(i), 0.2, 0.3) for n, i in rows) / 0.7
    gx, gy = x0 + head_w, y0 + 1.4
    labels.append(Label(gx + len(cols) * cw / 2, y0 + 0.3, title, small=True))
    # Column headers are indices only (the name once, in the corner): a cell is narrow.
    labels.append(Label(gx - 0.15, gy - 0.35, (Span(cols[0][0], "array"),), "east", True))
    for c, (_, idx) in enumerate(cols):
        labels.append(Label(gx + (c + 0.5) * cw, gy - 0.35, _idx(idx), small=True))
    for r, (name, idx) in enumerate(rows):
        labels.append(Label(gx - 0.15, gy + (r + 0.5) * ch, (Span(name, "array"),) + _idx(idx),
                            "east", small=True))
        for c in range(len(cols)):
            e = entries[r][c]
            line: Text = () if e is None else tuple(
                sp for k, part in enumerate(e.split("+"))
                for sp in ((Span("+"),) if k else ()) + (Span(part, "entry"),))
            cells.append(Cell(gx + c * cw, gy + r * ch, (line,) if line else (), w=cw, h=ch,
                              fill="patch" if e is not None else None))
    if blocked:
        for r0, r1 in _blocks([i for _, i in rows]):
            for c0, c1 in _blocks([i for _, i in cols]):
                boxes.append(Box(gx + c0 * cw, gy + r0 * ch, gx + c1 * cw, gy + r1 * ch,
                                 "grid"))
    # The title is centred over the grid: room for its overhang on the right.
    title_w = _width(len(text(title)), 0.17, 0.0) / 0.7
    grid_w = head_w + len(cols) * cw
    return max(grid_w, head_w + len(cols) * cw / 2 + title_w / 2), 1.4 + len(rows) * ch


def matrix_drawing(exp: Any) -> Drawing:
    """``y = C x`` drawn: one row per output, one column per pixel, the kernel entry where
    they meet (filled), the blocks of the doubly block Toeplitz matrix outlined in 2-D;
    beside it the transpose, which the backward pass multiplies the gradient g by."""
    fig = matrix(exp)
    if max(len(fig.rows), len(fig.cols)) > MAX_MATRIX_DRAWN:
        raise InputError(f"the drawn matrix would be {len(fig.rows)} x {len(fig.cols)}; it "
                         f"is drawn for at most {MAX_MATRIX_DRAWN} outputs and pixels (use "
                         "the typeset matrix)")
    blocked = all(len(i) >= 2 for i in fig.rows + fig.cols)
    cells: list[Cell] = []
    labels: list[Label] = []
    boxes: list[Box] = []
    outs = [(fig.output, i) for i in fig.rows]
    pix = [(fig.image, i) for i in fig.cols]
    grads = [("g", i) for i in fig.rows]
    w1, h1 = _matrix_panel(cells, labels, boxes, 0.2, 0.0, outs, pix, fig.entries, blocked,
                           (Span("forward: "), Span(fig.output, "array"), Span(" = C "),
                            Span(fig.image, "array")))
    transposed = [[fig.entries[r][c] for r in range(len(fig.rows))]
                  for c in range(len(fig.cols))]
    title2 = (Span("backward: dL/d"), Span(fig.image, "array"), Span(" = (C transposed) "),
              Span("g", "array"))
    side = w1 + 1.0
    wide = side + len(fig.rows) * MATRIX_CELL[0] + 3
    if wide * 0.7 > MAX_WIDTH_CM:  # too wide side by side: the transpose below
        w2, h2 = _matrix_panel(cells, labels, boxes, 0.2, h1 + 0.6, pix, grads, transposed,
                               blocked, title2)
        width, height = max(w1, w2) + 0.6, h1 + 0.6 + h2 + 0.3
    else:
        w2, h2 = _matrix_panel(cells, labels, boxes, 0.2 + side, 0.0, pix, grads, transposed,
                               blocked, title2)
        width, height = side + w2 + 0.6, max(h1, h2) + 0.3
    return Drawing("matrix-drawn", fig.caption + (" Outlined: the blocks (one per pair of "
                   "first indices), each a Toeplitz matrix; C is doubly block Toeplitz."
                   if blocked else ""), width, height, tuple(cells), tuple(boxes),
                   tuple(labels), font="tiny", unit=0.7)


def duality_drawing(exp: Any) -> Drawing:
    """The duality drawn: left, each output (laid out as the output) with the products that
    make it; right, each pixel (laid out as the image) with the gradients that reach it,
    each through the same kernel entry."""
    tab = duality(exp)
    op = exp.operation
    _spatial(exp, "duality")
    out_sig = dataclasses.replace(op.image, shape=exp.shape,
                                  origin=tuple(-a for a in exp.out_lo), entries=None,
                                  values=None)
    longest = max((len(items) for _, items in tab.forward + tab.backward), default=1)
    if longest > MAX_DUALITY_LINES:
        raise InputError(f"the drawn duality would list {longest} products in one cell; it "
                         f"is drawn for at most {MAX_DUALITY_LINES} (use the typeset table)")

    def lines(base: str, items: Sequence[tuple[tuple[int, ...], str]]) -> tuple[Text, ...]:
        if not items:
            return ((Span("0", "muted"),),)
        return tuple(((Span("+ "),) if k else ()) + (Span(base, "array"),) + _idx(i)
                     + (Span("*", "op"), Span(e, "entry")) for k, (i, e) in enumerate(items))

    def chars(t: Text) -> int:
        return len(text(t))

    fwd = [(idx, lines(tab.image, items)) for idx, items in tab.forward]
    bwd = [(idx, lines("g", items)) for idx, items in tab.backward]
    cw = max(_width(chars(t), 0.2, 0.4) for _, ls in fwd + bwd for t in ls) / 0.7
    # Each grid's rows as tall as its own longest cell (9 products forward, 4 backward).
    ch = max((len(ls) for _, ls in fwd), default=1) * DUALITY_LINE + 0.3
    chb = max((len(ls) for _, ls in bwd), default=1) * DUALITY_LINE + 0.3
    cells: list[Cell] = []
    labels: list[Label] = []
    x0, y0 = 1.0, 1.6
    ocols, orows = _dims(out_sig)
    for idx, ls in fwd:
        c, r = _place(out_sig, idx)
        cells.append(Cell(x0 + c * cw, y0 + r * ch, ls, w=cw, h=ch, fill="focus"))
    labels += _headers(out_sig, x0, y0, ("m", "n"), cw, ch)
    labels.append(Label(x0 + ocols * cw / 2, 0.45, (Span("forward: each output "),
                                                    Span(tab.output, "array")), small=True))
    icols, irows = _dims(op.image)
    bx, by = x0 + ocols * cw + 1.6, y0
    if (bx + icols * cw) * 0.7 > MAX_WIDTH_CM:  # too wide side by side: backward below
        bx, by = x0, y0 + orows * ch + 1.9
    for idx, ls in bwd:
        c, r = _place(op.image, idx)
        cells.append(Cell(bx + c * cw, by + r * chb, ls, w=cw, h=chb, fill="patch"))
    labels += _headers(op.image, bx, by, ("i", "j"), cw, chb)
    labels.append(Label(bx + icols * cw / 2, by - 1.15, (Span("backward: each pixel's dL/d"),
                                                    Span(tab.image, "array"),
                                                    Span(", with "), Span("g", "array"),
                                                    Span(" = dL/d"), Span(tab.output, "array")),
                        small=True))
    caption = tab.caption
    if by != y0:
        caption = caption.replace(", left)", ", above)").replace("(right)", "(below)")
    return Drawing("duality-drawn", caption,
                   max(bx + icols * cw, x0 + ocols * cw) + 0.3,
                   max(y0 + orows * ch, by + irows * chb) + 0.8, tuple(cells), (), tuple(labels),
                   font="tiny", unit=0.7)


def values_of(exp: Any) -> np.ndarray | None:
    return exp.values() if exp.has_values else None


# -- the sliding kernel (beamer's animation, like the article's opening GIF) ------------------
@dataclass(frozen=True)
class Frame:
    """One position of the sliding kernel: cells to fill (with the entry lying on each
    pixel), the patch's box, and the caption of this output."""

    index: tuple[int, ...]
    cells: tuple[Cell, ...]
    boxes: tuple[Box, ...]
    label: Text


def sliding_kernel(exp: Any) -> tuple[Drawing, list[Frame]]:
    """The image and the output side by side; one frame per output position, in output
    order, with the kernel's entries lying on the pixels they multiply."""
    _spatial(exp, "sliding kernel")
    op = exp.operation
    img = op.image
    out_sig = dataclasses.replace(img, shape=exp.shape, origin=tuple(-a for a in exp.out_lo),
                                  entries=None, values=None)
    icols, irows = _dims(img)
    ocols, orows = _dims(out_sig)
    _check_cells(icols * irows + ocols * orows, "sliding kernel")
    x0, y0 = 1.0, 1.4
    ox = x0 + icols + 1.6
    cells = [Cell(x0 + c, y0 + r) for c, r in (_place(img, i) for i in img.indices())]
    cells += [Cell(ox + c, y0 + r) for c, r in (_place(out_sig, i) for i in out_sig.indices())]
    labels = _headers(img, x0, y0, ("i", "j")) + _headers(out_sig, ox, y0, ("m", "n"))
    labels.append(Label(x0 + icols / 2, 0.35, (Span("image "), Span(img.name, "array")),
                        small=True))
    labels.append(Label(ox + ocols / 2, 0.35, (Span("output "), Span(op.output_name, "array")),
                        small=True))
    base = Drawing(f"sliding-{op.op}", f"The kernel sliding over {img.name}: one frame per "
                   f"output of {OP_WORDS[op.op]}, the entries lying on the pixels they "
                   "multiply.", ox + ocols + 0.3, y0 + max(irows, orows) + 1.3, tuple(cells),
                   (), tuple(labels), font="tiny", unit=0.55)
    t = exp.terms_table
    frames = []
    for p, idx in enumerate(exp.indices()):
        s, e = int(t.starts[p]), int(t.starts[p + 1])
        fills = []
        for j in range(s, e):
            px = tuple(int(v) for v in t.image[j])
            c, r = _place(img, px)
            fills.append(Cell(x0 + c, y0 + r, ((Span(exp.entry_name(t.kernel[j]), "entry"),),),
                              fill="patch"))
        oc, orr = _place(out_sig, idx)
        fills.append(Cell(ox + oc, y0 + orr, (), fill="focus"))
        bx: tuple[Box, ...] = ()
        if e > s:
            px = t.image[s:e]
            lo = tuple(int(v) for v in px.min(0))
            hi = tuple(int(v) for v in px.max(0))
            (c0, r0), (c1, r1) = _place(img, lo), _place(img, hi)
            bx = (Box(x0 + min(c0, c1), y0 + min(r0, r1), x0 + max(c0, c1) + 1,
                      y0 + max(r0, r1) + 1, op.op),)
        label = (Span(op.output_name, "array"),) + _idx(idx)
        frames.append(Frame(tuple(idx), tuple(fills), bx, label))
    # In reading order (rows top to bottom, left to right), like the article's GIF.
    frames.sort(key=lambda fr: _display_key(out_sig, fr.index))
    return base, frames
