"""A document: what ``symconv demo`` and ``symconv derive`` render in every format.

A :class:`Document` is a title and a sequence of blocks, each a reading of the model:
a heading, a paragraph of plain text, an expansion (with the figures to draw), a
derivation (a proof), or a checker result.  Renderers print each block by its class; the
model never imports a renderer.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Union

from ..display import Displayable
from ..expansion.figures import FIGURES as _FIGURE_REGISTRY
from .richtext import check_rich_text

#: Figures an expansion block can ask for: the names of the figure registry.
FIGURES = tuple(_FIGURE_REGISTRY)


@dataclass(frozen=True)
class Heading:
    text: str
    level: int = 1

    def __post_init__(self) -> None:
        check_rich_text(self.text, "heading")


@dataclass(frozen=True)
class Paragraph:
    """Plain text; renderers escape it.  ``$...$`` spans are inline LaTeX math."""

    text: str

    def __post_init__(self) -> None:
        check_rich_text(self.text, "paragraph")


@dataclass(frozen=True)
class ExpansionBlock:
    expansion: Any
    at: tuple[int, ...] | None = None
    figures: tuple[str, ...] = ("equation", "worked", "drawing")
    title: str = ""

    def __post_init__(self) -> None:
        check_rich_text(self.title, "block title")


@dataclass(frozen=True)
class Equations:
    """Displayed equations aligned at their relation: ``rows`` of (left, right) LaTeX, the
    right starting with ``=`` (``\\arr{y}[0]``, ``= \\frac{1}{2}(...)``), and ``text``, the
    same rows for the plain formats."""

    rows: tuple[tuple[str, str], ...]
    text: tuple[str, ...]

    def __post_init__(self) -> None:
        from .richtext import check_math

        if len(self.rows) != len(self.text):
            raise ValueError("Equations: one text row per row")
        for left, right in self.rows:
            check_math(left, "equation")
            check_math(right, "equation")
        for t in self.text:
            check_rich_text(t, "equation text")


@dataclass(frozen=True)
class PoolingBlock:
    """A pooling (:class:`symconv.expansion.pooling.Pooling`): all its outputs, or one
    output and its window (``at``), under an optional title."""

    pooling: Any
    at: tuple[int, ...] | None = None
    title: str = ""

    def __post_init__(self) -> None:
        check_rich_text(self.title, "block title")


@dataclass(frozen=True)
class DerivationBlock:
    derivation: Any


@dataclass(frozen=True)
class CheckBlock:
    """A checker result (``CheckResult``) or an identification, with the input text."""

    result: Any
    source: str = ""




@dataclass(frozen=True)
class Document(Displayable):
    title: str
    blocks: tuple[Block, ...] = field(default=())
    name: str = "document"
    subtitle: str = ""

    def __post_init__(self) -> None:
        check_rich_text(self.title, "title")
        check_rich_text(self.subtitle, "subtitle")



@dataclass(frozen=True)
class ComparisonBlock:
    """One operation under several conventions (labelled expansions) side by side."""

    title: str
    rows: tuple[tuple[str, Any], ...]

    def __post_init__(self) -> None:
        check_rich_text(self.title, "block title")
        for label, _ in self.rows:
            check_rich_text(label, "variant label")


@dataclass(frozen=True)
class MatrixBlock:
    """An operation's matrix in one form (a :class:`~symconv.expansion.figures.model.
    MatrixView`), typeset with its caption, or ``drawing`` (its
    :class:`~symconv.expansion.figures.model.Drawing`) drawn in its place."""

    view: Any
    drawing: Any = None


Block = Union[Heading, Paragraph, Equations, ExpansionBlock, PoolingBlock, DerivationBlock,
              CheckBlock, ComparisonBlock, MatrixBlock]
