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
from .tex import ROW_SEP, derivation_math, mathjax_style, rich_math
from .words import check_dict, check_facts
from .xhtml import XhtmlPrinter, indent, scoped_css


def repr_latex(obj: Any) -> str:
    """``_repr_latex_`` of an Expansion, a Derivation, a check result or a Document."""
    kind = type(obj).__name__
    if kind == "Document":
        return _latex_document(obj)
    if kind in ("CheckResult", "dict"):
        rows = []
        for label, value in check_facts(check_dict(obj)):
            if label == "formula" and _is_math(value):
                # the formula as typed, typeset (it parsed, so its braces balance)
                rows.append(mathjax_text(label) + r" & \displaystyle " + value)
                continue
            # long values wrapped at word boundaries: one array row per line
            lines = _wrap(value, 70)
            rows.append(mathjax_text(label) + " & " + mathjax_text(lines[0]))
            rows += [" & " + mathjax_text(line) for line in lines[1:]]
        return "$$\\begin{array}{rl}\n" + ROW_SEP.join(rows) + "\n\\end{array}$$"
    if kind == "Derivation":
        st = mathjax_style()
        rows = [r"\textbf{Claim.}", derivation_math(obj.claim_latex, st),
                r"\textbf{Verdict: }\text{" + obj.verdict + ", scope: " + obj.scope + "}"]
        for n, step in enumerate(obj.steps, 1):
            # the step's sentence (its math kept as math), then its display
            for k, line in enumerate(_wrap(step.why, 90)):
                rows.append((rf"\textbf{{{n}.}}\ " if k == 0 else r"\quad ")
                            + _mathjax_rich(line, st))
            if step.latex:
                rows.append(r"\qquad " + derivation_math(step.latex, st))
        return "$$\\begin{array}{l}\n" + ROW_SEP.join(rows) + "\n\\end{array}$$"
    style = mathjax_style()
    out = formula_latex(obj, style)
    if obj.relation.term_count() <= 200:
        return "$$" + out + "$$\n$$" + terms_equations(obj, style).latex() + "$$"
    return "$$" + out + "$$"


def _is_math(text: str) -> bool:
    """A formula typed as LaTeX math (``\\sum_{k} x_{m-k}``) that can be set as math: a
    command, and nothing that ends math or starts a comment."""
    import re

    return bool(re.search(r"\\[A-Za-z]+", text)) and not re.search(r"[$%#&~]", text) \
        and text.count("{") == text.count("}")


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


def _wrap(text: str, width: int) -> list[str]:
    """``text`` in lines of about ``width`` characters, never breaking inside ``$...$``."""
    lines, cur, in_math = [], "", False
    for word in text.split(" "):
        if cur and not in_math and len(cur) + 1 + len(word) > width:
            lines.append(cur)
            cur = word
        else:
            cur = f"{cur} {word}" if cur else word
        in_math ^= (word.count("$") - word.count(r"\$")) % 2 == 1
    return [*lines, cur] if cur else lines or [""]


def _mathjax_rich(text: str, style: Any) -> str:
    """Rich text inside a MathJax display: prose as ``\\text``, math as math."""
    return "".join(p if is_math else mathjax_text(p) for is_math, p in rich_math(text, style))


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
        names: tuple[str, ...] = ("equation", "terms") if obj.relation.term_count() <= 200 \
            else ("equation",)
        if len(obj.shape) <= 2 and obj.relation.out_count() <= 64:
            names += ("output-map",)  # and a figure: where each output reads
        w.expansion(obj, None, names)
    indent(div)
    return ET.tostring(div, encoding="unicode")
