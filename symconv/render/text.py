"""Plain text for terminals: expansions and worked examples, derivations (claim, verdict,
numbered steps, counterexample) and check results (one labelled line per fact)."""

from __future__ import annotations

import json
import textwrap
from collections.abc import Sequence
from typing import IO, Any

from ..expansion.core import INEXACT_NOTE
from ..expansion.figures.layout import product_text
from ..index.notation import axis_names, kernel_index, plugged_kernel_index
from ..index.numbers import kind
from ..index.ops import OPERATIONS
from ..index.relation import AffineAxis, ChannelAxis
from .base import Printer
from .plainmath import convert, plain
from .words import (
    DEFINITIONS,
    INVALID_REASONS,
    KIND_TITLES,
    channel_words,
    check_dict,
    conjugate_words,
    extra_facts,
    extra_terms_words,
    flipped_words,
)

#: Width of the wrapped reasons of a derivation.
DERIVATION_WIDTH = 96
#: Width and label column of a check result.
CHECK_WIDTH = 92
CHECK_LABEL = 15


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
            kparts += f.kernel_parts(m, i)
        else:
            kparts.append(kernel_index(f, m, i))
    h = op.kernel.name + "[" + ", ".join(kparts) + "]"
    if op.conjugate:
        h = f"conj({h})"
    return (f"{op.output_name}[{', '.join(outs)}] = sum_{{{','.join(imgs)}}} "
            f"{op.image.name}[{', '.join(imgs)}] {h}")


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
    if any(op.output_padding):
        opts.append("output padding " + ",".join(map(str, op.output_padding)))
    if op.layer:
        opts.append(f"layer, groups {op.groups}")
    return (f"{OPERATIONS[op.op].title}: image {img.name} {'x'.join(map(str, img.shape))} "
            f"(indices {_ranges(img.lo, img.hi)}), kernel {ker.name} "
            f"{'x'.join(map(str, ker.shape))} (indices {_ranges(ker.lo, ker.hi)}), "
            f"output {op.output_name} {'x'.join(map(str, expansion.shape))} (indices "
            f"{_ranges(expansion.out_lo, expansion.relation.out_hi)}); {', '.join(opts)}")


def values_line(expansion: Any) -> str:
    """What the values are: which arrays have them, of which kind, exact or rounded."""
    op = expansion.operation
    given = [f"{sig.name} ({kind(sig.values)})" for sig in (op.image, op.kernel)
             if sig.values is not None]
    line = "values given for " + " and ".join(given)
    if not expansion.has_values:
        other = op.image if op.image.values is None else op.kernel
        line += f"; {other.name} stays symbolic: each output is shown with the values " \
                "substituted"
    if not expansion.exact:
        line += f"; {INEXACT_NOTE}"
    return line


def write_expansion(expansion: Any, stream: IO[str], at: Sequence[int] | None = None
                    ) -> None:
    op = expansion.operation
    stream.write(header(expansion) + "\n")
    if expansion.substitutes and not (expansion.has_values
                                      and expansion.value_kind == "integer"):
        stream.write(values_line(expansion) + "\n")
    stream.write(formula(expansion) + "\n\n")
    if at is None:
        import numpy as np

        t = expansion.terms_table
        flats = range(int(np.prod(expansion.shape)))
        subs = expansion.substituted_strs() if expansion.substitutes else None
        for p, s in zip(flats, expansion.atoms.strs(t, flats), strict=False):
            idx = t.output_index(p)
            line = f"{op.output_name}[{_fmt(idx)}] = {s}"
            if subs is not None:
                line += f" = {subs[p]}"
            stream.write(line + "\n")
        return
    line = f"{op.output_name}[{_fmt(at)}] = {expansion.expr_str(at)}"
    if expansion.has_values:
        line += f" = {substitution(expansion, at)} = {expansion.substituted_str(at)}"
    elif expansion.substitutes:
        line += f" = {expansion.substituted_str(at)}"
    stream.write(line + "\n\n")
    write_worked_example(expansion, at, stream)


def substitution(expansion: Any, at: Sequence[int]) -> str:
    """``3*(-1) + 2*0``: the products of ``y[at]`` with their numbers, in the order the
    symbolic sum prints them (SymPy's, by entry)."""
    pairs = sorted(zip(expansion.terms(at), expansion.term_values(at), strict=True),
                   key=lambda p: (p[0].entry, p[0].x))
    return " + ".join(product_text(xv, hv).replace("\u00b7", "*") for _, (xv, hv) in pairs) \
        or "0"


