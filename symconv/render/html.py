"""HTML: one self-contained page (no scripts, no fonts or styles from the network) with
MathML for formulas and tables (converted from the LaTeX) and inline SVG for drawings.

The page is built with ElementTree (:mod:`.xhtml`) and serialised as XHTML-compatible HTML5
(every element closed, so it parses as XML as well); browsers render MathML and SVG without
JavaScript.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Callable
from typing import IO, Any

from ..index.ops import OPERATIONS
from .plainmath import plain
from .words import check_dict, check_title
from .xhtml import CSS, XHTML_NS, XhtmlPrinter, indent, scoped_css  # noqa: F401 - re-exported

DOCTYPE = "<!DOCTYPE html>\n"


class HtmlPrinter(XhtmlPrinter):
    """The ``html`` format: a whole page, its body's ``<main>`` holding the blocks."""

    format = "html"

    def __init__(self, stream: IO[str], **settings: Any) -> None:
        self.html = ET.Element("html", {"xmlns": XHTML_NS, "lang": "en"})
        self.head = ET.SubElement(self.html, "head")
        main = ET.SubElement(ET.SubElement(self.html, "body"), "main")
        super().__init__(stream, main, **settings)

    def _page(self, title: str, build: Callable[[], None]) -> None:
        head = self.head
        ET.SubElement(head, "meta", {"charset": "utf-8"})
        ET.SubElement(head, "meta", {"name": "viewport",
                                     "content": "width=device-width, initial-scale=1"})
        ET.SubElement(head, "meta", {"name": "generator", "content": "symconv"})
        ET.SubElement(head, "title").text = plain(title) if title else "symconv"
        ET.SubElement(head, "style").text = CSS
        build()
        indent(self.html)
        self.write(DOCTYPE + ET.tostring(self.html, encoding="unicode") + "\n")

    def _page_Expansion(self, exp: Any) -> None:
        title = self._settings["title"] or f"symconv: {OPERATIONS[exp.operation.op].title}"

        def build() -> None:
            self.rich_el("h1", title)
            self.expansion_page(exp)

        self._page(title, build)

    def _page_Derivation(self, d: Any) -> None:
        self._page(d.title, lambda: self._print_Derivation(d))

    def _page_CheckResult(self, data: Any) -> None:
        title = check_title(check_dict(data))

        def build() -> None:
            self.el("h1", title)
            self.check(data, self._settings["source"])

        self._page(title, build)

    def _page_Document(self, doc: Any) -> None:
        self._page(doc.title, lambda: self.document_body(doc))
