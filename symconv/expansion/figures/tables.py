"""Tables of the relation: the worked example (figures 4 and 7), the duality and the matrix,
typeset (array models) and drawn (pictures), and the equations of an expansion."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Sequence
from typing import Any

from ...errors import InputError
from ...index.notation import plugged_kernel_index
from ...index.ops import OPERATIONS
from ...index.relation import AffineAxis
from ..substitution import conjugate
from .layout import (
    arr,
    display_key,
    grid_dims,
    headers,
    index_math,
    index_text,
    place,
    spatial_axes,
    value_span,
)
from .model import (
    INVALID_WORDS,
    MAX_DUALITY_ROWS,
    MAX_GRID_CELLS,
    MAX_MATRIX_CELLS,
    OP_WORDS,
    Box,
    Cell,
    Drawing,
    DualityTable,
    Equation,
    Label,
    MatrixFigure,
    Span,
    TermsFigure,
    Text,
    WorkedRow,
    WorkedTable,
    mute,
    text,
)


def equation(exp: Any) -> Equation:
    """The index formula, its arrays named under it (the article's figure 1)."""
    op = exp.operation
    return Equation("equation", f"The {OPERATIONS[op.op].title} as an index formula: the "
                    f"output ${arr(op.output_name)}$, the image ${arr(op.image.name)}$, the "
                    f"kernel ${arr(op.kernel.name)}$.", exp)


def terms(exp: Any, at: Sequence[int] | None = None) -> TermsFigure:
    """Every output term by term, or the output ``at`` a line per row of its patch."""
    op = exp.operation
    if at is None:
        caption = (f"Every output of ${arr(op.output_name)}$, term by term"
                   + (", then the values substituted." if exp.substitutes else "."))
    else:
        rows = "" if len(exp.shape) == 1 else ", one line per row of the patch"
        caption = (f"The output ${arr(op.output_name)}{index_math(at)}$ term by term{rows}"
                   + (", then the values substituted." if exp.substitutes else "."))
    return TermsFigure("terms", caption, exp, None if at is None else tuple(at))


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
                plugged += f.plugged(m, i)
        values = None
        if exp.substitutes and r.valid and r.h is not None:
            src = r.source if r.source is not None else r.x
            xv = hv = None
            if op.image.values is not None:
                xv = op.image.values[tuple(v - a for v, a in zip(src, op.image.lo,
                                                                 strict=False))]
            if op.kernel.values is not None:
                hv = op.kernel.values[tuple(v - a for v, a in zip(r.h, op.kernel.lo,
                                                                  strict=False))]
                hv = conjugate(hv) if op.conjugate else hv
            values = (xv, hv)
        rows.append(WorkedRow(r.x, tuple(plugged), r.h, r.valid, r.entry, r.reason, values))
    which = "the article's rows" if subset == "article" else "every pixel of the window"
    return WorkedTable(f"worked-{subset}", f"Worked example for "
                       f"${arr(op.output_name)}{index_math(at)}$ ({OP_WORDS[op.op]}), {which}: "
                       "the kernel index with the numbers plugged in (left of the rule) and "
                       "solved (right); a grey row names no kernel entry and adds nothing"
                       + ("; the last column multiplies the numbers." if exp.has_values
                          else "; the last column shows the given values." if exp.substitutes
                          else "."),
                       op.image.name, op.kernel.name, op.output_name, tuple(at), tuple(rows),
                       op.conjugate)


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
        fwd.append((tuple(idx), tuple(sorted(items, key=lambda it: display_key(op.image,
                                                                                it[0])))))
    out_axes = op.image.display_axes()
    bwd = tuple((px, tuple(sorted(v, key=lambda it: tuple(it[0][a] for a in out_axes))))
                for px, v in back.items())
    sig = [f.sigma for f in exp.relation.factors if isinstance(f, AffineAxis)]
    back_op = "corr" if all(s < 0 for s in sig) else "conv" if all(s > 0 for s in sig) \
        else "mixed"
    g = (rf"$\arr{{g}} = \partial L/\partial \arr{{{op.output_name}}}$")
    return DualityTable("duality", f"Forward ({OP_WORDS[op.op]}, left) and backward "
                        f"(right): each pixel's gradient collects {g} over the outputs it "
                        "fed, through the same kernel entry; read per pixel, the pairs make "
                        f"a {OP_WORDS.get(back_op, 'mixed operation')} of $\\arr{{g}}$ with "
                        "the kernel.", op.image.name, op.kernel.name, op.output_name,
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
    return MatrixFigure("matrix", f"The relation as a matrix, ${arr(op.output_name)} = C"
                        f"{arr(op.image.name)}$: one row per output, one column per pixel "
                        "(both in row-major order); the backward pass multiplies the "
                        r"gradient by the transpose $C^\top$.",
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
    return mute(t)


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


def _product_spans(r: WorkedRow, tab: WorkedTable) -> Text:
    """A worked row's product: its numbers, or the symbol of an array without values."""
    assert r.values is not None
    xv, hv = r.values
    left = (value_span(xv),) if xv is not None else \
        (Span(tab.image, "array"),) + index_text(r.x, roles=False)
    right = value_span(hv, factor_=True) if hv is not None else Span(r.entry or "", "entry")
    return left + (Span("*", "op"), right)


def worked_drawing(exp: Any, at: Sequence[int], subset: str = "article") -> Drawing:
    """Figures 4 and 7 as a picture: pixel and plugged-in kernel index left of a rule, the
    solved index and the entry right of it; invalid rows greyed and marked with a cross."""
    tab = worked_table(exp, at, subset)
    rows = tab.rows
    if len(rows) > MAX_GRID_CELLS // 4:
        raise InputError(f"the drawn worked example would have {len(rows)} rows; it is drawn "
                         f"for at most {MAX_GRID_CELLS // 4} (use the typeset table)")
    unit = 0.8
    left = [(Span(tab.image, "array"),) + index_text(r.x) + (Span(" "),)
            + (Span(tab.kernel, "array"),) + _plugged(r.plugged) for r in rows]
    solved = [(Span(tab.kernel, "array"),) + (index_text(r.h) if r.h is not None else
                                               (Span("[\u2013]"),)) for r in rows]
    notes: list[Text] = []
    for r in rows:
        if r.valid:
            notes.append((Span("= "), Span(r.entry or "", "entry")) + (
                (Span(",  product "),) + _product_spans(r, tab) if r.values else ()))
        else:
            notes.append((Span("\u00d7 " + INVALID_WORDS.get(r.reason, "invalid"), "muted"),))
    # Each column as wide as its longest row or its header (in the smaller label type).
    w_left = max([_width(len(text(t))) for t in left] + [_width(22, 0.17)]) / unit
    w_solved = max([_width(len(text(t))) for t in solved] + [_width(6, 0.17)]) / unit
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


def _blocks(keys: Sequence[tuple[int, ...]]) -> list[tuple[int, int]]:
    """Runs of equal first index in C order: the blocks of a doubly block Toeplitz matrix."""
    out: list[tuple[int, int]] = []
    start = 0
    for k in range(1, len(keys) + 1):
        if k == len(keys) or keys[k][0] != keys[start][0]:
            out.append((start, k))
            start = k
    return out


def _runs(ends: Sequence[int], n: int) -> list[tuple[int, int]]:
    """``[(0, e1), (e1, e2), ..., (ek, n)]`` from the block ends."""
    cuts = [0] + list(ends) + [n]
    return [(a, b) for a, b in zip(cuts, cuts[1:], strict=False) if b > a]


def check_drawn(shape: tuple[int, int]) -> None:
    """Refuse to draw a matrix of more than :data:`MAX_MATRIX_DRAWN` rows or columns."""
    if max(shape) > MAX_MATRIX_DRAWN:
        raise InputError(f"the drawn matrix would be {shape[0]} x {shape[1]}; it is drawn "
                         f"for at most {MAX_MATRIX_DRAWN} rows and columns (leave out "
                         "--drawn for the typeset matrix)")


def matrix_view_drawing(view: Any) -> Drawing:
    """A :class:`~.model.MatrixView` drawn (``symconv matrix --drawn``): its cells filled
    where not zero, kernel entries or pixels in them, its blocks outlined."""
    check_drawn((len(view.rows), len(view.cols)))

    def atom(p: int) -> Text:
        base, idx = view.atoms[p]
        text: Text = (Span(base, "entry"),) if idx is None else \
            (Span(base, "array"),) + index_text(idx, roles=False)
        return ((Span("conj("),) + text + (Span(")"),)) if view.conjugate else text

    entries = [[None if not ps else tuple(sp for k, p in enumerate(ps)
                                          for sp in ((Span("+"),) if k else ()) + atom(p))
                for ps in row] for row in view.cells]
    cells: list[Cell] = []
    labels: list[Label] = []
    boxes: list[Box] = []
    name = "P" if view.form == "im2col" else "C"
    title = (Span(name + (r"^\top" if view.transposed else ""), "math"),)
    blocked = bool(view.row_blocks or view.col_blocks)
    w, h = _matrix_panel(cells, labels, boxes, 0.2, 0.0,
                         [(view.row_array, i) for i in view.rows],
                         [(view.col_array, i) for i in view.cols], entries, blocked, title,
                         view.row_blocks, view.col_blocks)
    return Drawing(f"{view.name}-drawn", view.caption, w + 0.6, h + 0.3, tuple(cells),
                   tuple(boxes), tuple(labels), font="tiny", unit=0.7)


def _matrix_panel(cells: list[Cell], labels: list[Label], boxes: list[Box], x0: float,
                  y0: float, rows: Sequence[tuple[str, tuple[int, ...]]],
                  cols: Sequence[tuple[str, tuple[int, ...]]],
                  entries: Sequence[Sequence[str | Text | None]], blocked: bool, title: Text,
                  row_ends: Sequence[int] | None = None, col_ends: Sequence[int] | None = None
                  ) -> tuple[float, float]:
    """One matrix with its row and column headers at (x0, y0); returns its size.  An entry
    is a kernel entry's name (``"a+c"``), ready text (a pixel, ``x[0,1]``) or None (0);
    ``row_ends``/``col_ends`` give the blocks (default: runs of equal first index)."""
    cw, ch = MATRIX_CELL
    # A column is as wide as its header (2-D indices such as [-2, -2] need more than a cell).
    cw = max([cw] + [_width(len(text(index_text(i))) + len(i), 0.12, 0.1) / 0.7 for _, i in cols])
    head_w = max(_width(len(n) + 2 + 3 * len(i), 0.2, 0.3) for n, i in rows) / 0.7
    gx, gy = x0 + head_w, y0 + 1.4
    labels.append(Label(gx + len(cols) * cw / 2, y0 + 0.3, title, small=True))
    # Column headers are indices only (the name once, in the corner): a cell is narrow.
    labels.append(Label(gx - 0.15, gy - 0.35, (Span(cols[0][0], "array"),), "east", True))
    for c, (_, idx) in enumerate(cols):
        labels.append(Label(gx + (c + 0.5) * cw, gy - 0.35, index_text(idx), small=True))
    for r, (name, idx) in enumerate(rows):
        labels.append(Label(gx - 0.15, gy + (r + 0.5) * ch,
                            (Span(name, "array"),) + index_text(idx), "east", small=True))
        for c in range(len(cols)):
            e = entries[r][c]
            line: Text = () if e is None else e if not isinstance(e, str) else tuple(
                sp for k, part in enumerate(e.split("+"))
                for sp in ((Span("+"),) if k else ()) + (Span(part, "entry"),))
            cells.append(Cell(gx + c * cw, gy + r * ch, (line,) if line else (), w=cw, h=ch,
                              fill="patch" if e is not None else None))
    if blocked:
        rb = _blocks([i for _, i in rows]) if row_ends is None else _runs(row_ends, len(rows))
        cb = _blocks([i for _, i in cols]) if col_ends is None else _runs(col_ends, len(cols))
        for r0, r1 in rb:
            for c0, c1 in cb:
                # the ink's outline, thicker than the cell borders: the blocks show
                boxes.append(Box(gx + c0 * cw, gy + r0 * ch, gx + c1 * cw, gy + r1 * ch,
                                 "outline"))
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
                           (Span("forward: "),
                            Span(rf"\arr{{{fig.output}}} = C\arr{{{fig.image}}}", "math")))
    transposed = [[fig.entries[r][c] for r in range(len(fig.rows))]
                  for c in range(len(fig.cols))]
    title2 = (Span("backward: "), Span(rf"\partial L/\partial \arr{{{fig.image}}} = "
                                      r"C^\top \arr{g}", "math"))
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
                   "first indices), each a Toeplitz matrix; $C$ is doubly block Toeplitz."
                   if blocked else ""), width, height, tuple(cells), tuple(boxes),
                   tuple(labels), font="tiny", unit=0.7)


