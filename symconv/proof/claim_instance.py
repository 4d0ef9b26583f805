"""A claim for concrete shapes: both sides as exact polynomial arrays (:mod:`.polyarray`),
compared term by term.  This is the reading that finds and checks counterexamples; the
all-sizes reading is :mod:`.claim_sizes`."""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..errors import FormulaError, InputError, LimitError
from ..index.signal import resolve_origin
from ..parse.claim import Claim
from . import polyarray as pa
from .claim_eval import Evaluator, NoOutput, OpOptions, TransposeOptions, Unbound, roles
from .instance import poly_text


@dataclass
class InstanceAlgebra:
    """The claim language's operations on polynomial arrays of given shapes."""

    shapes: dict[str, tuple[int, ...]]
    origin: str
    registry: pa.Registry = field(default_factory=pa.Registry)
    max_terms: int | None = None
    #: names with given integer values: they enter as numbers, not as variables
    fixed: dict[str, np.ndarray] = field(default_factory=dict)

    def name(self, name: str) -> pa.Poly:
        if name in self.fixed:
            arr = self.fixed[name]
            lo = tuple(-o for o in resolve_origin(self.origin, arr.shape))
            idx = pa.all_indices(lo, arr.shape)
            coef = pa.int_coefs(arr.ravel())
            return pa.Poly(lo, tuple(arr.shape), idx, np.full((arr.size, 1), -1, np.int64),
                           coef)
        if name in self.registry.vars:
            return pa.leaf(self.registry.vars[name])
        shape = self.shapes.get(name)
        if shape is None:
            raise Unbound(name)
        lo = tuple(-o for o in resolve_origin(self.origin, shape))
        return pa.leaf(self.registry.add(name, lo, shape))

    def given(self, name: str) -> bool:
        return name in self.fixed

    def bound(self, name: str) -> bool:
        return name in self.registry.vars

    def named_like(self, name: str, like: pa.Poly) -> pa.Poly:
        return pa.leaf(self.registry.add(name, like.lo, like.shape))

    def constant(self, value: int) -> pa.Poly:
        return pa.constant(value)

    def ndim(self, a: pa.Poly) -> int:
        return a.ndim

    def scale(self, a: pa.Poly, c: int) -> pa.Poly:
        return pa.scale(a, c)

    def add(self, a: pa.Poly, b: pa.Poly, sign: int) -> pa.Poly:
        return pa.add(a, b, sign)

    def multiply(self, a: pa.Poly, b: pa.Poly) -> pa.Poly:
        return pa.multiply(a, b, self.max_terms)

    def reflect(self, a: pa.Poly, axes: Sequence[bool] | None = None) -> pa.Poly:
        return pa.reflect(a, axes)

    def conjugate(self, a: pa.Poly) -> pa.Poly:
        return pa.conjugate(a, self.registry)

    def dilate(self, a: pa.Poly, factors: Sequence[int]) -> pa.Poly:
        return pa.dilate(a, factors)

    def total(self, a: pa.Poly) -> pa.Poly:
        return pa.total(a)

    def bilinear(self, op: str, a: pa.Poly, b: pa.Poly, opts: OpOptions) -> pa.Poly:
        kw: dict[str, Any] = {"stride": opts.stride, "dilation": opts.dilation,
                              "origin": self.origin}
        if opts.padding is not None:
            kw["padding"] = opts.padding
        else:
            kw["mode"] = opts.mode
        if opts.conjugate:
            kw["conjugate"] = True
        if opts.convention != "scipy":
            kw["convention"] = opts.convention
        try:
            return pa.bilinear(op, a, b, self.registry, max_terms=self.max_terms, **kw)
        except (FormulaError, LimitError):
            raise
        except InputError as exc:
            raise NoOutput(str(exc)) from None

    def conv_transpose(self, g: pa.Poly, h: pa.Poly, opts: TransposeOptions) -> pa.Poly:
        return conv_transpose(g, h, opts)

    def cconv(self, a: pa.Poly, b: pa.Poly) -> pa.Poly:
        return cconv(a, b)

    def dft(self, a: pa.Poly, inverse: bool) -> pa.Poly:
        return dft(a, inverse)

    def pad(self, a: pa.Poly, length: int) -> pa.Poly:
        """Zeros after the last entry up to ``length`` per axis, positions from 0."""
        if any(n > length for n in a.shape):
            shape = "x".join(map(str, a.shape))
            raise NoOutput(f"pad(a, {length}): the array is longer ({shape})")
        return pa.Poly((0,) * a.ndim, (length,) * a.ndim,
                       a.out - np.asarray(a.lo, dtype=np.int64), a.mono, a.coef)

    def gradient(self, scalar: pa.Poly, name: str) -> pa.Poly:
        return pa.gradient(scalar, self.registry.vars[name])


