"""Exact decisions about given values: is ``a == b`` for the numbers (surds, constants) the
user gave, and for *every* value of the symbols among them?

No float tolerance decides "equal": a difference is equal to zero when SymPy reduces it to
0 (expanded polynomial identity; for constants, SymPy's zero test) and unequal when it is
provably nonzero (SymPy's test, or a numerical value far above its error bound).  With
symbols, ``a == b`` holds for every value exactly when the numerator of the difference is
the zero polynomial; otherwise a witness (small integer values of the symbols) makes them
differ, and the values where they agree are named when SymPy can solve for them.
Anything else is undecided, never equal.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import numpy as np

from ..expansion.substitution import conjugate
from ..index.numbers import from_sympy, to_sympy

#: Digits of the numerical test of a constant difference, and the bound above which the
#: value is certainly nonzero (mpmath's error at 60 digits is far below it).
DIGITS = 60
NONZERO = 1e-40
#: Radicals beyond which a minimal polynomial is not attempted (its degree grows as 2^n).
MAX_RADICALS = 8


class UndecidedValues(Exception):
    """Two exact coefficients could be neither shown equal nor shown different (a surd
    SymPy cannot simplify, say): the claim is undecided, never proved or refuted."""


@dataclass(frozen=True)
class Decision:
    """``a == b``: ``equal`` (for every value of the symbols), ``unequal`` (with
    ``witness``: values of the symbols, possibly none, where they differ) or
    ``undecided``; ``where`` names the values where they agree, if SymPy finds them."""

    verdict: str
    difference: Any
    witness: dict[str, Any] | None = None
    where: str | None = None


def constant_zero(d: Any) -> bool | None:
    """Whether a constant is zero: True, False, or None when neither could be shown."""
    import sympy as sp

    if d == 0:
        return True
    z = d.is_zero
    if z is not None:
        return bool(z)
    v = sp.N(d, DIGITS)
    if abs(complex(v)) > NONZERO:
        return False
    if d.is_algebraic and len(d.atoms(sp.Pow)) <= MAX_RADICALS:
        # An algebraic number is 0 exactly when its minimal polynomial is x: exact, and
        # it settles what the zero test leaves open ((-1)^(1/3) = 1/2 + sqrt(3)/2 i).
        try:
            return bool(sp.minimal_polynomial(d, sp.Dummy("x")).is_Symbol)
        except (NotImplementedError, ValueError):  # pragma: no cover - SymPy's limits
            return None
    return None


def decide_equal(a: Any, b: Any) -> Decision:
    """Decide ``a == b`` exactly (see the module's text).

    >>> decide_equal(Fraction(1, 2), Fraction(2, 4)).verdict
    'equal'
    >>> import sympy as sp
    >>> t = sp.Symbol("t")
    >>> d = decide_equal(t, 1)
    >>> d.verdict, d.witness, d.where
    ('unequal', {'t': 0}, 't = 1')
    >>> decide_equal(sp.sqrt(8), 2 * sp.sqrt(2)).verdict
    'equal'
    """
    if isinstance(a, (int, Fraction)) and isinstance(b, (int, Fraction)):
        return Decision("equal" if a == b else "unequal", a - b, {} if a != b else None)
    from .cyclotomic import Cyclo

    if isinstance(a, (Cyclo, int, Fraction)) and isinstance(b, (Cyclo, int, Fraction)):
        # a cyclotomic number in its unique form: zero exactly when its coefficients are
        d = a - b
        return Decision("equal" if d == 0 else "unequal", d, {} if d != 0 else None)
    import sympy as sp

    d = sp.expand(to_sympy(a) - to_sympy(b))
    syms = sorted(d.free_symbols, key=str)
    if not syms:
        z = constant_zero(d)
        return Decision("undecided" if z is None else "equal" if z else "unequal", d,
                        None if z is not False else {})
    num = sp.expand(sp.fraction(sp.together(d))[0])
    if num == 0:
        return Decision("equal", d)
    try:
        z = coefficients_zero(num, syms)
    except sp.PolynomialError:
        # Not a polynomial in the symbols (sqrt(t^2), say): "equal for every value" is not
        # decided here, but a value of the symbols where the two differ refutes it.
        w = _witness(d, num, syms)
        return Decision("undecided", d) if w is None else Decision("unequal", d, w)
    if z is True:  # pragma: no cover - Poly drops zero coefficients
        return Decision("equal", d)
    if z is None:
        return Decision("undecided", d)
    witness = _witness(d, num, syms)
    where = None
    if len(syms) == 1:
        try:
            roots = sp.solve(num, syms[0])
        except (NotImplementedError, ValueError):  # pragma: no cover - SymPy's limits
            roots = None
        if roots is not None:
            where = (f"{syms[0]} = " + " or ".join(str(r) for r in roots)) if roots \
                else f"no value of {syms[0]}"
    if witness is None:  # pragma: no cover - a nonzero polynomial is nonzero somewhere
        return Decision("undecided", d)
    return Decision("unequal", d, witness, where)


def coefficients_zero(num: Any, syms: list[Any]) -> bool | None:
    """Whether a polynomial in ``syms`` is the zero polynomial: True when every coefficient
    is exactly zero, False when one is exactly non-zero, None when neither could be shown
    (:func:`constant_zero` per coefficient).  Raises SymPy's ``PolynomialError`` when
    ``num`` is not a polynomial in them."""
    import sympy as sp

    zs = [constant_zero(c) for c in sp.Poly(num, *syms).coeffs()]
    if all(z is True for z in zs):
        return True
    return False if any(z is False for z in zs) else None


def _witness(d: Any, num: Any, syms: list[Any]) -> dict[str, Any] | None:
    """Small integer values of the symbols where the difference ``d`` (numerator ``num``)
    is provably nonzero, or None."""
    import sympy as sp

    den = sp.fraction(sp.together(d))[1]
    for vals in itertools.product((0, 1, -1, 2, -2, 3), repeat=len(syms)):
        sub = dict(zip(syms, vals, strict=True))
        if constant_zero(sp.expand(den.subs(sub))) is not False:
            continue
        if constant_zero(sp.expand(num.subs(sub))) is False:
            return {str(s): v for s, v in sub.items()}
    return None


def substitute(arr: np.ndarray, values: dict[str, Any]) -> np.ndarray:
    """An array of values with symbols replaced by numbers (exact, re-normalised)."""
    if arr.dtype != object or not values:
        return arr
    import sympy as sp

    sub = {sp.Symbol(k): v for k, v in values.items()}
    out = np.empty(arr.shape, dtype=object)
    flat = out.ravel()
    for j, v in enumerate(arr.ravel().tolist()):
        flat[j] = from_sympy(sp.expand(to_sympy(v).subs(sub))) if hasattr(v, "subs") else v
    return out


def exact_arrays(values: dict[str, np.ndarray]) -> bool:
    """Whether every array is integer or exact (objects): evaluate without floats."""
    return all(np.asarray(v).dtype.kind in "iuO" for v in values.values())


def exact_conjugate(v: Any) -> Any:
    """The complex conjugate of an exact value: rationals as they are, a cyclotomic number
    (a root of unity's field) by its own rule, SymPy's conjugate in normal form (a symbol is
    complex: ``conj(t)`` stays ``conjugate(t)``)."""
    from .cyclotomic import Cyclo

    if isinstance(v, Cyclo):
        return v.conjugate()
    c = conjugate(v)
    return normal(c) if hasattr(c, "free_symbols") else c


def normal(v: Any) -> Any:
    """One exact value in its normal form: rationals as ``int``/``Fraction``, SymPy
    expressions expanded."""
    if isinstance(v, (int, Fraction)):
        return v
    if isinstance(v, np.integer):
        return int(v)
    if hasattr(v, "free_symbols"):
        import sympy as sp

        return from_sympy(sp.expand(v))
    return v


def coef_equal(a: Any, b: Any) -> bool:
    """Whether two exact coefficients are provably equal (undecided counts as not)."""
    if isinstance(a, (int, Fraction)) and isinstance(b, (int, Fraction)):
        return a == b
    return decide_equal(a, b).verdict == "equal"


def exact_sum(values: list[Any]) -> Any:
    """A sum of exact values, SymPy results expanded and rationals kept as Python numbers."""
    from .cyclotomic import Cyclo

    total: Any = 0
    for v in values:
        total = total + v
    if isinstance(total, (int, Fraction, Cyclo)):
        return total
    import sympy as sp

    return from_sympy(sp.expand(total))
