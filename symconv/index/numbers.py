"""Exact values: the numbers of ``--x`` and ``--h`` (and of claims and derivation files) as
people write them, parsed by a grammar (``symconv/grammars/values.lark``), never by ``eval``
or ``sympify``.

Accepted: integers, decimals (kept exact: ``0.25`` is 1/4, ``1e-3`` is 1/1000), fractions
``1/9``, imaginary numbers ``2j`` or ``I`` (``1+2j``), ``sqrt(...)``, ``pi``, ``E``, names
(``t``, ``alpha``: SymPy symbols), and sums, differences, products, quotients and rational
powers of those (``sqrt(2)/2``, ``(1+sqrt(5))/2``, ``2^-4``, ``t**2``).

An array of values has one of five kinds (:func:`kind`):

``integer``
    an ``int64`` array (every value an integer that fits in 64 bits);
``rational``
    an object array of Python ``int`` and :class:`fractions.Fraction` (exact decimals,
    fractions, integers of any size): computed exactly without SymPy;
``exact``
    an object array in which some value is a SymPy expression (surds, ``pi``, ``E``, ``I``,
    symbols), each stored expanded;
``float``, ``complex``
    binary floating point: a ``.npy`` file of floats, or floats passed through the Python
    API.  Results are rounded, and every output says so.
"""

from __future__ import annotations

import functools
import math
import re
from fractions import Fraction
from typing import Any

import numpy as np

from ..errors import FormulaError, InputError
from ..limits import shown

#: Longest number token (characters) and largest decimal exponent: ``1e999999`` would be a
#: million-digit integer.
MAX_TOKEN = 1000
MAX_EXPONENT = 1000
#: Largest exact rational (bits of numerator or denominator, about 1,200 digits): a product
#: of three such values still prints within Python's 4,300-digit limit on integer text.
MAX_BITS = 4_000
MAX_DIGITS = 1_200
#: Largest power of a sum (``(1+t)^32``) and most terms one value may expand to.
MAX_SUM_POWER = 32
MAX_VALUE_TERMS = 1000
#: Longest expression for one value (a sum of terms is evaluated one term at a time).
MAX_VALUE_TEXT = 5_000
#: Longest text of values parsed by the grammar (plain numbers take a faster path).
MAX_VALUES_TEXT = 10_000_000
#: Names the grammar reads as constants, and names refused as symbols (SymPy would print
#: them as something else: infinity, not-a-number).
CONSTANTS = ("pi", "E", "I")
FUNCTIONS = ("sqrt",)
RESERVED = frozenset({"oo", "zoo", "nan", "inf", "infinity", "sqrt"})
KINDS = ("integer", "rational", "exact", "float", "complex")

Plain = int | Fraction

_PLAIN_RE = re.compile(
    r"\s*([+-]?)\s*((?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?)"
    r"(?:\s*/\s*((?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?))?\s*\Z")
_INT_LIST_RE = re.compile(r"[\s\d,;+-]*\Z")


@functools.cache
def _sympy() -> Any:
    import sympy

    return sympy


class _Bad(Exception):
    """Why one value is refused (made into one line naming the value by the caller)."""


def _decimal(tok: str) -> Plain:
    """An exact decimal token (``0.25`` -> 1/4) with its size checked first."""
    if len(tok) > MAX_TOKEN:
        raise _Bad(f"a number of {len(tok):,} characters (at most {MAX_TOKEN:,})")
    _, _, exp = tok.lower().partition("e")
    if exp and abs(int(exp)) > MAX_EXPONENT:
        raise _Bad(f"the exponent of {shown(tok, 20)} is too large (at most {MAX_EXPONENT} in "
                   "absolute value)")
    return _plain(Fraction(tok))


def _plain(v: Fraction | int) -> Plain:
    if isinstance(v, Fraction) and v.denominator == 1:
        return int(v.numerator)
    return v


