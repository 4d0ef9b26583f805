"""Outputs with the given values substituted: numbers when both arrays have values, else a
linear form in the symbolic array's entries (``x[0] - 2*x[1] + x[2]`` for the kernel
``1,-2,1`` on a symbolic image; ``2*a + b/2`` for a symbolic kernel on given pixels).

Repeated atoms are collected (a circular boundary can read a pixel twice) and zero
coefficients dropped.  With rational coefficients the ``str()`` is written directly, in
SymPy's order (the atoms' printed strings, as SymPy's ``sort_key`` orders an ``Indexed``
or a ``Symbol``) and forms; otherwise SymPy builds and prints it.
"""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction
from typing import Any

import numpy as np

from ..index.numbers import exact_str, to_sympy
from ..index.relation import Terms
from .exact import (
    check_cost,
    gather,
    join_terms,
    linear_forms,
    rational_coefficients,
    rational_term,
)


def conjugate(v: Any) -> Any:
    """The complex conjugate of one value (exact values stay exact)."""
    if isinstance(v, (int, Fraction, np.integer, np.floating)):
        return v
    if isinstance(v, (complex, np.complexfloating)):
        return np.conj(v)
    import sympy as sp

    return sp.conjugate(v)


def number_str(v: Any, exact: bool) -> str:
    """An output's number as a string: SymPy's form when exact, else the float's repr."""
    if exact:
        return exact_str(v)
    if isinstance(v, (complex, np.complexfloating)):
        return repr(complex(v))
    return repr(float(v))


class Substitution:
    """The substituted outputs of one expansion."""

    def __init__(self, exp: Any) -> None:
        """``exp``: the :class:`~symconv.expansion.core.Expansion` whose outputs these are."""
        self.exp = exp
        op = exp.operation
        self.op = op
        #: which array stays symbolic: "image" (kernel values given), "kernel" (image
        #: values given), or None (both given).
        self.symbolic = None if exp.has_values else \
            "image" if op.kernel.values is not None else "kernel"

    def _forms(self, t: Terms, flats: Sequence[int]) -> list[list[tuple[Any, int]]]:
        op, atoms = self.op, self.exp.atoms
        counts, sel = atoms.select_terms(t, flats)
        starts = np.concatenate([[0], np.cumsum(counts)]).astype(np.int64)
        ip, kp = atoms.flat_of(t, sel)
        if self.symbolic == "image":
            assert op.kernel.values is not None
            coeff = gather(op.kernel.values, op.kernel.lo, t.kernel[sel])
            if op.conjugate:
                coeff = np.array([conjugate(c) for c in coeff.tolist()], dtype=object)
            return linear_forms(coeff, ip, starts)
        assert op.image.values is not None
        coeff = gather(op.image.values, op.image.lo, t.image[sel])
        return linear_forms(coeff, kp, starts)

    def _atom(self, a: int) -> Any:
        atoms = self.exp.atoms
        if self.symbolic == "image":
            return atoms.pixel(a)
        atoms.ensure_symbolic()
        e = atoms.entries[a]
        if self.op.conjugate:
            import sympy as sp

            return sp.conjugate(e)
        return e

    def exprs(self, t: Terms, flats: Sequence[int]) -> list[Any]:
        """SymPy expressions of the outputs at ``flats``."""
        if self.symbolic is None:
            return [to_sympy(v) for v in self.exp.values_of(t, flats).tolist()]
        import sympy as sp

        return [sp.Add(*[to_sympy(c) * self._atom(a) for c, a in form])
                for form in self._forms(t, flats)]

    def strs(self, t: Terms, flats: Sequence[int]) -> list[str]:
        """``str()`` of each output at ``flats``."""
        exp = self.exp
        if self.symbolic is None:
            return [number_str(v, exp.exact) for v in exp.values_of(t, flats).tolist()]
        given = self.op.kernel.values if self.symbolic == "image" else self.op.image.values
        assert given is not None
        fast = rational_coefficients(given) and not (self.symbolic == "kernel"
                                                     and self.op.conjugate)
        if not fast:
            # Counted for the whole expansion when more than one output is asked for: the
            # outputs are printed in chunks, and each chunk alone would pass.
            counts, _ = exp.atoms.select_terms(t, flats)
            n = int(np.sum(counts)) if len(flats) == 1 else exp.relation.term_count()
            check_cost("exact", n, exp.max_terms)
            return [str(e) for e in self.exprs(t, flats)]
        names = self._atom_names(t, flats)
        out = []
        for form in self._forms(t, flats):
            terms = sorted(form, key=lambda ca: names[ca[1]])
            out.append(join_terms([rational_term(c, names[a]) for c, a in terms]))
        return out

    def _atom_names(self, t: Terms, flats: Sequence[int]) -> dict[int, str] | list[str]:
        atoms = self.exp.atoms
        if self.symbolic == "kernel":
            return atoms.enames
        counts, sel = atoms.select_terms(t, flats)
        ip, _ = atoms.flat_of(t, sel)
        pix = atoms.pixel_strs(ip)
        name = self.op.image.name
        return {f: f"{name}[{s}]" for f, s in pix.items()}

    def form(self, t: Terms, p: int) -> list[tuple[Any, tuple[int, ...]]]:
        """The linear form of the output at ``p``: ``(coefficient, index)`` pairs, the index
        a pixel's (kernel values given) or a kernel entry's (image values given)."""
        sig = self.op.image if self.symbolic == "image" else self.op.kernel
        out = []
        for c, a in self._forms(t, [p])[0]:
            pos = np.unravel_index(a, sig.shape)
            out.append((c, tuple(int(q) - o for q, o in zip(pos, sig.origin, strict=True))))
        return out
