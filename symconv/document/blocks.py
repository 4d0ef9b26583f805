"""A document: what ``symconv demo`` and ``symconv derive`` render in every format.

A :class:`Document` is a title and a sequence of blocks, each a reading of the model:
a heading, a paragraph of plain text, an expansion (with the figures to draw), a
derivation (a proof), or a checker result.  Renderers implement ``render_document``; the
model never imports a renderer.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Union

#: Figures an expansion block can ask for (see symconv.figures).
FIGURES = ("equation", "kernel", "image", "corner", "worked", "worked-article", "drawing",
           "boxes", "output-map", "duality", "matrix", "terms", "worked-drawn",
           "worked-article-drawn", "duality-drawn", "matrix-drawn")


@dataclass(frozen=True)
class Heading:
    text: str
    level: int = 1


@dataclass(frozen=True)
class Paragraph:
    """Plain text; renderers escape it.  ``$...$`` spans are inline LaTeX math."""

    text: str


@dataclass(frozen=True)
class ExpansionBlock:
    expansion: Any
    at: tuple[int, ...] | None = None
    figures: tuple[str, ...] = ("equation", "worked", "drawing")
    title: str = ""


@dataclass(frozen=True)
class DerivationBlock:
    derivation: Any


@dataclass(frozen=True)
class CheckBlock:
    """A checker result (``CheckResult``) or an identification, with the input text."""

    result: Any
    source: str = ""




@dataclass(frozen=True)
class Document:
    title: str
    blocks: tuple[Block, ...] = field(default=())
    name: str = "document"
    subtitle: str = ""

    # -- Jupyter: documents display themselves -------------------------------------------
    def _repr_latex_(self) -> str:
        from ..render.latex import repr_latex

        return repr_latex(self)

    def _repr_html_(self) -> str:
        from ..render.html import repr_html

        return repr_html(self)


@dataclass(frozen=True)
class ComparisonBlock:
    """One operation under several conventions (labelled expansions) side by side."""

    title: str
    rows: tuple[tuple[str, Any], ...]


Block = Union[Heading, Paragraph, ExpansionBlock, DerivationBlock, CheckBlock,
              ComparisonBlock]


def visit(blocks: Any, writer: Any) -> None:
    """Send each block to the writer's method for its kind.

    The writer has ``heading(text, level)``, ``paragraph(text)``, ``expansion(expansion,
    at, figures, title)``, ``derivation(derivation)``, ``check(result, source)`` and
    ``comparison(block)``: one dispatch for every renderer of documents.
    """
    for b in blocks:
        if isinstance(b, Heading):
            writer.heading(b.text, b.level)
        elif isinstance(b, Paragraph):
            writer.paragraph(b.text)
        elif isinstance(b, ExpansionBlock):
            writer.expansion(b.expansion, b.at, b.figures, b.title)
        elif isinstance(b, DerivationBlock):
            writer.derivation(b.derivation)
        elif isinstance(b, CheckBlock):
            writer.check(b.result, b.source)
        elif isinstance(b, ComparisonBlock):
            writer.comparison(b)
        else:
            raise TypeError(f"not a document block: {b!r}")
