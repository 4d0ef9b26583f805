"""MathML from symconv's LaTeX through latex2mathml (LaTeX stays the single source).

``latex_to_mathml`` converts one formula and returns an ElementTree element: namespace
prefixes removed (the ``<math>`` root carries ``xmlns``, as HTML expects) and the palette's
LaTeX colour names that latex2mathml copies into ``mathcolor`` replaced by their hex values.

The ``mathml`` format itself (an XHTML fragment) is written by :mod:`.xhtml`.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

from . import palette

MATHML_NS = "http://www.w3.org/1998/Math/MathML"
#: Colour of an array's vertical rule in browsers.
COLUMN_RULE = "#333333"


def _strip_ns(el: ET.Element) -> None:
    for node in el.iter():
        if node.tag.startswith("{"):
            node.tag = node.tag.split("}", 1)[1]


def latex_to_mathml(latex: str, display: bool = True) -> ET.Element:
    """One LaTeX formula as a ``<math>`` element.

    >>> el = latex_to_mathml(r"\\textcolor{symconvM}{m}", display=False)
    >>> el.find(".//mstyle").get("mathcolor")
    '#C25400'
    """
    from latex2mathml.converter import convert

    el = ET.fromstring(convert(latex, display="block" if display else "inline"))
    _strip_ns(el)
    el.set("xmlns", MATHML_NS)
    for node in el.iter():
        col = node.get("mathcolor")
        if col is not None and col in palette.HEX_BY_LATEX_NAME:
            node.set("mathcolor", palette.HEX_BY_LATEX_NAME[col])
    _table_styles(el)
    _signs(el)
    for node in el.iter("mo"):
        if node.text == "*":  # latex2mathml writes \\ast and * as the raised ASCII star
            node.text = "\u2217"
        elif node.text == "/":  # a slash as in dL/dx: no operator space around it
            node.set("lspace", "0")
            node.set("rspace", "0")
    return el


#: Elements whose children form a row (MathML's inferred mrow).
ROWS = ("math", "mrow", "mstyle", "mtd", "msqrt", "mpadded", "mphantom", "menclose")
#: Operators after which a sign is a prefix (``= -1``, ``[-k]``, ``(-m``), not a binary one.
OPENERS = ("=", "(", "[", "{", ",", "\u2264", "<", "\u2265", ">", "\u2212", "+", "\u22c5")


def _signs(el: ET.Element) -> None:
    """A sign that opens a row or follows an operator (``{-\\infty}``, ``k=-\\infty``,
    ``h[-k]``) is a prefix operator with no space after it, and infinity an identifier:
    latex2mathml writes ``<mo>=</mo><mo>−</mo><mo>∞</mo>``, which browsers space as
    binary operators (``k = − ∞``)."""
    for node in el.iter("mo"):
        # Infinity, and operator names (\\operatorname{conv}: upright multi-letter
        # identifiers, not operators spaced as relations: ``conv (x, h)``).
        if node.text == "\u221e" or (node.text and len(node.text) > 1 and node.text.isalpha()):
            node.tag = "mi"
    for parent in el.iter():
        if parent.tag not in ROWS:
            continue
        kids = list(parent)
        for k, kid in enumerate(kids[:-1]):
            if kid.tag != "mo" or kid.text not in ("\u2212", "-", "+"):
                continue
            prev = kids[k - 1] if k else None
            if prev is None or (prev.tag == "mo" and prev.text in OPENERS):
                kid.set("form", "prefix")
                kid.set("lspace", "0")
                kid.set("rspace", "0")


def _table_styles(el: ET.Element) -> None:
    """MathML Core (Chromium) ignores ``columnalign`` and ``columnlines``: repeat them as CSS
    on the cells, so the worked example's rule and left alignment show in browsers."""
    for table in el.iter("mtable"):
        lines = (table.get("columnlines") or "").split()
        if table.get("rowlines"):
            del table.attrib["rowlines"]  # latex2mathml's guess for a column rule
        for row in table.findall("mtr"):
            for k, cell in enumerate(row.findall("mtd")):
                css = []
                align = cell.get("columnalign")
                if align in ("left", "right"):
                    css.append(f"text-align: {align}")
                rule = lines[min(k, len(lines) - 1)] if lines else "none"
                if rule == "solid" and k < len(row.findall("mtd")) - 1:
                    css.append(f"border-right: 1px solid {COLUMN_RULE}; padding-right: 0.5em")
                if k > 0 and lines and lines[min(k - 1, len(lines) - 1)] == "solid":
                    css.append("padding-left: 0.5em")
                if css:
                    cell.set("style", "; ".join(css))
