"""The base of every renderer, after SymPy's ``Printer`` (``sympy/printing/printer.py``).

A renderer is a :class:`Printer` subclass with one method per class it prints: ``_page_X``
for an object rendered as a whole output (an expansion, a derivation, a check result, a
document), ``_print_X`` for the parts (document blocks, figure models).  Dispatch walks the
object's classes in method-resolution order, so a subclass of a model class prints as its
base.  Settings are declared in ``_default_settings``; an unknown one is refused with
``TypeError("Unknown setting 'x'.")``, as SymPy's printers do.
"""

from __future__ import annotations

from typing import IO, Any, ClassVar

from ..errors import InputError
from .tex import STYLE_OPTIONS, Style, style_from

#: Settings every format accepts: the command line passes them to whichever format it
#: writes (a format that has no use for one ignores it).
COMMON_SETTINGS: dict[str, Any] = {
    "at": None,            # the output index of an expansion's worked example
    "standalone": None,    # a whole document (LaTeX); the other formats are whole already
    "title": None,         # the page or document title
    "figures": None,       # figure names for an expansion (default: expand's choice)
    "path": None,          # the file being written (Markdown puts its figures beside it)
    "assets_dir": None,    # where Markdown writes its figures
    "source": "",          # the formula a check result was read from
    "sparse": None,        # a matrix's non-zeros only (JSON, text)
    "drawn": None,         # a matrix drawn (TikZ, SVG) instead of typeset
    **{k: None for k in STYLE_OPTIONS},
}


class Dispatcher:
    """Finds the method for an object's class: ``prefix + ClassName``, along the MRO."""

    def _method(self, prefix: str, obj: Any) -> Any:
        for cls in type(obj).__mro__:
            fn = getattr(self, prefix + cls.__name__, None)
            if fn is not None:
                return fn
        return None

    def _dispatch(self, prefix: str, obj: Any, *args: Any) -> Any:
        fn = self._method(prefix, obj)
        if fn is None:
            raise TypeError(f"{type(self).__name__} cannot print {type(obj).__name__}")
        return fn(obj, *args)


class Printer(Dispatcher):
    """Writes one output format to a stream.

    ``doprint(obj)`` renders ``obj`` as a whole output (``_page_<Class>``) and returns the
    paths of extra files written beside it (Markdown's figures), or an empty list.
    """

    #: the ``--format`` name
    format: ClassVar[str] = ""
    _default_settings: ClassVar[dict[str, Any]] = COMMON_SETTINGS

    def __init__(self, stream: IO[str], **settings: Any) -> None:
        for key in settings:
            if key not in self._default_settings:
                raise TypeError(f"Unknown setting '{key}'.")
        self._settings = {**self._default_settings, **settings}
        self.stream = stream
        self.written: list[str] = []
        self.style: Style = style_from({k: v for k, v in settings.items()
                                        if k in STYLE_OPTIONS and v is not None})
        self.depth = 1  # level of the last heading printed: the page's title

    def heading_level(self, level: int) -> int:
        """The output level of a document heading (a section under the page's title, a
        subsection under it), remembered so block titles nest under it."""
        self.depth = 2 if level <= 1 else 3
        return self.depth

    def title_level(self) -> int:
        """A block's title one level under the last heading: no level is skipped."""
        return min(self.depth + 1, 4)

    def standalone(self, default: bool) -> bool:
        """The ``standalone`` setting, or the page kind's default when it was not given."""
        given = self._settings["standalone"]
        return default if given is None else bool(given)

    def write(self, text: str) -> None:
        self.stream.write(text)

    def doprint(self, obj: Any) -> list[str]:
        fn = self._method("_page_", obj)
        if fn is None:
            raise InputError(f"format {self.format!r} is not available for "
                             f"{kind_of(obj)}")
        fn(obj)
        return self.written

    def _print(self, obj: Any, *args: Any) -> Any:
        return self._dispatch("_print_", obj, *args)

    def _page_OperatorMatrix(self, m: Any) -> None:
        """A matrix (``symconv matrix``), as the document it reads as (text and JSON print
        their own)."""
        from ..document.matrix import matrix_document

        self.doprint(matrix_document(m, drawn=bool(self._settings["drawn"])))

    def _page_Pooling(self, p: Any) -> None:
        """A pooling, as the document it reads as (text and JSON print their own)."""
        from ..document.pooling import pooling_document

        self.doprint(pooling_document(p, self._settings["title"] or "", self._settings["at"]))

    def _print_PoolingBlock(self, b: Any) -> Any:
        """A pooling inside a document: its title as a heading, then its blocks."""
        from ..document import Heading
        from ..document.pooling import pooling_blocks

        if b.title:
            self._print(Heading(b.title, 2))
        for block in pooling_blocks(b.pooling, b.at, level=3 if b.title else 2):
            self._print(block)

    def _page_dict(self, d: dict[str, Any]) -> None:
        """A check result given as its JSON dict (the atlas, a stored result)."""
        fn = getattr(self, "_page_CheckResult", None)
        if fn is None:
            raise InputError(f"format {self.format!r} is not available for check")
        fn(d)


def kind_of(obj: Any) -> str:
    """What an object is, as messages say it."""
    return {"Expansion": "expansion", "Derivation": "derivation", "CheckResult": "check",
            "dict": "check", "Document": "document", "Pooling": "pooling"}.get(type(obj).__name__,
                                                          type(obj).__name__)
