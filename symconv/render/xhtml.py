"""XHTML built with ElementTree: the blocks of a document as elements, MathML for formulas
and tables (converted from the LaTeX by :mod:`.mathml`) and inline SVG for drawings.

:class:`XhtmlPrinter` appends blocks to a parent element; the ``mathml`` format
(:class:`MathmlPrinter`) writes them as one ``<section>`` fragment, and the ``html`` format
(:mod:`.html`) as a whole page.  Everything is serialised as XML (every element closed), so
a page parses as XML as well as HTML.
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Sequence
from typing import IO, Any

from ..errors import InputError
from ..expansion import figures
from .base import Printer
from .mathml import latex_to_mathml
from .mathtex import (
    Aligned,
    Display,
    Typesetter,
    comparison_table,
    equations_display,
    terms_equations,
)
from .svg import svg_drawing
from .tex import derivation_math, rich_math
from .words import check_dict, check_facts

XHTML_NS = "http://www.w3.org/1999/xhtml"
#: Elements whose content is inline (mixed text): never re-indented, since whitespace
#: between their children would show (between SVG tspans, inside MathML tokens).
INLINE = {"text", "math", "p", "li", "dd", "dt", "figcaption", "h1", "h2", "h3", "h4", "title",
          "span", "style"}


def indent(el: ET.Element, level: int = 0) -> None:
    """Pretty-print block elements only (``ET.indent`` would indent mixed content too)."""
    if el.tag in INLINE or not len(el):
        return
    pad = "\n" + " " * (level + 1)
    if not (el.text or "").strip():
        el.text = pad
    for child in el:
        indent(child, level + 1)
        if not (child.tail or "").strip():
            child.tail = pad
    el[-1].tail = "\n" + " " * level


class XhtmlPrinter(Printer):
    """Appends the blocks of a document (or a whole output) to ``self.parent``."""

    def __init__(self, stream: IO[str] | None, parent: ET.Element | None = None,
                 **settings: Any) -> None:
        super().__init__(stream, **settings)  # type: ignore[arg-type]
        self.parent = parent if parent is not None else ET.Element("div")

    def el(self, tag: str, text: str = "", parent: ET.Element | None = None,
           **attrs: str) -> ET.Element:
        e = ET.SubElement(self.parent if parent is None else parent, tag,
                          {k.rstrip("_"): v for k, v in attrs.items()})
        if text:
            e.text = text
        return e

    def math_block(self, latex: Display, parent: ET.Element | None = None) -> None:
        math = latex.latex() if isinstance(latex, Aligned) else latex
        (self.parent if parent is None else parent).append(latex_to_mathml(math, True))

    def rich(self, parent: ET.Element, s: str) -> None:
        """Text with ``$...$`` spans as inline MathML."""
        last: ET.Element | None = None
        for is_math, piece in rich_math(s, self.style):
            if is_math:
                last = latex_to_mathml(piece, display=False)
                parent.append(last)
            elif last is None:
                parent.text = (parent.text or "") + piece
            else:
                last.tail = (last.tail or "") + piece

    def rich_el(self, tag: str, text: str, parent: ET.Element | None = None,
                **attrs: str) -> ET.Element:
        """An element holding rich text (prose with ``$...$`` math as inline MathML)."""
        e = self.el(tag, "", parent, **attrs)
        self.rich(e, text)
        return e

    # -- pieces -----------------------------------------------------------------------------
    def expansion(self, exp: Any, at: Sequence[int] | None, names: Iterable[str],
                  title: str = "") -> None:
        if title:
            self.rich_el(self.title_tag(), title)
        for name in names:
            fig = self.el("figure", class_=f"symconv-{name}")
            try:
                self._print(figures.build(name, exp, at, self.style.subset), fig)
            except InputError as exc:
                self.el("p", f"({name}: {exc})", fig, class_="missing")

    def check(self, data: Any, source: str = "") -> None:
        d = check_dict(data)
        dl = self.el("dl", class_="facts")
        for label, value in check_facts(d, source):
            self.el("dt", label, dl)
            self.el("dd", value, dl)

    def block(self, obj: Any) -> None:
        """Append one block (or a derivation) to the parent."""
        self._print(obj)

    def document_body(self, doc: Any) -> None:
        self.rich_el("h1", doc.title)
        if doc.subtitle:
            self.rich_el("p", doc.subtitle, class_="subtitle")
        for b in doc.blocks:
            self._print(b)

    def expansion_page(self, exp: Any) -> None:
        at = self._settings["at"]
        names = tuple(self._settings["figures"] or figures.default_figures(exp, at))
        self.expansion(exp, at, names, self._settings["title"] or "")

    # -- figures ----------------------------------------------------------------------------
    def _print_Drawing(self, model: Any, fig: ET.Element) -> None:
        fig.append(svg_drawing(model))
        self.rich(self.el("figcaption", "", fig), model.caption)

    def _print_object(self, model: Any, fig: ET.Element) -> None:
        displays = Typesetter(self.style).displays(model)
        for math in displays:
            self.math_block(math, fig)
        self.rich(self.el("figcaption", "", fig), model.caption)

    # -- blocks -----------------------------------------------------------------------------
    def _print_ExpansionBlock(self, b: Any) -> None:
        self.expansion(b.expansion, b.at, b.figures, b.title)

    def _print_MatrixBlock(self, b: Any) -> None:
        self._print(b.view if b.drawing is None else b.drawing,
                    self.el("figure", class_="symconv-matrix"))

    def _print_DerivationBlock(self, b: Any) -> None:
        self._print_Derivation(b.derivation)

    def _print_Derivation(self, d: Any) -> None:
        sec = self.el("section", class_="derivation")
        self.rich_el(self.title_tag(), d.title, sec)
        self.el("p", "Claim:", sec)
        self.math_block(derivation_math(d.claim_latex, self.style), sec)
        p = self.el("p", "", sec)
        self.el("span", f"Verdict: {d.verdict}", p, class_="verdict")
        self.el("span", f", scope: {d.scope}.", p)
        ol = self.el("ol", parent=sec, class_="steps")
        for s in d.steps:
            li = self.el("li", parent=ol)
            self.rich_el("p", s.why, li, class_="why")
            if s.latex:
                self.math_block(derivation_math(s.latex, self.style), li)
        if d.counterexample is not None:
            self.el("h4", "Counterexample", sec)
            dl = self.el("dl", parent=sec, class_="facts")
            for k, v in d.counterexample.items():
                self.el("dt", str(k), dl)
                self.el("dd", json.dumps(v, ensure_ascii=False), dl)
        for note in d.notes:
            self.rich_el("p", "Note: " + note, sec, class_="note")

    def _print_CheckBlock(self, b: Any) -> None:
        self.check(b.result, b.source)

    def _print_ComparisonBlock(self, block: Any) -> None:
        if block.title:
            self.rich_el(self.title_tag(), block.title)
        for label, exp in block.rows:
            self.rich_el("p", label, class_="variant")
            fig = self.el("figure")
            self.math_block(terms_equations(exp, self.style), fig)
        side = comparison_table(block, self.style)
        if side is not None:
            fig = self.el("figure", class_="symconv-comparison")
            self.math_block(side[0], fig)
            self.el("figcaption", side[1], fig)

    def _print_Heading(self, b: Any) -> None:
        self.rich_el(f"h{self.heading_level(b.level)}", b.text)

    def title_tag(self) -> str:
        return f"h{self.title_level()}"

    def _print_Paragraph(self, b: Any) -> None:
        self.rich_el("p", b.text)

    def _print_Equations(self, b: Any) -> None:
        self.math_block(equations_display(b, self.style))


class MathmlPrinter(XhtmlPrinter):
    """The ``mathml`` format: an XHTML ``<section>`` fragment with the same content as the
    HTML page's body, MathML for formulas and tables and inline SVG for the drawings."""

    format = "mathml"

    def __init__(self, stream: IO[str], **settings: Any) -> None:
        super().__init__(stream, ET.Element("section", {"xmlns": XHTML_NS,
                                                        "class": "symconv"}), **settings)

    def _fragment(self) -> None:
        # Styled when opened alone too: the page's rules, scoped to this section so an
        # including page keeps its own.
        style = ET.Element("style")
        style.text = scoped_css("section.symconv")
        self.parent.insert(0, style)
        indent(self.parent)
        self.write(ET.tostring(self.parent, encoding="unicode") + "\n")

    def _page_Expansion(self, exp: Any) -> None:
        self.expansion_page(exp)
        self._fragment()

    def _page_Derivation(self, d: Any) -> None:
        self._print_Derivation(d)
        self._fragment()

    def _page_CheckResult(self, data: Any) -> None:
        self.check(data, self._settings["source"])
        self._fragment()

    def _page_Document(self, doc: Any) -> None:
        self.document_body(doc)
        self._fragment()


