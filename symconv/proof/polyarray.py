"""Arrays of multilinear polynomials over symbolic arrays: the exact instance-scope engine.

A :class:`Poly` is a finitely supported array on a box of integer indices whose entries are
polynomials with integer coefficients in the entries of named arrays (``x[i]``, ``h[k]``,
``g[m]``).  Each term is one row: the output index, the monomial (sorted ids of the entries
it multiplies) and the coefficient.  Two expressions are equal for *every* choice of values
exactly when their canonical term lists are equal (a polynomial identity: compare
coefficients), so equality is decided by sorting integer keys, never by ``simplify``.

Outside its box an array is zero (signals on Z^d with finite support, the article's
``sum_{i=-inf}^{inf}``).  Convolutions and correlations are built from the core's relation
(:meth:`symconv.index.relation.Relation.enumerate`): each relation triple ``(m, i, k)`` contributes
``A[i] * B[k]`` to output ``m``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..errors import InputError, LimitError
from ..index.request import operation
from ..index.signal import Signal
from ..limits import MAX_EXACT_PRODUCTS

Box = tuple[tuple[int, ...], tuple[int, ...]]  # (lo, shape)


@dataclass(frozen=True)
class Var:
    """A named array: its index box and the ids of its entries (and of their conjugates)."""

    name: str
    lo: tuple[int, ...]
    shape: tuple[int, ...]
    offset: int

    @property
    def size(self) -> int:
        return int(np.prod(self.shape, dtype=np.int64))

    @property
    def hi(self) -> tuple[int, ...]:
        return tuple(a + n - 1 for a, n in zip(self.lo, self.shape, strict=False))


@dataclass
class Registry:
    """The variables of one comparison; ids ``offset..offset+size`` and conjugates after."""

    vars: dict[str, Var] = field(default_factory=dict)
    total: int = 0

    def add(self, name: str, lo: Sequence[int], shape: Sequence[int]) -> Var:
        if name in self.vars:
            v = self.vars[name]
            if v.lo != tuple(lo) or v.shape != tuple(shape):
                raise InputError(f"array {name!r} is used with two different index ranges")
            return v
        v = Var(name, tuple(int(a) for a in lo), tuple(int(n) for n in shape), self.total)
        self.total += 2 * v.size
        self.vars[name] = v
        return v

    def owner(self, gid: int) -> tuple[Var, tuple[int, ...], bool]:
        """The variable, index and conjugation of one entry id."""
        for v in self.vars.values():
            if v.offset <= gid < v.offset + 2 * v.size:
                local = gid - v.offset
                conj = local >= v.size
                pos = np.unravel_index(local - (v.size if conj else 0), v.shape)
                return v, tuple(int(p) + a for p, a in zip(pos, v.lo, strict=False)), conj
        raise KeyError(gid)  # pragma: no cover - ids come from the registry

    def entry_name(self, gid: int) -> str:
        v, idx, conj = self.owner(gid)
        s = f"{v.name}[{', '.join(map(str, idx))}]"
        return f"conj({s})" if conj else s

    def conj_ids(self, ids: np.ndarray) -> np.ndarray:
        out = ids.copy()
        for v in self.vars.values():
            sel = (ids >= v.offset) & (ids < v.offset + 2 * v.size)
            base = ids[sel] - v.offset
            out[sel] = np.where(base < v.size, ids[sel] + v.size, ids[sel] - v.size)
        return out


@dataclass(frozen=True)
class Poly:
    """``out`` (n, d) indices, ``mono`` (n, deg) sorted entry ids (-1 = the constant 1),
    ``coef`` (n,); the array lives on the box ``lo``/``shape``."""

    lo: tuple[int, ...]
    shape: tuple[int, ...]
    out: np.ndarray
    mono: np.ndarray
    coef: np.ndarray

    @property
    def ndim(self) -> int:
        return len(self.shape)

    @property
    def hi(self) -> tuple[int, ...]:
        return tuple(a + n - 1 for a, n in zip(self.lo, self.shape, strict=False))

    @property
    def nterms(self) -> int:
        return int(self.coef.shape[0])

    @property
    def degree(self) -> int:
        return int(self.mono.shape[1])


def flat_positions(idx: np.ndarray, lo: Sequence[int], shape: Sequence[int]) -> np.ndarray:
    """C-order positions of indices inside the box (mixed radix; the caller guarantees
    the indices are inside)."""
    if len(shape) == 0:
        return np.zeros(idx.shape[0], dtype=np.int64)
    acc: np.ndarray = np.asarray(idx[:, 0] - int(lo[0]), dtype=np.int64)
    for j in range(1, len(shape)):
        acc = acc * int(shape[j]) + (idx[:, j] - int(lo[j]))
    return acc


def _box_within(inner_lo: Sequence[int], inner_shape: Sequence[int],
                outer_lo: Sequence[int], outer_shape: Sequence[int]) -> bool:
    return all(a >= b and a + n <= b + m for a, n, b, m in
               zip(inner_lo, inner_shape, outer_lo, outer_shape, strict=True))


def _inside(idx: np.ndarray, lo: Sequence[int], shape: Sequence[int]) -> np.ndarray:
    if len(shape) == 0:
        return np.ones(idx.shape[0], dtype=bool)
    lo_a = np.asarray(lo, dtype=np.int64)
    return np.all((idx >= lo_a) & (idx < lo_a + np.asarray(shape, dtype=np.int64)), axis=1)


def all_indices(lo: Sequence[int], shape: Sequence[int]) -> np.ndarray:
    if len(shape) == 0:
        return np.zeros((1, 0), dtype=np.int64)
    grids = np.indices(tuple(shape), dtype=np.int64).reshape(len(shape), -1).T
    return grids + np.asarray(lo, dtype=np.int64)


def leaf(var: Var) -> Poly:
    """The array itself: one term ``var[i]`` at each index ``i``."""
    n = var.size
    return Poly(var.lo, var.shape, all_indices(var.lo, var.shape),
                (var.offset + np.arange(n, dtype=np.int64))[:, None], np.ones(n, np.int64))


def constant(value: int) -> Poly:
    return Poly((), (), np.zeros((1, 0), np.int64), np.full((1, 1), -1, np.int64),
                int_coefs(np.array([value], dtype=object)))


#: Integer coefficients stay ``int64`` only while their magnitude is under this bound, so
#: that a negation, a product checked against it, or a sum of terms checked against it
#: cannot wrap around; past it they are Python integers (an object array), exact at any
#: size.  ``2**32 * 2**32`` in int64 is 0: a claim ``4294967296*(4294967296*x) == 0*x``
#: was "proved" that way.
SAFE_INT = 2 ** 62


def magnitude(coef: np.ndarray) -> int:
    """The largest absolute value of an integer coefficient array (0 when empty)."""
    if coef.size == 0:
        return 0
    return max(-int(coef.min()), int(coef.max()))


def exact_ints(coef: np.ndarray) -> np.ndarray:
    """Integer coefficients as Python integers (an object array); other arrays unchanged."""
    if coef.dtype == object:
        return coef
    out = np.empty(coef.shape, dtype=object)
    out[:] = [int(v) for v in coef.tolist()]
    return out


def int_coefs(coef: np.ndarray) -> np.ndarray:
    """Coefficients in the form the arithmetic keeps: ``int64`` when they are integers under
    :data:`SAFE_INT` in magnitude, else as exact Python values."""
    if coef.dtype == object:
        if all(type(v) is int for v in coef.tolist()) and magnitude(coef) < SAFE_INT:
            return coef.astype(np.int64)
        return coef
    if coef.dtype.kind in "bui" and magnitude(coef) < SAFE_INT:
        return coef.astype(np.int64)
    return exact_ints(coef)


def coef_product(ca: np.ndarray, cb: np.ndarray) -> np.ndarray:
    """Entrywise products of coefficients, exact: in ``int64`` only when every product is
    under :data:`SAFE_INT`, else with Python integers or the exact values."""
    if ca.dtype != object and cb.dtype != object and \
            magnitude(ca) * magnitude(cb) < SAFE_INT:
        return ca * cb
    if ca.dtype == object or cb.dtype == object:
        check_exact_products(ca.size)
    return exact_ints(ca) * exact_ints(cb)


def check_exact_products(count: int) -> None:
    """Refuse a step of more than :data:`MAX_EXACT_PRODUCTS` products of exact values."""
    if count > MAX_EXACT_PRODUCTS:
        raise LimitError(f"this claim needs {count:,} products of exact values (roots of "
                         f"unity, surds or symbols) in one step, over the limit of "
                         f"{MAX_EXACT_PRODUCTS:,}: use smaller shapes")


def coef_scale(coef: np.ndarray, c: Any) -> np.ndarray:
    """``coef * c`` exactly (``c`` an integer or an exact value)."""
    if coef.dtype != object and type(c) is int and magnitude(coef) * abs(c) < SAFE_INT:
        return coef * c
    return exact_ints(coef) * c


def _pad_degree(p: Poly, deg: int) -> np.ndarray:
    if p.degree == deg:
        return p.mono
    extra = np.full((p.nterms, deg - p.degree), -1, dtype=np.int64)
    return np.sort(np.concatenate([extra, p.mono], axis=1), axis=1)


# -- canonical form ---------------------------------------------------------------------------
@dataclass(frozen=True)
class Canonical:
    """Sorted, merged terms: ``(out_flat, mono_key)`` unique with nonzero ``coef``."""

    lo: tuple[int, ...]
    shape: tuple[int, ...]
    base: int
    degree: int
    out_flat: np.ndarray
    mono_key: np.ndarray
    coef: np.ndarray
    single: np.ndarray | None  # the combined key, when it fits in int64

    def mono_ids(self, rows: np.ndarray) -> np.ndarray:
        keys = self.mono_key[rows].copy()
        cols = []
        for _ in range(self.degree):
            cols.append(keys % self.base - 1)
            keys //= self.base
        return np.stack(cols[::-1], axis=1) if cols else np.zeros((len(rows), 0), np.int64)


def canonical(p: Poly, lo: Sequence[int], shape: Sequence[int], base: int,
              degree: int) -> Canonical:
    """Terms keyed by position in the box ``lo/shape`` (which must contain ``p``'s terms)."""
    mono = _pad_degree(p, degree) + 1
    if base ** max(degree, 1) >= 2 ** 62:
        raise LimitError("too many array entries to compare exactly; use smaller shapes")
    mkey = np.zeros(p.nterms, dtype=np.int64)
    for j in range(degree):
        mkey = mkey * base + mono[:, j]
    oflat = flat_positions(p.out, lo, shape)
    span = base ** degree
    nout = int(np.prod(shape, dtype=np.int64)) if len(shape) else 1
    coef = p.coef
    if coef.dtype != object and magnitude(coef) * max(p.nterms, 1) >= SAFE_INT:
        coef = exact_ints(coef)  # a sum of these terms could wrap around in int64
    single: np.ndarray | None = None
    if nout * span < 2 ** 62:
        key = oflat * span + mkey
        if coef.size and bool(np.all(coef == 1)):
            key = np.sort(key)  # unit coefficients: the order alone is needed
            coef = np.ones(key.size, dtype=np.int64)
        else:
            order = np.argsort(key, kind="stable")
            key = key[order]
            coef = coef[order]
        if key.size:
            new = np.empty(key.size, dtype=bool)
            new[0] = True
            np.not_equal(key[1:], key[:-1], out=new[1:])
            if not new.all():
                starts = np.flatnonzero(new)
                coef = np.add.reduceat(coef, starts)
                key = key[starts]
        coef = normal_coefs(coef)
        keep = coef != 0
        key, coef = key[keep], coef[keep]
        single = key
        return Canonical(tuple(lo), tuple(shape), base, degree, key // span, key % span,
                         coef, single)
    order = np.lexsort((mkey, oflat))
    oflat, mkey, coef = oflat[order], mkey[order], coef[order]
    if oflat.size:
        new = np.empty(oflat.size, dtype=bool)
        new[0] = True
        new[1:] = (oflat[1:] != oflat[:-1]) | (mkey[1:] != mkey[:-1])
        starts = np.flatnonzero(new)
        coef = np.add.reduceat(coef, starts)
        oflat, mkey = oflat[starts], mkey[starts]
    coef = normal_coefs(coef)
    keep = coef != 0
    return Canonical(tuple(lo), tuple(shape), base, degree, oflat[keep], mkey[keep],
                     coef[keep], None)


def coef_item(c: Any) -> Any:
    """One coefficient as a Python value: ``int`` for integers, exact values as they are."""
    return int(c) if isinstance(c, (int, np.integer)) else c


def normal_coefs(coef: np.ndarray) -> np.ndarray:
    """Exact coefficients (given values: fractions, surds, symbols) in one form each, so
    that equal coefficients compare equal: SymPy results expanded, rationals as Python
    numbers.  Integer coefficients are returned as they are."""
    if coef.dtype != object:
        return coef
    from .exact import normal

    out = np.empty(coef.shape, dtype=object)
    out[:] = [normal(c) for c in coef.tolist()]
    return out


def union_box(a: Poly, b: Poly) -> tuple[tuple[int, ...], tuple[int, ...]]:
    if a.ndim != b.ndim:
        raise InputError(f"the two sides have different numbers of axes ({a.ndim} and "
                         f"{b.ndim})")
    lo = tuple(min(x, y) for x, y in zip(a.lo, b.lo, strict=False))
    hi = tuple(max(x, y) for x, y in zip(a.hi, b.hi, strict=False))
    return lo, tuple(h - lw + 1 for lw, h in zip(lo, hi, strict=False))


@dataclass(frozen=True)
class Comparison:
    """The outcome of comparing two arrays of polynomials term by term."""

    equal: bool
    terms_left: int
    terms_right: int
    lo: tuple[int, ...]
    shape: tuple[int, ...]
    first_output: tuple[int, ...] | None = None
    #: the difference left - right at the first differing output: [(coef, [entry ids])]
    difference: tuple[tuple[int, tuple[int, ...]], ...] = ()


def compare(a: Poly, b: Poly, registry: Registry) -> Comparison:
    """Equal as polynomial arrays (zero outside each box)?  Exact: keys sorted and compared.

    The check can fail: any term present on one side only, or with another coefficient,
    makes the sorted key arrays differ.
    """
    lo, shape = union_box(a, b)
    deg = max(a.degree, b.degree)
    base = registry.total + 1
    ca = canonical(a, lo, shape, base, deg)
    cb = canonical(b, lo, shape, base, deg)
    same = (ca.coef.size == cb.coef.size and np.array_equal(ca.out_flat, cb.out_flat)
            and np.array_equal(ca.mono_key, cb.mono_key) and np.array_equal(ca.coef, cb.coef))
    if same:
        return Comparison(True, int(ca.coef.size), int(cb.coef.size), lo, shape)
    diff = Poly(lo, shape, np.concatenate([a.out, b.out]),
                np.concatenate([_pad_degree(a, deg), _pad_degree(b, deg)]),
                np.concatenate([a.coef, -b.coef]))  # int64 under SAFE_INT: no wrap-around
    cd = canonical(diff, lo, shape, base, deg)
    keep = _nonzero_rows(cd.coef)
    if not keep.any():  # equal values written differently ((-1)^(1/3) and 1/2 + sqrt(3)/2 i)
        return Comparison(True, int(ca.coef.size), int(cb.coef.size), lo, shape)
    first = int(cd.out_flat[keep][0])
    rows = np.flatnonzero((cd.out_flat == first) & keep)
    ids = cd.mono_ids(rows)
    terms = tuple((coef_item(cd.coef[r]), tuple(int(v) for v in ids[j] if v >= 0))
                  for j, r in enumerate(rows))
    pos = np.unravel_index(first, shape) if shape else ()
    out_idx = tuple(int(p) + lw for p, lw in zip(pos, lo, strict=False))
    return Comparison(False, int(ca.coef.size), int(cb.coef.size), lo, shape, out_idx, terms)


def _nonzero_rows(coef: np.ndarray) -> np.ndarray:
    """Which coefficients of a difference are provably nonzero.  Exact values (surds,
    constants, symbols) are decided by :func:`symconv.proof.exact.decide_equal`: a
    difference shown to be 0 is dropped, and one that is neither shown 0 nor shown nonzero
    makes the comparison undecided (:class:`symconv.proof.exact.UndecidedValues`) unless
    another coefficient already differs."""
    if coef.dtype != object:
        return np.ones(coef.size, dtype=bool)
    from .exact import UndecidedValues, decide_equal

    verdicts = [decide_equal(c, 0).verdict for c in coef.tolist()]
    keep = np.array([v == "unequal" for v in verdicts], dtype=bool)
    if not keep.any() and "undecided" in verdicts:
        c = coef[verdicts.index("undecided")]
        raise UndecidedValues(f"the two sides differ by {c}, which could be shown neither "
                              "zero nor nonzero")
    return keep


# -- evaluation -------------------------------------------------------------------------------
def evaluate(p: Poly, registry: Registry, values: dict[str, np.ndarray]) -> np.ndarray:
    """The numeric array on ``p``'s box for the given values (conjugates taken from them):
    exact (Python integers, fractions, SymPy) when every array is integer or exact, else
    binary floating point."""
    from .exact import exact_arrays

    if exact_arrays(values):
        return _evaluate_exact(p, registry, values)
    flat = np.zeros(registry.total + 1, dtype=complex)
    for name, v in registry.vars.items():
        arr = np.asarray(values[name], dtype=complex).ravel()
        flat[v.offset + 1:v.offset + 1 + v.size] = arr
        flat[v.offset + 1 + v.size:v.offset + 1 + 2 * v.size] = np.conj(arr)
    flat[0] = 1.0
    prod = p.coef.astype(complex)
    for j in range(p.degree):
        prod = prod * flat[p.mono[:, j] + 1]
    out = np.zeros(int(np.prod(p.shape, dtype=np.int64)) if p.shape else 1, dtype=complex)
    np.add.at(out, flat_positions(p.out, p.lo, p.shape), prod)
    out = out.reshape(p.shape)
    if np.all(out.imag == 0):
        re = out.real
        if np.all(re == np.round(re)):
            return re.astype(np.int64)
        return re
    return out


def _evaluate_exact(p: Poly, registry: Registry, values: dict[str, np.ndarray]) -> np.ndarray:
    """:func:`evaluate` in exact arithmetic: ``int64`` when every output is an integer
    that fits, else an object array of ``int``/``Fraction``/SymPy (expanded)."""
    from ..index.numbers import from_sympy
    from .exact import exact_conjugate

    flat = np.empty(registry.total + 1, dtype=object)
    flat[0] = 1
    for name, v in registry.vars.items():
        arr = np.asarray(values[name]).ravel().tolist()
        flat[v.offset + 1:v.offset + 1 + v.size] = arr
        flat[v.offset + 1 + v.size:v.offset + 1 + 2 * v.size] = [exact_conjugate(a)
                                                                   for a in arr]
    prod = p.coef.astype(object)
    for j in range(p.degree):
        prod = prod * flat[p.mono[:, j] + 1]
    out = np.zeros(int(np.prod(p.shape, dtype=np.int64)) if p.shape else 1, dtype=object)
    np.add.at(out, flat_positions(p.out, p.lo, p.shape), prod)
    items = out.tolist()
    if any(hasattr(v, "free_symbols") for v in items):
        import sympy as sp

        items = [from_sympy(sp.expand(v)) if hasattr(v, "free_symbols") else v
                 for v in items]
    if all(isinstance(v, int) and -2**63 <= v < 2**63 for v in items):
        return np.array(items, dtype=np.int64).reshape(p.shape)
    res = np.empty(len(items), dtype=object)
    res[:] = items
    return res.reshape(p.shape)


# -- operations -------------------------------------------------------------------------------
def check_products(count: int, max_terms: int | None, degree: int = 1) -> None:
    """Refuse, before they are made, more products of terms than the term limit (or the
    machine's memory) allows: composed operations multiply term counts (a convolution of
    a convolution of 1000-entry arrays makes 10^9 of them).  A product of ``degree``
    entries counts ``degree`` times (its monomial holds that many ids: 8 million products
    of degree 3 took 44 s and 3.2 GB)."""
    from ..index.relation import check_limit
    from ..limits import check_memory

    limit = check_limit(max_terms)
    need = count * max(degree, 1)
    if need > limit:
        raise LimitError(f"this step multiplies out {count:,} products of {degree} entries "
                         f"({need:,} counted), over the limit of {limit:,}; raise it with "
                         f"--max-terms {need}")
    check_memory(need, "this step's products")


def _join(pos_a: np.ndarray, pos_b: np.ndarray, a_sorted: tuple[np.ndarray, np.ndarray],
          b_sorted: tuple[np.ndarray, np.ndarray], max_terms: int | None = None,
          degree: int = 1) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """For each pair (pos_a[t], pos_b[t]): every term of A there times every term of B there.

    ``*_sorted`` are ``(starts, counts)`` per position.  Returns (pair, a_row, b_row).
    """
    sa, na = a_sorted[0][pos_a], a_sorted[1][pos_a]
    sb, nb = b_sorted[0][pos_b], b_sorted[1][pos_b]
    tot = na * nb
    count = int(tot.sum())
    check_products(count, max_terms, degree)
    pair = np.repeat(np.arange(pos_a.size, dtype=np.int64), tot)
    first = np.cumsum(tot) - tot
    r = np.arange(count, dtype=np.int64) - np.repeat(first, tot)
    nbp = nb[pair]
    return pair, sa[pair] + r // nbp, sb[pair] + r % nbp


def _grouped(p: Poly) -> tuple[Poly, tuple[np.ndarray, np.ndarray]]:
    """Terms sorted by position, and ``(starts, counts)`` per flat position of the box."""
    flat = flat_positions(p.out, p.lo, p.shape)
    order = np.argsort(flat, kind="stable")
    q = Poly(p.lo, p.shape, p.out[order], p.mono[order], p.coef[order])
    size = int(np.prod(p.shape, dtype=np.int64)) if p.shape else 1
    counts = np.bincount(flat, minlength=size).astype(np.int64)
    starts = np.cumsum(counts) - counts
    return q, (starts, counts)


def _is_leaf(p: Poly) -> bool:
    """One term of degree 1 with coefficient 1 at every index of the box (an array
    itself, maybe reflected or shifted)."""
    size = int(np.prod(p.shape, dtype=np.int64))
    if not (p.ndim and p.degree == 1 and p.nterms == size and bool(np.all(p.coef == 1))):
        return False
    return bool(np.bincount(flat_positions(p.out, p.lo, p.shape), minlength=size).max() == 1)


def _product_terms(out: np.ndarray, a: Poly, ra: np.ndarray, b: Poly, rb: np.ndarray,
                   lo: tuple[int, ...], shape: tuple[int, ...]) -> Poly:
    mono = sort_rows(np.concatenate([a.mono[ra], b.mono[rb]], axis=1))
    return Poly(lo, shape, out, mono, coef_product(a.coef[ra], b.coef[rb]))


#: Compare-exchange networks that sort 2, 3 or 4 columns (faster than a per-row np.sort).
_NETWORKS = {2: [(0, 1)], 3: [(0, 1), (1, 2), (0, 1)],
             4: [(0, 1), (2, 3), (0, 2), (1, 3), (1, 2)]}


def sort_rows(mono: np.ndarray) -> np.ndarray:
    """Each row sorted ascending (a monomial's factors in canonical order)."""
    k = mono.shape[1]
    if k < 2:
        return mono
    net = _NETWORKS.get(k)
    if net is None:
        return np.sort(mono, axis=1)
    cols = [mono[:, j].copy() for j in range(k)]
    for i, j in net:
        lo_, hi_ = np.minimum(cols[i], cols[j]), np.maximum(cols[i], cols[j])
        cols[i], cols[j] = lo_, hi_
    return np.stack(cols, axis=1)


def bilinear(op: str, a: Poly, b: Poly, registry: Registry | None = None,
             max_terms: int | None = None, **options: Any) -> Poly:
    """``op(a, b)`` (conv, corr, corr-reflected) with the core's modes, stride, padding...

    The core builds the relation for signals with ``a``'s and ``b``'s index boxes; each
    triple (m, i, k) multiplies every term of ``a`` at ``i`` with every term of ``b`` at ``k``.
    """
    if a.ndim == 0 or b.ndim == 0:
        raise InputError(f"{op} needs arrays, not scalars")
    if a.ndim != b.ndim:
        raise InputError(f"{op}: the image has {a.ndim} axes but the kernel has {b.ndim}")
    conj = bool(options.pop("conjugate", False))
    img = Signal("x", a.shape, tuple(-v for v in a.lo), entries=None)
    ker = Signal("h", b.shape, tuple(-v for v in b.lo), entries=None)
    o = operation(op, img, ker, **options)
    rel = o.relation
    terms = rel.enumerate(max_terms=max_terms)
    counts = np.diff(terms.starts)
    outflat = np.repeat(np.arange(counts.size, dtype=np.int64), counts)
    out_lo = rel.out_lo
    if rel.out_shape:
        pos = np.stack(np.unravel_index(outflat, rel.out_shape), axis=1) if outflat.size \
            else np.zeros((0, len(rel.out_shape)), np.int64)
        out_idx = pos.astype(np.int64) + np.asarray(out_lo, dtype=np.int64)
    else:  # pragma: no cover
        out_idx = np.zeros((outflat.size, 0), np.int64)
    ia = flat_positions(terms.image, a.lo, a.shape)
    kb = flat_positions(terms.kernel, b.lo, b.shape)
    bb = b
    if conj:
        if registry is None:  # pragma: no cover - callers pass it
            raise InputError("conjugation needs the registry")
        bb = conjugate(b, registry)
    if _is_leaf(a) and _is_leaf(bb):
        ga = flat_positions(a.out, a.lo, a.shape)
        gb = flat_positions(bb.out, bb.lo, bb.shape)
        inv_a = np.empty_like(ga)
        inv_a[ga] = np.arange(ga.size)
        inv_b = np.empty_like(gb)
        inv_b[gb] = np.arange(gb.size)
        return _product_terms(out_idx, a, inv_a[ia], bb, inv_b[kb], out_lo, rel.out_shape)
    ga_p, ga_s = _grouped(a)
    gb_p, gb_s = _grouped(bb)
    pair, ra, rb = _join(ia, kb, ga_s, gb_s, max_terms, a.degree + b.degree)
    return _product_terms(out_idx[pair], ga_p, ra, gb_p, rb, out_lo, rel.out_shape)


def multiply(a: Poly, b: Poly, max_terms: int | None = None) -> Poly:
    """Entrywise product (a scalar broadcasts)."""
    if a.ndim == 0 and b.ndim != 0:
        a, b = b, a
    if b.ndim == 0:
        # b is a scalar polynomial: every term of a times every term of b.
        check_products(a.nterms * b.nterms, max_terms, a.degree + b.degree)
        pair = np.repeat(np.arange(a.nterms), b.nterms)
        rb = np.tile(np.arange(b.nterms), a.nterms)
        return _product_terms(a.out[pair], a, pair, b, rb, a.lo, a.shape)
    if _is_leaf(b) and not _is_leaf(a):
        a, b = b, a
    if _is_leaf(a):
        # a leaf times anything: each term of b gains the leaf's entry at its index
        lo, shape = union_box(a, b)
        flat_a = flat_positions(a.out, a.lo, a.shape)
        inv = np.empty_like(flat_a)
        inv[flat_a] = np.arange(flat_a.size)
        # every term lies in its array's box, so a box test often spares the per-term test
        rows = None
        if not _box_within(b.lo, b.shape, a.lo, a.shape):
            keep = _inside(b.out, a.lo, a.shape)
            rows = np.flatnonzero(keep) if not keep.all() else None
        bo = b.out if rows is None else b.out[rows]
        bm = b.mono if rows is None else b.mono[rows]
        bc = b.coef if rows is None else b.coef[rows]
        ids = a.mono[inv[flat_positions(bo, a.lo, a.shape)], 0]
        mono = sort_rows(np.concatenate([bm, ids[:, None]], axis=1))
        return Poly(lo, shape, bo, mono, bc)
    lo, shape = union_box(a, b)
    lo_i = tuple(max(x, y) for x, y in zip(a.lo, b.lo, strict=False))
    hi_i = tuple(min(x, y) for x, y in zip(a.hi, b.hi, strict=False))
    if any(h < lw for lw, h in zip(lo_i, hi_i, strict=False)):
        return Poly(lo, shape, np.zeros((0, len(shape)), np.int64),
                    np.zeros((0, a.degree + b.degree), np.int64), np.zeros(0, np.int64))
    ga_p, ga_s = _grouped(a)
    gb_p, gb_s = _grouped(b)
    sel = _inside(ga_p.out, b.lo, b.shape)
    rows = np.flatnonzero(sel)
    pos_b = flat_positions(ga_p.out[rows], b.lo, b.shape)
    # pair each selected a-term with every b-term at its position
    ones = (np.arange(rows.size, dtype=np.int64), np.ones(rows.size, dtype=np.int64))
    pair, ra_local, rb = _join(np.arange(rows.size), pos_b, ones, gb_s, max_terms,
                               a.degree + b.degree)
    ra = rows[ra_local]
    return _product_terms(ga_p.out[ra], ga_p, ra, gb_p, rb, lo, shape)


def add(a: Poly, b: Poly, sign: int = 1) -> Poly:
    if a.ndim != b.ndim:
        raise InputError(f"cannot add arrays with {a.ndim} and {b.ndim} axes")
    lo, shape = union_box(a, b)
    deg = max(a.degree, b.degree)
    return Poly(lo, shape, np.concatenate([a.out, b.out]),
                np.concatenate([_pad_degree(a, deg), _pad_degree(b, deg)]),
                np.concatenate([a.coef, sign * b.coef]))  # int64 under SAFE_INT: no wrap


def scale(a: Poly, c: int) -> Poly:
    return Poly(a.lo, a.shape, a.out, a.mono, coef_scale(a.coef, c))


def reflect(a: Poly, axes: Sequence[bool] | None = None) -> Poly:
    """``b[m] = a[-m]`` along the chosen axes (all by default): the flip."""
    sel = [True] * a.ndim if axes is None else list(axes)
    sign = np.array([-1 if s else 1 for s in sel], dtype=np.int64)
    lo = tuple(-hi_ if s else lo_ for lo_, hi_, s in zip(a.lo, a.hi, sel, strict=False))
    return Poly(lo, a.shape, a.out * sign, a.mono, a.coef)


def shift(a: Poly, by: Sequence[int]) -> Poly:
    """``b[m] = a[m - by]``."""
    off = np.asarray(by, dtype=np.int64)
    lo = tuple(lw + int(o) for lw, o in zip(a.lo, by, strict=False))
    return Poly(lo, a.shape, a.out + off, a.mono, a.coef)


def dilate(a: Poly, factors: Sequence[int]) -> Poly:
    """``b[s*m] = a[m]``, zero between (the input of a transposed convolution)."""
    f = np.asarray(factors, dtype=np.int64)
    lo = tuple(lw * s for lw, s in zip(a.lo, factors, strict=False))
    shape = tuple((n - 1) * s + 1 for n, s in zip(a.shape, factors, strict=False))
    return Poly(lo, shape, a.out * f, a.mono, a.coef)


def decimate(a: Poly, factors: Sequence[int]) -> Poly:
    """``b[m] = a[s*m]``: keep the entries at multiples of ``s`` (a natural-index stride)."""
    f = np.asarray(factors, dtype=np.int64)
    keep = np.all(a.out % f == 0, axis=1) if a.ndim else np.ones(a.nterms, dtype=bool)
    lo = tuple(-((-lw) // s) for lw, s in zip(a.lo, factors, strict=True))
    hi = tuple(h // s for h, s in zip(a.hi, factors, strict=True))
    shape = tuple(max(h - lw + 1, 1) for lw, h in zip(lo, hi, strict=True))
    return Poly(lo, shape, a.out[keep] // f, a.mono[keep], a.coef[keep])


def restrict(a: Poly, lo: Sequence[int], shape: Sequence[int]) -> Poly:
    """Read ``a`` on the box ``lo/shape`` only (zero-extended where ``a`` has no entry)."""
    if _box_within(a.lo, a.shape, lo, shape):
        return Poly(tuple(lo), tuple(shape), a.out, a.mono, a.coef)
    keep = _inside(a.out, lo, shape)
    return Poly(tuple(lo), tuple(shape), a.out[keep], a.mono[keep], a.coef[keep])


def total(a: Poly) -> Poly:
    """The sum of every entry: a scalar."""
    return Poly((), (), np.zeros((a.nterms, 0), np.int64), a.mono, a.coef)


def conjugate_coefs(coef: np.ndarray) -> np.ndarray:
    """The conjugates of the coefficients (given complex values, roots of unity): a
    conjugated array conjugates its numbers as well as its entries."""
    if coef.dtype != object:
        return coef
    from .exact import exact_conjugate

    out = np.empty(coef.shape, dtype=object)
    out[:] = [exact_conjugate(c) for c in coef.tolist()]
    return out


def conjugate(a: Poly, registry: Registry) -> Poly:
    return Poly(a.lo, a.shape, a.out, np.sort(registry.conj_ids(a.mono), axis=1),
                conjugate_coefs(a.coef))


def gradient(scalar: Poly, var: Var) -> Poly:
    """``d scalar / d var[i]`` for every index of ``var``: an array on ``var``'s box.

    A term ``c * var[i] * rest`` contributes ``c * rest`` at ``i``; a square contributes
    twice (once per factor), as the product rule says.
    """
    if scalar.ndim != 0:
        raise InputError("grad of an array needs the upstream gradient: grad(E, x, g)")
    lo_id, hi_id = var.offset, var.offset + var.size
    outs, monos, coefs = [], [], []
    deg = scalar.degree
    for j in range(deg):
        col = scalar.mono[:, j]
        sel = (col >= lo_id) & (col < hi_id)
        rows = np.flatnonzero(sel)
        local = col[rows] - lo_id
        pos = np.stack(np.unravel_index(local, var.shape), axis=1) if rows.size else \
            np.zeros((0, len(var.shape)), np.int64)
        outs.append(pos.astype(np.int64) + np.asarray(var.lo, dtype=np.int64))
        rest = np.delete(scalar.mono[rows], j, axis=1)
        monos.append(rest)
        coefs.append(scalar.coef[rows])
    if deg == 0:
        return Poly(var.lo, var.shape, np.zeros((0, len(var.shape)), np.int64),
                    np.zeros((0, 0), np.int64), np.zeros(0, np.int64))
    return Poly(var.lo, var.shape, np.concatenate(outs), np.concatenate(monos),
                np.concatenate(coefs))
