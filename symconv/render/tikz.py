"""TikZ for the drawings of :mod:`symconv.expansion.figures` (cells, boxes, labels).

One unit of the model is ``Drawing.unit`` centimetres; the y axis points down, as the
article's n does.  Text is set in math mode from the spans' roles; colours are the
palette's LaTeX names, defined in the preamble.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from ..expansion.figures.model import Cell, Drawing, Span, Text
from . import palette
from .tex import Style, escape_text, expand_macros, math_chars, math_name

#: Cell text size per ``Drawing.font``; labels always \\small, 8.5 pt even at the least scale.
FONT_SIZES = {"normal": r"\normalsize", "small": r"\small", "tiny": r"\footnotesize"}
LABEL_SIZES = {"normal": r"\small", "small": r"\small", "tiny": r"\small"}
BOX_WIDTH = "1.6pt"
GRID_WIDTH = "0.4pt"
_SIGNED = re.compile(r"-\d+")
#: Roles whose spans are words (set with ``\text``) rather than math.
WORD_ROLES = ("plain", "muted", "title", "conv", "corr", "corr-reflected")


def _f(v: float) -> str:
    """A coordinate, rounded so the output is the same bytes on every platform."""
    s = f"{v:.3f}".rstrip("0").rstrip(".")
    return "0" if s in ("-0", "") else s


def span_latex(sp: Span, style: Style) -> str:
    """A span in math mode; a muted span in the muted grey, its font kept."""
    if sp.muted and sp.role in ("m", "n", "muted", "conv", "corr", "corr-reflected"):
        return style.textcolor("muted", _math_plain(sp.text))  # one colour: the grey
    body = _span_body(sp, style)
    return style.textcolor("muted", body) if sp.muted else body


def _span_body(sp: Span, style: Style) -> str:
    t = sp.text
    if sp.role == "array":
        return rf"\mathbf{{{math_name(t)}}}" if style.bold else math_name(t)
    if sp.role == "entry":
        return math_name(t) if len(t) <= 1 else rf"\mathit{{{math_name(t)}}}"
    if sp.role == "op":
        return r"\cdot "
    if sp.role == "math":
        return expand_macros(t, style)
    if sp.role in ("m", "n"):
        body = _math_plain(t)
        return style.textcolor(sp.role, body)
    body = _math_plain(t)
    if sp.role in ("muted", "conv", "corr", "corr-reflected"):
        return style.textcolor(sp.role, body)
    return body


def _math_plain(t: str) -> str:
    """Numbers, brackets and ranges stay math; anything with letters or spaces is text."""
    if len(t) == 1 and t.isalpha():
        return t  # an index letter: math italic, as in the formulas
    if any(ch.isalpha() or ch == " " for ch in t):
        return r"\text{" + escape_text(t) + "}"
    # Braced, "-2" after ".." or "," is a signed number, not a binary minus.
    return math_chars(_SIGNED.sub(r"{\g<0>}", t).replace("..", "{..}"))


def text_latex(t: Text, style: Style) -> str:
    return "$" + "".join(span_latex(s, style) for s in t) + "$" if t else ""


def _line_options(role: str, dash: str, style: Style, width: str = "box") -> str:
    """A box's or a line's TikZ options: its colour, width and line style."""
    w = GRID_WIDTH if role == "grid" or width == "grid" else BOX_WIDTH
    opts = [style.colour(role), f"line width={w}"]
    if palette.TIKZ_DASH[dash]:
        opts.append(palette.TIKZ_DASH[dash])
    return ",".join(opts)


#: Every one-line cell's box: the height of a capital and the depth of a descender.
TEXT_HEIGHT, TEXT_DEPTH = "1.6ex", "0.45ex"


def _cell(c: Cell, style: Style) -> list[str]:
    """A cell's rectangle (border, dashes, fill) and its text."""
    out = []
    opts = [style.colour("grid"), f"line width={GRID_WIDTH}"] if c.border else ["draw=none"]
    if c.border and c.dashed:
        opts.append(palette.TIKZ_DASH["dashed"])
    if c.fill:
        opts.append(f"fill={style.colour(c.fill)}")
    out.append(f"\\draw[{','.join(opts)}] ({_f(c.x)},{_f(c.y)}) rectangle "
               f"({_f(c.x + c.w)},{_f(c.y + c.h)});")
    if c.lines:
        body = r"\\".join(text_latex(line, style) for line in c.lines)
        # One line: a common baseline (letters with ascenders, descenders or neither sit
        # level across the grid); several lines: centred as a block.
        align = (",align=center" if len(c.lines) > 1 else
                 f",text height={TEXT_HEIGHT},text depth={TEXT_DEPTH}")
        out.append(f"\\node[inner sep=0pt{align}] at ({_f(c.x + c.w / 2)},"
                   f"{_f(c.y + c.h / 2)}) {{{body}}};")
    return out