def duality_drawing(exp: Any) -> Drawing:
    """The duality drawn: left, each output (laid out as the output) with the products that
    make it; right, each pixel (laid out as the image) with the gradients that reach it,
    each through the same kernel entry."""
    tab = duality(exp)
    op = exp.operation
    spatial_axes(exp, "duality")
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
        return tuple(((Span("+ "),) if k else ()) + (Span(base, "array"),) + index_text(i)
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
    ocols, orows = grid_dims(out_sig)
    for idx, ls in fwd:
        c, r = place(out_sig, idx)
        cells.append(Cell(x0 + c * cw, y0 + r * ch, ls, w=cw, h=ch))
    labels += headers(out_sig, x0, y0, ("m", "n"), cw, ch)
    labels.append(Label(x0 + ocols * cw / 2, 0.45, (Span("forward: each output of "),
                                                    Span(tab.output, "array")), small=True))
    icols, irows = grid_dims(op.image)
    bx, by = x0 + ocols * cw + 1.6, y0
    if (bx + icols * cw) * 0.7 > MAX_WIDTH_CM:  # too wide side by side: backward below
        bx, by = x0, y0 + orows * ch + 1.9
    for idx, ls in bwd:
        c, r = place(op.image, idx)
        cells.append(Cell(bx + c * cw, by + r * chb, ls, w=cw, h=chb, fill="header"))
    labels += headers(op.image, bx, by, ("i", "j"), cw, chb)
    labels.append(Label(bx + icols * cw / 2, by - 1.15, (
        Span("backward: each pixel's "),
        Span(rf"\partial L/\partial \arr{{{tab.image}}}", "math"), Span(", with "),
        Span(rf"\arr{{g}} = \partial L/\partial \arr{{{tab.output}}}", "math")), small=True))
    caption = tab.caption
    if by != y0:
        caption = caption.replace(", left)", ", above)").replace("(right)", "(below)")
    return Drawing("duality-drawn", caption,
                   max(bx + icols * cw, x0 + ocols * cw) + 0.3,
                   max(y0 + orows * ch, by + irows * chb) + 0.8, tuple(cells), (), tuple(labels),
                   font="tiny", unit=0.7)
