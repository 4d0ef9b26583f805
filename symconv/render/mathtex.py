"""LaTeX math: the single source of symconv's notation (MathML and Markdown math come from
it).

The notation is written from the relation's own index strings (:mod:`symconv.index.notation`),
without SymPy, so that a LaTeX page never pays for importing it: indices as people write
them (``\\mathbf{h}[m-i,n-j]``), the kernel **h** (bold, an array) apart from its entry *h*
(plain, a number), the pixel before the kernel entry in a product, and the first and second
index in their colours on request.  (:mod:`.sympytex` prints SymPy expressions in the same
notation, and a test holds the two to each other.)  :class:`Typesetter` turns the typeset figure
models (equations, the worked example, the duality, the matrix) into displays: strings of
math, or :class:`Aligned` rows that each format composes (an ``align*`` in documents, an
``array`` split over frames on slides) without reading LaTeX back.  Tables are ``array`` s,
which latex2mathml converts.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from fractions import Fraction
from typing import Any

from ..expansion.exact import factor_latex, value_latex
from ..expansion.figures.model import INVALID_WORDS
from ..index.notation import axis_names, kernel_index
from ..index.ops import OPERATIONS
from ..index.relation import AffineAxis, ChannelAxis
from . import palette
from .base import Dispatcher
from .tex import OPERATORS, ROW_SEP, Style, math_chars, math_name

#: Most products on one line of an output's equation (a 5x5 kernel's row fits the page).
MAX_PER_LINE = 5
#: Most rows of one worked-example display (a taller array runs off the page: split it).
MAX_TABLE_ROWS = 36
#: The upstream gradient dL/dy in the duality and matrix figures.
GRADIENT = "g"
#: What a worked-example row says when it is invalid (the drawn table says the same).
INVALID_TEXT = INVALID_WORDS


@dataclass(frozen=True)
class Aligned:
    """An ``align*`` display as data: rows (an output each), each a tuple of lines, each
    line a (left, right) pair around the alignment point."""

    rows: tuple[tuple[tuple[str, str], ...], ...]

    @staticmethod
    def row_latex(row: Sequence[tuple[str, str]], before_relation: str = "&") -> str:
        """One row, its lines joined by ``\\\\``; ``before_relation`` is the alignment
        point of a line that starts with ``=`` (the slides' ``array`` uses ``&{}``)."""
        return r"\\ ".join(f"{left}{before_relation if right.startswith('=') else '&'}{right}"
                            for left, right in row)

    def latex(self) -> str:
        return ("\\begin{align*}\n" + ROW_SEP.join(self.row_latex(r) for r in self.rows)
                + "\n\\end{align*}")


#: A display: math for ``\\[ ... \\]``, or aligned rows.
Display = str | Aligned


def equations_display(block: Any, style: Any) -> Aligned:
    """A document's :class:`~symconv.document.blocks.Equations` as aligned rows, the
    notation's macros expanded for the style."""
    from .tex import expand_macros

    def display(right: str) -> str:  # fractions at display size in a slide's array too
        body = expand_macros(right, style)
        return "= \\displaystyle " + body[1:].lstrip() if body.startswith("=") else body

    return Aligned(tuple(((expand_macros(left, style), display(right)),)
                         for left, right in block.rows))


# -- notation built from the relation ---
#: The roles named under the equation (the article's figure 1).
ROLE_WORDS = {"output": "output", "image": "image", "kernel": "kernel"}


def underbrace(body: str, word: str) -> str:
    return rf"\underbrace{{{body}}}_{{\text{{{word}}}}}"


def kernel_index_latex(f: AffineAxis | ChannelAxis, m: str, i: str) -> list[str]:
    """The kernel's index (one part, or two for a channel axis) in terms of the letters
    ``m`` and ``i``, as people write it: ``m-i``, ``\\frac{2m-i}{2}``, ``c-2\\left\\lfloor
    \\frac{o}{2}\\right\\rfloor``."""
    if isinstance(f, ChannelAxis):
        if f.transposed:
            return [i, m if f.groups == 1 else rf"{m} \bmod {f.per_group}"]
        if f.groups == 1:
            return [m, i]
        per = f.out_channels // f.groups
        first = m if per == 1 else rf"\left\lfloor{{\frac{{{m}}}{{{per}}}}}\right\rfloor"
        return [m, f"{i}-{first}" if f.taps == 1 else f"{i}-{f.taps} {first}"]
    k = kernel_index(f, m, i)
    if k.startswith("(") and ")/" in k:
        body, den = k[1:].rsplit(")/", 1)
        return [rf"\frac{{{body}}}{{{den}}}"]
    return [k]


def formula_latex(exp: Any, style: Style, annotate: bool = False) -> str:
    """``y[m,n] = (x * h)[m,n] = \\sum_j \\sum_i x[i,j] h[m-i,n-j]``, from the relation's
    notation (no SymPy: the LaTeX path stays light)."""
    op = exp.operation
    facs = exp.relation.factors
    outs, imgs = axis_names(facs)
    kidx: list[str] = []
    for f, m, i in zip(facs, outs, imgs, strict=False):
        kidx += kernel_index_latex(f, m, i)
    xs, hs = array_name(style, op.image.name), array_name(style, op.kernel.name)
    xi = bracketed(style, xs, imgs)
    hk_s = bracketed(style, hs, kidx)
    if op.conjugate:
        hk_s = rf"\overline{{{hk_s}}}"
    if annotate:
        xi, hk_s = underbrace(xi, ROLE_WORDS["image"]), underbrace(hk_s, ROLE_WORDS["kernel"])
    summand = xi + r"\," + hk_s
    # {-\infty}: a signed infinity, so MathML does not space it as a binary minus.
    sums = "".join(rf"\sum_{{{i}={{-\infty}}}}^{{\infty}} " for i in reversed(imgs))
    lhs = bracketed(style, array_name(style, op.output_name), outs)
    sym = OPERATORS[style.operator] if (style.operator and op.op == "conv") else \
        OPERATIONS[op.op].operator
    spec = OPERATIONS[op.op]
    at = bracketed(style, "", [f"-{v}" if spec.reflect else v for v in outs])
    if style.index_style == "subscripts":  # the operation's value at a point: brackets
        at = bracketed(replace(style, index_style="brackets"), "",
                       [f"-{v}" if spec.reflect else v for v in outs])
    mid = rf"({xs} {sym} {hs}){at}"
    if annotate:
        lhs = underbrace(lhs, ROLE_WORDS["output"])
    return f"{lhs} = {mid} = {sums}{summand}"


def pixel_latex(exp: Any, idx: Sequence[int], style: Style, role_colours: bool = True) -> str:
    """``x[1,-2]`` (indices coloured by position unless ``role_colours`` is off)."""
    return bracketed(style, array_name(style, exp.operation.image.name),
                     [str(int(v)) for v in idx], colour=role_colours)


def array_name(style: Style, name: str) -> str:
    n = math_name(name)
    return rf"\mathbf{{{n}}}" if style.bold else n


def entry_name(name: str) -> str:
    n = math_name(name)
    return n if len(name) == 1 else rf"\mathit{{{n}}}"


def bracketed(style: Style, base: str, parts: Sequence[str], colour: bool = True) -> str:
    cols = [style.textcolor(palette.INDEX_ROLES[a], v)
            if colour and style.colour_indices and a < 2 else v for a, v in enumerate(parts)]
    if style.index_style == "subscripts":
        return f"{base}_{{{','.join(cols)}}}"
    return f"{base}[{','.join(cols)}]"


def number(v: Any) -> str:
    """A value in LaTeX math (``\\frac{21}{32}``, ``\\sqrt{3} \\pi``); braced when it
    starts with a minus, so it reads as a signed number after "=" (no binary-minus space)."""
    s = value_latex(v)
    return "{" + s + "}" if s.startswith("-") else s


def coefficient_term(c: Any, atom: str) -> tuple[str, str]:
    """``(sign, body)`` of ``c`` times an atom: ``("-", "2\\,x[1]")``,
    ``("+", "\\frac{1}{9}\\,x[0]")``, ``("+", "\\left(t + 1\\right) x[0]")``."""
    if isinstance(c, (int, Fraction)):
        sign = "-" if c < 0 else "+"
        m = abs(c)
        if m == 1:
            return sign, atom
        return sign, value_latex(m) + r"\," + atom
    s = value_latex(c)
    if getattr(c, "is_Add", False):
        return "+", rf"\left({s}\right) {atom}"
    if s.startswith("-"):
        return "-", s[1:].lstrip() + r"\," + atom
    return "+", s + r"\," + atom


def substituted_lines(exp: Any, at: Sequence[int], style: Style) -> list[str]:
    """``y[at]`` with one array's values substituted, as LaTeX lines (a line per patch row
    of a 2-D output, at most :data:`MAX_PER_LINE` terms each), in display order."""
    op = exp.operation
    image_symbolic = op.image.values is None
    sig = op.image if image_symbolic else op.kernel
    order = sig.display_axes()
    form = sorted(exp.linear_form(at), key=lambda ci: tuple(ci[1][a] for a in order))
    parts = []
    rows = []
    for c, idx in form:
        if image_symbolic:
            atom = pixel_latex(exp, idx, style)
        elif op.kernel.entries:
            atom = entry_name(exp.entry_name(idx))
        else:
            atom = bracketed(style, array_name(style, op.kernel.name), [str(v) for v in idx])
        if op.conjugate and not image_symbolic:
            atom = rf"\overline{{{atom}}}"
        parts.append(coefficient_term(c, atom))
        rows.append(tuple(idx[a] for a in order[:-1]))
    if not parts:
        return ["0"]
    lines: list[str] = []
    start = 0
    for k in range(1, len(parts) + 1):
        if k == len(parts) or rows[k] != rows[start] or k - start == MAX_PER_LINE:
            text = ""
            for j in range(start, k):
                sign, body = parts[j]
                if j == start:
                    text = ("-" if sign == "-" else "") + body
                else:
                    text += f" {sign} {body}"
            lines.append(text)
            start = k
    return lines


def muted(style: Style, s: str) -> str:
    return style.textcolor("muted", s)


def output_terms(exp: Any, at: Sequence[int], style: Style, per_line: int | None = None
                 ) -> list[str]:
    """The products of ``y[at]`` in pixel display order, grouped into lines."""
    op = exp.operation
    terms = exp.terms(at)
    order = op.image.display_axes()
    terms.sort(key=lambda t: tuple(t.x[a] for a in order))
    prods = []
    rows: list[Any] = []
    for t in terms:
        e = entry_name(t.entry) if op.kernel.entries else bracketed(
            style, array_name(style, op.kernel.name), [str(v) for v in t.h])
        if op.conjugate:
            e = rf"\overline{{{e}}}"
        prods.append(pixel_latex(exp, t.x, style) + r"\," + e)
        rows.append(tuple(t.x[a] for a in order[:-1]))  # the patch row of the pixel
    if not prods:
        return ["0"]
    if per_line is None and len(exp.shape) > 1:
        # One line per row of the patch (a dilated patch's rows hold fewer products than
        # its width), at most MAX_PER_LINE products on a line.
        out: list[str] = []
        start = 0
        for k in range(1, len(prods) + 1):
            if k == len(prods) or rows[k] != rows[start] or k - start == MAX_PER_LINE:
                out.append(" + ".join(prods[start:k]))
                start = k
        return out
    n = per_line or max(1, min(len(prods), 4))
    return [" + ".join(prods[k:k + n]) for k in range(0, len(prods), n)]


def substituted_terms(exp: Any, at: Sequence[int], n_lines: int) -> list[str]:
    """The products of ``y[at]`` with their numbers (``3\\cdot(-1)``), in the order and
    on as many lines as :func:`output_terms` prints them."""
    op = exp.operation
    order = op.image.display_axes()
    pairs = sorted(zip(exp.terms(at), exp.term_values(at), strict=True),
                   key=lambda p: tuple(p[0].x[a] for a in order))
    prods = [f"{value_latex(x)}\\cdot {factor_latex(h)}" for _, (x, h) in pairs]
    if not prods:
        return []
    per = -(-len(prods) // max(n_lines, 1))
    return [" + ".join(prods[k:k + per]) for k in range(0, len(prods), per)]


def _continued(line: str) -> str:
    """A continuation line of a sum: ``+ ...`` unless it starts with its own minus."""
    return line if line.startswith("-") else "+ " + line


def output_equation(exp: Any, at: Sequence[int], style: Style) -> Aligned:
    """``y[at] = ...`` (one line per patch row) ``= value``, a row per line."""
    op = exp.operation
    lines = output_terms(exp, at, style)
    lhs = bracketed(style, array_name(style, op.output_name), [str(v) for v in at])
    value = exp.value(at) if exp.has_values else None  # that output's terms only
    rows: list[list[tuple[str, str]]] = [[(f"{lhs} ", f"= {lines[0]}")]]
    rows += [[("", f"\\quad + {ln}")] for ln in lines[1:]]
    if exp.substitutes and value is None:
        subs = substituted_lines(exp, at, style)
        rows.append([("", f"= {subs[0]}")])
        rows += [[("", f"\\quad {_continued(ln)}")] for ln in subs[1:]]
    if value is not None:
        # The substitution: the same products with their numbers, then the sum.
        subs = substituted_terms(exp, at, len(lines))
        if subs:
            rows.append([("", f"= {subs[0]}")])
            rows += [[("", f"\\quad + {ln}")] for ln in subs[1:]]
        left, right = rows[-1][-1]
        rows[-1][-1] = (left, f"{right} = {number(value)}")
    return Aligned(tuple(tuple(r) for r in rows))


def terms_equations(exp: Any, style: Style) -> Aligned:
    """Every output: ``y[m] = ... = value``, a row per output (continued over lines)."""
    op = exp.operation
    vals = exp.values().ravel() if exp.has_values else None
    rows = []
    for p, idx in enumerate(exp.indices()):
        lines = output_terms(exp, idx, style, per_line=6)
        lhs = bracketed(style, array_name(style, op.output_name), [str(v) for v in idx])
        row = [(f"{lhs} ", f"= {lines[0]}")] + [("", f"\\quad + {ln}") for ln in lines[1:]]
        if vals is not None:
            left, right = row[-1]
            row[-1] = (left, f"{right} = {number(vals[p])}")
        elif exp.substitutes:
            subs = substituted_lines(exp, idx, style)
            row += [("", f"= {subs[0]}")] + [("", f"\\quad {_continued(ln)}")
                                             for ln in subs[1:]]
        rows.append(tuple(row))
    return Aligned(tuple(rows))


#: Most rows of the side-by-side comparison table (longer outputs stay stacked only).
MAX_COMPARE_ROWS = 40


def comparison_table(block: Any, style: Style) -> tuple[str, str] | None:
    """The variants of a comparison side by side: one column per variant, one row per
    position of the output array (0-based, as each library returns it), each cell the
    output's index and, with values, its value.  Returns (the ``array``, its caption), or
    None when an output is longer than :data:`MAX_COMPARE_ROWS`."""
    cols = []
    for _, exp in block.rows:
        op = exp.operation
        vals = exp.values().ravel() if exp.has_values else None
        cells = []
        for p, idx in enumerate(exp.indices()):
            cell = bracketed(style, array_name(style, op.output_name), [str(v) for v in idx])
            cells.append(cell + (f" = {number(vals[p])}" if vals is not None else ""))
        cols.append(cells)
    n = max((len(c) for c in cols), default=0)
    if not n or n > MAX_COMPARE_ROWS:
        return None
    head = r"\text{position}" + "".join(rf" & \text{{({k})}}" for k in range(1, len(cols) + 1))
    rows = [head]
    for p in range(n):
        line = "".join(" & " + (c[p] if p < len(c) else "") for c in cols)
        rows.append((r"\hline " if p == 0 else "") + f"{p}{line}")
    table = (r"\begin{array}{r|" + "c" * len(cols) + "}\n" + ROW_SEP.join(rows)
             + "\n\\end{array}")
    legend = "; ".join(f"({k}) {label}" for k, (label, _) in enumerate(block.rows, start=1))
    caption = ("Side by side, by position in the output array (0-based, as each call returns "
               f"it): {legend}.")
    return table, caption


def _row_product(r: Any, style: Style, xs: str, hs: str) -> str:
    """A worked row's product with its numbers; an array without values shows its symbol
    (the pixel, or the kernel entry)."""
    xv, hv = r.values
    left = value_latex(xv, True) if xv is not None else \
        bracketed(style, xs, [str(v) for v in r.x])
    right = factor_latex(hv, True) if hv is not None else entry_name(r.entry or "")
    return f"{left}\\cdot {right}"


def worked_latex(tab: Any, style: Style) -> str:
    """Figures 4 and 7 as an ``array``: plugged in | solved | entry."""
    xs, hs = array_name(style, tab.image), array_name(style, tab.kernel)
    values = any(r.values for r in tab.rows)
    rows = [r"\text{pixel and kernel index} & \text{solved} & \text{entry}"
            + (r" & \text{product}" if values else "")]
    for r in tab.rows:
        left = bracketed(style, xs, [str(v) for v in r.x]) + r"\," + \
            bracketed(style, hs, [math_chars(p) for p in r.plugged])
        if r.h is None:
            right = bracketed(style, hs, [r"\text{--}"], colour=False)
        else:
            right = bracketed(style, hs, [str(v) for v in r.h])
        if r.valid:
            note = "= " + entry_name(r.entry or "")
            prod = (f" & {_row_product(r, style, xs, hs)}" if r.values else
                    " & " if values else "")
            rows.append(f"{left} & {right} & {note}{prod}")
        else:
            note = r"\times\ \text{" + INVALID_TEXT.get(r.reason, "invalid") + "}"
            rows.append(" & ".join(muted(style, c) for c in (left, right, note))
                        + (" & " if values else ""))
    cols = "l|lll" if values else "l|ll"
    return f"\\begin{{array}}{{{cols}}}\n" + ROW_SEP.join(rows) + "\n\\end{array}"


#: Products per line of the typeset duality table.
DUALITY_PER_LINE = 3


def duality_latex(tab: Any, style: Style) -> str:
    xs, g = array_name(style, tab.image), array_name(style, GRADIENT)
    ys = array_name(style, tab.output)

    def idx(base: str, v: Sequence[int]) -> str:
        return bracketed(style, base, [str(a) for a in v])

    def lines(lhs: str, products: list[str]) -> list[str]:
        """``lhs = p1 + p2 + p3``, then continuation lines of DUALITY_PER_LINE products
        (a 2-D output sums 9 products: one line would shrink the table to nothing)."""
        if not products:
            return [lhs + " = 0"]
        chunks = [products[k:k + DUALITY_PER_LINE]
                  for k in range(0, len(products), DUALITY_PER_LINE)]
        return [lhs + " = " + " + ".join(chunks[0])] + [
            r"\qquad {} + " + " + ".join(c) for c in chunks[1:]]

    left = [ln for m, items in tab.forward
            for ln in lines(idx(ys, m), [idx(xs, px) + r"\," + entry_name(e) for px, e in items])]
    right = [ln for px, items in tab.backward
             for ln in lines(rf"\partial L / \partial {idx(xs, px)}",
                             [idx(g, m) + r"\," + entry_name(e) for m, e in items])]
    n = max(len(left), len(right))
    left += [""] * (n - len(left))
    right += [""] * (n - len(right))
    head = r"\text{forward: each output} & \text{backward: each pixel, } " \
           rf"g = \partial L / \partial {ys}"
    rows = [head] + [f"{a} & {b}" for a, b in zip(left, right, strict=False)]
    return "\\begin{array}{l|l}\n" + ROW_SEP.join(rows) + "\n\\end{array}"


def matrix_latex(fig: Any, style: Style, transpose: bool = False) -> str:
    xs, ys = array_name(style, fig.image), array_name(style, fig.output)
    rows, cols, ent = fig.rows, fig.cols, fig.entries
    rname, cname = ys, xs
    if transpose:
        rows, cols = cols, rows
        ent = tuple(tuple(ent[r][c] for r in range(len(fig.rows))) for c in range(len(fig.cols)))
        rname, cname = array_name(style, GRADIENT), xs

    def cell(e: str | None) -> str:
        return muted(style, "0") if e is None else "+".join(entry_name(p) for p in e.split("+"))

    head = " & " + " & ".join(
        bracketed(style, cname if not transpose else rname, [str(v) for v in c]) for c in cols)
    body = [head] + [
        bracketed(style, rname if not transpose else cname, [str(v) for v in r]) + " & "
        + " & ".join(cell(e) for e in row) for r, row in zip(rows, ent, strict=False)]
    name = r"C^{\top}" if transpose else "C"
    lhs = (rf"\frac{{\partial L}}{{\partial {xs}}} = C^{{\top}} {rname},\quad "
           if transpose else rf"{ys} = C\,{xs},\quad ")
    return (f"{lhs}{name} = \\begin{{array}}{{r|{'c' * len(cols)}}}\n" + ROW_SEP.join(body)
            + "\n\\end{array}")



def matrix_view_latex(view: Any, style: Style) -> str:
    """A :class:`~symconv.expansion.figures.model.MatrixView` as ``lhs, M = [array]``: a
    header row of column indices, a column of row labels, rules between the blocks (the
    Toeplitz or circulant blocks of a 2-D operation), muted zeros."""
    x, h, y = (array_name(style, n) for n in view.arrays)
    name = "P" if view.form == "im2col" else "C"
    if view.form == "im2col":
        lhs = (rf"{y} = W P^{{\top}},\quad " if view.layer else
               rf"{y} = P\,\mathrm{{vec}}({h}),\quad ")
    else:
        lhs = rf"{y} = C\,{x},\quad "
    if view.transposed:
        lhs = (rf"\frac{{\partial L}}{{\partial {x}}} = C^{{\top}}"
               rf"{array_name(style, 'g')},\quad " if view.form != "im2col" else "")
        name += r"^{\top}"

    def atom(p: int) -> str:
        base, idx = view.atoms[p]
        if idx is None:
            s = entry_name(base)
        else:
            s = bracketed(style, array_name(style, base), [str(v) for v in idx], colour=False)
        return rf"\overline{{{s}}}" if view.conjugate else s

    def cell(ps: Sequence[int]) -> str:
        return muted(style, "0") if not ps else "+".join(atom(p) for p in ps)

    rname, cname = array_name(style, view.row_array), array_name(style, view.col_array)
    ends = set(view.col_blocks)
    spec = "r|" + "".join(("|" if c in ends else "") + "c" for c in range(len(view.cols)))
    head = rf"{cname}\rightarrow & " + " & ".join(",".join(map(str, c)) for c in view.cols)
    row_ends = set(view.row_blocks)
    body = head + " \\\\ \\hline\n"
    for r, (idx, row) in enumerate(zip(view.rows, view.cells, strict=True)):
        if r:
            body += " \\\\ \\hline\n" if r in row_ends else " \\\\\n"
        body += bracketed(style, rname, [str(v) for v in idx]) + " & " + \
            " & ".join(cell(ps) for ps in row)
    return (f"{lhs}{name} = \\left[\\begin{{array}}{{{spec}}}\n" + body
            + "\n\\end{array}\\right]")


class Typesetter(Dispatcher):
    """The typeset figure models as displays, one method per model class."""

    def __init__(self, style: Style) -> None:
        self.style = style

    def displays(self, model: Any) -> list[Display]:
        return list(self._dispatch("_print_", model))

    def _print_Equation(self, fig: Any) -> list[Display]:
        return [formula_latex(fig.expansion, self.style, annotate=True)]

    def _print_TermsFigure(self, fig: Any) -> list[Display]:
        if fig.at is not None:
            return [output_equation(fig.expansion, fig.at, self.style)]
        return [terms_equations(fig.expansion, self.style)]

    def _print_WorkedTable(self, tab: Any) -> list[Display]:
        # A tall table is set as several displays of at most MAX_TABLE_ROWS rows each.
        rows = tab.rows
        return [worked_latex(replace(tab, rows=rows[k:k + MAX_TABLE_ROWS]), self.style)
                for k in range(0, max(len(rows), 1), MAX_TABLE_ROWS)]

    def _print_DualityTable(self, tab: Any) -> list[Display]:
        return [duality_latex(tab, self.style)]

    def _print_MatrixFigure(self, fig: Any) -> list[Display]:
        return [matrix_latex(fig, self.style), matrix_latex(fig, self.style, transpose=True)]

    def _print_MatrixView(self, view: Any) -> list[Display]:
        return [matrix_view_latex(view, self.style)]


# -- MathJax (Markdown and Jupyter) ----------------------------------------
#: MathJax's text mode reads no commands: specials leave it as math symbols.
_MATHJAX_TEXT = {"\\": r"\backslash ", "{": r"\{", "}": r"\}", "$": r"\$", "&": r"\&",
                 "%": r"\%", "#": r"\#", "~": r"\sim ", "^": r"\hat{}"}


def mathjax_text(s: str) -> str:
    """Free text as MathJax math: ``\text{...}`` runs with every special set as a symbol
    between them (MathJax's ``\text`` has no ``\textbackslash``)."""
    out, run = [], ""
    for ch in s:
        if ch in _MATHJAX_TEXT:
            out.append(r"\text{" + run + "}" if run else "")
            out.append(_MATHJAX_TEXT[ch])
            run = ""
        else:
            run += ch
    out.append(r"\text{" + run + "}" if run else "")
    return "".join(out)