def conv_transpose(g: pa.Poly, h: pa.Poly, opts: TransposeOptions) -> pa.Poly:
    """PyTorch's transposed convolution by its definition: ``out[s*m + d*k - p] += g[m] h[k]``,
    on ``L = (M-1)s - 2p + d(K-1) + output_padding + 1`` outputs per axis (from the lowest
    ``s*m + d*k``).  No flip appears in this form; it appears when the same map is written as
    a sliding window (see the duality derivation)."""
    s, p, d, a = opts.stride, opts.padding, opts.dilation, opts.output_padding
    pair = np.repeat(np.arange(g.nterms), h.nterms)
    rk = np.tile(np.arange(h.nterms), g.nterms)
    sv, dv, pv = (np.asarray(v, np.int64) for v in (s, d, p))
    out = g.out[pair] * sv + h.out[rk] * dv - pv
    lo = tuple(si * gl + di * hl for si, gl, di, hl in zip(s, g.lo, d, h.lo, strict=True))
    shape = tuple((gn - 1) * si - 2 * pi + di * (hn - 1) + ai + 1
                  for gn, si, pi, di, hn, ai in zip(g.shape, s, p, d, h.shape, a, strict=True))
    if any(n < 1 for n in shape):
        raise NoOutput("padding leaves no output of the transposed convolution")
    mono = pa.sort_rows(np.concatenate([g.mono[pair], h.mono[rk]], axis=1))
    # every s*m + d*k - p, then cropped to the PyTorch window
    full_lo = tuple(a_ - pi for a_, pi in zip(lo, p, strict=True))
    full_shape = tuple((gn - 1) * si + di * (hn - 1) + 1
                       for gn, si, di, hn in zip(g.shape, s, d, h.shape, strict=True))
    full = pa.Poly(full_lo, full_shape, out, mono, pa.coef_product(g.coef[pair], h.coef[rk]))
    return pa.restrict(full, lo, shape)


def cconv(a: pa.Poly, b: pa.Poly) -> pa.Poly:
    """Circular convolution on array positions: ``y[n] = sum_k a[k] b[(n - k) mod N]`` with
    N = a's length per axis (b wraps around when longer), outputs indexed 0..N-1."""
    pair = np.repeat(np.arange(a.nterms), b.nterms)
    rk = np.tile(np.arange(b.nterms), a.nterms)
    n = np.asarray(a.shape, dtype=np.int64)
    pos_a = a.out - np.asarray(a.lo, dtype=np.int64)
    pos_b = b.out - np.asarray(b.lo, dtype=np.int64)
    out = np.mod(pos_a[pair] + pos_b[rk], n) if pair.size else np.zeros((0, a.ndim),
                                                                         np.int64)
    mono = pa.sort_rows(np.concatenate([a.mono[pair], b.mono[rk]], axis=1))
    return pa.Poly((0,) * a.ndim, tuple(a.shape), out, mono,
                   pa.coef_product(a.coef[pair], b.coef[rk]))


def dft(a: pa.Poly, inverse: bool = False) -> pa.Poly:
    """The DFT on array positions per axis, ``X[f] = sum_n x[n] omega^(-f n)`` (``IDFT``:
    ``omega^(+f n)`` and 1/N), outputs indexed 0..N-1; exact: the roots of unity are
    elements of a cyclotomic field (:mod:`.cyclotomic`), compared without ``simplify``."""
    from fractions import Fraction

    from .cyclotomic import root_of_unity

    p = a
    for axis, n in enumerate(a.shape):
        pa.check_exact_products(p.nterms * n)
        pos = p.out[:, axis] - p.lo[axis]
        rows = np.repeat(np.arange(p.nterms), n)
        freq = np.tile(np.arange(n, dtype=np.int64), p.nterms)
        sign = 1 if inverse else -1
        factors = [root_of_unity(sign * int(f) * int(q), n) for f, q in
                   zip(freq.tolist(), pos[rows].tolist(), strict=True)]
        coef = np.empty(rows.size, dtype=object)
        coef[:] = [c * w for c, w in zip(p.coef[rows].tolist(), factors, strict=True)]
        if inverse:
            coef[:] = [c * Fraction(1, n) for c in coef.tolist()]
        out = p.out[rows].copy()
        out[:, axis] = freq
        lo = tuple(0 if k == axis else v for k, v in enumerate(p.lo))
        p = pa.Poly(lo, tuple(p.shape), out, p.mono[rows], pa.normal_coefs(coef))
    return p


