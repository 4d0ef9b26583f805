"""Renderers read the model (expansions, derivations, check results); the model never
imports a renderer.  ``FORMAT_MODULES`` maps each ``--format`` to the module that renders
it; every module exposes ``render_<kind>(obj, stream, **options)`` for the kinds it knows.
"""

from __future__ import annotations

import importlib
from typing import IO, Any

from ..errors import InputError

FORMAT_MODULES = {
    "text": "symconv.render.text",
    "json": "symconv.render.jsonfmt",
    "latex": "symconv.render.latex",
    "beamer": "symconv.render.beamer",
    "mathml": "symconv.render.mathml",
    "html": "symconv.render.html",
    "markdown": "symconv.render.markdown",
}


def render(kind: str, obj: Any, fmt: str, stream: IO[str], **options: Any) -> Any:
    """Render ``obj`` (an ``expansion``, ``derivation``, ``check``, ``document``) in ``fmt``.

    Returns what the renderer returns: the paths of extra files it wrote (the SVG figures
    beside a Markdown file), or ``None``.
    """
    modname = FORMAT_MODULES.get(fmt)
    if modname is None:
        raise InputError(f"bad format {fmt!r}: use {', '.join(FORMAT_MODULES)}")
    try:
        mod = importlib.import_module(modname)
    except ModuleNotFoundError as exc:
        if exc.name != modname:
            raise
        raise InputError(f"format {fmt!r} is not available for {kind}") from None
    fn = getattr(mod, f"render_{kind}", None)
    if fn is None:
        raise InputError(f"format {fmt!r} is not available for {kind}")
    return fn(obj, stream, **options)
