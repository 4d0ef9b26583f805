"""Renderers read the model (expansions, derivations, check results, documents); the model
never imports a renderer (its Jupyter displays go through :mod:`symconv.display`, which
imports :mod:`.jupyter` when a notebook asks).

:data:`FORMATS` is the one registry of output formats: the ``--format`` choices of every
command, ``derive``'s file names and the renderer classes read it.  Each format is a
:class:`~.base.Printer` subclass in its own module, imported only when used.
"""

from __future__ import annotations

import importlib
from typing import IO, Any, NamedTuple

from ..errors import InputError


class Format(NamedTuple):
    """A row of the registry: the format's name, its printer (``module:Class``), the file
    ``derive`` writes a document to, and whether it prints notation (the notation options
    apply to it)."""

    name: str
    printer: str
    document_file: str
    notation: bool = True


#: THE registry of output formats, in the order ``--help`` lists them.
FORMATS: dict[str, Format] = {f.name: f for f in (
    Format("text", "symconv.render.text:TextPrinter", "{name}.txt", notation=False),
    Format("json", "symconv.render.jsonfmt:JsonPrinter", "{name}.json", notation=False),
    Format("latex", "symconv.render.latex:LatexPrinter", "{name}.tex"),
    Format("beamer", "symconv.render.beamer:BeamerPrinter", "{name}-slides.tex"),
    Format("mathml", "symconv.render.xhtml:MathmlPrinter", ""),
    Format("html", "symconv.render.html:HtmlPrinter", "{name}.html"),
    Format("markdown", "symconv.render.markdown:MarkdownPrinter", "{name}.md"),
)}
#: Binary formats of ``expand`` alone: the sliding-kernel animation, one frame per output
#: (:mod:`.raster`; Pillow, and PyAV for MP4, both optional), written to a file (``-o``).
ANIMATIONS: tuple[str, ...] = ("gif", "mp4")


def printer_class(fmt: str) -> Any:
    """The :class:`~.base.Printer` subclass of format ``fmt``."""
    spec = FORMATS.get(fmt)
    if spec is None:
        raise InputError(f"bad format {fmt!r}: use {', '.join(FORMATS)}")
    modname, cls = spec.printer.split(":")
    return getattr(importlib.import_module(modname), cls)


def render(obj: Any, fmt: str, stream: IO[str], **options: Any) -> list[str]:
    """Render ``obj`` (an expansion, a derivation, a check result or a document) in
    ``fmt`` to ``stream``; ``options`` are the printers' settings (:mod:`.base`).

    Returns the paths of extra files the renderer wrote (the SVG figures beside a Markdown
    file); an empty list for the other formats.
    """
    return list(printer_class(fmt)(stream, **options).doprint(obj))
