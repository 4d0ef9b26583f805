"""Rich displays for Jupyter: ``_repr_latex_`` (display math for MathJax, free text as
``\\text``) and ``_repr_html_`` (a ``<div>`` with MathML and SVG).  The model's display
mixin (:mod:`symconv.display`) calls these, importing this module only when a notebook asks.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from typing import Any

from ..errors import InputError
from ..expansion import figures
from .mathtex import Aligned, Typesetter, formula_latex, mathjax_text, terms_equations
from .tex import ROW_SEP, expand_macros, mathjax_style, rich_math
from .words import check_dict, check_facts
from .xhtml import XhtmlPrinter, indent, scoped_css


def repr_latex(obj: Any) -> str:
    """``_repr_latex_`` of an Expansion, a Derivation, a check result or a Document."""
    kind = type(obj).__name__
    if kind == "Document":
        return _latex_document(obj)
    if kind in ("CheckResult", "dict"):
        rows = [mathjax_text(label) + " & " + mathjax_text(value)
                for label, value in check_facts(check_dict(obj))]
        return "$$\\begin{array}{rl}\n" + ROW_SEP.join(rows) + "\n\\end{array}$$"
    if kind == "Derivation":
        rows = [expand_macros(t, mathjax_style()) for t in
                [obj.claim_latex] + [s.latex for s in obj.steps]]
        return "$$\\begin{array}{l}\n" + ROW_SEP.join(rows) + "\n\\end{array}$$"
    style = mathjax_style()
    out = formula_latex(obj, style)
    if obj.relation.term_count() <= 200:
        return "$$" + out + "$$\n$$" + terms_equations(obj, style).latex() + "$$"
    return "$$" + out + "$$"


def _latex_document(doc: Any) -> str:
    """A document for MathJax: headings and paragraphs as text rows, each block's math."""
    style = mathjax_style()
    typeset = Typesetter(style)
    texts: dict[int, str] = {}  # text between the displays: MathJax leaves it as typed
    parts = [""]
    texts[0] = _rich(doc.title, style)
    for b in doc.blocks:
        kind = type(b).__name__
        if kind in ("Heading", "Paragraph"):
            texts[len(parts)] = _rich(b.text, style)
            parts.append("")
        elif kind == "ExpansionBlock":
            names = [f for f in b.figures if f in ("equation", "terms")] or ["equation"]
            for name in names:
                try:
                    parts += [d.latex() if isinstance(d, Aligned) else d for d in
                              typeset.displays(figures.build(name, b.expansion, b.at))]
                except InputError:
                    continue
        elif kind == "DerivationBlock":
            parts.append(repr_latex(b.derivation)[2:-2])
        elif kind == "CheckBlock":
            parts.append(repr_latex(b.result)[2:-2])
        elif kind == "ComparisonBlock":
            parts += [terms_equations(exp, style).latex() for _, exp in b.rows]
    return "\n\n".join(texts[k] if k in texts else f"$${p}$$" for k, p in enumerate(parts)
                       if p or k in texts)


def _rich(text: str, style: Any) -> str:
    """Rich text for MathJax: ``$...$`` math with the notation's macros expanded, a dollar
    in the prose escaped."""
    return "".join(f"${p}$" if is_math else p.replace("$", r"\$")
                   for is_math, p in rich_math(text, style))


def repr_html(obj: Any) -> str:
    """``_repr_html_``: a ``<div>`` with MathML and SVG (a Document brings the page's style
    sheet along)."""
    div = ET.Element("div", {"class": "symconv"})
    w = XhtmlPrinter(None, div)
    kind = type(obj).__name__
    if kind == "Derivation":
        w.block(obj)
    elif kind == "CheckResult":
        w.check(obj, obj.source)
    elif kind == "Document":
        ET.SubElement(div, "style").text = scoped_css()
        w.document_body(obj)
    else:
        names = ("equation", "terms") if obj.relation.term_count() <= 200 else ("equation",)
        w.expansion(obj, None, names)
    indent(div)
    return ET.tostring(div, encoding="unicode")