def write_worked_example(expansion: Any, at: Sequence[int], stream: IO[str]) -> None:
    op = expansion.operation
    we = expansion.worked_example(at)
    facs = expansion.relation.factors
    lines: list[tuple[str, str, str]] = []
    products = None
    if expansion.substitutes:
        products = {t.x: product_text(xv, hv, f"{op.image.name}[{_fmt(t.x)}]", t.entry
                                      ).replace("\u00b7", "*") for t, (xv, hv) in
                    zip(expansion.terms(at), expansion.term_values(at), strict=True)}
    for r in we.rows:
        plugged = []
        for f, m, i in zip(facs, at, r.x, strict=False):
            if isinstance(f, AffineAxis):
                plugged.append(plugged_kernel_index(f, m, i))
            else:
                plugged += f.plugged(m, i)
        left = f"{op.image.name}[{_fmt(r.x)}] {op.kernel.name}[{', '.join(plugged)}]"
        if r.h is None:
            right = f"{op.kernel.name}[not an integer index]"
        else:
            right = f"{op.kernel.name}[{_fmt(r.h)}]"
        if r.valid:
            note = f"= {r.entry}" + (f"  (pixel {op.image.name}[{_fmt(r.source)}])"
                                      if r.source else "")
            if products is not None:
                note += "   " + products[r.source or r.x]
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


def write_comparison(block: Any, stream: IO[str]) -> None:
    """Several conventions of one operation, side by side: output indices and values."""
    if block.title:
        stream.write(plain(block.title) + "\n")
    for label, exp in block.rows:
        op = exp.operation
        stream.write(f"  {plain(label)}: output {op.output_name} {'x'.join(map(str, exp.shape))}, "
                     f"indices {_ranges(exp.out_lo, exp.relation.out_hi)}\n")
        subs = exp.substituted_strs() if exp.substitutes else None
        import numpy as np

        t = exp.terms_table
        flats = range(int(np.prod(exp.shape)))
        for p, s in zip(flats, exp.atoms.strs(t, flats), strict=False):
            line = f"    {op.output_name}[{_fmt(t.output_index(p))}] = {s}"
            if subs is not None:
                line += f" = {subs[p]}"
            stream.write(line + "\n")



# -- derivations --------------------------------------------------------------------------
def write_derivation(d: Any, stream: IO[str]) -> None:
    """A derivation for terminals: claim, verdict and scope, numbered steps, counterexample."""
    w = stream.write
    w(f"{plain(d.title)}\n")
    w(f"claim: {d.claim_text}\n")
    w(f"verdict: {d.verdict.upper()}   scope: {d.scope}\n\n")
    for n, s in enumerate(d.steps, 1):
        eq = s.text or convert(s.latex)
        lines = eq.splitlines() or [""]
        w(f"{n:3d}. {lines[0]}\n")
        for extra in lines[1:]:
            w(f"     {extra}\n")
        for line in textwrap.wrap(plain(s.why), DERIVATION_WIDTH - 7):
            w(f"       {line}\n")
    if d.counterexample is not None:
        w("\ncounterexample:\n")
        for key, val in d.counterexample.items():
            w(f"  {key}: {json.dumps(val, ensure_ascii=False)}\n")
    for note in d.notes:
        w("\n" + "\n".join(textwrap.wrap("note: " + plain(note), DERIVATION_WIDTH)) + "\n")



# -- check results ------------------------------------------------------------------------
def _line(stream: IO[str], label: str, value: str) -> None:
    head = f"{label + ':':<{CHECK_LABEL}}"
    lines = textwrap.wrap(value, CHECK_WIDTH - CHECK_LABEL) or [""]
    stream.write(head + lines[0] + "\n")
    for more in lines[1:]:
        stream.write(" " * CHECK_LABEL + more + "\n")


