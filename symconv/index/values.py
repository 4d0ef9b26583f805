"""Numbers in JSON: one rule for every value symconv writes (array entries, outputs,
counterexamples).

A complex number (Python ``complex`` or a NumPy complex scalar) is ``{"re": .., "im": ..}``
with both parts floats, whatever its imaginary part; an integer is an ``int``; any other real
is an ``int`` when it is integral and exactly representable (``|v| < 2**53``), else a
``float``; an exact rational or surd (``Fraction``, a SymPy number) is its nearest float
(complex ones as above), or an ``int`` when integral; its exact form is the output's
``"exact"`` string.  For floats the type decides, not the value: an array of complex values
is written as complex entries throughout, so a reader need not guess entry by entry.  A
value beyond a float's range (or a NaN) is ``null``: JSON has no infinity.
"""

from __future__ import annotations

import math
from fractions import Fraction
from typing import Any

import numpy as np

#: Floats below this magnitude are integers exactly when they are integral.
EXACT_INT = 2**53


def json_number(v: Any) -> Any:
    """One number as JSON.

    >>> json_number(3.0), json_number(np.int64(-2)), json_number(0.5)
    (3, -2, 0.5)
    >>> json_number(2 + 0j), json_number(np.complex128(1 - 2j))
    ({'re': 2.0, 'im': 0.0}, {'re': 1.0, 'im': -2.0})
    >>> json_number(1e16)
    1e+16
    """
    if hasattr(v, "to_sympy") and hasattr(v, "order"):  # a cyclotomic number (claims' DFT)
        v = complex(v)
    if isinstance(v, (complex, np.complexfloating)):
        if not (math.isfinite(v.real) and math.isfinite(v.imag)):
            return None
        return {"re": float(v.real), "im": float(v.imag)}
    if isinstance(v, (int, np.integer)):
        return int(v)
    if isinstance(v, Fraction):
        if v.denominator == 1:
            return int(v)
        try:  # float() of a Fraction is correctly rounded (integer true division)
            return float(v)
        except OverflowError:
            return None  # beyond a float: the output's "exact" string has it
    if hasattr(v, "evalf"):  # an exact SymPy value: surds, pi, E, I, symbols
        if v.is_Integer:
            return int(v)
        if v.free_symbols:
            return str(v)  # no number: the expression as SymPy prints it
        c = complex(v.evalf(30))
        return json_number(c) if c.imag else json_number(c.real)
    f = float(v)
    if not math.isfinite(f):
        return None  # JSON has no infinity or NaN (the exact form, when there is one, has it)
    return int(f) if f.is_integer() and abs(f) < EXACT_INT else f


def json_array(a: Any) -> Any:
    """An array as nested lists of :func:`json_number` (a 0-d array: one number).

    >>> json_array(np.array([[1.0, 2.5], [3, 4]]))
    [[1, 2.5], [3, 4]]
    >>> json_array(np.array([1, 2j]))
    [{'re': 1.0, 'im': 0.0}, {'re': 0.0, 'im': 2.0}]
    >>> from fractions import Fraction
    >>> json_array(np.array([1, Fraction(1, 2)], dtype=object))
    [1, '1/2']
    """
    arr = np.asarray(a)
    if arr.dtype == object:
        # Exact values (given by the user, or computed from them): integers as numbers,
        # anything else as its exact string ("1/2", "sqrt(2)", "t"), never rounded.
        from .numbers import exact_str

        def one(v: Any) -> Any:
            return int(v) if isinstance(v, (int, np.integer)) else exact_str(v)

        if arr.ndim == 0:
            return one(arr.item())
        return np.vectorize(one, otypes=[object])(arr).tolist()
    if arr.ndim == 0:
        return json_number(arr.item())
    if arr.ndim > 1:
        return [json_array(x) for x in arr]
    return [json_number(v) for v in arr.tolist()]
