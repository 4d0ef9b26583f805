"""SVG for the drawings of :mod:`symconv.expansion.figures`, built with ElementTree (never strings).

The same model as the TikZ drawings: one unit is ``Drawing.unit`` cm, drawn at
:data:`PX_PER_CM` pixels per centimetre; text spans map their roles to bold (arrays),
italic (entries, index letters) and the palette's colours.  Each SVG carries a ``<title>``
(the caption) for screen readers.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from typing import Any

from ..expansion.figures.model import Drawing, Span, Text
from . import palette
from .plainmath import convert, plain

SVG_NS = "http://www.w3.org/2000/svg"
#: Pixels per TeX point: the SVG is the TikZ picture at 1.7 px/pt, so that its smallest
#: text (9 pt cells of a large figure, as printed) is 15.3 px: over 80 % of a 16-17 px
#: body text (tests/test_html_browser.py measures it in Chromium).
PX_PER_PT = 1.7
PX_PER_CM = PX_PER_PT * 72.27 / 2.54
#: Font sizes (pt) of cell text and of small labels per ``Drawing.font``: the TikZ sizes in
#: an 11 pt document (\\normalsize, \\small, \\footnotesize, \\scriptsize).
FONT_PT = {"normal": 10.95, "small": 10.0, "tiny": 9.0}
LABEL_PT = {"normal": 10.0, "small": 10.0, "tiny": 10.0}  # \\small, as TikZ's labels
FONT_PX = {k: round(v * PX_PER_PT, 2) for k, v in FONT_PT.items()}
LABEL_PX = {k: round(v * PX_PER_PT, 2) for k, v in LABEL_PT.items()}
FONT_FAMILY = "'Latin Modern Roman', 'CMU Serif', 'Times New Roman', serif"
BOX_PX = "2.7"   # TikZ's 1.6 pt
GRID_PX = "0.7"  # TikZ's 0.4 pt
MINUS = "\u2212"
_MINUS_RE = re.compile(r"-(?=\d)")
#: Roles set in italic (math letters) and bold (array names).
ITALIC_ROLES = ("entry",)
BOLD_ROLES = ("array",)


def _f(v: float) -> str:
    s = f"{v:.2f}".rstrip("0").rstrip(".")
    return "0" if s in ("-0", "") else s


def _span_text(sp: Span) -> str:
    if sp.role == "op":
        return "\u00b7"
    if sp.role == "math":
        return convert(sp.text)
    # A minus before a digit is a minus sign; a hyphen in a word stays a hyphen.
    return _MINUS_RE.sub(MINUS, sp.text) if sp.role != "array" else sp.text


def _add_text(parent: ET.Element, t: Text, x: float, y: float, size: float,
              anchor: str = "middle") -> None:
    el = ET.SubElement(parent, "text", {"x": _f(x), "y": _f(y), "font-size": _f(size),
                                        "text-anchor": anchor,
                                        "dominant-baseline": "central"})
    for sp in t:
        attrs: dict[str, str] = {}
        colour = "muted" if sp.muted else sp.role
        if colour in palette.COLOURS and colour not in palette.FILLS:
            attrs["fill"] = palette.hex_colour(colour)
        if sp.role in BOLD_ROLES:
            attrs["font-weight"] = "bold"
        if sp.role in ITALIC_ROLES or (sp.role in ("m", "n") and sp.text.isalpha()):
            attrs["font-style"] = "italic"
        ts = ET.SubElement(el, "tspan", attrs)
        ts.text = _span_text(sp)


def svg_drawing(d: Drawing, overlay: Any = None) -> ET.Element:
    """The drawing as an ``<svg>`` element (no namespace prefix: the root carries xmlns)."""
    s = d.unit * PX_PER_CM
    w, h = d.width * s, d.height * s
    root = ET.Element("svg", {"xmlns": SVG_NS, "width": _f(w), "height": _f(h),
                              "viewBox": f"0 0 {_f(w)} {_f(h)}", "role": "img",
                              "font-family": FONT_FAMILY, "class": "symconv-figure"})
    title = ET.SubElement(root, "title")
    title.text = plain(d.caption)
    grid = palette.hex_colour("grid")
    g = ET.SubElement(root, "g", {"stroke": grid, "stroke-width": GRID_PX})
    for c in d.cells:
        fill = palette.hex_colour(c.fill) if c.fill else "#ffffff"
        attrs = {"x": _f(c.x * s), "y": _f(c.y * s), "width": _f(c.w * s),
                 "height": _f(c.h * s), "fill": fill}
        if not c.border:
            attrs["stroke"] = "none"
        elif c.dashed:
            attrs["stroke-dasharray"] = palette.SVG_DASH["dashed"] or ""
        ET.SubElement(g, "rect", attrs)
    texts = ET.SubElement(root, "g", {"fill": "#000000"})
    size = FONT_PX[d.font]
    for c in d.cells:
        n = len(c.lines)
        for k, line in enumerate(c.lines):
            cy = (c.y + c.h / 2) * s + (k - (n - 1) / 2) * size * 1.15
            _add_text(texts, line, (c.x + c.w / 2) * s, cy, size)
    for b in d.boxes:
        i = b.inset
        attrs = {"x": _f((b.x0 + i) * s), "y": _f((b.y0 + i) * s),
                 "width": _f((b.x1 - b.x0 - 2 * i) * s), "height": _f((b.y1 - b.y0 - 2 * i) * s),
                 "fill": "none", "stroke": palette.hex_colour(b.role), "stroke-width": BOX_PX}
        if b.role == "grid":
            attrs["stroke-width"] = GRID_PX
        dash = palette.SVG_DASH[b.style]
        if dash:
            attrs["stroke-dasharray"] = dash
        ET.SubElement(root, "rect", attrs)
    for ln in d.lines:
        attrs = {"x1": _f(ln.x0 * s), "y1": _f(ln.y0 * s), "x2": _f(ln.x1 * s),
                 "y2": _f(ln.y1 * s), "stroke": palette.hex_colour(ln.role),
                 "stroke-width": GRID_PX if ln.width == "grid" else BOX_PX}
        dash = palette.SVG_DASH[ln.style]
        if dash:
            attrs["stroke-dasharray"] = dash
        ET.SubElement(root, "line", attrs)
    for lab in d.labels:
        anchor = {"center": "middle", "west": "start", "east": "end"}[lab.anchor]
        _add_text(texts, lab.text, lab.x * s, lab.y * s,
                  LABEL_PX[d.font] if lab.small else size, anchor)
    return root


def svg_string(d: Drawing) -> str:
    """A standalone SVG file's text (XML declaration, then the element)."""
    return ('<?xml version="1.0" encoding="UTF-8"?>\n'
            + ET.tostring(svg_drawing(d), encoding="unicode") + "\n")