def _check_bits(v: Any) -> None:
    if isinstance(v, (int, Fraction)):
        f = Fraction(v)
        if max(f.numerator.bit_length(), f.denominator.bit_length()) > MAX_BITS:
            raise _Bad(f"the value is too large (more than about {MAX_DIGITS:,} digits)")


def to_sympy(v: Any) -> Any:
    """A value as a SymPy object (``int`` -> ``Integer``, ``Fraction`` -> ``Rational``)."""
    sp = _sympy()
    if isinstance(v, (bool, np.bool_)):
        raise InputError(f"bad value {v!r}: booleans are not numbers")
    if isinstance(v, (int, np.integer)):
        return sp.Integer(int(v))
    if isinstance(v, Fraction):
        return sp.Rational(v.numerator, v.denominator)
    if isinstance(v, (float, np.floating)):
        return sp.Float(float(v))
    if isinstance(v, (complex, np.complexfloating)):
        return sp.Float(v.real) + sp.I * sp.Float(v.imag)
    return v


def from_sympy(e: Any) -> Any:
    """A SymPy value back to ``int``/``Fraction`` when it is rational, else itself."""
    if getattr(e, "is_Rational", False):
        return _plain(Fraction(int(e.p), int(e.q)))
    return e


def expanded_terms(e: Any) -> int:
    """Most terms ``e`` can expand to (an upper bound, computed without expanding)."""
    if not hasattr(e, "args") or not e.args:
        return 1
    if e.is_Add:
        return sum(expanded_terms(a) for a in e.args)
    if e.is_Mul:
        n = 1
        for a in e.args:
            n *= expanded_terms(a)
            if n > MAX_VALUE_TERMS:
                return n
        return n
    if e.is_Pow and e.exp.is_Integer and e.exp > 0 and e.base.is_Add:
        # A power n of a sum of k terms has at most C(n+k-1, k-1) distinct monomials.
        k, n = expanded_terms(e.base), int(e.exp)
        return int(min(math.comb(n + k - 1, k - 1), 10**12))
    return 1


