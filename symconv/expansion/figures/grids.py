"""Drawings of signals: the kernel and the image (figures 2 and 3), the kernel over the
patch (figures 5 and 8), the patches of each operation (figure 6), the output map and the
sliding kernel of the slides."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import Any

import numpy as np

from ...errors import InputError
from ...index.relation import AffineAxis
from .layout import (
    check_cells,
    display_key,
    grid_dims,
    headers,
    index_text,
    place,
    spatial_axes,
)
from .model import (
    MAX_GRID_CELLS,
    OP_WORDS,
    Box,
    Cell,
    Drawing,
    Frame,
    Label,
    Span,
    Text,
)


# -- figure 2: the kernel ----------------------------------------------------------------
def kernel_grid(exp: Any) -> Drawing:
    """The kernel's indices (left: first index red, second green) and entry names (right)."""
    spatial_axes(exp, "kernel")
    ker = exp.operation.kernel
    cols, rows = grid_dims(ker)
    check_cells(cols * rows, "kernel")
    cw = 1.6 if len(ker.shape) == 2 else 1.2
    left_x, top = 0.9, 1.3
    right_x = left_x + cols * cw + 1.0
    cells: list[Cell] = []
    for idx in ker.indices():
        c, r = place(ker, idx)
        cells.append(Cell(left_x + c * cw, top + r, (index_text(idx),), w=cw))
        name = exp.entry_name(idx)
        cells.append(Cell(right_x + c, top + r, ((Span(name, "entry"),),)))
    labels = headers(ker, left_x, top, ("m", "n"), cw)
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
    spatial_axes(exp, "image")
    img = exp.operation.image
    cols, rows = grid_dims(img)
    check_cells(cols * rows, "image")
    x0, y0 = 1.0, 0.9
    cells = []
    zero = tuple(0 for _ in img.shape)
    for idx in img.indices():
        c, r = place(img, idx)
        centre = tuple(idx) == zero
        cells.append(Cell(x0 + c, y0 + r, ((Span(img.name, "array"),),) if centre else (),
                          fill="header" if centre else None))
    labels = headers(img, x0, y0, ("i", "j"))
    return Drawing("image", f"The image {img.name}, indices "
                   + " by ".join(f"{a}..{b}" for a, b in zip(img.lo, img.hi, strict=False))
                   + "; the centre element is [" + ",".join("0" for _ in img.shape) + "].",
                   x0 + cols + 0.3, y0 + rows + 0.8, tuple(cells), (), tuple(labels),
                   font="small", unit=0.75)


