"""Plain text for terminals: expansions and worked examples."""

from __future__ import annotations

from collections.abc import Sequence
from typing import IO, Any

from ..index.notation import axis_names, kernel_index, plugged_kernel_index
from ..index.ops import OPERATIONS
from ..index.relation import AffineAxis, ChannelAxis

#: Why a worked-example row is invalid, as the text says it.
INVALID_REASONS = {
    "kernel": "no such kernel entry",
    "fraction": "the kernel index is not an integer (a stride or dilation gap)",
    "pixel": "pixel outside the image (zero padding)",
    "group": "input channel outside this output's group",
}


def _fmt(idx: Sequence[int]) -> str:
    return ", ".join(str(v) for v in idx)


def _ranges(lo: Sequence[int], hi: Sequence[int]) -> str:
    return " x ".join(f"{a}..{b}" for a, b in zip(lo, hi, strict=False))


def formula(expansion: Any) -> str:
    """``y[m, n] = sum_{i,j} x[i, j] h[m-i, n-j]`` for the expansion's relation."""
    op = expansion.operation
    facs = expansion.relation.factors
    outs, imgs = axis_names(facs)
    kparts: list[str] = []
    for f, m, i in zip(facs, outs, imgs, strict=False):
        if isinstance(f, ChannelAxis):
            kparts += [m, group_channel(f, m, i)]
        else:
            kparts.append(kernel_index(f, m, i))
    h = op.kernel.name + "[" + ", ".join(kparts) + "]"
    if op.conjugate:
        h = f"conj({h})"
    return (f"{op.output_name}[{', '.join(outs)}] = sum_{{{','.join(imgs)}}} "
            f"{op.image.name}[{', '.join(imgs)}] {h}")


def group_channel(f: ChannelAxis, o: str, c: str) -> str:
    """The kernel's input-channel index: ``c`` minus the first input channel of o's group."""
    if f.groups == 1:
        return c
    per_group = f.out_channels // f.groups
    first = o if per_group == 1 else f"floor({o}/{per_group})"
    return f"{c}-{first}" if f.taps == 1 else f"{c}-{f.taps}*{first}"


def header(expansion: Any) -> str:
    op = expansion.operation
    img, ker = op.image, op.kernel
    opts = [f"origin {op.origin}", f"axes {img.axes}"]
    if op.mode:
        opts.append(f"mode {op.mode}" + (f" ({op.convention})" if op.mode != "full" else ""))
    if op.padding is not None:
        opts.append("padding " + ",".join(f"{a}:{b}" if a != b else str(a)
                                          for a, b in op.padding))
    if op.boundary != "zeros":
        opts.append(f"padding mode {op.boundary}")
    if any(s != 1 for s in op.stride):
        opts.append("stride " + ",".join(map(str, op.stride)))
    if any(d != 1 for d in op.dilation):
        opts.append("dilation " + ",".join(map(str, op.dilation)))
    if op.layer:
        opts.append(f"layer, groups {op.groups}")
    return (f"{OPERATIONS[op.op].title}: image {img.name} {'x'.join(map(str, img.shape))} "
            f"(indices {_ranges(img.lo, img.hi)}), kernel {ker.name} "
            f"{'x'.join(map(str, ker.shape))} (indices {_ranges(ker.lo, ker.hi)}), "
            f"output {op.output_name} {'x'.join(map(str, expansion.shape))} (indices "
            f"{_ranges(expansion.out_lo, expansion.relation.out_hi)}); {', '.join(opts)}")


def render_expansion(expansion: Any, stream: IO[str], at: Sequence[int] | None = None,
                     **_: Any) -> None:
    op = expansion.operation
    stream.write(header(expansion) + "\n")
    stream.write(formula(expansion) + "\n\n")
    has_values = expansion.has_values
    if at is None:
        import numpy as np

        vals = expansion.values().ravel() if has_values else None

        t = expansion.terms_table
        flats = range(int(np.prod(expansion.shape)))
        for p, s in zip(flats, expansion._atoms.strs(t, flats), strict=False):
            idx = t.output_index(p)
            line = f"{op.output_name}[{_fmt(idx)}] = {s}"
            if vals is not None:
                line += f" = {_num(vals[p])}"
            stream.write(line + "\n")
        return
    line = f"{op.output_name}[{_fmt(at)}] = {expansion.expr_str(at)}"
    if has_values:
        line += f" = {_num(expansion.value(at))}"
    stream.write(line + "\n\n")
    render_worked_example(expansion, at, stream)


def _num(v: Any) -> str:
    if isinstance(v, complex) or getattr(v, "imag", False):
        return str(complex(v))
    f = float(v)
    return str(int(f)) if f.is_integer() else repr(f)