class _Evaluator:
    """Walks one value's lark tree: Python ``int``/``Fraction`` while the value is rational,
    SymPy objects once a surd, a constant, ``I`` or a symbol enters."""


    def value(self, node: Any) -> Any:
        import lark

        if isinstance(node, lark.Token):  # pragma: no cover - every token is inside a rule
            raise _Bad(f"unexpected {str(node)!r}")
        rule = node.data
        kids = node.children
        if rule == "value":
            return self.value(kids[0])
        if rule == "number":
            return _decimal(str(kids[0]))
        if rule == "imaginary":
            v = _decimal(str(kids[0])[:-1])
            return self._checked(to_sympy(v) * _sympy().I)
        if rule == "name":
            return self._name(kids[0])
        if rule == "call":
            fn = str(kids[0])
            if fn not in FUNCTIONS:
                raise _Bad(f"unknown function {fn!r} (only sqrt(...) is allowed)")
            arg = self.value(kids[1])
            return self._checked(_sympy().sqrt(to_sympy(arg)))
        if rule in ("neg", "pos"):
            v = self.value(kids[0])
            return -v if rule == "neg" else v
        if rule == "pow":
            return self._pow(self.value(kids[0]), self.value(kids[2]))
        acc = self.value(kids[0])  # "sum" or "product": operands and operators alternate
        for op, node in zip(kids[1::2], kids[2::2], strict=True):
            acc = self._binary(str(op), acc, self.value(node))
        return acc

    def _binary(self, op: str, a: Any, b: Any) -> Any:
        if op == "/" and b == 0:
            raise _Bad("division by zero")
        plain = isinstance(a, (int, Fraction)) and isinstance(b, (int, Fraction))
        if not plain:
            a, b = to_sympy(a), to_sympy(b)
        if op == "+":
            r = a + b
        elif op == "-":
            r = a - b
        elif op == "*":
            r = a * b
        else:
            r = Fraction(a) / Fraction(b) if plain else a / b
        return self._checked(_plain(r) if plain else r)

    def _name(self, tok: Any) -> Any:
        sp = _sympy()
        name = str(tok)
        if name == "pi":
            return sp.pi
        if name == "E":
            return sp.E
        if name == "I":
            return sp.I
        if name in ("j", "J"):
            raise _Bad("write 1j or I for the imaginary unit (j alone is not a value)")
        if name in RESERVED:
            raise _Bad(f"{name!r} cannot be a symbol" + (
                " (write sqrt(...) with an argument)" if name == "sqrt" else
                ": values must be finite"))
        if len(name) > 32:
            raise _Bad(f"symbol name {name[:20]!r}... too long (at most 32 characters)")
        return sp.Symbol(name)

    def _pow(self, base: Any, exp: Any) -> Any:
        sp = _sympy()
        e = from_sympy(exp)
        if not isinstance(e, (int, Fraction)):
            raise _Bad("an exponent must be a rational number such as 2, -1 or 1/2")
        if abs(Fraction(e).numerator) > MAX_EXPONENT or Fraction(e).denominator > MAX_EXPONENT:
            raise _Bad(f"exponent {e} too large (at most {MAX_EXPONENT})")
        if base == 0 and e < 0:
            raise _Bad("division by zero")
        if isinstance(base, (int, Fraction)) and isinstance(e, int):
            f = Fraction(base)
            bits = max(f.numerator.bit_length(), f.denominator.bit_length())
            if bits * abs(e) > MAX_BITS:
                raise _Bad(f"the value is too large (more than about {MAX_DIGITS:,} digits)")
            return _plain(f ** e)
        b = to_sympy(base)
        if getattr(b, "is_Add", False) and abs(Fraction(e)) > MAX_SUM_POWER:
            raise _Bad(f"a power of a sum can be at most {MAX_SUM_POWER}")
        return self._checked(sp.Pow(b, to_sympy(e)))

    def _checked(self, r: Any) -> Any:
        """``r`` as ``int``/``Fraction`` when rational; SymPy results checked for size."""
        r = from_sympy(r)
        if isinstance(r, (int, Fraction)):
            _check_bits(r)
            return r
        sp = _sympy()
        for q in r.atoms(sp.Rational):  # the rationals inside a surd or a symbol's term
            _check_bits(Fraction(int(q.p), int(q.q)))
        for p in r.atoms(sp.Pow):
            if p.base.is_Add and p.exp.is_Number and abs(p.exp) > MAX_SUM_POWER:
                raise _Bad(f"a power of a sum can be at most {MAX_SUM_POWER}")
        if expanded_terms(r) > MAX_VALUE_TERMS:
            raise _Bad(f"the value expands to more than {MAX_VALUE_TERMS:,} terms")
        return r


def parse_value(text: str, what: str = "the array") -> Any:
    """One value: ``int``, ``Fraction`` or an expanded SymPy expression; a bad value is one
    :class:`InputError` line naming it and why.

    >>> parse_value("3/4"), parse_value("0.25"), parse_value("-7")
    (Fraction(3, 4), Fraction(1, 4), -7)
    >>> parse_value("sqrt(2)/2"), parse_value("(1+2j)*(2-1j)")
    (sqrt(2)/2, 4 + 3*I)
    >>> parse_value("2^-4"), parse_value("(1 + t)^2")
    (Fraction(1, 16), t**2 + 2*t + 1)
    """
    try:
        return _parse_value(text, what)
    except _Bad as exc:
        raise InputError(f"bad value {shown(text.strip())} for {what}: {exc}") from None
    except FormulaError as exc:
        reason = str(exc).split("\n")[0].replace(f" in the values of {what}", "")
        raise InputError(f"bad value {shown(text.strip())} for {what}: {reason}") from None


