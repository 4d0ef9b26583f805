"""From the relation to what people read: SymPy expressions, term lists, worked examples
(:mod:`.core`), and the format-free figure models every renderer draws (:mod:`.figures`).

Light to import: :mod:`.core` (NumPy) is loaded when one of its names is first used."""

from __future__ import annotations

import importlib
from typing import Any

__all__ = ["Expansion", "Row", "Term", "WorkedExample", "entry_class", "expand"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        return getattr(importlib.import_module(".core", __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
