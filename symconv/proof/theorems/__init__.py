"""The named theorems, one module each, and the entry point :func:`prove`.

Each theorem is proved in two labelled scopes:

``instance``
    For given shapes and options: both sides are built from the core's index relation and
    compared exactly as lists of terms (:mod:`symconv.proof.instance`).  Any differing term
    makes the comparison fail, and the derivation is then *refuted* with the first differing
    output: no path says "proved" without a check that could fail.

``all-sizes``
    For symbolic sizes (:mod:`symconv.proof.symbolic`): per spatial axis, the relations of the
    two sides are shown to be the same set by SymPy identities.  If an identity is not
    established the proof stops and the theorem falls back to the instance scope, saying so
    in the notes.

The registry is this package: every module not starting with ``_`` is a theorem, named as
the module with ``_`` read as ``-`` (``receptive_field.py`` is ``receptive-field``).  A
theorem module defines ``TITLE`` (one line), ``instance(o: Options) -> Derivation``, and
``all_sizes(o)`` when it has an all-sizes proof (absent or ``None`` otherwise); it may define
``beyond_all_sizes(o) -> str | None`` when its all-sizes proof takes other options than
:func:`symconv.proof.options.all_sizes_limit` allows by default.  Adding a theorem is adding
one module.  This file imports nothing heavy (no NumPy, no SymPy): the command line reads
:data:`NAMES` for its choices and help.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Iterable
from types import ModuleType
from typing import TYPE_CHECKING, Any

from ...errors import InputError
from ..options import Options  # light; the options of prove (symconv derive reads its fields)

if TYPE_CHECKING:
    from ..derivation import Derivation


def discover(paths: Iterable[str]) -> tuple[str, ...]:
    """The theorem names of the modules in ``paths`` (not starting with ``_``), sorted;
    ``_`` in a module name reads ``-``.  Nothing is imported."""
    return tuple(sorted(m.name.replace("_", "-") for m in pkgutil.iter_modules(list(paths))
                        if not m.name.startswith("_")))


#: The theorem names, read off the module files of this package (no module is imported).
NAMES: tuple[str, ...] = discover(__path__)

#: Theorem name -> its one-line title (imports every theorem module on first use).
THEOREMS: dict[str, str]


def theorem_module(name: str) -> ModuleType:
    """The module of the theorem ``name`` (imported on first use)."""
    if name not in NAMES:
        raise InputError(f"bad theorem {name!r}: use {', '.join(NAMES)}")
    return importlib.import_module(f"{__name__}.{name.replace('-', '_')}")


def __getattr__(name: str) -> Any:
    if name == "THEOREMS":
        value = {n: theorem_module(n).TITLE for n in NAMES}
        globals()["THEOREMS"] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def prove(theorem: str, scope: str | None = None, options: Options | None = None,
          **kw: Any) -> Derivation:
    """Prove a named theorem.

    >>> prove("flip", scope="all-sizes").scope
    'all-sizes'
    >>> d = prove("duality", image="8", kernel="3", stride=2, padding=1)
    >>> d.verdict, d.scope
    ('proved', 'instance')
    """
    from dataclasses import replace

    from ..options import all_sizes_limit, check_options, default_scope, with_shapes
    from ..symbolic import Beyond

    module = theorem_module(theorem)
    opts = options if options is not None else Options(**kw)
    check_options(opts, scope)
    if scope is None:
        scope = default_scope(opts)
    if scope == "all-sizes":
        all_sizes = getattr(module, "all_sizes", None)
        limit = getattr(module, "beyond_all_sizes", None)
        why = limit(opts) if limit is not None else all_sizes_limit(opts)
        if all_sizes is None:
            why = why or f"the theorem '{theorem}' has no all-sizes proof"
        elif why is None:
            try:
                proved: Derivation = all_sizes(opts)
                return proved
            except Beyond as exc:
                why = str(exc)
    d: Derivation = module.instance(with_shapes(opts))
    if scope == "all-sizes":
        note = (f"all-sizes scope was asked for, but {why}; this result is for the instance "
                "scope only")
        return replace(d, notes=(note,) + d.notes)
    return d
