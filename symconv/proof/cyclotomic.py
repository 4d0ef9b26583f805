"""Exact numbers of cyclotomic fields: the roots of unity of the DFT without ``simplify``.

An element of ``Q(zeta_L)`` (``zeta_L = exp(2 pi i / L)``) is kept as the polynomial in
``zeta_L`` of degree below ``phi(L)`` that the cyclotomic polynomial ``Phi_L`` leaves as
remainder.  ``1, zeta, ..., zeta^(phi(L)-1)`` is a basis of the field over the rationals, so
this form is unique: an element is 0 exactly when every coefficient is 0, and two elements
(brought to the least common L) are equal exactly when their coefficients are.  Arithmetic
is on ``Fraction`` coefficients: no floating point, no zero test that can fail.  Rationals
come back as ``int``/``Fraction``.
"""

from __future__ import annotations

import math
from fractions import Fraction
from functools import lru_cache
from typing import Any, Union

Rational = Union[int, Fraction]


@lru_cache(maxsize=256)
def cyclotomic(n: int) -> tuple[int, ...]:
    """The coefficients of ``Phi_n`` (lowest degree first), by dividing ``z^n - 1`` by the
    ``Phi_d`` of the proper divisors ``d`` of ``n`` (exact integer arithmetic)."""
    poly = [-1] + [0] * (n - 1) + [1]
    for d in range(1, n):
        if n % d == 0:
            poly = _divide_exact(poly, list(cyclotomic(d)))
    return tuple(poly)


def _divide_exact(num: list[int], den: list[int]) -> list[int]:
    """``num / den`` for a monic ``den`` that divides ``num`` (lowest degree first)."""
    num = list(num)
    out = [0] * (len(num) - len(den) + 1)
    for k in range(len(out) - 1, -1, -1):
        c = num[k + len(den) - 1]
        out[k] = c
        for j, d in enumerate(den):
            num[k + j] -= c * d
    if any(num[:len(den) - 1]):  # pragma: no cover - Phi_d divides z^n - 1 for d | n
        raise AssertionError("not an exact division")
    return out


@lru_cache(maxsize=256)
def _terms(order: int) -> tuple[int, tuple[tuple[int, int], ...]]:
    """``Phi_order``'s degree and its non-zero lower coefficients ``(j, c)`` (for n with
    square factors ``Phi_n(z) = Phi_m(z^(n/m))``: mostly zeros, skipped)."""
    phi = cyclotomic(order)
    return len(phi) - 1, tuple((j, c) for j, c in enumerate(phi[:-1]) if c)


def _reduce(coeffs: dict[int, Fraction], order: int) -> tuple[Fraction, ...]:
    """``sum c_e zeta^e`` (``e`` mod ``order``) as the remainder modulo ``Phi_order``."""
    deg, lower = _terms(order)
    poly: dict[int, Fraction] = {}
    for e, c in coeffs.items():
        if c:
            e %= order
            poly[e] = poly.get(e, Fraction(0)) + c
    # eliminate the highest power above deg - 1 until none is left (z^deg = -sum c_j z^j)
    high = sorted((e for e in poly if e >= deg), reverse=True)
    while high:
        k = high.pop(0)
        c = poly.pop(k, Fraction(0))
        if not c:
            continue
        for j, pc in lower:
            e = k - deg + j
            v = poly.get(e, Fraction(0)) - c * pc
            if v:
                if e not in poly and e >= deg:
                    high.append(e)
                    high.sort(reverse=True)
                poly[e] = v
            else:
                poly.pop(e, None)
    return tuple(poly.get(j, Fraction(0)) for j in range(deg))


