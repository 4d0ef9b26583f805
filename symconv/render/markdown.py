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
from ..expansion import figures
from ..index.ops import OPERATIONS
from .base import Printer
from .mathtex import (
    Aligned,
    Display,
    Typesetter,
    comparison_table,
    equations_display,
    terms_equations,
)
from .palette import MATHJAX_COLOURS
from .plainmath import plain
from .svg import svg_drawing, svg_string
from .tex import Style, derivation_math, mathjax_style, rich_math
from .words import check_dict, check_facts

#: ASCII punctuation that Markdown could read as markup, escaped with a backslash.
MD_SPECIALS = set("\\`*_[]<>#|~&$")
FENCE = "```"


def md_escape(s: str) -> str:
    return "".join("\\" + ch if ch in MD_SPECIALS else ch for ch in s)


def md_text(s: str, style: Style | None = None) -> str:
    """Rich text: prose escaped, ``$...$`` spans kept as inline math (the notation's
    macros expanded for MathJax)."""
    return "".join(f"${md_math(p)}$" if is_math else md_escape(p)
                   for is_math, p in rich_math(s, style or mathjax_style()))


def md_math(latex: str) -> str:
    """Inline math for Markdown: ``<`` and ``>`` as ``\\lt``/``\\gt``, so that no Markdown
    reader takes any of it for HTML (MathJax and KaTeX know both commands)."""
    return latex.replace("<", r"\lt ").replace(">", r"\gt ")


class MarkdownPrinter(Printer):
    format = "markdown"

    def __init__(self, stream: IO[str], **settings: Any) -> None:
        super().__init__(stream, **settings)
        self.style = replace(self.style, colours={**self.style.colours, **MATHJAX_COLOURS})
        self.count = 0
        self.assets_dir: str | None = None
        self.stem = ""

    def _assets(self, fallback_stem: str) -> None:
        """Where the drawings go: beside ``path``, or in ``assets_dir``, or inline."""
        path = self._settings["path"]
        assets = self._settings["assets_dir"]
        stem = fallback_stem
        if path and path != "-":
            stem = os.path.splitext(os.path.basename(path))[0]
            if assets is None:
                assets = os.path.dirname(os.path.abspath(path))
        if assets is not None and not os.path.isdir(assets):
            raise InputError(f"cannot write figures: folder {assets!r} does not exist")
        self.assets_dir, self.stem = assets, stem

    # -- whole outputs ----------------------------------------------------------------------
    def _page_Expansion(self, exp: Any) -> None:
        self._assets("expansion")
        at = self._settings["at"]
        title = self._settings["title"] or f"symconv: {OPERATIONS[exp.operation.op].title}"
        self.write(f"# {md_escape(title)}\n\n")
        self.expansion(exp, at, tuple(self._settings["figures"]
                                      or figures.default_figures(exp, at)))

    def _page_Derivation(self, d: Any) -> None:
        self._assets("derivation")
        self._print_Derivation(d)

    def _page_CheckResult(self, data: Any) -> None:
        self._assets("check")
        self.check(data, self._settings["source"])

    def _page_Document(self, doc: Any) -> None:
        self._assets(doc.name)
        self.write(f"# {self.rich(doc.title)}\n\n")
        if doc.subtitle:
            self.write(f"*{self.rich(doc.subtitle)}*\n\n")
        for b in doc.blocks:
            self._print(b)

    # -- pieces -----------------------------------------------------------------------------
    def math(self, latex: Display) -> None:
        body = latex.latex() if isinstance(latex, Aligned) else latex
        self.write(f"{FENCE}math\n{body}\n{FENCE}\n\n")

    def rich(self, text: str) -> str:
        """Rich text (prose with ``$...$`` math) as Markdown with inline math."""
        return md_text(text, self.style)

    def caption(self, text: str) -> None:
        self.write(f"*{md_text(text, self.style)}*\n\n")

    def expansion(self, exp: Any, at: Sequence[int] | None, names: Iterable[str],
                  title: str = "") -> None:
        if title:
            self.write(f"{self.title_marks()} {self.rich(title)}\n\n")
        for name in names:
            try:
                self._print(figures.build(name, exp, at, self.style.subset))
            except InputError as exc:
                self.write(f"*({md_escape(name)}: {md_escape(str(exc))})*\n\n")

    def check(self, data: Any, source: str = "") -> None:
        d = check_dict(data)
        for label, value in check_facts(d, source):
            self.write(f"- **{md_escape(label)}:** {md_escape(value)}\n")
        self.write("\n")

    # -- figures ----------------------------------------------------------------------------
    def _print_Drawing(self, model: Any) -> None:
        from ..io import open_output

        self.count += 1
        if self.assets_dir is None:
            self.write(ET.tostring(svg_drawing(model), encoding="unicode") + "\n\n")
        else:
            name = f"{self.stem}-{self.count:02d}-{model.name}.svg"
            path = os.path.join(self.assets_dir, name)
            with open_output(path) as fh:
                fh.write(svg_string(model))
            self.written.append(path)
            self.write(f"![{md_escape(plain(model.caption))}]({name})\n\n")
        self.caption(model.caption)

    def _print_object(self, model: Any) -> None:
        for m in Typesetter(self.style).displays(model):
            self.math(m)
        self.caption(model.caption)

    # -- blocks -----------------------------------------------------------------------------
    def _print_ExpansionBlock(self, b: Any) -> None:
        self.expansion(b.expansion, b.at, b.figures, b.title)

    def _print_MatrixBlock(self, b: Any) -> None:
        self._print(b.view if b.drawing is None else b.drawing)

    def _print_DerivationBlock(self, b: Any) -> None:
        self._print_Derivation(b.derivation)

    def _print_Derivation(self, d: Any) -> None:
        self.write(f"{self.title_marks()} {self.rich(d.title)}\n\n**Claim.**\n\n")
        self.math(derivation_math(d.claim_latex, self.style))
        self.write(f"**Verdict:** {md_escape(d.verdict)}, **scope:** {md_escape(d.scope)}.\n\n")
        for n, s in enumerate(d.steps, 1):
            self.write(f"**Step {n}.** {self.rich(s.why)}\n\n")
            if s.latex:
                self.math(derivation_math(s.latex, self.style))
        if d.counterexample is not None:
            self.write("**Counterexample.**\n\n")
            for k, v in d.counterexample.items():
                self.write(f"- {md_escape(str(k))}: "
                           f"{md_escape(json.dumps(v, ensure_ascii=False))}\n")
            self.write("\n")
        for note in d.notes:
            self.write(f"*Note:* {self.rich(note)}\n\n")

    def _print_CheckBlock(self, b: Any) -> None:
        self.check(b.result, b.source)

    def _print_ComparisonBlock(self, block: Any) -> None:
        if block.title:
            self.write(f"{self.title_marks()} {self.rich(block.title)}\n\n")
        for label, exp in block.rows:
            self.write(f"**{self.rich(label)}**\n\n")
            self.math(terms_equations(exp, self.style))
        side = comparison_table(block, self.style)
        if side is not None:
            self.math(side[0])
            self.caption(side[1])

    def _print_Heading(self, b: Any) -> None:
        self.write("#" * self.heading_level(b.level) + f" {self.rich(b.text)}\n\n")

    def title_marks(self) -> str:
        return "#" * self.title_level()

    def _print_Equations(self, b: Any) -> None:
        self.math(equations_display(b, self.style))

    def _print_Paragraph(self, b: Any) -> None:
        self.write(self.rich(b.text) + "\n\n")