def write_check(data: Any, stream: IO[str]) -> None:
    """Write a check result (a CheckResult or its ``to_json()`` dict) as text."""
    d = check_dict(data)
    if d.get("formula"):
        _line(stream, "formula", d["formula"])
    for label, val in extra_facts(d):
        _line(stream, label, val)
    _line(stream, "roles", f"image {d['image']}, kernel {d['kernel']}, output {d['output']}")
    _line(stream, "kind", f"{d['kind']}: {KIND_TITLES.get(d['kind'], d['kind'])}")
    lhs = "u*pixel" if any("input_stride" in a for a in d["axes"]) else "pixel"
    _line(stream, "normal form", f"{d['normal_form']}   ({lhs} = s*m + sigma*d*k + c per axis)")
    out_idx = ", ".join(d.get("output_indices") or [a["output_index"] for a in d["axes"]])
    _line(stream, "equivalent", f"{d['output']}[{out_idx}] = {d['equivalent']}")
    for a in d["axes"]:
        refl = " (reflected output)" if a.get("reflected") else ""
        where = ""
        if a.get("image_index") or a.get("kernel_index"):
            where = (f"; {d['image']} index {a.get('image_index')}, {d['kernel']} index "
                     f"{a.get('kernel_index')}")
        _line(stream, f"axis {a['output_index']}",
              f"{a['kind']}, stride {a['stride']}{refl}, dilation {a['dilation']}, "
              f"offset {a['offset']}{where}")
    _line(stream, "flipped", flipped_words(d))
    _line(stream, "conjugate", conjugate_words(d))
    ch = d.get("channels") or {}
    if ch:
        _line(stream, "channels", channel_words(ch))
    if d.get("bias"):
        _line(stream, "bias", d["bias"])
    if d.get("scale", 1) != 1:
        _line(stream, "scale", str(d["scale"]))
    if d.get("extra_terms"):
        _line(stream, "extra terms", extra_terms_words(d))
    sw = d.get("roles_swapped")
    if sw:
        _line(stream, "roles swapped", f"{sw['kind']}: {d['output']}[{out_idx}] = "
                                       f"{sw['equivalent']}")
    conv = d.get("conventions") or []
    if conv:
        stream.write("conventions:\n")
        for c in conv:
            lines = textwrap.wrap(c, CHECK_WIDTH - 4) or [""]
            stream.write("  - " + lines[0] + "\n")
            for more in lines[1:]:
                stream.write("    " + more + "\n")
    for n in d.get("notes") or []:
        _line(stream, "note", n)
    stream.write("\n".join(textwrap.wrap(DEFINITIONS, CHECK_WIDTH)) + "\n")


class TextPrinter(Printer):
    """The ``text`` format: what a terminal shows."""

    format = "text"

    def _page_OperatorMatrix(self, m: Any) -> None:
        from ..document.matrix import matrix_text, write_sparse_text

        if self._settings["sparse"]:
            write_sparse_text(m, self.stream)
        else:
            self.write(matrix_text(m))

    def _print_MatrixBlock(self, b: Any) -> None:
        from ..document.matrix import view_text

        self.write("\n" + view_text(b.view))

    def _page_Pooling(self, p: Any) -> None:
        at = self._settings["at"]
        self.write(p.worked_text(at) if at is not None else p.to_text())

    def _page_Expansion(self, exp: Any) -> None:
        write_expansion(exp, self.stream, at=self._settings["at"])

    def _page_Derivation(self, d: Any) -> None:
        write_derivation(d, self.stream)

    def _page_CheckResult(self, data: Any) -> None:
        write_check(data, self.stream)

    def _page_Document(self, doc: Any) -> None:
        title = plain(doc.title)
        self.write(title + "\n" + "=" * len(title) + "\n")
        if doc.subtitle:
            self.write(plain(doc.subtitle) + "\n")
        for b in doc.blocks:
            self._print(b)

    def _print_Heading(self, b: Any) -> None:
        text = plain(b.text)
        self.write("\n" + text + "\n" + ("-" if b.level > 1 else "=") * len(text) + "\n")

    def _print_Equations(self, b: Any) -> None:
        self.write("\n" + "".join(f"  {t}\n" for t in b.text))

    def _print_Paragraph(self, b: Any) -> None:
        self.write("\n" + textwrap.fill(plain(b.text), 88) + "\n")

    def _print_ExpansionBlock(self, b: Any) -> None:
        self.write("\n" + (plain(b.title) + "\n\n" if b.title else ""))
        write_expansion(b.expansion, self.stream, at=b.at)

    def _print_ComparisonBlock(self, block: Any) -> None:
        self.write("\n")
        write_comparison(block, self.stream)

    def _print_DerivationBlock(self, b: Any) -> None:
        self.write("\n")
        write_derivation(b.derivation, self.stream)

    def _print_CheckBlock(self, b: Any) -> None:
        self.write("\n")
        write_check(b.result, self.stream)
