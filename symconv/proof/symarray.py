"""Arrays of polynomials for symbolic sizes: the all-sizes twin of :mod:`.polyarray`.

A :class:`SymArray` is what a side of a claim evaluates to when the sizes of the named
arrays are symbols (``N`` for images, ``K`` for kernels, one per axis).  It is a sum of
:class:`SymTerm` s; a term is an integer coefficient times a sum, over the integer points of
a set given by linear constraints, of a product of array entries whose indices are affine in
the output index, the summation variables and the sizes:

    y[m] = sum over {z : cons(m, z, P)} of  c * x[i(m, z, P)] * h[k(m, z, P)] * ...

Every operation of the claim language maps such sums to such sums exactly as
:mod:`.polyarray` maps concrete arrays (the same windows, read off the same formulas as
:mod:`symconv.index.request`), with the sizes as parameters: a floor or a parity becomes an
auxiliary integer defined by two inequalities (``2t <= N <= 2t + 1`` for ``t = N // 2``),
and a comparison the parameters cannot settle (``N >= K`` for a 'valid' window) splits the
evaluation into cases (:class:`Split`), each decided on its own.  Nothing here imports
NumPy or SymPy.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from .presburger import Constraint, Lin, Unknown, eq, ge, implies, le

#: Output index variables, one per axis (printed m, n, p).
OUT = ("m1", "m2", "m3", "m4", "m5", "m6")


class Split(Exception):  # noqa: N818 - a control-flow signal, not an error
    """The evaluation needs to know whether ``constraint`` holds: run it once assuming it
    and once assuming its negation."""

    def __init__(self, constraint: Constraint) -> None:
        super().__init__(str(constraint))
        self.constraint = constraint


class Unsupported(Exception):  # noqa: N818 - the engine cannot express it, not an error
    """Something the all-sizes engine does not model (a boundary rule, a padding 'same'
    with a stride...): the claim is left to the instance search."""


class Undefined(Exception):  # noqa: N818
    """The operation has no output for sizes of this case (the instance engine skips such
    shapes): the case is outside the claim's domain."""


@dataclass(frozen=True)
class Factor:
    """One array entry of a product: ``name[index]``, conjugated or not."""

    name: str
    conj: bool
    index: tuple[Lin, ...]


@dataclass(frozen=True)
class SymTerm:
    """``coef * sum over {sums : cons} of the product of factors`` at each output index."""

    coef: int
    factors: tuple[Factor, ...]
    cons: tuple[Constraint, ...]
    sums: tuple[str, ...] = ()

    def substitute(self, mapping: Mapping[str, Lin]) -> SymTerm:
        return SymTerm(self.coef,
                       tuple(Factor(f.name, f.conj, tuple(i.substitute(mapping)
                                                         for i in f.index))
                             for f in self.factors),
                       tuple(c.substitute(mapping) for c in self.cons), self.sums)


@dataclass(frozen=True)
class SymArray:
    """A symbolic array: its index box (``lo``/``hi`` per axis, affine in the sizes) and
    its terms, written with the output variables ``OUT[:ndim]``."""

    lo: tuple[Lin, ...]
    hi: tuple[Lin, ...]
    terms: tuple[SymTerm, ...]

    @property
    def ndim(self) -> int:
        return len(self.lo)

    def size(self, axis: int) -> Lin:
        return self.hi[axis] - self.lo[axis] + Lin.constant(1)