def render_worked_example(expansion: Any, at: Sequence[int], stream: IO[str]) -> None:
    op = expansion.operation
    we = expansion.worked_example(at)
    facs = expansion.relation.factors
    lines: list[tuple[str, str, str]] = []
    for r in we.rows:
        plugged = []
        for f, m, i in zip(facs, at, r.x, strict=False):
            if isinstance(f, AffineAxis):
                plugged.append(plugged_kernel_index(f, m, i))
            else:
                first = int(f.input_channel(m, 0))
                plugged += [str(m), f"{i}-{first}" if first else str(i)]
        left = f"{op.image.name}[{_fmt(r.x)}] {op.kernel.name}[{', '.join(plugged)}]"
        if r.h is None:
            right = f"{op.kernel.name}[not an integer index]"
        else:
            right = f"{op.kernel.name}[{_fmt(r.h)}]"
        if r.valid:
            note = f"= {r.entry}" + (f"  (pixel {op.image.name}[{_fmt(r.source)}])"
                                      if r.source else "")
        else:
            note = "invalid: " + INVALID_REASONS[r.reason]
        lines.append((left, right, note))
    wl = max(len(a) for a, _, _ in lines)
    wr = max(len(b) for _, b, _ in lines)
    stream.write(f"worked example for {op.output_name}[{_fmt(at)}]: the window "
                 f"{_ranges(*we.window)} (one ring wider than the patch)\n")
    for a, b, c in lines:
        stream.write(f"  {a.ljust(wl)} | {b.ljust(wr)}  {c}\n")
    if we.patch is None:
        stream.write("\nno pixel feeds this output\n")
        return
    stream.write(f"\nkernel entries over the patch {op.image.name}"
                 f"[{_ranges(*we.patch)}] (display order, rows top to bottom):\n")
    _write_grid(we.grid, stream, "  ")


def _write_grid(grid: Any, stream: IO[str], indent: str) -> None:
    if grid and isinstance(grid[0], list) and grid[0] and isinstance(grid[0][0], list):
        for k, sl in enumerate(grid):
            stream.write(f"{indent}[{k}]\n")
            _write_grid(sl, stream, indent + "  ")
        return
    cells = [[c if c is not None else "." for c in row] for row in grid]
    w = max((len(c) for row in cells for c in row), default=1)
    for row in cells:
        stream.write(indent + " ".join(c.ljust(w) for c in row).rstrip() + "\n")


def render_comparison(block: Any, stream: IO[str], **_: Any) -> None:
    """Several conventions of one operation, side by side: output indices and values."""
    if block.title:
        stream.write(block.title + "\n")
    for label, exp in block.rows:
        op = exp.operation
        stream.write(f"  {label}: output {op.output_name} {'x'.join(map(str, exp.shape))}, "
                     f"indices {_ranges(exp.out_lo, exp.relation.out_hi)}\n")
        vals = exp.values().ravel() if exp.has_values else None
        import numpy as np

        t = exp.terms_table
        flats = range(int(np.prod(exp.shape)))
        for p, s in zip(flats, exp._atoms.strs(t, flats), strict=False):
            line = f"    {op.output_name}[{_fmt(t.output_index(p))}] = {s}"
            if vals is not None:
                line += f" = {_num(vals[p])}"
            stream.write(line + "\n")


class _TextWriter:
    """A document's blocks as plain text (see :func:`symconv.document.visit`)."""

    def __init__(self, stream: IO[str]) -> None:
        self.w = stream.write
        self.stream = stream

    def heading(self, text: str, level: int) -> None:
        self.w("\n" + text + "\n" + ("-" if level > 1 else "=") * len(text) + "\n")

    def paragraph(self, text: str) -> None:
        import textwrap

        self.w("\n" + textwrap.fill(text, 88) + "\n")

    def expansion(self, exp: Any, at: Sequence[int] | None, figures: Any, title: str) -> None:
        self.w("\n" + (title + "\n\n" if title else ""))
        render_expansion(exp, self.stream, at=at)

    def comparison(self, block: Any) -> None:
        self.w("\n")
        render_comparison(block, self.stream)

    def derivation(self, d: Any) -> None:
        self.w("\n")
        render_derivation(d, self.stream)

    def check(self, result: Any, source: str) -> None:
        self.w("\n")
        render_check(result, self.stream)


def render_document(doc: Any, stream: IO[str], **options: Any) -> None:
    from ..document.blocks import visit

    stream.write(doc.title + "\n" + "=" * len(doc.title) + "\n")
    if doc.subtitle:
        stream.write(doc.subtitle + "\n")
    visit(doc.blocks, _TextWriter(stream))


def render_derivation(derivation: Any, stream: IO[str], **_: Any) -> None:
    """Derivations (``symconv prove``): delegated to :mod:`symconv.prove_render`."""
    from .provetext import render_derivation_text

    render_derivation_text(derivation, stream)


def render_check(data: Any, stream: IO[str], **_: Any) -> None:
    """A checker or identification result (the object or its ``to_json()`` dict)."""
    from .facts import render_check_text

    render_check_text(data, stream)