#: The page's only style sheet, inline.  No ``>``, ``<`` or ``&`` in it: the page is
#: written as XML, which would escape them inside ``<style>`` (where HTML reads no
#: entities, so the rule would be lost).
CSS = """
body { font-family: 'Latin Modern Roman', 'CMU Serif', Georgia, serif; margin: 2em auto;
       max-width: 62em; padding: 0 1em; color: #111; line-height: 1.45; }
h1 { font-size: 1.7em; margin-bottom: 0.2em; } .subtitle { color: #555; margin-top: 0; }
figure { margin: 1.2em 0; overflow-x: auto; text-align: center; }
figcaption { font-size: 0.9em; color: #333; max-width: 46em; margin: 0.4em auto 0; }
math[display="block"] { margin: 0.5em 0; }
ol.steps math, .derivation math { overflow-x: auto; overflow-y: hidden; }
ol.steps li { margin-bottom: 0.8em; } ol.steps { padding-left: 2.2em; }
.why { color: #333; }
.verdict { font-weight: bold; } dl.facts dt { font-weight: bold; }
dl.facts dd { margin: 0 0 0.4em 1.5em; }
.missing { color: #8a8a8a; font-style: italic; }
""".strip()


def scoped_css(scope: str = "div.symconv") -> str:
    """The page's style sheet for a notebook cell: every rule under ``scope`` (``body``
    becomes the scope), so nothing outside the output changes."""
    out = []
    for sel, body in re.findall(r"([^{}]+)\{([^}]*)\}", CSS):
        parts = [p.strip() for p in sel.split(",")]
        scoped = ", ".join(scope if p == "body" else f"{scope} {p}" for p in parts)
        out.append(f"{scoped} {{{body}}}")
    return "\n".join(out)