class Cyclo:
    """An exact element of ``Q(zeta_L)`` as a sum ``sum_e c_e zeta_L^e``; build with
    :func:`root_of_unity`.

    Sums and products are exponent arithmetic modulo L (no reduction); equality is decided
    when asked: a floating-point evaluation with a rigorous error bound shows a value
    non-zero when it clearly is, and otherwise the remainder modulo ``Phi_L`` decides
    exactly (it is unique, so zero exactly when all its coefficients are).
    """

    __slots__ = ("order", "terms")

    def __init__(self, order: int, terms: dict[int, Fraction]) -> None:
        self.order = order
        self.terms = terms

    @staticmethod
    def make(order: int, terms: dict[int, Fraction]) -> Cyclo | Rational:
        kept: dict[int, Fraction] = {}
        for e, c in terms.items():
            if c:
                kept[e % order] = kept.get(e % order, Fraction(0)) + c
        kept = {e: c for e, c in kept.items() if c}
        if not kept:
            return 0
        # the smallest field holding the exponents: zeta_L^(g e) = zeta_(L/g)^e
        g = order
        for e in kept:
            g = math.gcd(g, e)
        if g > 1:
            order //= g
            kept = {e // g: c for e, c in kept.items()}
        if order == 2:  # zeta_2 = -1
            return _plain(kept.get(0, Fraction(0)) - kept.get(1, Fraction(0)))
        if order == 1 or set(kept) == {0}:
            return _plain(kept.get(0, Fraction(0)))
        return Cyclo(order, kept)

    def lifted(self, order: int) -> dict[int, Fraction]:
        """The terms as powers of ``zeta_order`` (``order`` a multiple of this one's)."""
        step = order // self.order
        return {e * step: c for e, c in self.terms.items()}

    # -- arithmetic -----------------------------------------------------------------------
    def _pair(self, other: Any) -> tuple[int, dict[int, Fraction], dict[int, Fraction]] | None:
        if isinstance(other, Cyclo):
            order = self.order * other.order // math.gcd(self.order, other.order)
            if order > MAX_ORDER:
                from ..errors import LimitError

                raise LimitError(f"roots of unity of orders {self.order} and {other.order} "
                                 f"meet in a field of order {order}, over {MAX_ORDER}: use "
                                 "arrays whose lengths share factors")
            return order, self.lifted(order), other.lifted(order)
        if isinstance(other, (int, Fraction)):
            return self.order, self.terms, {0: Fraction(other)}
        return None

    def __add__(self, other: Any) -> Any:
        pair = self._pair(other)
        if pair is None:
            return self.to_sympy() + other
        order, a, b = pair
        out = dict(a)
        for e, c in b.items():
            out[e] = out.get(e, Fraction(0)) + c
        return Cyclo.make(order, out)

    __radd__ = __add__

    def __neg__(self) -> Cyclo:
        return Cyclo(self.order, {e: -c for e, c in self.terms.items()})

    def __sub__(self, other: Any) -> Any:
        return self + (-other)

    def __rsub__(self, other: Any) -> Any:
        return (-self) + other

    def __mul__(self, other: Any) -> Any:
        pair = self._pair(other)
        if pair is None:
            return self.to_sympy() * other
        order, a, b = pair
        out: dict[int, Fraction] = {}
        for e1, c1 in a.items():
            for e2, c2 in b.items():
                e = (e1 + e2) % order
                out[e] = out.get(e, Fraction(0)) + c1 * c2
        return Cyclo.make(order, out)

    __rmul__ = __mul__

    def is_zero(self) -> bool:
        """Exactly: clearly non-zero numerically (with a rigorous bound on the rounding),
        else the remainder modulo the cyclotomic polynomial."""
        try:
            value = complex(self)
            size = sum(abs(float(c)) for c in self.terms.values())
        except OverflowError:  # pragma: no cover - enormous coefficients: exact only
            value, size = 0j, math.inf
        bound = 16 * (len(self.terms) + 8) * 2.0 ** -52 * size
        if abs(value) > bound:
            return False
        return not any(_reduce(self.terms, self.order))

    def __eq__(self, other: Any) -> bool:  # type: ignore[override]
        d = self - other
        return d == 0 if not isinstance(d, Cyclo) else d.is_zero()

    __hash__ = None  # type: ignore[assignment]

    def conjugate(self) -> Any:
        return Cyclo.make(self.order, {(-e) % self.order: c for e, c in self.terms.items()})

    # -- display --------------------------------------------------------------------------
    def to_sympy(self) -> Any:
        import sympy as sp

        z = sp.exp(2 * sp.pi * sp.I / self.order)
        vec = _reduce(self.terms, self.order)
        return sum((sp.Rational(c.numerator, c.denominator) * z ** j
                    for j, c in enumerate(vec) if c), sp.Integer(0))

    def __complex__(self) -> complex:
        return complex(sum(float(c) * complex(math.cos(2 * math.pi * e / self.order),
                                              math.sin(2 * math.pi * e / self.order))
                           for e, c in self.terms.items()))

    def __str__(self) -> str:
        terms = []
        for j, c in enumerate(_reduce(self.terms, self.order)):
            if c:
                power = "" if j == 0 else f"w{self.order}" + (f"^{j}" if j > 1 else "")
                terms.append(str(c) if not power else
                             power if c == 1 else f"-{power}" if c == -1 else f"{c}*{power}")
        return (" + ".join(terms).replace("+ -", "- ") or "0") + \
            f" (w{self.order} = exp(2 pi i/{self.order}))"

    __repr__ = __str__


#: Largest field order two roots of unity may meet in (lcm of the DFT lengths of a claim).
MAX_ORDER = 20_000


def _plain(v: Fraction) -> Rational:
    return int(v) if v.denominator == 1 else v


def root_of_unity(e: int, n: int) -> Cyclo | Rational:
    """``omega^e`` for ``omega = exp(2 pi i / n)``: 1 and -1 as integers."""
    return Cyclo.make(n, {e % n: Fraction(1)})
