"""The kernel over the input, in the style of Dumoulin and Visin's convolution-arithmetic
figures: the input with its padding drawn (dashed cells, their zeros or mirrored pixels),
the kernel's entries on the cells they multiply (a dilated kernel's skipped pixels left
white, a transposed convolution's inserted zeros drawn between the pixels), the output
beside it with the current output marked, and the numbers in the cells when values are
given.

``window`` is one output's picture (a figure of the registry); ``sliding_kernel`` is the
same picture as a static base and one frame per output (beamer's animation, the GIF).

Positions are *slots* of the input axis: the right side ``s*m + sigma*d*k + c`` of the
relation.  With input stride u = 1 a slot is an image index; with u > 1 (a transposed
convolution) pixel i sits at slot ``u*i`` and the slots between hold inserted zeros.
"""

from __future__ import annotations

import dataclasses
import itertools
from collections.abc import Sequence
from typing import Any

import numpy as np

from ...errors import InputError
from ...index.relation import AffineAxis, map_boundary
from ..substitution import conjugate
from .layout import (
    arr,
    check_cells,
    display_key,
    exact_value,
    headers,
    index_math,
    number,
    spatial_axes,
    value_span,
)
from .model import (
    LINE_STYLES,
    MAX_GRID_CELLS,
    OP_WORDS,
    Box,
    Cell,
    Drawing,
    Frame,
    Label,
    Span,
    Text,
    mute,
)

#: Boundary rules as a caption says what the padding holds.
PADDING_WORDS = {"zeros": "zeros", "circular": "the pixels of the opposite edge (circular)",
                 "reflect": "mirrored pixels, the edge not repeated (reflect)",
                 "symmetric": "mirrored pixels, the edge repeated (symmetric)",
                 "replicate": "copies of the edge pixel (replicate)"}


@dataclasses.dataclass(frozen=True)
class Slot:
    """One cell of the input as drawn: a pixel, a padding cell or an inserted zero."""

    pos: tuple[int, ...]               # slot per axis
    pixel: tuple[int, ...] | None      # the image index it shows (None: inserted zero)
    padding: bool                      # outside the image (its content by the boundary rule)
    source: tuple[int, ...] | None     # the pixel a non-zero padding cell repeats


