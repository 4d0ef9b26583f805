"""The figures: format-free models read off an expansion, and the one registry of them.

:data:`FIGURES` maps each figure's name (what ``--figures`` and derivation files say) to its
builder.  A builder returns a model (:mod:`.model`): a :class:`~.model.Drawing` that the TikZ
and SVG renderers draw whatever it shows, or a table or equation model that each renderer
typesets by its class.  Adding a drawn figure is a builder and a row here; a typeset figure
with a new model class also needs one method per renderer.

This module is light (the command line reads the registry for ``--help``); the builders'
modules (:mod:`.grids`, :mod:`.tables`, NumPy) are imported when a figure is built, and
their names are available here too (``figures.worked_table``).

>>> from symconv.expansion import expand
>>> d = build("drawing", expand("conv", "7x7", "3x3", mode="same"), (1, 1))
>>> from symconv.expansion.figures.model import text
>>> [text(c.lines[0]) for c in d.cells[:3]]
['x[0,0]·i', 'x[0,1]·f', 'x[0,2]·c']
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Sequence
from typing import Any, NamedTuple

from ...errors import InputError


def _grids() -> Any:
    return importlib.import_module(".grids", __name__)


def _sliding() -> Any:
    return importlib.import_module(".sliding", __name__)


def _tables() -> Any:
    return importlib.import_module(".tables", __name__)


class FigureSpec(NamedTuple):
    """A row of the registry: the figure's name, its builder ``(expansion, at, subset)``,
    and whether it needs one output index (``at``)."""

    name: str
    build: Callable[[Any, Any, str], Any]
    needs_at: bool = False


#: THE registry of figures, in the order documentation lists them.
FIGURES: dict[str, FigureSpec] = {s.name: s for s in (
    FigureSpec("equation", lambda e, at, sub: _tables().equation(e)),
    FigureSpec("kernel", lambda e, at, sub: _grids().kernel_grid(e)),
    FigureSpec("image", lambda e, at, sub: _grids().image_grid(e)),
    FigureSpec("corner", lambda e, at, sub: _grids().image_corner(e)),
    FigureSpec("worked", lambda e, at, sub: _tables().worked_table(e, at, sub), True),
    FigureSpec("worked-article", lambda e, at, sub: _tables().worked_table(e, at, "article"),
               True),
    FigureSpec("drawing", lambda e, at, sub: _grids().drawing(e, at), True),
    FigureSpec("boxes", lambda e, at, sub: _grids().boxes(e, at), True),
    FigureSpec("window", lambda e, at, sub: _sliding().window(e, at), True),
    FigureSpec("output-map", lambda e, at, sub: _grids().output_map(e, at)),
    FigureSpec("duality", lambda e, at, sub: _tables().duality(e)),
    FigureSpec("matrix", lambda e, at, sub: _tables().matrix(e)),
    FigureSpec("terms", lambda e, at, sub: _tables().terms(e, at)),
    FigureSpec("worked-drawn", lambda e, at, sub: _tables().worked_drawing(e, at, sub), True),
    FigureSpec("worked-article-drawn",
               lambda e, at, sub: _tables().worked_drawing(e, at, "article"), True),
    FigureSpec("duality-drawn", lambda e, at, sub: _tables().duality_drawing(e)),
    FigureSpec("matrix-drawn", lambda e, at, sub: _tables().matrix_drawing(e)),
)}
#: The worked-example figures (typeset or drawn): the slides reveal them row by row.
WORKED = ("worked", "worked-article", "worked-drawn", "worked-article-drawn")


def build(name: str, exp: Any, at: Sequence[int] | None, subset: str = "window") -> Any:
    """The model of figure ``name`` for an expansion (and an output index ``at``)."""
    spec = FIGURES.get(name)
    if spec is None:
        raise InputError(f"unknown figure {name!r}")
    if spec.needs_at and at is None:
        raise InputError(f"figure {name!r} needs an output index (at)")
    return _trimmed(spec.build(exp, at, subset))


def _trimmed(model: Any) -> Any:
    """A drawing without an empty band at the bottom: its height cut to its content (the
    builders reserve room for a second axis's letter that a 1-D figure never draws)."""
    from .model import Drawing

    if not isinstance(model, Drawing):
        return model
    bottom = max([c.y + c.h for c in model.cells] + [b.y1 for b in model.boxes]
                 + [max(ln.y0, ln.y1) for ln in model.lines]
                 + [lab.y + (0.3 if lab.small else 0.4) for lab in model.labels], default=0.0)
    if bottom + 0.2 < model.height:
        import dataclasses

        return dataclasses.replace(model, height=round(bottom + 0.2, 3))
    return model


def default_figures(exp: Any, at: Sequence[int] | None) -> tuple[str, ...]:
    """What ``expand`` shows without a document: the equation, then the worked example."""
    from ...index.relation import AffineAxis

    spatial = all(isinstance(f, AffineAxis) for f in exp.relation.factors) and \
        len(exp.shape) <= 2
    if at is None:
        return ("equation", "terms") if exp.relation.term_count() <= 400 else ("equation",)
    figs = ["equation", "terms", "worked"]
    if spatial:
        figs += ["drawing", "boxes"]
    return tuple(figs)


def __getattr__(name: str) -> Any:
    """The builders' and models' names (``figures.worked_table``), imported on first use."""
    for mod in (".model", ".grids", ".sliding", ".tables", ".layout"):
        module = importlib.import_module(mod, __name__)
        if hasattr(module, name) and not name.startswith("_"):
            return getattr(module, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