def _parse_value(text: str, what: str) -> Any:
    m = _PLAIN_RE.match(text)
    if m:
        sign, num, den = m.groups()
        if den is not None and num.isdigit() and den.isdigit() and len(num) + len(den) < 40:
            if int(den) == 0:
                raise _Bad("division by zero")
            v = _plain(Fraction(int(num), int(den)))  # the common p/q, made directly
            return -v if sign == "-" else v
        v = _decimal(num)
        if den is not None:
            d = _decimal(den)
            if d == 0:
                raise _Bad("division by zero")
            v = _plain(Fraction(v) / Fraction(d))
        _check_bits(v)
        return -v if sign == "-" else v
    if not text.strip():
        raise _Bad("a value is missing (two commas in a row?)")
    if len(text) > MAX_VALUE_TEXT:
        raise _Bad(f"a value of {len(text):,} characters (at most {MAX_VALUE_TEXT:,} for one "
                   "value written as an expression)")
    from ..grammar import parse

    tree = parse("values", text, f"values of {what}", start="value")
    v = _Evaluator().value(tree)
    if isinstance(v, (int, Fraction)):
        return v
    return from_sympy(_sympy().expand(v))


def parse_text(text: str, what: str = "the array") -> np.ndarray:
    """``'2,1,3'`` -> 1-D; ``'0,1;2,3'`` -> 2-D (rows split by ``;``; ``'1,0,-1;'`` is one
    row, a 1 x 3 array, and ``'1;2;1'`` one column), every value exact.

    >>> parse_text("1/4, 1/2, 1/4").tolist()
    [Fraction(1, 4), Fraction(1, 2), Fraction(1, 4)]
    >>> parse_text("1,2;3,4").dtype
    dtype('int64')
    >>> parse_text("1,0,-1;").shape, parse_text("1;2;1").shape
    ((1, 3), (3, 1))
    """
    if not text.strip():
        raise InputError(f"empty list of values for {what}")
    if _INT_LIST_RE.match(text):
        fast = _int_rows(text)
        if fast is not None:
            return fast
    if len(text) > MAX_VALUES_TEXT:
        raise InputError(f"the values of {what} are {len(text):,} characters long; at most "
                         f"{MAX_VALUES_TEXT:,} are read as text (save a .npy file instead)")
    body = text.rstrip()
    one_row = body.endswith(";") and body.count(";") == 1  # "1,0,-1;": a 1 x 3 array
    if one_row:
        body = body[:-1]
    rows = [[parse_value(tok, what) for tok in row_text.split(",")]
            for row_text in body.split(";")]
    if len(rows) == 1 and not one_row:
        return to_array(rows[0], what)
    widths = {len(r) for r in rows}
    if len(widths) != 1:
        raise InputError(f"rows of the values of {what} have different lengths: "
                         f"{sorted(widths)}")
    return to_array(rows, what)


def _int_rows(text: str) -> np.ndarray | None:
    """Plain integers (the common case) without the grammar; None if anything else."""
    rows = [r.split(",") for r in text.split(";")]
    try:
        ints = [[int(t) for t in r] for r in rows]
    except ValueError:
        return None
    widths = {len(r) for r in ints}
    if len(widths) != 1:
        return None
    return to_array(ints[0] if len(ints) == 1 else ints, "")


def to_array(data: Any, what: str = "the array") -> np.ndarray:
    """Nested lists of values (``int``, ``Fraction``, SymPy, ``float``, ``complex`` or value
    strings) as an array of the narrowest kind: ``int64``, else ``float``/``complex`` when a
    binary float is present (and nothing exact beyond integers), else an exact object array.
    """
    arr = np.empty(np.shape(np.array(data, dtype=object)), dtype=object)
    flat = np.array(data, dtype=object).ravel()
    out = arr.ravel()
    kinds = set()
    for j, v in enumerate(flat):
        w = normalise(v, what)
        out[j] = w
        kinds.add(_kind_of(w))
    if kinds <= {"int64"}:
        return arr.astype(np.int64) if arr.size else np.zeros(arr.shape, np.int64)
    if kinds <= {"int64", "bigint", "float"} and "float" in kinds:
        return arr.astype(float)
    if kinds <= {"int64", "bigint", "float", "complex"} and "complex" in kinds:
        return arr.astype(complex)
    return arr