def tikz_drawing(d: Drawing, style: Style) -> str:
    u = _f(d.unit)
    out = [f"\\begin{{tikzpicture}}[x={u}cm,y=-{u}cm,font={FONT_SIZES[d.font]}]"]
    for c in d.cells:
        out += _cell(c, style)
    for b in d.boxes:
        i = b.inset
        out.append(f"\\draw[{_line_options(b.role, b.style, style)}] "
                   f"({_f(b.x0 + i)},{_f(b.y0 + i)}) rectangle ({_f(b.x1 - i)},{_f(b.y1 - i)});")
    for ln in d.lines:
        out.append(f"\\draw[{_line_options(ln.role, ln.style, style, ln.width)}] "
                   f"({_f(ln.x0)},{_f(ln.y0)}) -- ({_f(ln.x1)},{_f(ln.y1)});")
    for lab in d.labels:
        size = LABEL_SIZES[d.font] if lab.small else FONT_SIZES[d.font]
        out.append(f"\\node[anchor={lab.anchor},inner sep=1pt,font={size}] at "
                   f"({_f(lab.x)},{_f(lab.y)}) {{{text_latex(lab.text, style)}}};")
    out.append("\\end{tikzpicture}")
    return "\n".join(out) + "\n"


#: The box that holds an animation's static picture, typeset once per frame environment.
BASE_BOX = r"\symconvbase"


def tikz_frames(d: Drawing, frames: Sequence[Any], style: Style, label_at: tuple[float, float]
                ) -> tuple[str, str]:
    """An animation for beamer: ``(prelude, picture)``.

    The prelude typesets the static drawing once into :data:`BASE_BOX` (before the frame);
    the picture places that box and adds one ``\\only<k>`` overlay per frame: the frame's
    filled cells with their text, its boxes and its label.  Drawing the 100-odd static cells
    once instead of on every overlay makes a 49-position animation compile several times
    faster.  Both pictures share the bounding box (0,0)-(width,height).
    """
    u = _f(d.unit)
    bbox = f"\\useasboundingbox (0,0) rectangle ({_f(d.width)},{_f(d.height)});"
    static = tikz_drawing(d, style).split("\n")
    static.insert(1, bbox)
    prelude = (f"\\sbox{{{BASE_BOX}}}{{%\n" + "\n".join(static).rstrip("\n") + "}\n")
    body = [f"\\begin{{tikzpicture}}[x={u}cm,y=-{u}cm,font={FONT_SIZES[d.font]}]", bbox,
            f"\\node[inner sep=0pt,outer sep=0pt,anchor=north west] at (0,0) "
            f"{{\\usebox{{{BASE_BOX}}}}};"]
    for k, fr in enumerate(frames, start=1):
        parts = []
        for c in fr.cells:
            parts += _cell(c, style)
        for b in fr.boxes:
            parts.append(f"\\draw[{_line_options(b.role, b.style, style)}] "
                         f"({_f(b.x0)},{_f(b.y0)}) rectangle ({_f(b.x1)},{_f(b.y1)});")
        parts.append(f"\\node[anchor=west,font=\\small] at ({_f(label_at[0])},{_f(label_at[1])}) "
                     f"{{{text_latex(fr.label, style)}}};")
        body.append(f"\\only<{k}>{{" + "\n  ".join(parts) + "}")
    body.append("\\end{tikzpicture}")
    return prelude, "\n".join(body) + "\n"


__all__ = ["tikz_drawing", "tikz_frames", "text_latex", "escape_text"]