def image_corner(exp: Any, size: int = 4) -> Drawing:
    """The lower-right corner of the image with ``[i,j]`` in each pixel (figure 3)."""
    spatial_axes(exp, "corner")
    img = exp.operation.image
    lo = [max(l_, h - size + 1) for l_, h in zip(img.lo, img.hi, strict=False)]
    sub = dataclasses.replace(img, shape=tuple(h - a + 1 for a, h in zip(lo, img.hi, strict=False)),
                              origin=tuple(-a for a in lo), entries=None, values=None)
    cols, rows = grid_dims(sub)
    x0, y0 = 1.0, 0.9
    cw = 1.4
    cells = []
    for idx in sub.indices():
        c, r = place(sub, idx)
        cells.append(Cell(x0 + c * cw, y0 + r, (index_text(idx),), w=cw))
    labels = headers(sub, x0, y0, ("i", "j"), cw)
    rng = " by ".join(f"{a}..{b}" for a, b in zip(lo, img.hi, strict=False))
    return Drawing("corner", f"The lower-right corner of {img.name} ({rng}) with the index "
                   "[i,j] of each pixel.", x0 + cols * cw + 0.3, y0 + rows + 0.8,
                   tuple(cells), (), tuple(labels), font="small", unit=0.9)


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
    spatial_axes(exp, "drawing")
    op = exp.operation
    img, ker = op.image, op.kernel
    we = exp.worked_example(at)
    if we.patch is None:
        raise InputError(f"no pixel feeds {op.output_name}[{','.join(map(str, at))}]")
    lo, hi = we.patch
    sub = dataclasses.replace(img, shape=tuple(b - a + 1 for a, b in zip(lo, hi, strict=False)),
                              origin=tuple(-a for a in lo), entries=None, values=None)
    lookup = {r.x: r.entry for r in we.rows if r.valid}
    cols, rows = grid_dims(sub)
    check_cells(cols * rows, "drawing")
    cw = 2.0
    x0, y0 = 0.2, 1.0
    cells: list[Cell] = []
    for idx in sub.indices():
        c, r = place(sub, idx)
        e = lookup.get(tuple(idx))
        line: Text = (Span(img.name, "array"),) + index_text(idx, roles=False)
        if e is not None:
            line += (Span("*", "op"), Span(e, "entry"))
        cells.append(Cell(x0 + c * cw, y0 + r, (line,), w=cw,
                          fill="patch" if e is not None else None))
    # The kernel as it lies on the patch, entries only, beside it.
    kx = x0 + cols * cw + 1.2
    for idx in sub.indices():
        c, r = place(sub, idx)
        e = lookup.get(tuple(idx))
        cells.append(Cell(kx + c, y0 + r, ((Span(e or "", "entry"),),)))
    # ... and the kernel as drawn (figure 2), for comparison.
    kx2 = kx + cols + 1.2
    kcols, krows = grid_dims(ker)
    for idx in ker.indices():
        c, r = place(ker, idx)
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
    from ..core import Expansion

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
    spatial_axes(exp, "boxes")
    full = exp.operation.image
    pts = patches(exp, at)
    img = full
    cols, rows = grid_dims(full)
    if cols * rows > MAX_GRID_CELLS:
        # A large image: draw the window around the patches, two pixels wider.
        found = [p for p in pts.values() if p is not None]
        if not found:
            check_cells(cols * rows, "boxes")
        lo = [max(a, min(p[0][k] for p in found) - 2) for k, a in enumerate(full.lo)]
        hi = [min(b, max(p[1][k] for p in found) + 2) for k, b in enumerate(full.hi)]
        shape = tuple(b - a + 1 for a, b in zip(lo, hi, strict=False))
        img = dataclasses.replace(full, shape=shape, origin=tuple(-a for a in lo),
                                  entries=None, values=None)
        cols, rows = grid_dims(img)
        check_cells(cols * rows, "boxes")
    cw = 1.9  # room for [-3,-3] in the small type, clear of the cell's borders
    x0, y0 = 1.0, 0.9
    cells = []
    # Filled: the pixels this output really reads (a dilated kernel skips some).
    used = {t.x for t in exp.terms(at)}
    for idx in img.indices():
        c, r = place(img, idx)
        cells.append(Cell(x0 + c * cw, y0 + r, (index_text(idx),), w=cw,
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
        (c0, r0), (c1, r1) = place(img, p[0]), place(img, p[1])
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
                   tuple(bx), tuple(headers(img, x0, y0, ("i", "j"), cw)) + tuple(legend),
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
    spatial_axes(exp, "output map")
    op = exp.operation
    out_sig = dataclasses.replace(op.image, shape=exp.shape,
                                  origin=tuple(-a for a in exp.out_lo), entries=None,
                                  values=None)
    cols, rows = grid_dims(out_sig)
    check_cells(cols * rows, "output map")
    two = len(exp.shape) == 2
    cw, ch = (2.0, 1.1) if two else (1.5, 0.8)
    x0, y0 = 1.0, 0.9
    cells = []
    for idx, box in output_patches(exp):
        c, r = place(out_sig, idx)
        if box is None:
            lines: tuple[Text, ...] = ((Span("no pixel", "muted"),),)
        else:
            lines = tuple((Span(f"{a}..{b}", ("m", "n")[k] if k < 2 else "plain"),)
                          for k, (a, b) in enumerate(zip(*box, strict=False)))
        focus = at is not None and tuple(idx) == tuple(at)
        cells.append(Cell(x0 + c * cw, y0 + r * ch, lines, w=cw, h=ch,
                          fill="focus" if focus else None))
    labels = headers(out_sig, x0, y0, ("m", "n"), cw, ch)
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


def values_of(exp: Any) -> np.ndarray | None:
    return exp.values() if exp.has_values else None


# -- the sliding kernel (beamer's animation, like the article's opening GIF) ------------------
def sliding_kernel(exp: Any) -> tuple[Drawing, list[Frame]]:
    """The image and the output side by side; one frame per output position, in output
    order, with the kernel's entries lying on the pixels they multiply."""
    spatial_axes(exp, "sliding kernel")
    op = exp.operation
    img = op.image
    out_sig = dataclasses.replace(img, shape=exp.shape, origin=tuple(-a for a in exp.out_lo),
                                  entries=None, values=None)
    icols, irows = grid_dims(img)
    ocols, orows = grid_dims(out_sig)
    check_cells(icols * irows + ocols * orows, "sliding kernel")
    x0, y0 = 1.0, 1.4
    ox = x0 + icols + 1.6
    cells = [Cell(x0 + c, y0 + r) for c, r in (place(img, i) for i in img.indices())]
    cells += [Cell(ox + c, y0 + r) for c, r in (place(out_sig, i) for i in out_sig.indices())]
    labels = headers(img, x0, y0, ("i", "j")) + headers(out_sig, ox, y0, ("m", "n"))
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
            c, r = place(img, px)
            fills.append(Cell(x0 + c, y0 + r, ((Span(exp.entry_name(t.kernel[j]), "entry"),),),
                              fill="patch"))
        oc, orr = place(out_sig, idx)
        fills.append(Cell(ox + oc, y0 + orr, (), fill="focus"))
        bx: tuple[Box, ...] = ()
        if e > s:
            px = t.image[s:e]
            lo = tuple(int(v) for v in px.min(0))
            hi = tuple(int(v) for v in px.max(0))
            (c0, r0), (c1, r1) = place(img, lo), place(img, hi)
            bx = (Box(x0 + min(c0, c1), y0 + min(r0, r1), x0 + max(c0, c1) + 1,
                      y0 + max(r0, r1) + 1, op.op),)
        label = (Span(op.output_name, "array"),) + index_text(idx)
        frames.append(Frame(tuple(idx), tuple(fills), bx, label))
    # In reading order (rows top to bottom, left to right), like the article's GIF.
    frames.sort(key=lambda fr: display_key(out_sig, fr.index))
    return base, frames
