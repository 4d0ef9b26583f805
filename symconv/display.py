"""Rich displays for the model, after SymPy's ``Printable``: the one place where the model
reaches the renderers, lazily, when a notebook asks for a display.

Expansions, derivations, check results and documents inherit :class:`Displayable`; nothing
else below :mod:`symconv.render` imports it.  The import-graph test allows exactly this edge.
"""

from __future__ import annotations

import importlib


class Displayable:
    """``_repr_latex_`` (MathJax display math) and ``_repr_html_`` (MathML and SVG)."""

    __slots__ = ()

    def _repr_latex_(self) -> str:
        jupyter = importlib.import_module("symconv.render.jupyter")
        return str(jupyter.repr_latex(self))

    def _repr_html_(self) -> str:
        jupyter = importlib.import_module("symconv.render.jupyter")
        return str(jupyter.repr_html(self))
