"""LaTeX: the single source of symconv's notation (MathML and Markdown math come from it).

``SymconvLatexPrinter`` is a :class:`sympy.printing.latex.LatexPrinter` that prints indices
as people write them (``\\mathbf{h}[m-i,n-j]``, not SymPy's ``h_{- i + m, - j + n}``),
keeps the kernel **h** (bold, an array) apart from its entry *h* (plain, a number), puts the
pixel before the kernel entry in a product, and colours the first index red and the second
green on request (the article's m and n).

Documents use only packages of TeX Live's base, recommended and pictures sets
(:data:`PACKAGES`) and never need shell escape.  Tables (the worked example, the duality,
the matrix) are ``array`` s, which latex2mathml converts; drawings are TikZ
(:mod:`symconv.render.tikz`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import IO, Any

from sympy.printing.latex import LatexPrinter

from ..errors import InputError
from ..expansion.figures import INVALID_WORDS
from ..index.notation import IMG_NAMES, OUT_NAMES, axis_names
from ..index.ops import OPERATIONS
from ..index.relation import AffineAxis, ChannelAxis
from . import palette
from .facts import check_dict, check_title

# -- named fragments ----------------------------------------------------------------------
#: Packages every document loads, with the TeX Live collection each comes from.
PACKAGES = (
    ("fontenc", "T1", "base"), ("lmodern", "", "fonts (lm, recommended)"),
    ("amsmath", "", "base"), ("amssymb", "", "base (amsfonts)"), ("xcolor", "", "recommended"),
    ("graphicx", "", "base (graphics)"), ("array", "", "base (tools)"),
    ("tikz", "", "pictures (pgf)"), ("geometry", "margin=2cm", "recommended"),
)
#: The document classes and their TeX Live collections.
CLASS_SOURCES = {"article": "base", "beamer": "recommended: latex-beamer"}
#: Packages beamer loads itself (xcolor, graphicx) or must not get (geometry: its own page).
BEAMER_SKIPS = ("geometry", "xcolor", "graphicx")
#: Packages a fragment (``\\input``) needs from the including document.
FRAGMENT_PACKAGES = ("amsmath", "amssymb", "xcolor", "graphicx", "tikz")
#: Binary operator of each operation (``operator=`` overrides convolution's).
OPERATORS = {"*": "*", "star": r"\star", "circledast": r"\circledast", "otimes": r"\otimes",
             r"\star": r"\star", r"\circledast": r"\circledast", r"\otimes": r"\otimes"}
INDEX_STYLES = ("brackets", "subscripts")
#: A display equation shrunk to the line width when it is wider (graphicx only).
FIT_MACRO = (r"\providecommand{\symconvfit}[1]{\resizebox{\ifdim\width>\linewidth"
             r"\linewidth\else\width\fi}{!}{$\displaystyle #1$}}")
#: A drawing shrunk to the line width when it is wider (a large image's boxes, a matrix).
FIT_PICTURE = r"\resizebox{\ifdim\width>\linewidth\linewidth\else\width\fi}{!}"
#: What a worked-example row says when it is invalid (the drawn table says the same).
INVALID_TEXT = INVALID_WORDS
#: LaTeX specials in free text and their escapes.
TEXT_ESCAPES = {"\\": r"\textbackslash{}", "{": r"\{", "}": r"\}", "$": r"\$", "&": r"\&",
                "%": r"\%", "#": r"\#", "_": r"\_", "^": r"\textasciicircum{}",
                "~": r"\textasciitilde{}", "<": r"\textless{}", ">": r"\textgreater{}",
                "\u00b7": r"\textperiodcentered{}", "\u2212": "-",
                "\u00d7": r"$\times$", "\u2013": "--"}
#: Characters of the notation's plain strings (``1-0``, ``2\u00b71``) in math.
MATH_CHARS = {"\u00b7": r"\cdot ", "\u2212": "-", "\u2013": r"\text{--}"}
VERDICT_WORDS = {"proved": "proved", "refuted": "refuted"}
ROW_SEP = " \\\\\n"
#: Most products on one line of an output's equation (a 5x5 kernel's row fits the page).
MAX_PER_LINE = 5
#: Most rows of one worked-example display (a taller array runs off the page: split it).
MAX_TABLE_ROWS = 36
#: The upstream gradient dL/dy in the duality and matrix figures.
GRADIENT = "g"


@dataclass(frozen=True)
class Style:
    """How notation prints.  ``colours`` maps palette roles to colour names (LaTeX names
    by default; Markdown passes names that MathJax knows)."""

    bold: bool = True
    index_style: str = "brackets"
    colour_indices: bool = True
    operator: str | None = None
    colours: dict[str, str] = field(default_factory=lambda: {
        r: palette.latex_name(r) for r in palette.COLOURS})
    #: rows of the worked example: ``window`` (default) or ``article``.
    subset: str = "window"

    def colour(self, role: str) -> str:
        return self.colours[role]


#: Keyword options the renderers accept (anything else is refused, as SymPy's printers do).
STYLE_OPTIONS = ("bold", "index_style", "colour_indices", "operator", "subset")


def style_from(options: dict[str, Any], base: Style | None = None) -> Style:
    st = base or Style()
    kw = {k: options[k] for k in STYLE_OPTIONS if k in options}
    if "subset" in kw and kw["subset"] not in ("window", "article"):
        raise InputError(f"bad subset {kw['subset']!r}: use window or article")
    if "index_style" in kw and kw["index_style"] not in INDEX_STYLES:
        raise InputError(f"bad index_style {kw['index_style']!r}: use "
                         f"{', '.join(INDEX_STYLES)}")
    if kw.get("operator") is not None and kw["operator"] not in OPERATORS:
        raise InputError(f"bad operator {kw['operator']!r}: use *, star, circledast, otimes")
    return replace(st, **kw)


# -- escaping -----------------------------------------------------------------------------
def escape_text(s: str) -> str:
    """Free text for LaTeX text mode: every special escaped, and no ligatures: ``--`` stays
    two hyphens (an option such as ``--scope``), not an en dash."""
    out = "".join(TEXT_ESCAPES.get(ch, ch) for ch in s)
    while "--" in out:
        out = out.replace("--", "-{}-")
    return out


def breakable(escaped: str) -> str:
    """Escaped text whose long code-like runs (``torch.nn.functional.conv1d(x,``) may break
    after a dot, a comma, an opening parenthesis or a slash instead of running into the
    margin."""
    return re.sub(r"((?<!\d)\.(?=[A-Za-z_])|[,(/](?=[^\s)]))", r"\1\\allowbreak{}", escaped)


def math_name(name: str) -> str:
    """A validated name (letters, digits, ``_``) for math mode."""
    return name.replace("_", r"\_")


def math_chars(s: str) -> str:
    return "".join(MATH_CHARS.get(ch, ch) for ch in s)


def text_with_math(s: str) -> str:
    """A paragraph whose ``$...$`` spans are math (passed through) and the rest text."""
    parts = s.split("$")
    if len(parts) % 2 == 0:  # unbalanced: all text
        return escape_text(s)
    return "".join(escape_text(p) if k % 2 == 0 else f"${p}$" for k, p in enumerate(parts))


def split_math(s: str) -> list[tuple[bool, str]]:
    """(is_math, piece) of a paragraph with ``$...$`` spans."""
    parts = s.split("$")
    if len(parts) % 2 == 0:
        return [(False, s)]
    return [(k % 2 == 1, p) for k, p in enumerate(parts) if p]


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
            return rf"\textcolor{{{self._settings['colours'][role]}}}{{{body}}}"
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
def _sp() -> Any:
    import sympy

    return sympy


def kernel_index_expr(f: AffineAxis, m: Any, i: Any) -> Any:
    """``k = sigma*(i - s*m - c)/d`` as SymPy (``m``/``i`` symbols or integers)."""
    sp = _sp()
    num = f.sigma * (i - f.stride * m - f.offset)
    if f.dilation == 1:
        return num
    # Unevaluated, so that it prints over the dilation: (2m-i)/2, not m - i/2.
    return sp.Mul(sp.Rational(1, f.dilation), num, evaluate=False)


#: The roles named under the equation (the article's figure 1).
ROLE_WORDS = {"output": "output", "image": "image", "kernel": "kernel"}


def _under(body: str, word: str) -> str:
    return rf"\underbrace{{{body}}}_{{\text{{{word}}}}}"


def formula_latex(exp: Any, style: Style, annotate: bool = False) -> str:
    """``y[m,n] = (x * h)[m,n] = \\sum_j \\sum_i x[i,j] h[m-i,n-j]``."""
    sp = _sp()
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
        xi, hk_s = _under(xi, ROLE_WORDS["image"]), _under(hk_s, ROLE_WORDS["kernel"])
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
        lhs = _under(lhs, ROLE_WORDS["output"])
    return f"{lhs} = {mid} = {sums}{summand}"


def pixel_latex(exp: Any, idx: Sequence[int], style: Style, role_colours: bool = True) -> str:
    sp = _sp()
    p = make_printer(exp, style if role_colours else replace(style, colour_indices=False))
    return p._print(sp.IndexedBase(exp.operation.image.name)[tuple(idx)])


def _name(style: Style, name: str) -> str:
    n = math_name(name)
    return rf"\mathbf{{{n}}}" if style.bold else n


def _entry(name: str) -> str:
    n = math_name(name)
    return n if len(name) == 1 else rf"\mathit{{{n}}}"


def _bracket(style: Style, base: str, parts: Sequence[str], colour: bool = True) -> str:
    cols = [rf"\textcolor{{{style.colour(palette.INDEX_ROLES[a])}}}{{{v}}}"
            if colour and style.colour_indices and a < 2 else v for a, v in enumerate(parts)]
    if style.index_style == "subscripts":
        return f"{base}_{{{','.join(cols)}}}"
    return f"{base}[{','.join(cols)}]"


def _num(v: Any) -> str:
    if isinstance(v, complex) or getattr(v, "imag", False):
        c = complex(v)
        return f"{_num(c.real)}{'+' if c.imag >= 0 else '-'}{_num(abs(c.imag))}i"
    f = float(v)
    s = str(int(f)) if f.is_integer() else repr(f)
    # Braced, a negative value reads as a signed number after "=" (no binary-minus space).
    return "{" + s + "}" if s.startswith("-") else s


def _muted(style: Style, s: str) -> str:
    return rf"\textcolor{{{style.colour('muted')}}}{{{s}}}"


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
        e = _entry(t.entry) if op.kernel.entries else _bracket(
            style, _name(style, op.kernel.name), [str(v) for v in t.h])
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


def output_equation(exp: Any, at: Sequence[int], style: Style) -> str:
    """``align*`` of ``y[at] = ...`` (one line per patch row) ``= value``."""
    op = exp.operation
    lines = output_terms(exp, at, style)
    lhs = _bracket(style, _name(style, op.output_name), [str(v) for v in at])
    value = exp.value(at) if exp.has_values else None  # that output's terms only
    body = [f"{lhs} &= {lines[0]}"] + [f"&\\quad + {ln}" for ln in lines[1:]]
    if value is not None:
        body[-1] += f" = {_num(value)}"
    return "\\begin{align*}\n" + ROW_SEP.join(body) + "\n\\end{align*}"


def terms_equations(exp: Any, style: Style) -> str:
    """Every output: ``y[m] = ... = value`` in one ``align*``."""
    op = exp.operation
    vals = exp.values().ravel() if exp.has_values else None
    body = []
    for p, idx in enumerate(exp.indices()):
        lines = output_terms(exp, idx, style, per_line=6)
        lhs = _bracket(style, _name(style, op.output_name), [str(v) for v in idx])
        row = f"{lhs} &= " + (r"\\ &\quad + ".join(lines))
        if vals is not None:
            row += f" = {_num(vals[p])}"
        body.append(row)
    return "\\begin{align*}\n" + ROW_SEP.join(body) + "\n\\end{align*}"


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
            cell = _bracket(style, _name(style, op.output_name), [str(v) for v in idx])
            cells.append(cell + (f" = {_num(vals[p])}" if vals is not None else ""))
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
    xs, hs = _name(style, tab.image), _name(style, tab.kernel)
    rows = [r"\text{pixel and kernel index} & \text{solved} & \text{entry}"]
    for r in tab.rows:
        left = _bracket(style, xs, [str(v) for v in r.x]) + r"\," + \
            _bracket(style, hs, [math_chars(p) for p in r.plugged])
        if r.h is None:
            right = _bracket(style, hs, [r"\text{--}"], colour=False)
        else:
            right = _bracket(style, hs, [str(v) for v in r.h])
        if r.valid:
            note = "= " + _entry(r.entry or "")
            rows.append(f"{left} & {right} & {note}")
        else:
            note = r"\times\ \text{" + INVALID_TEXT.get(r.reason, "invalid") + "}"
            rows.append(" & ".join(_muted(style, c) for c in (left, right, note)))
    return "\\begin{array}{l|ll}\n" + ROW_SEP.join(rows) + "\n\\end{array}"


#: Products per line of the typeset duality table.
DUALITY_PER_LINE = 3


def duality_latex(tab: Any, style: Style) -> str:
    xs, g = _name(style, tab.image), _name(style, GRADIENT)
    ys = _name(style, tab.output)

    def idx(base: str, v: Sequence[int]) -> str:
        return _bracket(style, base, [str(a) for a in v])

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
            for ln in lines(idx(ys, m), [idx(xs, px) + r"\," + _entry(e) for px, e in items])]
    right = [ln for px, items in tab.backward
             for ln in lines(rf"\partial L / \partial {idx(xs, px)}",
                             [idx(g, m) + r"\," + _entry(e) for m, e in items])]
    n = max(len(left), len(right))
    left += [""] * (n - len(left))
    right += [""] * (n - len(right))
    head = r"\text{forward: each output} & \text{backward: each pixel, } " \
           rf"g = \partial L / \partial {ys}"
    rows = [head] + [f"{a} & {b}" for a, b in zip(left, right, strict=False)]
    return "\\begin{array}{l|l}\n" + ROW_SEP.join(rows) + "\n\\end{array}"


def matrix_latex(fig: Any, style: Style, transpose: bool = False) -> str:
    xs, ys = _name(style, fig.image), _name(style, fig.output)
    rows, cols, ent = fig.rows, fig.cols, fig.entries
    rname, cname = ys, xs
    if transpose:
        rows, cols = cols, rows
        ent = tuple(tuple(ent[r][c] for r in range(len(fig.rows))) for c in range(len(fig.cols)))
        rname, cname = _name(style, GRADIENT), xs

    def cell(e: str | None) -> str:
        return _muted(style, "0") if e is None else "+".join(_entry(p) for p in e.split("+"))

    head = " & " + " & ".join(
        _bracket(style, cname if not transpose else rname, [str(v) for v in c]) for c in cols)
    body = [head] + [
        _bracket(style, rname if not transpose else cname, [str(v) for v in r]) + " & "
        + " & ".join(cell(e) for e in row) for r, row in zip(rows, ent, strict=False)]
    name = r"C^{\mathsf{T}}" if transpose else "C"
    lhs = (rf"\frac{{\partial L}}{{\partial {xs}}} = C^{{\mathsf{{T}}}} {rname},\quad "
           if transpose else rf"{ys} = C\,{xs},\quad ")
    return (f"{lhs}{name} = \\begin{{array}}{{r|{'c' * len(cols)}}}\n" + ROW_SEP.join(body)
            + "\n\\end{array}")


# -- blocks -------------------------------------------------------------------------------
#: Figures drawn (TikZ/SVG) and figures typeset (arrays), by the name documents use.
DRAWN = ("kernel", "image", "corner", "drawing", "boxes", "output-map", "worked-drawn",
         "worked-article-drawn", "duality-drawn", "matrix-drawn")
TYPESET = ("equation", "worked", "worked-article", "duality", "matrix", "terms")


def figure_model(name: str, exp: Any, at: Sequence[int] | None, subset: str = "window"
                 ) -> Any:
    """The format-independent model of figure ``name`` (see :mod:`symconv.figures`)."""
    from ..expansion import figures as F

    need_at = ("worked", "worked-article", "drawing", "boxes", "worked-drawn",
               "worked-article-drawn")
    if name in need_at and at is None:
        raise InputError(f"figure {name!r} needs an output index (at)")
    builders = {
        "kernel": lambda: F.kernel_grid(exp),
        "image": lambda: F.image_grid(exp),
        "corner": lambda: F.image_corner(exp),
        "drawing": lambda: F.drawing(exp, at),  # type: ignore[arg-type]
        "boxes": lambda: F.boxes(exp, at),  # type: ignore[arg-type]
        "output-map": lambda: F.output_map(exp, at),
        "worked": lambda: F.worked_table(exp, at, subset),  # type: ignore[arg-type]
        "worked-article": lambda: F.worked_table(exp, at, "article"),  # type: ignore[arg-type]
        "duality": lambda: F.duality(exp),
        "matrix": lambda: F.matrix(exp),
        "worked-drawn": lambda: F.worked_drawing(exp, at, subset),  # type: ignore[arg-type]
        "worked-article-drawn": lambda: F.worked_drawing(exp, at,  # type: ignore[arg-type]
                                                         "article"),
        "duality-drawn": lambda: F.duality_drawing(exp),
        "matrix-drawn": lambda: F.matrix_drawing(exp),
    }
    if name not in builders:
        raise InputError(f"unknown figure {name!r}")
    return builders[name]()


def typeset(name: str, exp: Any, at: Sequence[int] | None, style: Style) -> list[str]:
    """Math (no surrounding ``$``/``\\[``) for a typeset figure: one or more displays."""
    if name == "equation":
        return [formula_latex(exp, style, annotate=True)]
    if name == "terms":
        if at is not None:
            return [output_equation(exp, at, style)]
        return [terms_equations(exp, style)]
    model = figure_model(name, exp, at, style.subset)
    if name in ("worked", "worked-article"):
        # A tall table is set as several displays of at most MAX_TABLE_ROWS rows each.
        rows = model.rows
        return [worked_latex(replace(model, rows=rows[k:k + MAX_TABLE_ROWS]), style)
                for k in range(0, max(len(rows), 1), MAX_TABLE_ROWS)]
    if name == "duality":
        return [duality_latex(model, style)]
    if name == "matrix":
        return [matrix_latex(model, style), matrix_latex(model, style, transpose=True)]
    raise InputError(f"figure {name!r} is drawn, not typeset")


def figure_caption(name: str, exp: Any, at: Sequence[int] | None, subset: str = "window"
                   ) -> str:
    if name == "equation":

        op = exp.operation
        return (f"The {OPERATIONS[op.op].title} as an index formula: the output "
                f"{op.output_name}, the image {op.image.name}, the kernel {op.kernel.name}.")
    if name == "terms":
        return ("Every output, term by term." if at is None else
                "The output, one line per row of the patch.")
    return str(figure_model(name, exp, at, subset).caption)


def default_figures(exp: Any, at: Sequence[int] | None) -> tuple[str, ...]:
    """What ``expand`` shows without a document: the equation, then the worked example."""
    spatial = all(isinstance(f, AffineAxis) for f in exp.relation.factors) and \
        len(exp.shape) <= 2
    if at is None:
        return ("equation", "terms") if exp.relation.term_count() <= 400 else ("equation",)
    figs = ["equation", "terms", "worked"]
    if spatial:
        figs += ["drawing", "boxes"]
    return tuple(figs)


class LatexWriter:
    """Writes blocks as LaTeX body text (shared by the document and the fragment)."""

    def __init__(self, stream: IO[str], style: Style) -> None:
        self.w = stream.write
        self.style = style

    def display(self, math: str) -> None:
        if math.startswith("\\begin{align*}"):
            self.w(math + "\n")
        else:
            self.w("\\[\n\\symconvfit{" + math + "}\n\\]\n")

    def caption(self, text: str) -> None:
        self.w("\\begin{center}\\small " + escape_text(text) + "\\end{center}\n")

    def expansion(self, exp: Any, at: Sequence[int] | None, figures: Iterable[str],
                  title: str = "") -> None:
        from . import tikz

        if title:
            self.w(f"\\subsection*{{{escape_text(title)}}}\n")
        for name in figures:
            try:
                if name in DRAWN:
                    model = figure_model(name, exp, at, self.style.subset)
                    self.w("\\begin{center}\n" + FIT_PICTURE + "{%\n")
                    self.w(tikz.tikz_drawing(model, self.style))
                    self.w("}\n\\end{center}\n")
                    self.caption(model.caption)
                    continue
                for math in typeset(name, exp, at, self.style):
                    self.display(math)
                self.caption(figure_caption(name, exp, at, self.style.subset))
            except InputError as exc:
                self.w(f"\\par\\emph{{{escape_text(f'({name}: {exc})')}}}\\par\n")

    def derivation(self, d: Any) -> None:
        self.w(f"\\subsection*{{{escape_text(d.title)}}}\n")
        self.w("\\textbf{Claim.}\n")
        self.display(d.claim_latex)
        self.w(f"\\noindent\\textbf{{Verdict:}} {VERDICT_WORDS[d.verdict]}, "
               f"\\textbf{{scope:}} {escape_text(d.scope)}.\n")
        self.w("\\begin{enumerate}\n")
        for s in d.steps:
            self.w("\\item " + escape_text(s.why) + "\n")
            self.display(s.latex)
        self.w("\\end{enumerate}\n")
        if d.counterexample is not None:
            import json

            self.w("\\paragraph{Counterexample.}\n\\begin{itemize}\n")
            for k, v in d.counterexample.items():
                self.w(f"\\item {escape_text(str(k))}: "
                       f"{escape_text(json.dumps(v, ensure_ascii=False))}\n")
            self.w("\\end{itemize}\n")
        for note in d.notes:
            self.w("\\par\\emph{Note:} " + escape_text(note) + "\\par\n")

    def check(self, data: Any, source: str = "") -> None:
        d = check_dict(data)
        self.w("\\begin{description}\n")
        for label, value in check_facts(d, source):
            self.w(f"\\item[{escape_text(label)}] {breakable(escape_text(value))}\n")
        self.w("\\end{description}\n")

    def comparison(self, block: Any) -> None:
        if block.title:
            self.w(f"\\subsection*{{{escape_text(block.title)}}}\n")
        for label, exp in block.rows:
            self.w("\\paragraph{" + escape_text(label) + "}\n")
            self.display(terms_equations(exp, self.style))
        side = comparison_table(block, self.style)
        if side is not None:
            self.display(side[0])
            self.caption(side[1])

    def paragraph(self, text: str) -> None:
        self.w(text_with_math(text) + "\n\n")

    def heading(self, text: str, level: int) -> None:
        cmd = "section" if level <= 1 else "subsection"
        self.w(f"\\{cmd}*{{{escape_text(text)}}}\n")

    def blocks(self, blocks: Iterable[Any]) -> None:
        from ..document.blocks import visit

        visit(blocks, self)


def check_facts(d: dict[str, Any], source: str = "") -> list[tuple[str, str]]:
    """The checker's result as (label, sentence) pairs, for every format."""
    from .facts import KIND_TITLES, extra_facts, more_facts

    facts: list[tuple[str, str]] = []
    if d.get("function") is None and (source or d.get("formula")):
        facts.append(("formula", source or d["formula"]))  # an identification has none
    facts += extra_facts(d)
    facts.append(("kind", f"{d['kind']}: {KIND_TITLES.get(d['kind'], d['kind'])}"))
    facts.append(("flipped", "yes, along every spatial axis" if d.get("flipped") else
                  ("along " + ", ".join(d["flipped_axes"]) + " only")
                  if d.get("flipped_axes") else "no"))
    facts.append(("normal form", str(d.get("normal_form", ""))))
    out_idx = ", ".join(a.get("output_index", "") for a in d.get("axes", []))
    facts.append(("equivalent", f"{d.get('output', 'y')}[{out_idx}] = {d.get('equivalent')}"))
    for a in d.get("axes", []):
        facts.append((f"axis {a.get('output_index', '')}",
                      f"{a.get('kind')}, stride {a.get('stride')}, dilation "
                      f"{a.get('dilation')}, offset {a.get('offset')}"))
    facts += more_facts(d)
    for c in d.get("conventions") or []:
        facts.append(("convention", c))
    for n in d.get("notes") or []:
        facts.append(("note", n))
    return facts


# -- documents ----------------------------------------------------------------------------
def preamble(title: str = "", doc_class: str = "article", options: str = "11pt") -> str:
    loaded = [(p, o, src) for p, o, src in PACKAGES
              if not (doc_class == "beamer" and p in BEAMER_SKIPS)]
    used = ", ".join(f"{p} ({src})" for p, _, src in loaded)
    cls = f"class {doc_class} ({CLASS_SOURCES[doc_class]})"
    extra = "; xcolor and graphicx come with beamer" if doc_class == "beamer" else ""
    lines = [
        "% Generated by symconv: compile with pdflatex (no shell escape needed).",
        f"% Packages, all in TeX Live's base/recommended/pictures sets: {cls}; {used}{extra}.",
        f"\\documentclass[{options}]{{{doc_class}}}",
    ]
    for pkg, opt, _ in loaded:
        lines.append(f"\\usepackage[{opt}]{{{pkg}}}" if opt else f"\\usepackage{{{pkg}}}")
    lines += palette.latex_colour_definitions()
    lines.append(FIT_MACRO)
    if title:
        lines.append(f"\\title{{{escape_text(title)}}}")
        lines.append("\\author{symconv}\n\\date{}")
    return "\n".join(lines) + "\n"


def fragment_header() -> str:
    return ("% Generated by symconv: a fragment to \\input; the including document loads "
            + ", ".join(FRAGMENT_PACKAGES) + ".\n"
            + "\n".join(palette.latex_colour_definitions()) + "\n" + FIT_MACRO + "\n")


def _wrap(stream: IO[str], title: str, standalone: bool, body: Any) -> None:
    if standalone:
        stream.write(preamble(title))
        stream.write("\\begin{document}\n")
        if title:
            stream.write("\\maketitle\n")
    else:
        stream.write(fragment_header())
    body()
    if standalone:
        stream.write("\\end{document}\n")


def _check_options(options: dict[str, Any], extra: tuple[str, ...] = ()) -> None:
    known = STYLE_OPTIONS + ("at", "standalone", "title", "figures", "path", "assets_dir",
                             "source") + extra
    for k in options:
        if k not in known:
            raise TypeError(f"Unknown setting '{k}'.")


def render_expansion(exp: Any, stream: IO[str], at: Sequence[int] | None = None,
                     standalone: bool = False, **options: Any) -> None:
    """An expansion (with the worked example for ``at``) as a fragment or a document."""
    _check_options(options)
    style = style_from(options)
    figs = tuple(options.get("figures") or default_figures(exp, at))
    title = options.get("title") or ""
    wr = LatexWriter(stream, style)
    _wrap(stream, title, standalone, lambda: wr.expansion(exp, at, figs))


def render_derivation(d: Any, stream: IO[str], standalone: bool = False, **options: Any
                      ) -> None:
    _check_options(options)
    wr = LatexWriter(stream, style_from(options))
    _wrap(stream, d.title if standalone else "", standalone, lambda: wr.derivation(d))


def render_check(data: Any, stream: IO[str], standalone: bool = False, **options: Any
                 ) -> None:
    """A checker result (a ``CheckResult`` or its ``to_json()`` dict)."""
    _check_options(options)
    wr = LatexWriter(stream, style_from(options))
    _wrap(stream, check_title(check_dict(data)) if standalone else "", standalone,
          lambda: wr.check(data, options.get("source", "")))


def render_document(doc: Any, stream: IO[str], standalone: bool = True, **options: Any
                    ) -> None:
    _check_options(options)
    wr = LatexWriter(stream, style_from(options))

    def body() -> None:
        if doc.subtitle:
            stream.write("\\begin{center}\\emph{" + escape_text(doc.subtitle)
                         + "}\\end{center}\n")
        wr.blocks(doc.blocks)

    _wrap(stream, doc.title, standalone, body)



# -- Jupyter ------------------------------------------------------------------------------
def _mathjax_style() -> Style:
    from .markdown import MATHJAX_COLOURS

    base = Style()
    return replace(base, colours={**base.colours, **MATHJAX_COLOURS})


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


def repr_latex(obj: Any) -> str:
    """``_repr_latex_`` of an Expansion, a Derivation, a check result or a Document: display
    math for MathJax (free text as ``\text``)."""
    from ..classify.check import CheckResult
    from ..document.blocks import Document
    from ..proof.derivation import Derivation

    if isinstance(obj, Document):
        return _repr_document(obj)
    if isinstance(obj, (CheckResult, dict)):
        d = obj if isinstance(obj, dict) else obj.to_json()
        rows = [mathjax_text(label) + " & " + mathjax_text(value)
                for label, value in check_facts(d)]
        return "$$\\begin{array}{rl}\n" + ROW_SEP.join(rows) + "\n\\end{array}$$"
    if isinstance(obj, Derivation):
        rows = [obj.claim_latex] + [s.latex for s in obj.steps]
        return "$$\\begin{array}{l}\n" + ROW_SEP.join(rows) + "\n\\end{array}$$"
    style = _mathjax_style()
    out = formula_latex(obj, style)
    if obj.relation.term_count() <= 200:
        return "$$" + out + "$$\n$$" + terms_equations(obj, style) + "$$"
    return "$$" + out + "$$"


def _repr_document(doc: Any) -> str:
    """A document for MathJax: headings and paragraphs as text rows, each block's math."""
    from ..document.blocks import (
        CheckBlock,
        ComparisonBlock,
        DerivationBlock,
        ExpansionBlock,
        Heading,
        Paragraph,
    )

    style = _mathjax_style()
    texts: dict[int, str] = {}  # text between the displays: MathJax leaves it as typed
    parts = [""]
    texts[0] = doc.title.replace("$", r"\$")
    for b in doc.blocks:
        if isinstance(b, Heading):
            texts[len(parts)] = b.text.replace("$", r"\$")
            parts.append("")
        elif isinstance(b, Paragraph):
            texts[len(parts)] = b.text  # its $...$ spans are inline math, as documented
            parts.append("")
        elif isinstance(b, ExpansionBlock):
            figs = [f for f in b.figures if f in ("equation", "terms")] or ["equation"]
            for name in figs:
                try:
                    parts += typeset(name, b.expansion, b.at, style)
                except InputError:
                    continue
        elif isinstance(b, DerivationBlock):
            parts.append(repr_latex(b.derivation)[2:-2])
        elif isinstance(b, CheckBlock):
            parts.append(repr_latex(b.result)[2:-2])
        elif isinstance(b, ComparisonBlock):
            parts += [terms_equations(exp, style) for _, exp in b.rows]
    return "\n\n".join(texts[k] if k in texts else f"$${p}$$" for k, p in enumerate(parts)
                       if p or k in texts)
