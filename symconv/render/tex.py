"""LaTeX basics shared by every LaTeX-producing renderer: the notation's :class:`Style`,
escaping of free text, names in math mode, and the named fragments (operators, fit boxes).

Nothing here prints a formula (that is :mod:`.mathtex`) or a document (:mod:`.latex`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from typing import Any

from ..document.richtext import split_math  # noqa: F401 - the rich text rule, re-exported
from ..errors import InputError
from . import palette

#: Binary operator of each operation (``operator=`` overrides convolution's); ``*`` is
#: written ``\\ast`` (U+2217 in MathML: centred on the axis, where ASCII ``*`` sits high).
OPERATORS = {"*": r"\ast", "star": r"\star", "circledast": r"\circledast", "otimes": r"\otimes",
             r"\star": r"\star", r"\circledast": r"\circledast", r"\otimes": r"\otimes"}
INDEX_STYLES = ("brackets", "subscripts")
#: A display or a drawing wider than the line is shrunk to fit it.  Builders keep what
#: symconv's own documents show narrow enough that the shrink stays above 0.85 (text at
#: 8 pt or more in print: tests/test_visual.py measures it); a user's very large request
#: is shrunk further rather than cut off at the margin.
_FIT_WIDTH = r"\ifdim\width>\linewidth\linewidth\else\width\fi"
#: A display shrunk to the line width when it is wider.
FIT_MACRO = (r"\providecommand{\symconvfit}[1]{\resizebox{" + _FIT_WIDTH
             + r"}{!}{$\displaystyle #1$}}")
#: A drawing shrunk the same way (a large image's boxes, a matrix).
FIT_PICTURE = r"\resizebox{" + _FIT_WIDTH + "}{!}"
#: LaTeX specials in free text and their escapes.
TEXT_ESCAPES = {"\\": r"\textbackslash{}", "{": r"\{", "}": r"\}", "$": r"\$", "&": r"\&",
                "%": r"\%", "#": r"\#", "_": r"\_", "^": r"\textasciicircum{}",
                "~": r"\textasciitilde{}", "<": r"\textless{}", ">": r"\textgreater{}",
                "\u00b7": r"\textperiodcentered{}", "\u2212": "-",
                "\u00d7": r"$\times$", "\u2013": "--"}
#: Characters of the notation's plain strings (``1-0``, ``2\u00b71``) in math.
MATH_CHARS = {"\u00b7": r"\cdot ", "\u2212": "-", "\u2013": r"\text{--}"}
#: Rows of an ``align*`` or ``array``.
ROW_SEP = " \\\\\n"


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

    def textcolor(self, role: str, body: str) -> str:
        """``\\textcolor{name}{body}``, or ``\\textcolor[RGB]{r,g,b}{body}`` when the
        colour is a specification (MathJax knows no document colour names)."""
        return textcolor(self.colours[role], body)


def textcolor(colour: str, body: str) -> str:
    """``\\textcolor`` with a colour name or a ``[model]{spec}`` specification."""
    if colour.startswith("["):
        return rf"\textcolor{colour}{{{body}}}"
    return rf"\textcolor{{{colour}}}{{{body}}}"


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


def text_with_math(s: str, style: Style | None = None) -> str:
    """Rich text (a paragraph, a caption, a heading) for LaTeX: its ``$...$`` spans are
    math with the notation's macros expanded (:func:`expand_macros`), the rest escaped."""
    st = style or Style()
    return "".join(f"${expand_macros(p, st)}$" if is_math else escape_text(p)
                   for is_math, p in split_math(s))


# -- the notation's macros in rich text ---------------------------------------------------
#: Macros that captions, prose and proof steps write in their math, expanded by every
#: renderer for its style: an array name (bold or plain), a kernel entry's name (italic
#: when it has several letters), an index in the first or second index colour.
NOTATION_MACROS = ("arr", "ent", "idxm", "idxn")
_MACRO = re.compile(r"\\(arr|ent|idxm|idxn)\{((?:[^{}]|\{[^{}]*\})*)\}")


def expand_macros(latex: str, style: Style) -> str:
    """``\\arr{x}`` -> ``\\mathbf{x}`` (or ``x`` unbolded), ``\\ent{ab}`` ->
    ``\\mathit{ab}``, ``\\idxm{m}`` -> ``\\textcolor{symconvM}{m}`` (plain when indices
    are not coloured).

    >>> expand_macros(r"\\arr{y}[\\idxm{0}]", Style())
    '\\\\mathbf{y}[\\\\textcolor{symconvM}{0}]'
    """

    def sub(m: re.Match[str]) -> str:
        kind, body = m.group(1), m.group(2)
        if kind == "arr":
            name = math_name(body)
            return rf"\mathbf{{{name}}}" if style.bold else name
        if kind == "ent":
            return math_name(body) if len(body) == 1 else rf"\mathit{{{math_name(body)}}}"
        if not style.colour_indices:
            return body
        return style.textcolor("m" if kind == "idxm" else "n", body)

    return _MACRO.sub(sub, latex)


#: Arrays a derivation's mathematics names (image, kernel, output, upstream gradient): set
#: in the page's notation (bold by default) like the figures, where they are indexed
#: (``x[i]``, ``g^{\\uparrow s}[j]``) or the argument of an operation (``conv(x, h)``).
_DERIVATION_ARRAY = re.compile(
    r"(?<![\\A-Za-z{])([xyhg])(?=\[|\\left\[|\^\{\\uparrow)"
    r"|(?<=[(,] )([xhg])(?=[,)]|\\right\))|(?<=[(,])([xhg])(?=[,)]|\\right\))"
    r"|(?<=\\partial )([xyhg])(?=\})")


def derivation_math(latex: str, style: Style) -> str:
    """A derivation's display in the page's notation: its arrays through ``\\arr`` (bold
    unless the style says plain), then every notation macro expanded.

    >>> derivation_math(r"\\operatorname{conv}(x, h)[m] = x[m]", Style())
    '\\\\operatorname{conv}(\\\\mathbf{x}, \\\\mathbf{h})[m] = \\\\mathbf{x}[m]'
    >>> derivation_math(r"\\operatorname{flip}\\left(h\\right)", Style())
    '\\\\operatorname{flip}\\\\left(\\\\mathbf{h}\\\\right)'
    """
    def sub(m: re.Match[str]) -> str:
        return r"\arr{" + next(g for g in m.groups() if g) + "}"

    latex = re.sub(r"\\tilde ([xhg])(?![A-Za-z])", r"\\tilde{\\arr{\1}}", latex)
    return expand_macros(_DERIVATION_ARRAY.sub(sub, latex), style)


def rich_math(s: str, style: Style) -> list[tuple[bool, str]]:
    """(is_math, piece) of rich text with the macros of its math expanded."""
    return [(is_math, expand_macros(p, style) if is_math else p)
            for is_math, p in split_math(s)]


def mathjax_style() -> Style:
    """The default style with colour names MathJax knows (Markdown math, Jupyter)."""
    base = Style()
    return replace(base, colours={**base.colours, **palette.MATHJAX_COLOURS})
