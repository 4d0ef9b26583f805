"""GitHub-flavoured Markdown: ``$...$`` inline math, fenced ``math`` blocks for displays
and tables, and the drawings as SVG files beside the Markdown file.

Where the SVG files go: with ``path`` (the Markdown file being written; ``symconv derive``
and ``symconv demo`` pass it) or ``assets_dir``, each drawing is written as
``STEM-NN-FIGURE.svg`` in that folder and linked as an image.  Without either (Markdown
written to standard output) there is no folder to write into, so each drawing is inlined
as an ``<svg>`` HTML block instead: viewers such as VS Code and Jupyter show it; GitHub
drops inline SVG, so write to a file for GitHub.

Colours in math use names MathJax knows (``red``, ``green``...), not the LaTeX
document's ``symconvM``..., since GitHub renders math with MathJax.
"""

from __future__ import annotations

import json
import os
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Sequence
from dataclasses import replace
from typing import IO, Any

from ..errors import InputError
from ..index.ops import OPERATIONS
from . import latex as L
from .facts import check_dict
from .svg import svg_drawing, svg_string

#: Palette roles -> colour names MathJax knows.
MATHJAX_COLOURS = {"m": "red", "n": "green", "conv": "red", "corr-reflected": "green",
                   "corr": "blue", "muted": "gray", "patch": "pink", "header": "lightgray",
                   "focus": "yellow", "grid": "gray"}
#: ASCII punctuation that Markdown could read as markup, escaped with a backslash.
MD_SPECIALS = set("\\`*_[]<>#|~&$")
FENCE = "```"


def md_escape(s: str) -> str:
    return "".join("\\" + ch if ch in MD_SPECIALS else ch for ch in s)


def md_text(s: str) -> str:
    """A paragraph: text escaped, ``$...$`` spans kept as inline math."""
    return "".join(f"${p}$" if is_math else md_escape(p) for is_math, p in L.split_math(s))


class MarkdownWriter:
    def __init__(self, stream: IO[str], style: L.Style, assets_dir: str | None,
                 stem: str) -> None:
        self.w = stream.write
        self.style = style
        self.assets_dir = assets_dir
        self.stem = stem
        self.count = 0
        self.written: list[str] = []

    def math(self, latex: str) -> None:
        self.w(f"{FENCE}math\n{latex}\n{FENCE}\n\n")

    def caption(self, text: str) -> None:
        self.w(f"*{md_escape(text)}*\n\n")

    def drawing(self, model: Any) -> None:
        from ..io import open_output

        self.count += 1
        if self.assets_dir is None:
            self.w(ET.tostring(svg_drawing(model), encoding="unicode") + "\n\n")
            return
        name = f"{self.stem}-{self.count:02d}-{model.name}.svg"
        path = os.path.join(self.assets_dir, name)
        with open_output(path) as fh:
            fh.write(svg_string(model))
        self.written.append(path)
        self.w(f"![{md_escape(model.caption)}]({name})\n\n")

    def expansion(self, exp: Any, at: Sequence[int] | None, figures: Iterable[str],
                  title: str = "") -> None:
        if title:
            self.w(f"### {md_escape(title)}\n\n")
        for name in figures:
            try:
                if name in L.DRAWN:
                    model = L.figure_model(name, exp, at, self.style.subset)
                    self.drawing(model)
                    self.caption(model.caption)
                    continue
                for m in L.typeset(name, exp, at, self.style):
                    self.math(m)
                self.caption(L.figure_caption(name, exp, at, self.style.subset))
            except InputError as exc:
                self.w(f"*({md_escape(name)}: {md_escape(str(exc))})*\n\n")

    def derivation(self, d: Any) -> None:
        self.w(f"### {md_escape(d.title)}\n\n**Claim.**\n\n")
        self.math(d.claim_latex)
        self.w(f"**Verdict:** {md_escape(d.verdict)}, **scope:** {md_escape(d.scope)}.\n\n")
        for n, s in enumerate(d.steps, 1):
            self.w(f"**Step {n}.** {md_escape(s.why)}\n\n")
            self.math(s.latex)
        if d.counterexample is not None:
            self.w("**Counterexample.**\n\n")
            for k, v in d.counterexample.items():
                self.w(f"- {md_escape(str(k))}: "
                       f"{md_escape(json.dumps(v, ensure_ascii=False))}\n")
            self.w("\n")
        for note in d.notes:
            self.w(f"*Note:* {md_escape(note)}\n\n")

    def check(self, data: Any, source: str = "") -> None:
        d = check_dict(data)
        for label, value in L.check_facts(d, source):
            self.w(f"- **{md_escape(label)}:** {md_escape(value)}\n")
        self.w("\n")

    def comparison(self, block: Any) -> None:
        if block.title:
            self.w(f"### {md_escape(block.title)}\n\n")
        for label, exp in block.rows:
            self.w(f"**{md_escape(label)}**\n\n")
            self.math(L.terms_equations(exp, self.style))
        side = L.comparison_table(block, self.style)
        if side is not None:
            self.math(side[0])
            self.caption(side[1])

    def heading(self, text: str, level: int) -> None:
        self.w("#" * (2 if level <= 1 else 3) + f" {md_escape(text)}\n\n")

    def paragraph(self, text: str) -> None:
        self.w(md_text(text) + "\n\n")

    def blocks(self, blocks: Iterable[Any]) -> None:
        from ..document.blocks import visit

        visit(blocks, self)


def _writer(stream: IO[str], options: dict[str, Any], fallback_stem: str) -> MarkdownWriter:
    L._check_options(options)
    base = L.style_from(options)
    style = replace(base, colours={**base.colours, **MATHJAX_COLOURS})
    path = options.get("path")
    assets = options.get("assets_dir")
    stem = fallback_stem
    if path and path != "-":
        stem = os.path.splitext(os.path.basename(path))[0]
        if assets is None:
            assets = os.path.dirname(os.path.abspath(path))
    if assets is not None and not os.path.isdir(assets):
        raise InputError(f"cannot write figures: folder {assets!r} does not exist")
    return MarkdownWriter(stream, style, assets, stem)


def render_expansion(exp: Any, stream: IO[str], at: Sequence[int] | None = None,
                     standalone: bool = False, **options: Any) -> list[str]:

    w = _writer(stream, options, "expansion")
    title = options.get("title") or f"symconv: {OPERATIONS[exp.operation.op].title}"
    w.w(f"# {md_escape(title)}\n\n")
    figs = tuple(options.get("figures") or L.default_figures(exp, at))
    w.expansion(exp, at, figs)
    return w.written


def render_derivation(d: Any, stream: IO[str], standalone: bool = False, **options: Any
                      ) -> list[str]:
    w = _writer(stream, options, "derivation")
    w.derivation(d)
    return w.written


def render_check(data: Any, stream: IO[str], standalone: bool = False, **options: Any
                 ) -> list[str]:
    w = _writer(stream, options, "check")
    w.check(data, options.get("source", ""))
    return w.written


def render_document(doc: Any, stream: IO[str], standalone: bool = False, **options: Any
                    ) -> list[str]:
    w = _writer(stream, options, doc.name)
    w.w(f"# {md_escape(doc.title)}\n\n")
    if doc.subtitle:
        w.w(f"*{md_escape(doc.subtitle)}*\n\n")
    w.blocks(doc.blocks)
    return w.written