@dataclass
class Context:
    """The case being evaluated: its assumptions on the sizes (and auxiliaries), fresh
    names, and the definedness conditions met so far."""

    assumptions: list[Constraint]
    counter: itertools.count = field(default_factory=lambda: itertools.count(1))
    budget: int = 200_000
    #: auxiliary -> (numerator, denominator): ``q = floor(num / den)``, for the steps
    defs: dict[str, tuple[Lin, int]] = field(default_factory=dict)

    def fresh(self, prefix: str) -> str:
        return f"{prefix}{next(self.counter)}"

    def holds(self, c: Constraint) -> bool:
        """Whether ``c`` holds in every point of this case; raise :class:`Split` when the
        case does not settle it."""
        try:
            if implies(self.assumptions, c, budget=self.budget) is None:
                return True
            if all(implies(self.assumptions, n, budget=self.budget) is None
                   for n in _negation_as_conjunction(c)):
                return False
        except Unknown:
            raise Unsupported(f"the case analysis of {c} needs more work than the budget "
                              "allows") from None
        raise Split(c)

    def require(self, c: Constraint, why: str) -> None:
        """The operation is defined only where ``c`` holds: outside, the case is excluded
        (split when the case does not settle it)."""
        if not self.holds(c):
            raise Undefined(why)

    def floor_div(self, num: Lin, den: int) -> Lin:
        """``num // den`` for a positive integer ``den``: an auxiliary ``q`` with
        ``den*q <= num <= den*q + den - 1``."""
        if den == 1:
            return num
        if not num.variables():
            return Lin.constant(num.const // den)
        name = self.fresh("q")
        q = Lin.var(name)
        self.assumptions += [le(den * q, num), le(num, den * q + Lin.constant(den - 1))]
        self.defs[name] = (num, den)
        return q

    def ceil_div(self, num: Lin, den: int) -> Lin:
        return -self.floor_div(-num, den)

    def min(self, a: Lin, b: Lin) -> Lin:
        return a if self.holds(le(a, b)) else b

    def max(self, a: Lin, b: Lin) -> Lin:
        return a if self.holds(ge(a, b)) else b


def _negation_as_conjunction(c: Constraint) -> list[Constraint]:
    """The negation of ``c`` when it is one constraint (``not a >= 0`` is ``a <= -1``);
    an equality's negation is a disjunction: refuse it here (callers ask ``>=`` only)."""
    neg = c.negate()
    if len(neg) != 1:
        raise Unsupported(f"the negation of {c} is a disjunction")
    return neg


def one(v: int) -> Lin:
    return Lin.constant(v)


def out_vars(ndim: int) -> tuple[Lin, ...]:
    return tuple(Lin.var(v) for v in OUT[:ndim])


def leaf(name: str, lo: Sequence[Lin], hi: Sequence[Lin]) -> SymArray:
    """An array of entries ``name[m]`` on its box."""
    m = out_vars(len(lo))
    cons = tuple(c for a, b, v in zip(lo, hi, m, strict=True) for c in (le(a, v), le(v, b)))
    return SymArray(tuple(lo), tuple(hi), (SymTerm(1, (Factor(name, False, m),), cons),))


def constant(value: int) -> SymArray:
    return SymArray((), (), (SymTerm(value, (), ()),) if value else ())


def scale(a: SymArray, c: int) -> SymArray:
    return replace(a, terms=tuple(replace(t, coef=t.coef * c) for t in a.terms if c))


def _rename_sums(t: SymTerm, ctx: Context) -> SymTerm:
    """The term with fresh summation variables (so two terms can be combined)."""
    if not t.sums:
        return t
    mapping = {s: Lin.var(ctx.fresh("z")) for s in t.sums}
    out = t.substitute(mapping)
    return replace(out, sums=tuple(str(next(iter(v.variables()))) for v in mapping.values()))


def _union_box(a: SymArray, b: SymArray, ctx: Context) -> tuple[tuple[Lin, ...],
                                                                  tuple[Lin, ...]]:
    lo = tuple(ctx.min(x, y) for x, y in zip(a.lo, b.lo, strict=True))
    hi = tuple(ctx.max(x, y) for x, y in zip(a.hi, b.hi, strict=True))
    return lo, hi


def add(a: SymArray, b: SymArray, sign: int, ctx: Context) -> SymArray:
    """``a + sign*b`` on the union of the boxes (a scalar only with a scalar)."""
    lo, hi = _union_box(a, b, ctx)
    terms = a.terms + tuple(replace(_rename_sums(t, ctx), coef=sign * t.coef)
                            for t in b.terms)
    return SymArray(lo, hi, terms)


def multiply(a: SymArray, b: SymArray, ctx: Context) -> SymArray:
    """Entrywise product (a scalar broadcasts); the box is the union, as polyarray's."""
    if a.ndim == 0 and b.ndim != 0:
        a, b = b, a
    if b.ndim == 0:
        lo, hi = a.lo, a.hi
    else:
        lo, hi = _union_box(a, b, ctx)
    terms = []
    for ta in a.terms:
        for tb in b.terms:
            tb = _rename_sums(tb, ctx)
            terms.append(SymTerm(ta.coef * tb.coef, ta.factors + tb.factors,
                                 ta.cons + tb.cons, ta.sums + tb.sums))
    return SymArray(lo, hi, tuple(terms))


def reflect(a: SymArray, axes: Sequence[bool] | None = None) -> SymArray:
    """``b[m] = a[-m]`` along the chosen axes (all by default)."""
    sel = [True] * a.ndim if axes is None else list(axes)
    m = out_vars(a.ndim)
    mapping = {OUT[k]: -m[k] for k in range(a.ndim) if sel[k]}
    lo = tuple(-h if s else lw for lw, h, s in zip(a.lo, a.hi, sel, strict=True))
    hi = tuple(-lw if s else h for lw, h, s in zip(a.lo, a.hi, sel, strict=True))
    return SymArray(lo, hi, tuple(t.substitute(mapping) for t in a.terms))


def shift_to_zero(a: SymArray) -> SymArray:
    """``b[m] = a[m + lo]``: positions from 0 (as NumPy compares arrays)."""
    m = out_vars(a.ndim)
    mapping = {OUT[k]: m[k] + a.lo[k] for k in range(a.ndim)}
    return SymArray(tuple(one(0) for _ in a.lo), tuple(h - lw for lw, h in
                                                      zip(a.lo, a.hi, strict=True)),
                    tuple(t.substitute(mapping) for t in a.terms))


def dilate(a: SymArray, factors: Sequence[int], ctx: Context) -> SymArray:
    """``b[s*m] = a[m]``, zeros between: the old output ``z`` with ``s*z = m``."""
    m = out_vars(a.ndim)
    terms = []
    for t in a.terms:
        zs = [ctx.fresh("z") for _ in range(a.ndim)]
        u = t.substitute({OUT[k]: Lin.var(zs[k]) for k in range(a.ndim)})
        cons = u.cons + tuple(eq(m[k], s * Lin.var(zs[k])) for k, s in enumerate(factors))
        terms.append(SymTerm(u.coef, u.factors, cons, u.sums + tuple(zs)))
    lo = tuple(s * lw for lw, s in zip(a.lo, factors, strict=True))
    hi = tuple(s * h for h, s in zip(a.hi, factors, strict=True))
    return SymArray(lo, hi, tuple(terms))


def restrict(a: SymArray, lo: Sequence[Lin], hi: Sequence[Lin]) -> SymArray:
    """Read ``a`` on the box ``lo..hi`` only."""
    m = out_vars(a.ndim)
    extra = tuple(c for lw, h, v in zip(lo, hi, m, strict=True) for c in (le(lw, v),
                                                                           le(v, h)))
    return SymArray(tuple(lo), tuple(hi), tuple(replace(t, cons=t.cons + extra)
                                                for t in a.terms))


def total(a: SymArray, ctx: Context) -> SymArray:
    """The sum of every entry: the output variables become summation variables."""
    terms = []
    for t in a.terms:
        zs = [ctx.fresh("z") for _ in range(a.ndim)]
        u = t.substitute({OUT[k]: Lin.var(zs[k]) for k in range(a.ndim)})
        terms.append(SymTerm(u.coef, u.factors, u.cons, u.sums + tuple(zs)))
    return SymArray((), (), tuple(terms))


def conjugate(a: SymArray) -> SymArray:
    """Every entry conjugated, and every coefficient (a given complex value is a number of
    the term, not an entry: ``conj(h)`` with ``h = [1j]`` is ``[-1j]``)."""
    from .exact import exact_conjugate

    return replace(a, terms=tuple(replace(t, coef=exact_conjugate(t.coef),
                                          factors=tuple(replace(f, conj=not f.conj)
                                                        for f in t.factors))
                                  for t in a.terms))


def gradient(scalar: SymArray, name: str, lo: Sequence[Lin], hi: Sequence[Lin],
             ctx: Context) -> SymArray:
    """``d scalar / d name[i]`` on ``name``'s box: each occurrence of an unconjugated
    ``name`` factor becomes the output (the product rule for repeated factors)."""
    if scalar.ndim != 0:
        raise Unsupported("the gradient of an array")
    m = out_vars(len(lo))
    terms = []
    for t in scalar.terms:
        for j, f in enumerate(t.factors):
            if f.name != name or f.conj:
                continue
            rest = t.factors[:j] + t.factors[j + 1:]
            cons = t.cons + tuple(eq(m[k], f.index[k]) for k in range(len(lo)))
            terms.append(SymTerm(t.coef, rest, cons, t.sums))
    return SymArray(tuple(lo), tuple(hi), tuple(terms))


# -- the bilinear operations: windows as symconv.index.request computes them ------------------
@dataclass(frozen=True)
class AxisWindow:
    """One axis of an operation: ``i = s*m + sigma*d*k + c`` on the outputs ``lo..hi``."""

    s: int
    sigma: int
    d: int
    c: Lin
    lo: Lin
    hi: Lin


def _axis_window(ctx: Context, sigma: int, reflect_out: bool, i_lo: Lin, n: Lin, k_lo: Lin,
                 k: Lin, s: int, d: int, mode: str | None, pad: tuple[Any, Any] | None,
                 origin: str) -> AxisWindow:
    """The twin of ``request._axis`` for symbolic sizes."""
    if sigma > 0:
        f_lo, f_hi = d * k_lo, d * (k_lo + k - one(1))
    else:
        f_lo, f_hi = -d * (k_lo + k - one(1)), -d * k_lo
    ke = f_hi - f_lo + one(1)
    if pad is None:
        full_lo = i_lo - f_hi
        if mode == "full":
            w_lo, length = full_lo, n + ke - one(1)
        elif mode == "valid":
            if ctx.holds(ge(n, ke)):
                w_lo, length = full_lo + ke - one(1), n - ke + one(1)
            else:
                w_lo, length = full_lo + n - one(1), ke - n + one(1)
        elif mode == "same":
            w_lo, length = full_lo + ctx.floor_div(ke - one(1), 2), n
        else:  # pragma: no cover - validated by the caller
            raise Unsupported(f"mode {mode!r}")
        w_hi = w_lo + length - one(1)
        m_lo = ctx.ceil_div(w_lo, s)
        m_hi = ctx.floor_div(w_hi, s)
        ctx.require(le(m_lo, m_hi), f"stride {s} leaves no output")
        c = one(0)
    else:
        pl, pr = (_pad_lin(p) for p in pad)
        npad = n + pl + pr
        ctx.require(ge(npad, ke), "the kernel is larger than the padded image")
        count = ctx.floor_div(npad - ke, s) + one(1)
        c0 = i_lo - pl - f_lo
        out_origin = ctx.floor_div(count, 2) if origin == "center" else one(0)
        m_lo = -out_origin
        m_hi = m_lo + count - one(1)
        c = c0 + s * out_origin
    if reflect_out:
        return AxisWindow(-s, sigma, d, c, -m_hi, -m_lo)
    return AxisWindow(s, sigma, d, c, m_lo, m_hi)


def _pad_lin(p: Any) -> Lin:
    return p if isinstance(p, Lin) else one(int(p))


def bilinear(spec_sigma: int, spec_reflect: bool, a: SymArray, b: SymArray, ctx: Context, *,
             mode: str | None = "full", stride: Sequence[int] = (), dilation: Sequence[int] = (),
             padding: Sequence[tuple[Any, Any]] | None = None, conjugate_kernel: bool = False,
             origin: str = "center") -> SymArray:
    """``op(a, b)``: ``y[m] = sum_k a[s*m + sigma*d*k + c] b[k]`` on the operation's window,
    both operands read on their boxes (zero padding)."""
    nd = a.ndim
    windows = [_axis_window(ctx, spec_sigma, spec_reflect, a.lo[k], a.size(k), b.lo[k],
                            b.size(k), stride[k], dilation[k], mode,
                            None if padding is None else padding[k], origin)
               for k in range(nd)]
    m = out_vars(nd)
    terms = []
    bb = conjugate(b) if conjugate_kernel else b
    for ta in a.terms:
        for tb in bb.terms:
            ks = [ctx.fresh("z") for _ in range(nd)]
            kv = [Lin.var(z) for z in ks]
            img = [w.s * m[q] + (w.sigma * w.d) * kv[q] + w.c for q, w in enumerate(windows)]
            ua = _rename_sums(ta, ctx).substitute({OUT[q]: img[q] for q in range(nd)})
            ub = _rename_sums(tb, ctx).substitute({OUT[q]: kv[q] for q in range(nd)})
            cons = ua.cons + ub.cons
            for q, w in enumerate(windows):
                cons += (le(w.lo, m[q]), le(m[q], w.hi), le(a.lo[q], img[q]),
                         le(img[q], a.hi[q]), le(b.lo[q], kv[q]), le(kv[q], b.hi[q]))
            terms.append(SymTerm(ua.coef * ub.coef, ua.factors + ub.factors, cons,
                                 ua.sums + ub.sums + tuple(ks)))
    return SymArray(tuple(w.lo for w in windows), tuple(w.hi for w in windows), tuple(terms))


def conv_transpose(g: SymArray, h: SymArray, ctx: Context, stride: Sequence[int],
                   padding: Sequence[int], dilation: Sequence[int],
                   output_padding: Sequence[int]) -> SymArray:
    """PyTorch's transposed convolution by its definition: ``out[s*m + d*k - p] += g[m]
    h[k]``, on ``(M-1)s - 2p + d(K-1) + output_padding + 1`` outputs from ``s*lo_g +
    d*lo_h`` (as :func:`symconv.proof.claims.conv_transpose`)."""
    nd = g.ndim
    m = out_vars(nd)
    lo, hi = [], []
    for q in range(nd):
        s, p, d, op = stride[q], padding[q], dilation[q], output_padding[q]
        first = s * g.lo[q] + d * h.lo[q]
        count = (g.size(q) - one(1)) * s - one(2 * p) + d * (h.size(q) - one(1)) \
            + one(op + 1)
        ctx.require(ge(count, one(1)), "padding leaves no output of the transposed "
                                       "convolution")
        lo.append(first)
        hi.append(first + count - one(1))
    terms = []
    for tg in g.terms:
        for th in h.terms:
            zg = [ctx.fresh("z") for _ in range(nd)]
            zk = [ctx.fresh("z") for _ in range(nd)]
            ug = _rename_sums(tg, ctx).substitute({OUT[q]: Lin.var(zg[q]) for q in range(nd)})
            uh = _rename_sums(th, ctx).substitute({OUT[q]: Lin.var(zk[q]) for q in range(nd)})
            cons = ug.cons + uh.cons
            for q in range(nd):
                cons += (eq(m[q], stride[q] * Lin.var(zg[q]) + dilation[q] * Lin.var(zk[q])
                            - one(padding[q])),
                         le(lo[q], m[q]), le(m[q], hi[q]),
                         le(g.lo[q], Lin.var(zg[q])), le(Lin.var(zg[q]), g.hi[q]),
                         le(h.lo[q], Lin.var(zk[q])), le(Lin.var(zk[q]), h.hi[q]))
            terms.append(SymTerm(ug.coef * uh.coef, ug.factors + uh.factors, cons,
                                 ug.sums + uh.sums + tuple(zg) + tuple(zk)))
    return SymArray(tuple(lo), tuple(hi), tuple(terms))


# -- cases ------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Case:
    """One case of an evaluation: its assumptions and the value (or why it is undefined)."""

    assumptions: tuple[Constraint, ...]
    value: Any
    undefined: str = ""
    #: the auxiliaries' definitions (``q = floor(num / den)``)
    defs: tuple[tuple[str, Lin, int], ...] = ()


def by_cases(run: Callable[[Context], Any], assumptions: Sequence[Constraint],
             max_cases: int = 64, budget: int = 200_000) -> list[Case]:
    """Run ``run(ctx)`` once per case: on :class:`Split` the case is run again assuming the
    constraint and assuming its negation; :class:`Undefined` closes the case."""
    out: list[Case] = []
    todo: list[list[Constraint]] = [list(assumptions)]
    while todo:
        base = todo.pop(0)
        ctx = Context(list(base), budget=budget)
        try:
            value = run(ctx)
        except Split as sp:
            if len(out) + len(todo) + 2 > max_cases:
                raise Unsupported(f"more than {max_cases} cases") from None
            todo.append(base + [sp.constraint])
            todo += [base + [n] for n in sp.constraint.negate()]
            continue
        except Undefined as u:
            out.append(Case(tuple(ctx.assumptions), None, str(u)))
            continue
        out.append(Case(tuple(ctx.assumptions), value, "",
                        tuple((k, v[0], v[1]) for k, v in ctx.defs.items())))
    return out
