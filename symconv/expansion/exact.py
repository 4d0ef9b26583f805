"""The numbers of an expansion: exact sums of products, and expressions with the values the
user gave substituted (a numeric kernel on a symbolic image, or the reverse).

Which arithmetic runs depends on the kinds of the two value arrays
(:func:`symconv.index.numbers.kind`):

* integers: NumPy ``int64``, checked for overflow first (else Python integers);
* rationals (decimals, fractions): scaled to integers by the common denominator of each array,
  summed as integers, divided once per output: no SymPy, no ``Fraction`` arithmetic per term;
* surds, ``pi``, ``E``, ``I`` and symbols: SymPy, each output's sum expanded (bounded by
  :data:`SYMPY_COST`: one SymPy product costs what about 40 printed terms cost);
* binary floats (``.npy`` files, Python floats): NumPy floating point, said to be inexact.

With only one array given, every output is a linear form in the other array's symbols.
Its ``str()`` is written directly when the coefficients are rational (the order and the
forms SymPy prints, ``x[0] - 2*x[1] + x[2]/9``; the tests hold the two to each other), and
built with SymPy otherwise.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from fractions import Fraction
from typing import Any

import numpy as np

from ..errors import LimitError
from ..index.numbers import exact_str, from_sympy, kind, to_sympy
from ..index.relation import check_limit

#: A SymPy product costs about what this many printed terms cost: the exact path's share
#: of the term limit (the default allows 200,000 SymPy products, about 20 s).
SYMPY_COST = 40
INT64_MAX = 2**63 - 1


def combined_kind(*arrays: np.ndarray | None) -> str | None:
    """The arithmetic two value arrays need together (None without values)."""
    kinds = {kind(a) for a in arrays if a is not None}
    if not kinds:
        return None
    for k in ("complex", "float", "exact", "rational", "integer"):
        if k in kinds:
            if k in ("complex", "float") and "exact" in kinds:
                return "exact"
            return k
    raise AssertionError(kinds)  # pragma: no cover


def gather(values: np.ndarray, lo: Sequence[int], idx: np.ndarray) -> np.ndarray:
    """The value of each term's pixel (or kernel entry): ``values[idx - lo]`` per row."""
    return values[tuple((idx - np.array(lo)).T)]


