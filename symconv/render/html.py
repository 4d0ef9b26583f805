"""HTML: one self-contained page (no scripts, no fonts or styles from the network) with
MathML for formulas and tables (converted from the LaTeX) and inline SVG for drawings.

The page is built with ElementTree and serialised as XHTML-compatible HTML5 (every element
closed, so it parses as XML as well); browsers render MathML and SVG without JavaScript.
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Sequence
from typing import IO, Any

from ..errors import InputError
from ..index.ops import OPERATIONS
from . import latex as L
from .facts import check_dict, check_title
from .mathml import latex_to_mathml
from .svg import svg_drawing

DOCTYPE = "<!DOCTYPE html>\n"
#: The page's only style sheet, inline.
CSS = """
body { font-family: 'Latin Modern Roman', 'CMU Serif', Georgia, serif; margin: 2em auto;
       max-width: 62em; padding: 0 1em; color: #111; line-height: 1.45; }
h1 { font-size: 1.7em; margin-bottom: 0.2em; } .subtitle { color: #555; margin-top: 0; }
figure { margin: 1.2em 0; overflow-x: auto; text-align: center; }
figcaption { font-size: 0.9em; color: #333; max-width: 46em; margin: 0.4em auto 0; }
math[display="block"] { margin: 0.5em 0; }
ol.steps > li, .derivation > math { overflow-x: auto; overflow-y: hidden; }
ol.steps > li { margin-bottom: 0.8em; } .why { color: #333; }
.verdict { font-weight: bold; } dl.facts dt { font-weight: bold; }
dl.facts dd { margin: 0 0 0.4em 1.5em; }
.missing { color: #8a8a8a; font-style: italic; }
""".strip()


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


def expansion_builder(exp: Any, at: Sequence[int] | None, options: dict[str, Any]) -> Any:
    figs = tuple(options.get("figures") or L.default_figures(exp, at))
    title = options.get("title") or ""
    return lambda w: w.expansion(exp, at, figs, title)


class HtmlWriter:
    """Appends blocks to a parent element."""

    def __init__(self, parent: ET.Element, style: L.Style | None = None) -> None:
        self.parent = parent
        self.style = style or L.Style()

    def el(self, tag: str, text: str = "", parent: ET.Element | None = None,
           **attrs: str) -> ET.Element:
        e = ET.SubElement(self.parent if parent is None else parent, tag,
                          {k.rstrip("_"): v for k, v in attrs.items()})
        if text:
            e.text = text
        return e

    def math_block(self, latex: str, parent: ET.Element | None = None) -> None:
        (self.parent if parent is None else parent).append(latex_to_mathml(latex, True))

    def rich(self, parent: ET.Element, s: str) -> None:
        """Text with ``$...$`` spans as inline MathML."""
        last: ET.Element | None = None
        for is_math, piece in L.split_math(s):
            if is_math:
                last = latex_to_mathml(piece, display=False)
                parent.append(last)
            elif last is None:
                parent.text = (parent.text or "") + piece
            else:
                last.tail = (last.tail or "") + piece

    def figure(self, name: str, exp: Any, at: Sequence[int] | None) -> None:
        fig = self.el("figure", class_=f"symconv-{name}")
        try:
            if name in L.DRAWN:
                model = L.figure_model(name, exp, at, self.style.subset)
                fig.append(svg_drawing(model))
                caption = model.caption
            else:
                for math in L.typeset(name, exp, at, self.style):
                    self.math_block(math, fig)
                caption = L.figure_caption(name, exp, at, self.style.subset)
        except InputError as exc:
            self.el("p", f"({name}: {exc})", fig, class_="missing")
            return
        self.el("figcaption", caption, fig)

    def expansion(self, exp: Any, at: Sequence[int] | None, figures: Iterable[str],
                  title: str = "") -> None:
        if title:
            self.el("h3", title)
        for name in figures:
            self.figure(name, exp, at)

    def derivation(self, d: Any) -> None:
        sec = self.el("section", class_="derivation")
        self.el("h3", d.title, sec)
        p = self.el("p", "Claim:", sec)
        self.math_block(d.claim_latex, sec)
        p = self.el("p", "", sec)
        self.el("span", f"Verdict: {d.verdict}", p, class_="verdict")
        self.el("span", f", scope: {d.scope}.", p)
        ol = self.el("ol", parent=sec, class_="steps")
        for s in d.steps:
            li = self.el("li", parent=ol)
            self.el("p", s.why, li, class_="why")
            self.math_block(s.latex, li)
        if d.counterexample is not None:
            self.el("h4", "Counterexample", sec)
            dl = self.el("dl", parent=sec, class_="facts")
            for k, v in d.counterexample.items():
                self.el("dt", str(k), dl)
                self.el("dd", json.dumps(v, ensure_ascii=False), dl)
        for note in d.notes:
            self.el("p", "Note: " + note, sec, class_="note")

    def check(self, data: Any, source: str = "") -> None:
        d = check_dict(data)
        dl = self.el("dl", class_="facts")
        for label, value in L.check_facts(d, source):
            self.el("dt", label, dl)
            self.el("dd", value, dl)

    def comparison(self, block: Any) -> None:
        if block.title:
            self.el("h3", block.title)
        for label, exp in block.rows:
            self.el("p", label, class_="variant")
            fig = self.el("figure")
            self.math_block(L.terms_equations(exp, self.style), fig)
        side = L.comparison_table(block, self.style)
        if side is not None:
            fig = self.el("figure", class_="symconv-comparison")
            self.math_block(side[0], fig)
            self.el("figcaption", side[1], fig)

    def heading(self, text: str, level: int) -> None:
        self.el("h2" if level <= 1 else "h3", text)

    def paragraph(self, text: str) -> None:
        self.rich(self.el("p"), text)

    def blocks(self, blocks: Iterable[Any]) -> None:
        from ..document.blocks import visit

        visit(blocks, self)

    def document_body(self, doc: Any) -> None:
        self.el("h1", doc.title)
        if doc.subtitle:
            self.el("p", doc.subtitle, class_="subtitle")
        self.blocks(doc.blocks)


def page(title: str, build: Any, options: dict[str, Any] | None = None) -> str:
    html = ET.Element("html", {"xmlns": "http://www.w3.org/1999/xhtml", "lang": "en"})
    head = ET.SubElement(html, "head")
    ET.SubElement(head, "meta", {"charset": "utf-8"})
    ET.SubElement(head, "meta", {"name": "viewport",
                                 "content": "width=device-width, initial-scale=1"})
    ET.SubElement(head, "meta", {"name": "generator", "content": "symconv"})
    ET.SubElement(head, "title").text = title or "symconv"
    ET.SubElement(head, "style").text = CSS
    body = ET.SubElement(html, "body")
    main = ET.SubElement(body, "main")
    build(writer_for(main, options or {}))
    indent(html)
    return DOCTYPE + ET.tostring(html, encoding="unicode") + "\n"


def writer_for(parent: ET.Element, options: dict[str, Any]) -> HtmlWriter:
    """A writer with the notation options (``bold``, ``index_style``, ``operator``...)."""
    L._check_options(options)
    return HtmlWriter(parent, L.style_from(options))


def _page_title(options: dict[str, Any], fallback: str) -> str:
    return str(options.get("title") or fallback)


def render_expansion(exp: Any, stream: IO[str], at: Sequence[int] | None = None,
                     standalone: bool = True, **options: Any) -> None:

    title = _page_title(options, f"symconv: {OPERATIONS[exp.operation.op].title}")
    build = expansion_builder(exp, at, options)
    stream.write(page(title, lambda w: (w.el("h1", title), build(w)), options))


def render_derivation(d: Any, stream: IO[str], standalone: bool = True, **options: Any
                      ) -> None:
    stream.write(page(d.title, lambda w: w.derivation(d), options))


def render_check(data: Any, stream: IO[str], standalone: bool = True, **options: Any) -> None:
    title = check_title(check_dict(data))
    stream.write(page(title, lambda w: (w.el("h1", title),
                                        w.check(data, options.get("source", ""))), options))


def render_document(doc: Any, stream: IO[str], standalone: bool = True, **options: Any
                    ) -> None:
    stream.write(page(doc.title, lambda w: w.document_body(doc), options))


def scoped_css(scope: str = "div.symconv") -> str:
    """The page's style sheet for a notebook cell: every rule under ``scope`` (``body``
    becomes the scope), so nothing outside the output changes."""
    out = []
    for sel, body in re.findall(r"([^{}]+)\{([^}]*)\}", CSS):
        parts = [p.strip() for p in sel.split(",")]
        scoped = ", ".join(scope if p == "body" else f"{scope} {p}" for p in parts)
        out.append(f"{scoped} {{{body}}}")
    return "\n".join(out)


def repr_html(obj: Any) -> str:
    """``_repr_html_`` of an Expansion, a Derivation, a check result or a Document: a
    ``<div>`` with MathML and SVG (a Document brings the page's style sheet along)."""
    from ..classify.check import CheckResult
    from ..document.blocks import Document
    from ..proof.derivation import Derivation

    div = ET.Element("div", {"class": "symconv"})
    w = HtmlWriter(div)
    if isinstance(obj, Derivation):
        w.derivation(obj)
    elif isinstance(obj, CheckResult):
        w.check(obj, obj.source)
    elif isinstance(obj, Document):
        ET.SubElement(div, "style").text = scoped_css()
        w.document_body(obj)
    else:
        figs = ("equation", "terms") if obj.relation.term_count() <= 200 else ("equation",)
        w.expansion(obj, None, figs)
    indent(div)
    return ET.tostring(div, encoding="unicode")
