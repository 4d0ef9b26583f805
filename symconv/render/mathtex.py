"""LaTeX math: the single source of symconv's notation (MathML and Markdown math come from
it).

``SymconvLatexPrinter`` is a :class:`sympy.printing.latex.LatexPrinter` that prints indices
as people write them (``\\mathbf{h}[m-i,n-j]``, not SymPy's ``h_{- i + m, - j + n}``),
keeps the kernel **h** (bold, an array) apart from its entry *h* (plain, a number), puts the
pixel before the kernel entry in a product, and colours the first index red and the second
green on request (the article's m and n).  :class:`Typesetter` turns the typeset figure
models (equations, the worked example, the duality, the matrix) into displays: strings of
math, or :class:`Aligned` rows that each format composes (an ``align*`` in documents, an
``array`` split over frames on slides) without reading LaTeX back.  Tables are ``array`` s,
which latex2mathml converts.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

from sympy.printing.latex import LatexPrinter

from ..expansion.figures.model import INVALID_WORDS
from ..index.notation import IMG_NAMES, OUT_NAMES, axis_names
from ..index.ops import OPERATIONS
from ..index.relation import AffineAxis, ChannelAxis
from . import palette
from .base import Dispatcher
from .tex import OPERATORS, ROW_SEP, Style, math_chars, math_name, textcolor

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


# -- the printer --------------------------------------------------------------------------
class SymconvLatexPrinter(LatexPrinter):
    """Indices as written, arrays bold, entries plain, pixel before kernel entry.

    >>> import sympy as sp
    >>> m, i = sp.symbols("m i")
    >>> SymconvLatexPrinter().doprint(sp.IndexedBase("h")[m - i])
    '\\\\mathbf{h}[m-i]'
    >>> SymconvLatexPrinter({"index_style": "subscripts", "bold": False}).doprint(
    ...     sp.IndexedBase("h")[m + i])
    'h_{m+i}'
    """

    _default_settings = {
        **LatexPrinter._default_settings,
        "bold": True,
        "index_style": "brackets",
        "colour_indices": False,
        "colours": {"m": palette.latex_name("m"), "n": palette.latex_name("n")},
        #: names of the image and kernel: products print image, kernel, entries in order.
        "image": "x",
        "kernel": "h",
        #: axes in display order, slowest first: sums of products print pixels in it.
        "display_axes": None,
    }

    # names
    def _print_IndexedBase(self, expr: Any) -> str:
        name = math_name(str(expr.label))
        return rf"\mathbf{{{name}}}" if self._settings["bold"] else name

    def _print_Entry(self, expr: Any) -> str:
        # A kernel entry is a number: plain italic, never bold, even when named like h.
        name = math_name(expr.name)
        return name if len(expr.name) == 1 else rf"\mathit{{{name}}}"

    def _print_Symbol(self, expr: Any, style: str = "plain") -> str:
        if type(expr).__name__ == "Entry":
            return self._print_Entry(expr)
        return super()._print_Symbol(expr, style)

    # indices
    def _print_Indexed(self, expr: Any) -> str:
        base = self._print(expr.base)
        parts = [self._index(v, a) for a, v in enumerate(expr.indices)]
        if self._settings["index_style"] == "subscripts":
            return f"{base}_{{{','.join(parts)}}}"
        return f"{base}[{','.join(parts)}]"

    def _index(self, v: Any, axis: int) -> str:
        body = self._print(v)
        if self._settings["colour_indices"] and axis < len(palette.INDEX_ROLES):
            role = palette.INDEX_ROLES[axis]
            return textcolor(self._settings["colours"][role], body)
        return body

    # sums of index terms in the written order; sums of products in pixel order
    def _print_Add(self, expr: Any, order: Any = None) -> str:
        terms = list(expr.args)
        pix = [self._pixel_key(t) for t in terms]
        if all(k is not None for k in pix):
            keyed = [(k, t) for k, t in zip(pix, terms, strict=True) if k is not None]
            terms = [t for _, t in sorted(keyed, key=lambda p: p[0])]
        else:
            terms.sort(key=self._written_key)
        out = ""
        for t in terms:
            s = self._print(t)
            if not out:
                out = s
            elif s.startswith("-"):
                out += s
            else:
                out += "+" + s if len(terms) <= 3 and not pix[0] else " + " + s
        return out

    def _written_key(self, t: Any) -> tuple[int, int, int, str]:
        # Letters before the constant; positive before negative; output letters first.
        coeff, rest = t.as_coeff_Mul()
        neg = 1 if coeff < 0 else 0
        if rest == 1:
            return (1, neg, 0, "")
        name = str(rest)
        cat = 0 if name in OUT_NAMES else 1 if name in IMG_NAMES else 2
        return (0, neg, cat, name)

    def _pixel_key(self, t: Any) -> tuple[int, ...] | None:
        from sympy import Indexed

        for f in (t.args if t.is_Mul else (t,)):
            if isinstance(f, Indexed) and str(f.base.label) == self._settings["image"]:
                idx = [int(v) for v in f.indices]
                order = self._settings["display_axes"] or tuple(range(len(idx)))
                return tuple(idx[a] for a in order)
        return None

    def _print_Mul(self, expr: Any) -> str:
        from sympy import Indexed, Rational

        coeff, rest = expr.as_coeff_Mul()
        factors = list(rest.args) if rest.is_Mul else [rest]

        def rank(f: Any) -> int:
            if isinstance(f, Indexed):
                label = str(f.base.label)
                return 0 if label == self._settings["image"] else \
                    1 if label == self._settings["kernel"] else 2
            return 3 if type(f).__name__ == "Entry" else 4

        factors.sort(key=rank)
        body = r"\,".join(self._paren(f) for f in factors)
        if isinstance(coeff, Rational) and coeff.q != 1 and len(factors) == 1:
            body = self._print(factors[0])  # the fraction bar groups it
        if isinstance(coeff, Rational) and coeff.q != 1:
            num = abs(coeff.p)
            top = body if num == 1 else f"{num} {body}"
            return ("-" if coeff < 0 else "") + rf"\frac{{{top}}}{{{coeff.q}}}"
        if coeff == 1:
            return body
        if coeff == -1:
            return "-" + body
        return self._print(coeff) + ("" if factors and factors[0].is_Symbol else " ") + body

    def _paren(self, f: Any) -> str:
        s = self._print(f)
        return rf"\left({s}\right)" if f.is_Add else s

    def _print_Sum(self, expr: Any) -> str:
        # Nested sums, the last limit outermost: the article's sum_j sum_i.
        out = ""
        for var, lo, hi in reversed(expr.limits):
            out += rf"\sum_{{{self._print(var)}={self._print(lo)}}}^{{{self._print(hi)}}} "
        return out + self._print(expr.function)

    def _print_conjugate(self, expr: Any) -> str:
        return rf"\overline{{{self._print(expr.args[0])}}}"


def make_printer(exp: Any, style: Style) -> SymconvLatexPrinter:
    op = exp.operation
    return SymconvLatexPrinter({
        "bold": style.bold, "index_style": style.index_style,
        "colour_indices": style.colour_indices,
        "colours": {"m": style.colour("m"), "n": style.colour("n")},
        "image": op.image.name, "kernel": op.kernel.name,
        "display_axes": op.image.display_axes(),
    })


# -- notation built from the relation -----------------------------------------------------
def sympy_module() -> Any:
    import sympy

    return sympy


def kernel_index_expr(f: AffineAxis, m: Any, i: Any) -> Any:
    """``k = sigma*(i - s*m - c)/d`` as SymPy (``m``/``i`` symbols or integers)."""
    sp = sympy_module()
    num = f.sigma * (i - f.stride * m - f.offset)
    if f.dilation == 1:
        return num
    # Unevaluated, so that it prints over the dilation: (2m-i)/2, not m - i/2.
    return sp.Mul(sp.Rational(1, f.dilation), num, evaluate=False)



# -- notation built from the relation ---
#: The roles named under the equation (the article's figure 1).
ROLE_WORDS = {"output": "output", "image": "image", "kernel": "kernel"}


def underbrace(body: str, word: str) -> str:
    return rf"\underbrace{{{body}}}_{{\text{{{word}}}}}"


def formula_latex(exp: Any, style: Style, annotate: bool = False) -> str:
    """``y[m,n] = (x * h)[m,n] = \\sum_j \\sum_i x[i,j] h[m-i,n-j]``."""
    sp = sympy_module()
    op = exp.operation
    facs = exp.relation.factors
    outs, imgs = axis_names(facs)
    M = [sp.Symbol(v) for v in outs]
    Ii = [sp.Symbol(v) for v in imgs]
    kidx: list[Any] = []
    for f, m, i in zip(facs, M, Ii, strict=False):
        if isinstance(f, ChannelAxis):
            kidx.append(m)
            if f.groups == 1:
                kidx.append(i)
            else:
                per = f.out_channels // f.groups
                kidx.append(i - f.taps * (m if per == 1 else sp.floor(m / per)))
        else:
            kidx.append(kernel_index_expr(f, m, i))
    x, h, y = (sp.IndexedBase(n) for n in (op.image.name, op.kernel.name, op.output_name))
    hk = h[tuple(kidx)]
    if op.conjugate:
        hk = sp.conjugate(hk)
    limits = [(i, -sp.oo, sp.oo) for i in Ii]
    p = make_printer(exp, style)
    xi, hk_s = p._print(x[tuple(Ii)]), p._print(hk)
    if annotate:
        xi, hk_s = underbrace(xi, ROLE_WORDS["image"]), underbrace(hk_s, ROLE_WORDS["kernel"])
    summand = xi + r"\," + hk_s
    # {-\infty}: a signed infinity, so MathML does not space it as a binary minus.
    sums = "".join(rf"\sum_{{{p._print(i)}={{-\infty}}}}^{{\infty}} " for i, *_ in
                   reversed(limits))
    lhs = p._print(y[tuple(M)])
    sym = OPERATORS[style.operator] if (style.operator and op.op == "conv") else \
        OPERATIONS[op.op].operator
    spec = OPERATIONS[op.op]
    at = ",".join(p._index(-sp.Symbol(v) if spec.reflect else sp.Symbol(v), a)
                  for a, v in enumerate(outs))
    xs, hs = p._print(x), p._print(h)
    mid = rf"({xs} {sym} {hs})[{at}]"
    if spec.reflect:
        mid = rf"({xs} {spec.operator} {hs})[{at}]"
    if annotate:
        lhs = underbrace(lhs, ROLE_WORDS["output"])
    return f"{lhs} = {mid} = {sums}{summand}"


def pixel_latex(exp: Any, idx: Sequence[int], style: Style, role_colours: bool = True) -> str:
    sp = sympy_module()
    p = make_printer(exp, style if role_colours else replace(style, colour_indices=False))
    return p._print(sp.IndexedBase(exp.operation.image.name)[tuple(idx)])


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
    if isinstance(v, complex) or getattr(v, "imag", False):
        c = complex(v)
        return f"{number(c.real)}{'+' if c.imag >= 0 else '-'}{number(abs(c.imag))}i"
    f = float(v)
    s = str(int(f)) if f.is_integer() else repr(f)
    # Braced, a negative value reads as a signed number after "=" (no binary-minus space).
    return "{" + s + "}" if s.startswith("-") else s


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


def output_equation(exp: Any, at: Sequence[int], style: Style) -> Aligned:
    """``y[at] = ...`` (one line per patch row) ``= value``, a row per line."""
    op = exp.operation
    lines = output_terms(exp, at, style)
    lhs = bracketed(style, array_name(style, op.output_name), [str(v) for v in at])
    value = exp.value(at) if exp.has_values else None  # that output's terms only
    rows: list[list[tuple[str, str]]] = [[(f"{lhs} ", f"= {lines[0]}")]]
    rows += [[("", f"\\quad + {ln}")] for ln in lines[1:]]
    if value is not None:
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


def worked_latex(tab: Any, style: Style) -> str:
    """Figures 4 and 7 as an ``array``: plugged in | solved | entry."""
    xs, hs = array_name(style, tab.image), array_name(style, tab.kernel)
    rows = [r"\text{pixel and kernel index} & \text{solved} & \text{entry}"]
    for r in tab.rows:
        left = bracketed(style, xs, [str(v) for v in r.x]) + r"\," + \
            bracketed(style, hs, [math_chars(p) for p in r.plugged])
        if r.h is None:
            right = bracketed(style, hs, [r"\text{--}"], colour=False)
        else:
            right = bracketed(style, hs, [str(v) for v in r.h])
        if r.valid:
            note = "= " + entry_name(r.entry or "")
            rows.append(f"{left} & {right} & {note}")
        else:
            note = r"\times\ \text{" + INVALID_TEXT.get(r.reason, "invalid") + "}"
            rows.append(" & ".join(muted(style, c) for c in (left, right, note)))
    return "\\begin{array}{l|ll}\n" + ROW_SEP.join(rows) + "\n\\end{array}"


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
    name = r"C^{\mathsf{T}}" if transpose else "C"
    lhs = (rf"\frac{{\partial L}}{{\partial {xs}}} = C^{{\mathsf{{T}}}} {rname},\quad "
           if transpose else rf"{ys} = C\,{xs},\quad ")
    return (f"{lhs}{name} = \\begin{{array}}{{r|{'c' * len(cols)}}}\n" + ROW_SEP.join(body)
            + "\n\\end{array}")




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