def as_ints(v: np.ndarray) -> tuple[np.ndarray, int]:
    """Rationals as (integers, common denominator): ``v == ints / den`` exactly.  The
    integers are ``int64`` when they fit, else Python integers in an object array."""
    if v.dtype != object:
        return v.astype(np.int64), 1
    flat = v.ravel().tolist()
    den = 1
    for q in {x.denominator for x in flat if isinstance(x, Fraction)}:
        den = den * q // math.gcd(den, q)
    ints = [x.numerator * (den // x.denominator) if isinstance(x, Fraction) else x * den
            for x in flat]
    out = np.array(ints, dtype=object).reshape(v.shape)
    if all(-INT64_MAX <= i <= INT64_MAX for i in ints):
        out = out.astype(np.int64)
    return out, den


def _bound(a: np.ndarray) -> int:
    if not a.size:
        return 0
    if a.dtype == object:
        return max(abs(int(x)) for x in a.ravel().tolist())
    return int(np.abs(a.astype(object)).max()) if a.dtype.kind in "iu" else 0


def sum_integers(xi: np.ndarray, hi: np.ndarray, starts: np.ndarray) -> np.ndarray:
    """Per-output sums of ``xi * hi`` (terms grouped by ``starts``), exactly: ``int64`` when
    no partial sum can overflow, else Python integers."""
    counts = np.diff(starts)
    most = int(counts.max()) if counts.size else 0
    if xi.dtype == object or hi.dtype == object or \
            _bound(xi) * _bound(hi) * max(most, 1) > INT64_MAX:
        xi, hi = xi.astype(object), hi.astype(object)
        dtype: Any = object
    else:
        dtype = np.int64
    prod = xi * hi
    out = np.zeros(len(counts), dtype=dtype)
    if dtype is object:
        out[:] = 0
    nz = counts > 0
    if prod.size:
        out[nz] = np.add.reduceat(prod, starts[:-1][nz])
    return out


def sum_products(xv: np.ndarray, hv: np.ndarray, starts: np.ndarray, conjugate: bool,
                 how: str, scales: tuple[int, int] | None = None) -> np.ndarray:
    """The exact (or, for ``float``/``complex``, rounded) sum of each output's products.

    ``xv``/``hv`` hold each term's pixel and kernel value; ``how`` is
    :func:`combined_kind` of the two arrays.  Rationals come back as ``int``/``Fraction``
    in an object array, surds and symbols as expanded SymPy expressions.  ``scales``: the
    rational values were already scaled to integers by these common denominators
    (:func:`as_ints`, done once per array rather than once per term).
    """
    if how in ("integer", "rational"):
        # (the caller may pass integer arrays already scaled: see Expansion.values_of)
        xi, dx = as_ints(xv) if scales is None else (xv, scales[0])
        hi, dh = as_ints(hv) if scales is None else (hv, scales[1])
        sums = sum_integers(xi, hi, starts)
        if dx * dh == 1:
            return sums
        den = dx * dh
        out = np.empty(len(sums), dtype=object)
        for j, s in enumerate(sums.tolist()):
            f = Fraction(s, den)
            out[j] = f.numerator if f.denominator == 1 else f
        return out
    if how in ("float", "complex"):
        if hv.dtype == object:
            hv = hv.astype(float)
        if xv.dtype == object:
            xv = xv.astype(float)
        if conjugate:
            hv = np.conj(hv)
        prod = xv * hv
        counts = np.diff(starts)
        out = np.zeros(len(counts), dtype=prod.dtype if prod.size else np.result_type(xv, hv))
        nz = counts > 0
        if prod.size:
            out[nz] = np.add.reduceat(prod, starts[:-1][nz])
        return out
    import sympy as sp

    xs = [to_sympy(v) for v in xv.tolist()]
    hs = [to_sympy(v) for v in hv.tolist()]
    if conjugate:
        hs = [sp.conjugate(h) for h in hs]
    out = np.empty(len(starts) - 1, dtype=object)
    bounds = starts.tolist()
    for p in range(len(out)):
        a, b = bounds[p], bounds[p + 1]
        out[p] = from_sympy(sp.expand(sp.Add(*[xs[j] * hs[j] for j in range(a, b)])))
    return out


def check_cost(how: str | None, n_terms: int, max_terms: int | None) -> None:
    """Refuse (before any work) an exact computation with SymPy over too many products."""
    if how != "exact":
        return
    limit = check_limit(max_terms) // SYMPY_COST
    if n_terms > limit:
        need = n_terms * SYMPY_COST
        raise LimitError(
            f"exact arithmetic with surds, constants or symbols takes one SymPy operation per "
            f"product: this request has {n_terms:,} products, over the limit of {limit:,} "
            f"(the term limit / {SYMPY_COST}); raise it with --max-terms {need} "
            f"(Python: max_terms={need})")


def is_number(v: Any) -> bool:
    """Whether an exact result is a number (no symbols, no pixels, no kernel entries)."""
    if isinstance(v, (int, Fraction, float, complex, np.number)):
        return True
    return not getattr(v, "free_symbols", True)


def json_exact(v: Any, how: str | None) -> str | None:
    """The ``"exact"`` string of one output (None when the arithmetic was binary floats)."""
    if how in ("float", "complex"):
        return None
    return exact_str(v)


# -- one array given: the other stays symbolic -------------------------------------------------


def linear_forms(coeffs: np.ndarray, atoms: np.ndarray, starts: np.ndarray
                 ) -> list[list[tuple[Any, int]]]:
    """Per output, ``(coefficient, atom)`` pairs with repeated atoms collected (a circular
    boundary can read one pixel twice) and zero coefficients dropped, atoms in first-seen
    order."""
    out = []
    cl, al, bounds = coeffs.tolist(), atoms.tolist(), starts.tolist()
    for p in range(len(bounds) - 1):
        acc: dict[int, Any] = {}
        for j in range(bounds[p], bounds[p + 1]):
            acc[al[j]] = acc.get(al[j], 0) + cl[j]
        out.append([(c, a) for a, c in acc.items() if c != 0])
    return out


def rational_term(c: int | Fraction, atom: str) -> str:
    """``c*atom`` as SymPy's ``str()`` prints a Rational times a symbol-like atom:
    ``x[0]``, ``-x[0]``, ``2*x[0]``, ``x[0]/9``, ``-2*x[0]/9``."""
    f = Fraction(c)
    p, q = f.numerator, f.denominator
    sign = "-" if p < 0 else ""
    p = abs(p)
    head = atom if p == 1 else f"{p}*{atom}"
    return sign + (head if q == 1 else f"{head}/{q}")


def join_terms(parts: list[str]) -> str:
    """Printed terms joined as SymPy's ``str()`` joins an Add: ``a - b + c``."""
    if not parts:
        return "0"
    out = parts[0]
    for s in parts[1:]:
        out += " - " + s[1:] if s.startswith("-") else " + " + s
    return out


def rational_coefficients(arr: np.ndarray) -> bool:
    """Whether every value is an integer or a fraction (the printed fast path applies)."""
    return kind(arr) in ("integer", "rational")


def require_number(v: Any) -> Any:
    """``v`` if it is a number, else an error naming it (for numeric-only uses)."""
    if not is_number(v):
        raise ValueError(f"{v} is not a number")
    return v


def to_float(v: Any) -> float | complex:
    """A number as the nearest float (complex when it has an imaginary part)."""
    if isinstance(v, (int, Fraction)):
        return float(v)
    if isinstance(v, (float, complex)):
        return v
    if isinstance(v, np.number):
        return v.item()  # type: ignore[no-any-return]
    c = complex(to_sympy(v).evalf(20))
    return c.real if c.imag == 0 else c


# -- values as people read them ----------------------------------------------------------------


def value_latex(v: Any, inline: bool = False) -> str:
    """A value in LaTeX math: ``3``, ``\\frac{21}{32}``, ``\\sqrt{3} \\pi``, ``-4 + 7 i``;
    binary floats to 4 significant digits as the figures show them.  ``inline`` (table
    cells, figures, where a built-up fraction would be too small to read): ``21/32``."""
    if isinstance(v, (bool, np.bool_)):  # pragma: no cover - refused on input
        raise TypeError(v)
    if isinstance(v, (int, np.integer)):
        return str(int(v))
    if isinstance(v, Fraction):
        if inline:
            return f"{v.numerator}/{v.denominator}"
        body = rf"\frac{{{abs(v.numerator)}}}{{{v.denominator}}}"
        return ("-" if v < 0 else "") + body
    if isinstance(v, (complex, np.complexfloating)):
        c = complex(v)
        if c.imag == 0:
            return value_latex(c.real)
        re_ = value_latex(c.real) if c.real else ""
        im = value_latex(abs(c.imag))
        return f"{re_}{'-' if c.imag < 0 else '+' if re_ else ''}{'' if im == '1' else im}i"
    if isinstance(v, (float, np.floating)):
        f = float(v)
        return str(int(f)) if f.is_integer() and abs(f) < 1e15 else f"{f:.4g}"
    import sympy as sp

    return str(sp.latex(v, fold_short_frac=inline))


def factor_latex(v: Any, inline: bool = False) -> str:
    """A value as the second factor of a product in LaTeX: parenthesised when it is
    negative or a sum (``3\\cdot (-1)``, ``3\\cdot\\left(-\\frac{1}{2}\\right)``)."""
    s = value_latex(v, inline)
    if s.startswith("-") or " + " in s or " - " in s or "+" in s[1:]:
        # Plain parentheses around a number; stretching ones around a fraction or root.
        return rf"\left({s}\right)" if "\\frac" in s else f"({s})"
    return s


def value_text(v: Any) -> str:
    """A value as plain text: SymPy's ``str()`` for exact values (``21/32``,
    ``sqrt(3)*pi``), the float's shortest repr for binary floats."""
    if isinstance(v, (complex, np.complexfloating)):
        c = complex(v)
        return repr(c.real) if c.imag == 0 else str(c)
    if isinstance(v, (float, np.floating)):
        f = float(v)
        return str(int(f)) if f.is_integer() and abs(f) < 1e15 else repr(f)
    return exact_str(v)