def _kind_of(v: Any) -> str:
    if isinstance(v, int):
        return "int64" if -2**63 <= v < 2**63 else "bigint"
    if isinstance(v, Fraction):
        return "fraction"
    if isinstance(v, float):
        return "float"
    if isinstance(v, complex):
        return "complex"
    return "sympy"


def normalise(v: Any, what: str = "the array") -> Any:
    """One value as stored: ``int``, ``Fraction``, ``float``, ``complex`` or an expanded
    SymPy expression built only of numbers, ``pi``, ``E``, ``I`` and symbols."""
    if isinstance(v, str):
        return parse_value(v, what)
    if isinstance(v, (bool, np.bool_)):
        raise InputError(f"bad value {v!r} for {what}: booleans are not numbers")
    if isinstance(v, (int, np.integer)):
        return int(v)
    if isinstance(v, Fraction):
        return _plain(v)
    if isinstance(v, (float, np.floating)):
        if not math.isfinite(float(v)):
            raise InputError(f"values for {what} include inf or nan: values must be finite")
        return float(v)
    if isinstance(v, (complex, np.complexfloating)):
        c = complex(v)
        if not (math.isfinite(c.real) and math.isfinite(c.imag)):
            raise InputError(f"values for {what} include inf or nan: values must be finite")
        return c
    sp = _sympy() if "sympy" in type(v).__module__ else None
    if sp is None or not isinstance(v, sp.Expr):
        raise InputError(f"bad value {type(v).__name__} for {what}: expected numbers")
    for a in v.atoms():
        if not (a.is_Number or a.is_Symbol or a in (sp.pi, sp.E, sp.I)) or \
                (a.is_Number and not a.is_finite):
            raise InputError(f"bad value {v} for {what}: only numbers, pi, E, I, sqrt and "
                             "symbols are allowed")
        if a.is_Symbol and (type(a) is not sp.Symbol or str(a) in RESERVED):
            raise InputError(f"bad value {v} for {what}: {a} cannot be a symbol here")
    if a_float(v):
        raise InputError(f"bad value {v} for {what}: SymPy Floats are inexact; give "
                         "Rationals, or an array of Python floats")
    if expanded_terms(v) > MAX_VALUE_TERMS:
        raise InputError(f"bad value for {what}: it expands to more than "
                         f"{MAX_VALUE_TERMS:,} terms")
    return from_sympy(sp.expand(v))


def a_float(e: Any) -> bool:
    return any(getattr(a, "is_Float", False) for a in e.atoms())


def kind(arr: np.ndarray | None) -> str | None:
    """The kind of an array of values (see the module's text), or None for no values."""
    if arr is None:
        return None
    if arr.dtype.kind in "iub":
        return "integer"
    if arr.dtype.kind == "f":
        return "float"
    if arr.dtype.kind == "c":
        return "complex"
    if any(not isinstance(v, (int, Fraction)) for v in arr.ravel()):
        return "exact"
    return "rational"


def exact_str(v: Any) -> str:
    """A value as SymPy's ``str()`` prints it (``21/32``, ``sqrt(3)*pi``, ``-4 + 7*I``),
    rationals without importing SymPy."""
    if isinstance(v, (int, np.integer)):
        return str(int(v))
    if isinstance(v, Fraction):
        return f"{v.numerator}/{v.denominator}" if v.denominator != 1 else str(v.numerator)
    if isinstance(v, (float, np.floating, complex, np.complexfloating)):
        return str(to_sympy(v))
    return str(v)


def symbols_of(arr: np.ndarray | None) -> set[str]:
    """Names of the symbols in an array of values."""
    if arr is None or arr.dtype != object:
        return set()
    out: set[str] = set()
    for v in arr.ravel():
        if hasattr(v, "free_symbols"):
            out |= {str(s) for s in v.free_symbols}
    return out