@dataclass
class Outcome:
    """Both sides for one pair of shapes and their exact comparison."""

    equal: bool
    left: pa.Poly
    right: pa.Poly
    algebra: InstanceAlgebra
    comparison: pa.Comparison

    @property
    def registry(self) -> pa.Registry:
        return self.algebra.registry


def decide(claim: Claim, image: Sequence[int], kernel: Sequence[int], origin: str = "center",
           max_terms: int | None = None, fixed: dict[str, np.ndarray] | None = None,
           positions: bool = False) -> Outcome:
    """Both sides for one pair of shapes, compared exactly (raises :class:`NoOutput` when a
    side has no output for these shapes)."""
    rl = roles(claim)
    shapes = {name: tuple(image) if role == "image" else tuple(kernel)
              for name, role in rl.items() if role in ("image", "kernel")}
    alg = InstanceAlgebra(shapes, origin, pa.Registry(), max_terms, dict(fixed or {}))
    left, right = Evaluator(alg, claim.text, rl).sides(claim)
    if positions:
        # compare as NumPy compares arrays: position by position, origins ignored
        left = pa.shift(left, tuple(-v for v in left.lo))
        right = pa.shift(right, tuple(-v for v in right.lo))
    cmp = pa.compare(left, right, alg.registry)
    return Outcome(cmp.equal, left, right, alg, cmp)


# -- families of shapes -----------------------------------------------------------------------
def shape_family(dims: int) -> list[tuple[tuple[int, ...], tuple[int, ...]]]:
    """Every combination of small sizes per axis (even and odd, kernels longer than images,
    every axis of every size: no axis is always 1), smallest first."""
    ns, ks = {1: (range(1, 9), range(1, 6)), 2: (range(1, 5), range(1, 4)),
              3: (range(1, 4), range(1, 3))}.get(dims, (range(1, 3), range(1, 3)))
    cands = [(tuple(n), tuple(k)) for n in itertools.product(ns, repeat=dims)
             for k in itertools.product(ks, repeat=dims)]
    cands.sort(key=lambda nk: (int(np.prod(nk[0])) + int(np.prod(nk[1])), nk[0], nk[1]))
    return cands


def random_shapes(dims: int, count: int, seed: int = 0, largest: int = 9
                  ) -> list[tuple[tuple[int, ...], tuple[int, ...]]]:
    """Larger shapes drawn at random (a fixed seed: the same shapes on every run)."""
    rng = np.random.default_rng(seed)
    out = []
    for _ in range(count):
        n = tuple(int(v) for v in rng.integers(1, largest + 1, size=dims))
        k = tuple(int(v) for v in rng.integers(1, max(2, largest // 2) + 1, size=dims))
        out.append((n, k))
    return out


def terms_at(p: pa.Poly, idx: Sequence[int], reg: pa.Registry) -> str:
    """The polynomial of one output as text (``x[0] h[1] + x[1] h[0]``)."""
    if p.ndim:
        sel = np.all(p.out == np.asarray(idx, dtype=np.int64), axis=1)
    else:
        sel = np.ones(p.nterms, dtype=bool)
    c = pa.canonical(pa.Poly(p.lo, p.shape, p.out[sel], p.mono[sel], p.coef[sel]), p.lo,
                     p.shape, reg.total + 1, p.degree)
    ids = c.mono_ids(np.arange(c.coef.size))
    return poly_text([(pa.coef_item(c.coef[j]), tuple(int(v) for v in ids[j] if v >= 0))
                      for j in range(c.coef.size)], reg)
