"""symconv: what convolution and cross-correlation compute, derived and proved.

The public API is small and imported lazily, so ``symconv --help`` never loads SymPy.

>>> import symconv
>>> e = symconv.expand("corr", 5, 2, origin="corner", mode="valid",
...                    x=[2, 1, 3, 5, 4], h=[1, -1])
>>> e.values().tolist()
[1, -2, -2, 1]
"""

from __future__ import annotations

from typing import Any

from ._version import __version__
from .errors import FormulaError, InputError, LimitError, SymconvError

__all__ = [
    "__version__",
    "SymconvError",
    "InputError",
    "LimitError",
    "FormulaError",
    "Signal",
    "make_signal",
    "operation",
    "Operation",
    "Relation",
    "expand",
    "Expansion",
    "check_formula",
    "CheckResult",
    "identify",
    "prove",
    "prove_claim",
    "THEOREMS",
    "Derivation",
    "Step",
    "Document",
    "explore",
    "Explorer",
]

_LAZY = {
    "Signal": ("index.signal", "Signal"),
    "make_signal": ("index.signal", "make_signal"),
    "operation": ("index.request", "operation"),
    "Operation": ("index.request", "Operation"),
    "Relation": ("index.relation", "Relation"),
    "expand": ("expansion", "expand"),
    "Expansion": ("expansion", "Expansion"),
    "check_formula": ("classify.check", "check_formula"),
    "CheckResult": ("classify.check", "CheckResult"),
    "identify": ("classify.identification", "identify"),
    "prove": ("proof.theorems", "prove"),
    "prove_claim": ("proof.claims", "prove_claim"),
    "THEOREMS": ("proof.theorems", "THEOREMS"),
    "Derivation": ("proof.derivation", "Derivation"),
    "Step": ("proof.derivation", "Step"),
    "Document": ("document", "Document"),
    "explore": ("app.explore", "explore"),
    "Explorer": ("app.explore", "Explorer"),
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        import importlib

        mod, attr = _LAZY[name]
        value = getattr(importlib.import_module(f".{mod}", __name__), attr)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'symconv' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
