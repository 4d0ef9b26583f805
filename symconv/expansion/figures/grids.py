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
from ..substitution import conjugate
from .layout import (
    arr,
    check_cells,
    grid_dims,
    headers,
    index_math,
    index_text,
    kernel_index_math,
    patch_math,
    place,
    ranges_math,
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
    Label,
    Line,
    Span,
    Text,
    mute,
)


# -- figure 2: the kernel ----------------------------------------------------------------
def kernel_grid(exp: Any) -> Drawing:
    """The kernel's indices (left, each index in its colour) and entry names (right)."""
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
    letters = "[k]" if len(ker.shape) == 1 else "[k,l]"
    return Drawing("kernel", f"The kernel ${arr(kname)}$: the index ${letters}$ of each entry "
                   "(left) and the entry's name (right); an entry is a number, the kernel "
                   "the array of them.",
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
    origin_in = all(a <= 0 <= b for a, b in zip(img.lo, img.hi, strict=False))
    for idx in img.indices():
        c, r = place(img, idx)
        centre = tuple(idx) == zero
        cells.append(Cell(x0 + c, y0 + r, ((Span(img.name, "array"),),) if centre else (),
                          fill="header" if centre else None))
    labels = headers(img, x0, y0, ("i", "j"))
    centred = all(a == -b for a, b in zip(img.lo, img.hi, strict=False))
    where = ("its centre" if centred else "its first pixel" if all(
        a == 0 for a in img.lo) else "")
    shaded = (f"; shaded, the pixel ${arr(img.name)}{index_math(zero)}$"
              + (f", {where}" if where else "") if origin_in else "")
    return Drawing("image", f"The image ${arr(img.name)}$ with "
                   + ranges_math(img.lo, img.hi, "ij") + shaded + ".",
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
    part = "right end" if len(img.shape) == 1 else "lower-right corner"
    letters = "[i]" if len(img.shape) == 1 else "[i,j]"
    return Drawing("corner", f"The {part} of ${arr(img.name)}$ ("
                   + ranges_math(lo, img.hi, "ij") + f") with the index ${letters}$ of each "
                   "pixel.", x0 + cols * cw + 0.3, y0 + rows + 0.8,
                   tuple(cells), (), tuple(labels), font="small", unit=0.9)


# -- figures 5 and 8: the kernel over the patch --------------------------------------------
def _cap(s: str) -> str:
    """A caption's first word capitalised (``the article's...`` -> ``The article's...``)."""
    return s[:1].upper() + s[1:]


def flip_word(exp: Any) -> str:
    sig = [f.sigma for f in exp.relation.factors if isinstance(f, AffineAxis)]
    if all(s < 0 for s in sig):
        return r"rotated by $180^\circ$: convolution flips the kernel" if len(sig) == 2 \
            else "reversed: convolution flips the kernel"
    if all(s > 0 for s in sig):
        return "as drawn: cross-correlation does not flip the kernel"
    return "flipped along some axes only"


def drawing(exp: Any, at: Sequence[int]) -> Drawing:
    """The patch with the kernel entry that multiplies each pixel (figures 5 and 8): every
    cell the kernel lies on, padding cells dashed (their zeros, or the pixel a boundary rule
    repeats), a dilated kernel's skipped pixels left white, and with values the numbers
    multiplied under each product."""
    from .sliding import PADDING_WORDS

    spatial_axes(exp, "drawing")
    op = exp.operation
    img, ker = op.image, op.kernel
    we = exp.worked_example(at)
    # The kernel's cells: valid terms and the taps that fall on zero padding.
    taps = {r.x: r for r in we.rows if r.valid or (r.reason == "pixel" and r.h is not None)}
    if not taps:
        raise InputError(f"no pixel feeds {op.output_name}[{','.join(map(str, at))}]")
    pts = np.array(list(taps))
    lo = tuple(int(v) for v in pts.min(0))
    hi = tuple(int(v) for v in pts.max(0))
    sub = dataclasses.replace(img, shape=tuple(b - a + 1 for a, b in zip(lo, hi, strict=False)),
                              origin=tuple(-a for a in lo), entries=None, values=None)
    cols, rows = grid_dims(sub)
    check_cells(cols * rows, "drawing")
    values = exp.substitutes
    # Wide enough for the longest "x[-1,-1]·a" (negative indices, named entries).
    longest = max(len(f"{img.name}[{','.join(map(str, idx))}]*{exp.entry_name(r.h)}")
                  for idx, r in taps.items() if r.h is not None)
    cw = 2.0 if longest <= 8 else 0.22 * longest + 0.3
    ch = 1.45 if values else 1.0
    x0, y0 = 0.2, 1.0
    cells: list[Cell] = []
    kernel_cells: list[Cell] = []
    # Each group at least as wide as its label (small type: about 0.17 units a letter), so
    # the labels of a narrow patch do not run into each other.
    label_w = 0.17 * (len("products for ") + len(op.output_name) + len(index_math(at))) - 1.0
    kx = x0 + max(cols * cw, label_w) + 1.2
    padded = False
    for idx in sub.indices():
        c, r = place(sub, idx)
        row = taps.get(tuple(idx))
        outside = not all(a <= v <= b for v, a, b in zip(idx, img.lo, img.hi, strict=False))
        padded = padded or outside
        zero = outside and (row is None or not row.valid)  # zero padding
        shown = row.source if row is not None and row.source is not None else tuple(idx)
        line: Text = (Span(img.name, "array"),) + index_text(shown, roles=False)
        entry = exp.entry_name(row.h) if row is not None and row.h is not None else None
        if entry is not None:
            line += (Span("*", "op"), Span(entry, "entry"))
        lines: tuple[Text, ...] = (mute(line),) if zero else (line,)
        if values and entry is not None and row is not None and row.h is not None:
            # The numbers of the product; with one array given, the value it gives
            # (a = 1/9, x[0,1] = 3).
            xv = hv = None
            if img.values is not None:
                xv = 0 if zero else img.values[tuple(
                    v - a for v, a in zip(shown, img.lo, strict=False))]
            if ker.values is not None:
                hv = ker.values[tuple(v - a for v, a in zip(row.h, ker.lo, strict=False))]
                hv = conjugate(hv) if op.conjugate else hv
            if xv is not None and hv is not None:
                nums: Text = (value_span(xv), Span("*", "op"), value_span(hv, factor_=True))
            elif hv is not None:
                nums = (Span(entry, "entry"), Span(" = "), value_span(hv))
            else:
                nums = (Span(img.name, "array"),) + index_text(shown, roles=False) + (
                    Span(" = "), value_span(xv))
            lines += (mute(nums) if zero else nums,)
        cells.append(Cell(x0 + c * cw, y0 + r * ch, lines, w=cw, h=ch,
                          fill="patch" if entry is not None and not zero else None,
                          dashed=outside))
        # The kernel as it lies on the patch, entries only, beside it.
        kernel_cells.append(Cell(kx + c, y0 + r * ch, ((Span(entry or "", "entry", zero),),),
                                 h=ch))
    cells += kernel_cells
    # ... and the kernel as drawn (figure 2), for comparison.
    kx2 = kx + max(cols, 0.17 * len("kernel on the patch") - 1.0) + 1.2
    kcols, krows = grid_dims(ker)
    for idx in ker.indices():
        c, r = place(ker, idx)
        cells.append(Cell(kx2 + c, y0 + r, ((Span(exp.entry_name(idx), "entry"),),)))
    labels = (
        Label(x0 + max(cols * cw, label_w) / 2, 0.4, (Span("products for "),
                                                       Span(op.output_name, "array"),
                                        Span(index_math(at))), small=True),
        Label(kx + max(cols, 0.17 * len("kernel on the patch") - 1.0) / 2, 0.4,
              (Span("kernel on the patch"),), small=True),
        Label(kx2 + kcols / 2, 0.4, (Span("kernel "), Span(ker.name, "array"),
                                     Span(" as drawn")), small=True),
    )
    pad = ""
    if padded:
        pad = "; dashed cells are padding, holding " + PADDING_WORDS.get(
            exp.relation.factors[0].boundary, "padding")
    under = "; under each product, the numbers it multiplies" if values else ""
    return Drawing(f"drawing-{op.op}", f"{_cap(OP_WORDS[op.op])}, "
                   f"${arr(op.output_name)}{index_math(at)}$: the patch "
                   f"${patch_math(img.name, lo, hi)}$ with the kernel entry that multiplies "
                   f"each pixel; the kernel lies on it {flip_word(exp)}{pad}{under}.",
                   kx2 + kcols + 0.2, y0 + max(rows * ch, krows) + 0.3, tuple(cells), (),
                   labels, font="small", unit=0.85)


# -- figure 6: the image with the patches of each operation --------------------------------
#: The operations figure 6 outlines, in drawing order (later outlines on top); each has
#: the line style of :data:`LINE_STYLES`.
BOX_OPS = ("corr", "corr-reflected", "conv")


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
    """The whole image and, for output ``at``, the patch each operation reads outlined in
    its line style (convolution solid, the article's cross-correlation dashed, the standard
    one dotted), the pixels this operation reads filled (figure 6); a legend draws each
    line beside its operation and patch."""
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
        fed = tuple(idx) in used  # black on the fill, for contrast
        cells.append(Cell(x0 + c * cw, y0 + r, (index_text(idx, roles=not fed),), w=cw,
                          fill="patch" if fed else None))
    found_patches = {name: p for name, p in pts.items() if p is not None
                     and (with_corr or name != "corr")}
    shown = [name for name in BOX_OPS if name in found_patches]
    bx = []
    for name in shown:
        (c0, r0), (c1, r1) = (place(img, p) for p in found_patches[name])
        c0, c1 = min(c0, c1), max(c0, c1)
        r0, r1 = min(r0, r1), max(r0, r1)
        # Nested insets: outlines of equal patches stay apart.
        inset = 0.05 + 0.09 * BOX_OPS[::-1].index(name)
        bx.append(Box(x0 + c0 * cw, y0 + r0, x0 + (c1 + 1) * cw, y0 + r1 + 1, name,
                      LINE_STYLES[name], inset))
    legend: list[Label] = []
    lines: list[Line] = []
    ly = y0 + rows + 0.9
    dims = len(full.shape)
    for name in shown[::-1]:
        plo, phi = found_patches[name]
        lines.append(Line(x0, ly, x0 + 1.2, ly, name, LINE_STYLES[name]))
        legend.append(Label(x0 + 1.45, ly, (
            Span(f"{OP_WORDS[name]} ", "plain"),
            Span(arr(exp.operation.kernel.name) + f"[{kernel_index_math(name, dims)}]", "math"),
            Span(": ", "plain"), Span(patch_math(img.name, plo, phi), "math")),
            anchor="west", small=True))
        ly += 0.6
    part = "" if img is full else " (the part of the image around them)"
    styles = ", ".join(f"{OP_WORDS[n]} {LINE_STYLES[n]}" for n in shown[::-1])
    return Drawing("boxes", f"The pixels each operation reads for "
                   f"${arr(exp.operation.output_name)}{index_math(at)}${part}: outlined, "
                   f"{styles}; filled, those {OP_WORDS[exp.operation.op]} reads.",
                   x0 + cols * cw + 0.3, ly - 0.1, tuple(cells), tuple(bx),
                   tuple(headers(img, x0, y0, ("i", "j"), cw)) + tuple(legend),
                   font="tiny", unit=0.75, lines=tuple(lines))


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
    found = [b for _, b in output_patches(exp) if b is not None]
    # As wide as the longest range ("i: -3..-2") in the small type, with a margin.
    longest = max((len(f"i: {a}..{b}") for box in found for a, b in zip(*box, strict=False)),
                  default=8)
    cw, ch = (max(2.0, 0.21 * longest + 0.45), 1.1) if two else (max(1.5, 0.21 * longest
                                                                     + 0.45), 0.8)
    x0, y0 = 1.0, 0.9
    cells = []
    outline: list[Box] = []
    for idx, box in output_patches(exp):
        c, r = place(out_sig, idx)
        focus = at is not None and tuple(idx) == tuple(at)
        if box is None:
            lines: tuple[Text, ...] = ((Span("no pixel", "muted"),),)
        else:
            # The index letter names the range (not its colour alone); on the current
            # output's fill the text is black, for contrast.
            lines = tuple((Span("ijk"[k] if k < 3 else "", "plain" if focus or k >= 2 else
                                ("m", "n")[k]), Span(": "),
                           Span(f"{a}..{b}", "plain" if focus or k >= 2 else ("m", "n")[k]))
                          for k, (a, b) in enumerate(zip(*box, strict=False)))
        cells.append(Cell(x0 + c * cw, y0 + r * ch, lines, w=cw, h=ch,
                          fill="focus" if focus else None))
        if focus:
            outline.append(Box(x0 + c * cw, y0 + r * ch, x0 + (c + 1) * cw, y0 + (r + 1) * ch,
                               "outline"))
    labels = headers(out_sig, x0, y0, ("m", "n"), cw, ch)
    kind = OP_WORDS[op.op]
    out_idx = "[m,n]" if two else "[m]"
    which = ("the range of $i$ (first line) and of $j$ (second line)" if two else
             "the range of $i$")
    return Drawing(f"output-map-{op.op}", f"Output map of {kind}: in each output "
                   f"${arr(op.output_name)}{out_idx}$, {which} of the pixels of "
                   f"${arr(op.image.name)}$ that feed it.", x0 + cols * cw + 0.3,
                   y0 + rows * ch + 0.8, tuple(cells), tuple(outline), tuple(labels),
                   font="tiny", unit=0.8)
