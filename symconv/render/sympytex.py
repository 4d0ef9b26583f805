"""SymPy expressions in symconv's notation: a :class:`sympy.printing.latex.LatexPrinter`
that prints indices as people write them (``\\mathbf{h}[m-i,n-j]``, not SymPy's
``h_{- i + m, - j + n}``), keeps the kernel **h** (bold, an array) apart from its entry *h*
(plain, a number), puts the pixel before the kernel entry in a product, and colours the
first and second index on request.

For :meth:`symconv.expansion.Expansion.expr` and anything built from it.  The documents
do not need it (:mod:`.mathtex` writes the same notation from the relation's strings,
without importing SymPy); ``tests/test_render_latex.py`` holds the two to each other.

>>> from symconv.expansion import expand
>>> from symconv.render.tex import Style
>>> e = expand("conv", "7x7", "3x3", mode="same")
>>> latex(e.expr((1, 1)).args[0], e, Style(colour_indices=False))
'\\\\mathbf{x}[2,2]\\\\,a'
"""

from __future__ import annotations

from typing import Any

from sympy.printing.latex import LatexPrinter

from ..index.notation import IMG_NAMES, OUT_NAMES
from . import palette
from .tex import Style, math_name, textcolor


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




def latex(expr: Any, exp: Any, style: Style | None = None) -> str:
    """A SymPy expression read off expansion ``exp``, in the notation of ``style``."""
    return make_printer(exp, style or Style()).doprint(expr)