class Window:
    """The geometry shared by the window figure and the sliding animation."""

    def __init__(self, exp: Any) -> None:
        self.exp = exp
        self.op = exp.operation
        self.axes: list[AffineAxis] = spatial_axes(exp, "window")
        self.u = [f.in_stride for f in self.axes]
        # The slots any output reaches, and the image's, per axis.
        self.lo: list[int] = []
        self.hi: list[int] = []
        # PyTorch's padding is drawn whole, even where a stride never reaches it.
        pads = self.op.padding or tuple((0, 0) for _ in self.axes)
        for f, (p_lo, p_hi) in zip(self.axes, pads, strict=True):
            ends = [int(f.affine(m, k)) for m in (f.out_lo, f.out_lo + f.out_count - 1)
                    for k in (f.ker_lo, f.ker_lo + f.ker_size - 1)]
            u = f.in_stride
            self.lo.append(min(min(ends), u * (f.img_lo - p_lo)))
            self.hi.append(max(max(ends), u * (f.img_lo + f.img_size - 1 + p_hi)))
        self.shape = tuple(b - a + 1 for a, b in zip(self.lo, self.hi, strict=True))
        cells = int(np.prod(self.shape)) + int(np.prod(exp.shape))
        check_cells(cells, "window")
        self.img = self.op.image
        self.has_values = exp.has_values
        self.padded = any(a < f.in_stride * f.img_lo or
                          b > f.in_stride * (f.img_lo + f.img_size - 1)
                          for a, b, f in zip(self.lo, self.hi, self.axes, strict=True))

    # -- slots ---------------------------------------------------------------------------
    def slot(self, pos: Sequence[int]) -> Slot:
        pixel: list[int] = []
        source: list[int] = []
        padding = False
        for p, f in zip(pos, self.axes, strict=True):
            if p % f.in_stride:
                return Slot(tuple(pos), None, False, None)
            i = p // f.in_stride
            mapped, _ = map_boundary(np.array([i]), f.img_lo, f.img_size, f.boundary)
            inside = f.img_lo <= i < f.img_lo + f.img_size
            padding = padding or not inside
            pixel.append(i)
            source.append(int(mapped[0]))
        src = tuple(source) if padding and self.axes[0].boundary != "zeros" else None
        return Slot(tuple(pos), tuple(pixel), padding, src)

    def slots(self) -> list[Slot]:
        return [self.slot(p) for p in itertools.product(
            *[range(a, b + 1) for a, b in zip(self.lo, self.hi, strict=True)])]

    def place(self, pos: Sequence[int]) -> tuple[int, int]:
        """(column, row) of a slot in display order (as :func:`.layout.place`)."""
        rel = [p - a for p, a in zip(pos, self.lo, strict=True)]
        if len(rel) == 1:
            return rel[0], 0
        return (rel[0], rel[1]) if self.img.axes == "xy" else (rel[1], rel[0])

    def dims(self) -> tuple[int, int]:
        if len(self.shape) == 1:
            return self.shape[0], 1
        return (self.shape[0], self.shape[1]) if self.img.axes == "xy" else \
            (self.shape[1], self.shape[0])

    def taps(self, at: Sequence[int]) -> list[tuple[tuple[int, ...], tuple[int, ...]]]:
        """(slot, kernel index) of every tap of output ``at``, before any boundary rule."""
        per = [[(int(f.affine(m, k)), k) for k in range(f.ker_lo, f.ker_lo + f.ker_size)]
               for f, m in zip(self.axes, at, strict=True)]
        return [(tuple(p for p, _ in combo), tuple(k for _, k in combo))
                for combo in itertools.product(*per)]

    # -- values -----------------------------------------------------------------------------
    def pixel_value(self, s: Slot) -> Any:
        """The number a slot holds (0 for zero padding and inserted zeros)."""
        vals = self.img.values
        if vals is None:
            return None
        if s.pixel is None or (s.padding and s.source is None):
            return 0
        idx = s.source if s.source is not None else s.pixel
        return vals[tuple(i - a for i, a in zip(idx, self.img.lo, strict=True))]

    def kernel_value(self, k: Sequence[int]) -> Any:
        ker = self.op.kernel
        if ker.values is None:
            return None
        v = ker.values[tuple(i - a for i, a in zip(k, ker.lo, strict=True))]
        return conjugate(v) if self.op.conjugate else v

    # -- pieces of the picture -----------------------------------------------------------
    def slot_text(self, s: Slot) -> Text:
        """What an input cell shows when no kernel entry lies on it."""
        v = self.pixel_value(s)
        if v is not None:
            return (value_span(v, "muted" if s.padding or s.pixel is None else "plain"),)
        if s.pixel is None or (s.padding and s.source is None):
            return (Span("0", "muted"),)
        if s.source is not None:
            return (Span(index_math(s.source), "muted"),)
        return ()

    def input_cell(self, x0: float, y0: float, s: Slot, cw: float, fill: str | None = None,
                   lines: tuple[Text, ...] | None = None) -> Cell:
        c, r = self.place(s.pos)
        return Cell(x0 + c * cw, y0 + r, lines if lines is not None else
                    ((self.slot_text(s),) if self.slot_text(s) else ()), w=cw, fill=fill,
                    dashed=s.padding or s.pixel is None)

    def tap_cells(self, x0: float, y0: float, at: Sequence[int], cw: float
                  ) -> tuple[list[Cell], Box | None]:
        """The cells the kernel lies on for output ``at`` (filled, with their entry) and
        the outline of the kernel's extent in the operation's line style."""
        cells = []
        cs, rs = [], []
        for pos, k in self.taps(at):
            s = self.slot(pos)
            entry = self.exp.entry_name(k)
            v = self.pixel_value(s)
            # A product with a zero (padding, inserted zero) adds nothing: muted.
            zero = s.pixel is None or (s.padding and s.source is None)
            line: Text = (Span(entry, "entry"),)
            if v is not None:
                line = (value_span(v), Span("*", "op"), Span(entry, "entry"))
            elif self.kernel_value(k) is not None:
                # A numeric kernel on a symbolic image: the kernel's numbers on the patch.
                line = (value_span(self.kernel_value(k)),)
            if zero:
                line = mute(line)
            cells.append(self.input_cell(x0, y0, s, cw, "kernel", (line,)))
            c, r = self.place(pos)
            cs.append(c)
            rs.append(r)
        box = None
        if cells:
            box = Box(x0 + min(cs) * cw, y0 + min(rs), x0 + (max(cs) + 1) * cw,
                      y0 + max(rs) + 1, self.op.op, LINE_STYLES[self.op.op])
        return cells, box

    def input_headers(self, x0: float, y0: float, cw: float) -> list[Label]:
        """Image indices over the pixel columns and beside the pixel rows (none over an
        inserted zero)."""
        labels: list[Label] = []
        role = ("m", "n")
        letters = ("i", "j")
        xy = len(self.shape) == 1 or self.img.axes == "xy"
        horizontal, vertical = (0, 1) if xy else (1, 0)
        cols, rows = self.dims()
        f = self.axes[horizontal]
        for c in range(cols):
            p = self.lo[horizontal] + c
            if p % f.in_stride == 0:
                labels.append(Label(x0 + (c + 0.5) * cw, y0 - 0.35,
                                    (Span(str(p // f.in_stride), role[horizontal]),),
                                    small=True))
        labels.append(Label(x0 - 0.45, y0 - 0.35,
                            (Span(letters[horizontal], role[horizontal]),), small=True))
        if len(self.shape) == 2:
            f = self.axes[vertical]
            for r in range(rows):
                p = self.lo[vertical] + r
                if p % f.in_stride == 0:
                    labels.append(Label(x0 - 0.45, y0 + r + 0.5,
                                        (Span(str(p // f.in_stride), role[vertical]),),
                                        small=True))
            labels.append(Label(x0 - 0.45, y0 + rows + 0.35,
                                (Span(letters[vertical], role[vertical]),), small=True))
        return labels

    def output_signal(self) -> Any:
        exp = self.exp
        return dataclasses.replace(self.img, shape=exp.shape,
                                   origin=tuple(-a for a in exp.out_lo), entries=None,
                                   values=None)

    def words(self) -> str:
        """What the picture's conventions mean, for its caption."""
        parts = []
        if self.padded:
            parts.append("dashed cells are padding, holding "
                         + PADDING_WORDS.get(self.axes[0].boundary, "padding"))
        if any(u > 1 for u in self.u):
            parts.append("the dashed cells between the pixels are the zeros a transposed "
                         "convolution inserts")
        strides = sorted({f.stride for f in self.axes})
        if strides != [1]:
            parts.append(f"stride {','.join(map(str, (f.stride for f in self.axes)))}: the "
                         "kernel moves that many cells from one output to the next")
        if any(f.dilation > 1 for f in self.axes):
            parts.append(f"dilation {','.join(map(str, (f.dilation for f in self.axes)))}: "
                         "the kernel's entries lie that many cells apart, the cells between "
                         "skipped")
        return "; ".join(parts)


def _layout(w: Window) -> dict[str, Any]:
    """Where the input and the output go: the output right of the input."""
    cw = 1.35 if w.exp.substitutes else 1.0
    cols, rows = w.dims()
    out_sig = w.output_signal()
    ocols, orows = (len(out_sig.shape) == 1 and (out_sig.shape[0], 1)) or (
        (out_sig.shape[0], out_sig.shape[1]) if out_sig.axes == "xy" else
        (out_sig.shape[1], out_sig.shape[0]))
    x0, y0 = 1.0, 1.4
    ox = x0 + cols * cw + 1.6
    return {"cw": cw, "cols": cols, "rows": rows, "out": out_sig, "ocols": ocols,
            "orows": orows, "x0": x0, "y0": y0, "ox": ox,
            # room below the grids for the last row's index letter and a frame's label
            "width": ox + ocols * cw + 0.3, "height": y0 + max(rows, orows) + 1.4}


def _output_cell(w: Window, g: dict[str, Any], idx: Sequence[int], focus: bool) -> Cell:
    from .layout import place

    c, r = place(g["out"], idx)
    lines: tuple[Text, ...] = ()
    if w.has_values:
        lines = ((value_span(w.exp.value(idx)),),)
    return Cell(g["ox"] + c * g["cw"], g["y0"] + r, lines, w=g["cw"],
                fill="focus" if focus else None)


def _base(w: Window, g: dict[str, Any], name: str, caption: str) -> Drawing:
    cw, x0, y0 = g["cw"], g["x0"], g["y0"]
    cells = [w.input_cell(x0, y0, s, cw) for s in w.slots()]
    cells += [_output_cell(w, g, idx, False) for idx in w.exp.indices()]
    labels = w.input_headers(x0, y0, cw) + headers(g["out"], g["ox"], y0, ("m", "n"), cw)
    what = "input, padded" if w.padded else "input"
    labels.append(Label(x0 + g["cols"] * cw / 2, 0.35,
                        (Span(what + " "), Span(w.img.name, "array")), small=True))
    labels.append(Label(g["ox"] + g["ocols"] * cw / 2, 0.35,
                        (Span("output "), Span(w.op.output_name, "array")), small=True))
    return Drawing(name, caption, g["width"], g["height"], tuple(cells), (), tuple(labels),
                   font="tiny", unit=0.7)


def _frame(w: Window, g: dict[str, Any], at: Sequence[int]) -> Frame:
    cells, box = w.tap_cells(g["x0"], g["y0"], at, g["cw"])
    focus = _output_cell(w, g, at, True)
    boxes = [Box(focus.x, focus.y, focus.x + focus.w, focus.y + focus.h, "outline")]
    if box is not None:
        boxes.append(box)
    label: Text = (Span(w.op.output_name, "array"),) + tuple(
        Span(t) for t in [index_math(at)])
    if w.has_values:
        v = w.exp.value(at)
        label += (Span(" = " + number(v)),) if not exact_value(v) else \
            (Span(" = "), value_span(v))
    return Frame(tuple(at), tuple(cells) + (focus,), tuple(boxes), label)


def window(exp: Any, at: Sequence[int]) -> Drawing:
    """One output of the operation drawn on the (padded) input: the kernel's entries on the
    cells they multiply, its extent outlined, the output beside it with ``at`` marked."""
    w = Window(exp)
    exp.flat_position(at)
    g = _layout(w)
    op = exp.operation
    extra = w.words()
    caption = (f"{OP_WORDS[op.op][:1].upper() + OP_WORDS[op.op][1:]}, output "
               f"${arr(op.output_name)}{index_math(at)}$: the kernel's entries on the cells "
               f"of ${arr(op.image.name)}$ they multiply (outlined), the output marked on "
               "the right" + (f"; {extra}" if extra else "") + ".")
    base = _base(w, g, f"window-{op.op}", caption)
    fr = _frame(w, g, at)
    # The frame's cells replace the base's at the same places.
    covered = {(c.x, c.y) for c in fr.cells}
    cells = tuple(c for c in base.cells if (c.x, c.y) not in covered) + fr.cells
    return dataclasses.replace(base, cells=cells, boxes=fr.boxes)


def sliding_kernel(exp: Any) -> tuple[Drawing, list[Frame]]:
    """The input and the output side by side; one frame per output position, in reading
    order (as the article's opening animation), the kernel lying on the cells it
    multiplies."""
    w = Window(exp)
    g = _layout(w)
    op = exp.operation
    extra = w.words()
    caption = (f"The kernel sliding over ${arr(op.image.name)}$: one frame per output of "
               f"{OP_WORDS[op.op]}, the entries on the cells they multiply"
               + (f"; {extra}" if extra else "") + ".")
    base = _base(w, g, f"sliding-{op.op}", caption)
    if len(base.cells) > MAX_GRID_CELLS:
        raise InputError(f"the sliding kernel would draw {len(base.cells)} cells; it is "
                         f"drawn for at most {MAX_GRID_CELLS} (use a smaller shape)")
    frames = [_frame(w, g, idx) for idx in exp.indices()]
    frames.sort(key=lambda fr: display_key(g["out"], fr.index))
    return base, frames
