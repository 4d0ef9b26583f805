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
:func:`symconv.proof.options.all_sizes_limit` allows by default, and ``refuse(o)`` raising
:class:`symconv.errors.InputError` for option combinations it cannot read.  Adding a
theorem is adding one module.  This file imports nothing heavy (no NumPy, no SymPy): the
command line reads :data:`NAMES` for its choices and help.
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

    from ..options import (
        COMMON_OPTIONS,
        all_sizes_limit,
        check_options,
        default_scope,
        resolved,
        with_shapes,
    )
    from ..symbolic import Beyond

    module = theorem_module(theorem)
    opts = options if options is not None else Options(**kw)
    check_options(opts, scope, getattr(module, "USES", COMMON_OPTIONS), theorem)
    refuse = getattr(module, "refuse", None)
    if refuse is not None:
        refuse(opts)  # the theorem's own refusals of option combinations it cannot read
    opts = resolved(opts)
    decided_by = getattr(module, "decided_by_values", None)
    user_shapes = (opts.image is not None and opts.kernel is not None) or bool(
        decided_by is not None and decided_by(opts))
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
        form = getattr(module, "claim_form", None)
        texts = form(opts) if form is not None else None
        if texts and not user_shapes:
            # The theorem as claims: the claim engine decides them for every size where the
            # theorem's own all-sizes proof does not reach (a mode window, say), and its
            # search refutes them where they are false.
            by_claim = _as_claims(theorem, module, texts, opts)
            if by_claim is not None:
                return by_claim
    else:
        why = "the instance scope was asked for"
    shapes = with_shapes(opts)
    d: Derivation = module.instance(shapes)
    if not user_shapes and d.verdict == "proved":
        # Shapes the user did not give prove nothing about the sizes the user meant: a
        # check at default shapes is evidence, not a proof (a refutation stands).
        which = "the given" if opts.image is not None or opts.kernel is not None else \
            "the default"
        note = (f"undecided: not proved for every size ({why}); it holds at {which} "
                f"shapes image {shapes.image} and kernel {shapes.kernel} only. Give --image "
                "and --kernel for an exact decision at shapes of your choice")
        return replace(d, verdict="undecided", scope="all-sizes", notes=(note,) + d.notes)
    if scope == "all-sizes":
        note = (f"all-sizes scope was asked for, but {why}; this result is for the instance "
                "scope only")
        return replace(d, notes=(note,) + d.notes)
    return d


def _as_claims(theorem: str, module: ModuleType, texts: list[str], opts: Options
               ) -> Derivation | None:
    """The theorem decided as claims (proved when every claim is proved for all sizes,
    refuted when one is refuted); None when a claim is undecided."""
    from dataclasses import replace

    from ..claims import prove_claim
    from ..derivation import Derivation, Step

    steps: list[Step] = []
    for text in texts:
        d = prove_claim(text, dims=opts.dims or 1, origin=opts.origin or "center",
                        max_terms=opts.max_terms)
        if d.verdict == "refuted":
            return replace(d, title=module.TITLE, name=theorem, notes=(
                f"the theorem's claim {text} is refuted with these options",) + d.notes)
        if d.verdict != "proved" or d.scope != "all-sizes":
            return None
        steps += [Step(d.claim_latex, f"the theorem, as a claim of the claim language: {text}",
                       d.claim_text)] + list(d.steps[1:])
    latex, text_ = module.CLAIM
    return Derivation(module.TITLE, latex, text_, "proved", "all-sizes", tuple(steps), None,
                      ("scope all-sizes: proved for every image and kernel size by the claim "
                       "engine (the index sets of both sides are equal in integer linear "
                       "arithmetic): " + "; ".join(texts),), theorem)
