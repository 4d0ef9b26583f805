"""A claim for every size: both sides as sums over index sets with symbolic sizes, compared
by deciding integer linear arithmetic (:mod:`.presburger`).

The sizes are symbols, ``N`` for the images and ``K`` for the kernels (``N1, N2, ...`` per
axis in N-D).  Each side evaluates (:mod:`.claim_eval` over :class:`SizesAlgebra`) to a
:class:`~.symarray.SymArray`: a sum of terms ``c * sum over {z : cons} of x[i] h[k] ...``.
Each term is put in a normal form: its coordinates are the output index ``m`` and the
index of every factor, the summation variables are eliminated through the equalities that
define those indices, and what remains is the term's *index set*, linear constraints on
``(m, i, k, ...)`` and the sizes.  Two sides are equal for every size exactly when, for
every product of arrays, the index sets with their coefficients are the same; "the same"
is decided for all sizes at once (``S1 ⊆ S2``: every constraint of ``S2`` follows from
those of ``S1`` over the integers, by the Omega test), never by trying sizes.

When the sizes must be compared (a 'valid' window flips when the kernel is the larger) the
evaluation splits into cases (:func:`~.symarray.by_cases`), each decided on its own.  A
failed inclusion yields sizes where the sides may differ; a refutation is only ever
reported after the instance engine (:mod:`.claim_instance`) finds the sides different for
concrete shapes.
"""

from __future__ import annotations

import itertools
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from ..index.ops import OPERATIONS
from ..parse.claim import Claim
from . import symarray as sa
from .claim_eval import Evaluator, NoOutput, OpOptions, TransposeOptions, Unbound, roles
from .exact import coef_equal, exact_sum, normal
from .presburger import Constraint, Lin, Unknown, eq, feasible, ge, implies
from .symarray import Case, SymArray, Undefined, Unsupported


def size_names(dims: int) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The image and kernel size symbols: ``N``/``K`` in 1-D, ``N1, N2``/``K1, K2``..."""
    if dims == 1:
        return ("N",), ("K",)
    return (tuple(f"N{a + 1}" for a in range(dims)), tuple(f"K{a + 1}" for a in range(dims)))


@dataclass
class SizesAlgebra:
    """The claim language's operations on symbolic arrays (sizes ``N``, ``K`` per axis)."""

    ctx: sa.Context
    roles: dict[str, str]
    dims: int
    origin: str
    boxes: dict[str, tuple[tuple[Lin, ...], tuple[Lin, ...]]] = field(default_factory=dict)
    #: arrays with given integer values (--x/--h): sums of their nonzero entries
    fixed: dict[str, Any] = field(default_factory=dict)
    #: size symbols of their own for named arrays (``distinct_sizes``: the second kernel's
    #: ``L``); the others take the image's or the kernel's
    own_sizes: dict[str, tuple[str, ...]] = field(default_factory=dict)

    def _box(self, sizes: Sequence[Lin]) -> tuple[tuple[Lin, ...], tuple[Lin, ...]]:
        lo = []
        for n in sizes:
            lo.append(-self.ctx.floor_div(n, 2) if self.origin == "center" else Lin.constant(0))
        hi = [lw + n - Lin.constant(1) for lw, n in zip(lo, sizes, strict=True)]
        return tuple(lo), tuple(hi)

    def name(self, name: str) -> SymArray:
        if name in self.fixed:
            return self._constant_array(name)
        if name not in self.boxes:
            role = self.roles.get(name)
            if role not in ("image", "kernel"):
                raise Unbound(name)
            img, ker = size_names(self.dims)
            own = self.own_sizes.get(name)
            self.boxes[name] = self._box([Lin.var(v) for v in (
                own if own is not None else img if role == "image" else ker)])
        lo, hi = self.boxes[name]
        return sa.leaf(name, lo, hi)

    def _constant_array(self, name: str) -> SymArray:
        """A given array as the sum over its nonzero entries: ``v[p]`` where ``m = lo+p``."""
        arr = self.fixed[name]
        lo = [-(n // 2) if self.origin == "center" else 0 for n in arr.shape]
        box = (tuple(Lin.constant(v) for v in lo),
               tuple(Lin.constant(v + n - 1) for v, n in zip(lo, arr.shape, strict=True)))
        self.boxes[name] = box
        m = sa.out_vars(arr.ndim)
        terms = []
        for pos in itertools.product(*(range(n) for n in arr.shape)):
            value = normal(arr[pos])
            if value != 0:
                terms.append(sa.SymTerm(value, (), tuple(
                    eq(m[a], Lin.constant(lo[a] + p)) for a, p in enumerate(pos))))
        return SymArray(box[0], box[1], tuple(terms))

    def given(self, name: str) -> bool:
        return name in self.fixed

    def bound(self, name: str) -> bool:
        return name in self.boxes

    def named_like(self, name: str, like: SymArray) -> SymArray:
        self.boxes[name] = (like.lo, like.hi)
        return sa.leaf(name, like.lo, like.hi)

    def constant(self, value: int) -> SymArray:
        return sa.constant(value)

    def ndim(self, a: SymArray) -> int:
        return a.ndim

    def scale(self, a: SymArray, c: int) -> SymArray:
        return sa.scale(a, c)

    def add(self, a: SymArray, b: SymArray, sign: int) -> SymArray:
        return sa.add(a, b, sign, self.ctx)

    def multiply(self, a: SymArray, b: SymArray) -> SymArray:
        return sa.multiply(a, b, self.ctx)

    def reflect(self, a: SymArray, axes: Sequence[bool] | None = None) -> SymArray:
        return sa.reflect(a, axes)

    def conjugate(self, a: SymArray) -> SymArray:
        return sa.conjugate(a)

    def dilate(self, a: SymArray, factors: Sequence[int]) -> SymArray:
        return sa.dilate(a, factors, self.ctx)

    def total(self, a: SymArray) -> SymArray:
        return sa.total(a, self.ctx)

    def bilinear(self, op: str, a: SymArray, b: SymArray, opts: OpOptions) -> SymArray:
        spec = OPERATIONS[op]
        if opts.convention != "scipy":
            raise Unsupported(f"convention {opts.convention!r}: the library's window is "
                              "decided by the instance engine")
        padding: list[tuple[Lin, Lin]] | None = None
        if opts.padding == "valid":
            padding = [(Lin.constant(0), Lin.constant(0))] * a.ndim
        elif opts.padding == "same":
            if any(s != 1 for s in opts.stride):
                raise Undefined("padding 'same' needs stride 1 (as PyTorch)")
            padding = []
            for q in range(a.ndim):
                total_pad = opts.dilation[q] * (b.size(q) - Lin.constant(1))
                low = self.ctx.floor_div(total_pad, 2)
                padding.append((low, total_pad - low))
        elif isinstance(opts.padding, tuple):
            padding = [(Lin.constant(lo), Lin.constant(hi)) for lo, hi in opts.padding]
        return sa.bilinear(spec.sigma, spec.reflect, a, b, self.ctx, mode=opts.mode,
                           stride=opts.stride, dilation=opts.dilation, padding=padding,
                           conjugate_kernel=opts.conjugate, origin=self.origin)

    def cconv(self, a: SymArray, b: SymArray) -> SymArray:
        raise Unsupported("circular convolution is decided at given shapes (instance) only")

    def pad(self, a: SymArray, length: int) -> SymArray:
        raise Unsupported("pad to a given length is decided at given shapes (instance) only")

    def dft(self, a: SymArray, inverse: bool) -> SymArray:
        raise Unsupported("the DFT is decided at given shapes (instance) only: its roots of "
                          "unity depend on the size")

    def conv_transpose(self, g: SymArray, h: SymArray, opts: TransposeOptions) -> SymArray:
        return sa.conv_transpose(g, h, self.ctx, opts.stride, opts.padding, opts.dilation,
                                 opts.output_padding)

    def gradient(self, scalar: SymArray, name: str) -> SymArray:
        lo, hi = self.boxes[name]
        return sa.gradient(scalar, name, lo, hi, self.ctx)


# -- the normal form of a term ----------------------------------------------------------------
@dataclass(frozen=True)
class IndexSet:
    """A term in normal form: ``coef`` times the sum, over the points of the set ``cons``
    (on the output variables, the coordinates ``coords`` and the sizes), of the product of
    ``signature``'s entries at those coordinates."""

    coef: int
    signature: tuple[tuple[str, bool], ...]
    coords: tuple[tuple[str, ...], ...]
    cons: tuple[Constraint, ...]


def normal_form(t: sa.SymTerm, ndim: int) -> IndexSet:
    """Eliminate the summation variables of a term through unit-coefficient equalities;
    what is left is its index set on (output, coordinates of every factor, sizes)."""
    order = sorted(range(len(t.factors)), key=lambda j: (t.factors[j].name,
                                                          t.factors[j].conj))
    coords: list[tuple[str, ...]] = []
    cons = list(t.cons)
    for pos, j in enumerate(order):
        f = t.factors[j]
        names = tuple(f"c{pos}_{a}" for a in range(len(f.index)))
        coords.append(names)
        cons += [eq(Lin.var(v), e) for v, e in zip(names, f.index, strict=True)]
    for z in t.sums:
        pivot = next((c for c in cons if c.kind == "eq" and abs(c.lin.coeffs.get(z, 0)) == 1),
                     None)
        if pivot is None:
            if any(z in c.lin.variables() for c in cons):
                raise Unsupported(f"a summation variable has no unit coefficient in any "
                                  f"equality ({', '.join(str(c) for c in cons[:3])}...)")
            continue  # a variable nothing depends on: a sum over nothing it constrains
        a = pivot.lin.coeffs[z]
        # a*z + rest = 0  =>  z = -rest/a, and a is +1 or -1
        rest = pivot.lin - Lin({z: a})
        value = -a * rest
        cons = [c.substitute({z: value}) for c in cons if c is not pivot]
    cons = [c for c in cons if not c.is_trivial()]
    sig = tuple((t.factors[j].name, t.factors[j].conj) for j in order)
    return IndexSet(t.coef, sig, tuple(coords), tuple(dict.fromkeys(cons)))


def _contained(a: IndexSet, b: IndexSet, assumptions: Sequence[Constraint]
               ) -> dict[str, int] | None:
    """None when every point of ``a`` is a point of ``b`` (for every size the assumptions
    allow); else a point of ``a`` outside ``b`` (with the sizes)."""
    hyps = list(assumptions) + list(a.cons)
    for c in b.cons:
        w = implies(hyps, c)
        if w is not None:
            return w
    return None


def _empty(s: IndexSet, assumptions: Sequence[Constraint]) -> bool:
    return feasible(list(assumptions) + list(s.cons)) is None


@dataclass
class CaseVerdict:
    """One case of the all-sizes decision: equal, or where it may differ."""

    case: Case
    equal: bool
    left: list[IndexSet]
    right: list[IndexSet]
    witnesses: list[dict[str, int]] = field(default_factory=list)
    reason: str = ""


def _merge(sets: list[IndexSet]) -> list[IndexSet]:
    """Terms with the same index set (syntactically) add their coefficients."""
    out: dict[tuple[Any, ...], IndexSet] = {}
    for s in sets:
        key = (s.signature, tuple(sorted(map(str, s.cons))))
        if key in out:
            old = out[key]
            out[key] = IndexSet(exact_sum([old.coef, s.coef]), old.signature, old.coords,
                                old.cons)
        else:
            out[key] = s
    return [s for s in out.values() if s.coef != 0]


def decide_case(case: Case, ndim: int) -> CaseVerdict:
    """Are the two sides of this case the same sum of products of entries?"""
    left, right = case.value
    assumptions = list(case.assumptions)
    ls = _merge([normal_form(t, ndim) for t in left.terms])
    rs = _merge([normal_form(t, ndim) for t in right.terms])
    ls = [s for s in ls if not _empty(s, assumptions)]
    rs = [s for s in rs if not _empty(s, assumptions)]
    by_sig: dict[Any, tuple[list[IndexSet], list[IndexSet]]] = defaultdict(lambda: ([], []))
    for s in ls:
        by_sig[s.signature][0].append(s)
    for s in rs:
        by_sig[s.signature][1].append(s)
    verdict = CaseVerdict(case, True, ls, rs)
    for sig, (lefts, rights) in by_sig.items():
        if not _match(lefts, rights, assumptions, verdict):
            verdict.equal = False
            if not verdict.reason:
                verdict.reason = ("the products " + " ".join(n + ("*" if c else "")
                                                           for n, c in sig)
                                  + " do not have the same index sets on both sides")
    return verdict


def _match(lefts: list[IndexSet], rights: list[IndexSet], assumptions: list[Constraint],
           verdict: CaseVerdict) -> bool:
    """A one-to-one matching of equal coefficients and equal index sets (for products of
    one array with itself, up to exchanging the coordinates of the equal factors)."""
    unused = list(rights)
    for a in lefts:
        found = None
        for b in unused:
            if not coef_equal(a.coef, b.coef):
                continue
            for bb in _renamings(b, a):
                w = _contained(a, bb, assumptions) or _contained(bb, a, assumptions)
                if w is None:
                    found = b
                    break
                verdict.witnesses.append(w)
            if found is not None:
                break
        if found is None:
            return False
        unused.remove(found)
    return not unused


def _renamings(b: IndexSet, a: IndexSet) -> list[IndexSet]:
    """``b`` written with ``a``'s coordinate names, under every exchange of the coordinates
    of equal factors (x[i] x[j] is x[j] x[i])."""
    groups: dict[tuple[str, bool], list[int]] = defaultdict(list)
    for j, key in enumerate(b.signature):
        groups[key].append(j)
    perms: list[dict[int, int]] = [{}]
    for idxs in groups.values():
        perms = [{**p, **dict(zip(idxs, q, strict=True))} for p in perms
                 for q in itertools.permutations(idxs)]
    out = []
    for p in perms[:24]:
        mapping = {bv: Lin.var(av) for j, k in p.items()
                   for bv, av in zip(b.coords[j], a.coords[k], strict=True)}
        out.append(IndexSet(b.coef, b.signature, a.coords,
                            tuple(c.substitute(mapping) for c in b.cons)))
    return out


# -- the decision -----------------------------------------------------------------------------
@dataclass
class SizesDecision:
    """The all-sizes outcome: proved for every case, or not decided (with sizes worth
    trying as counterexamples and the reason)."""

    proved: bool
    cases: list[CaseVerdict]
    undefined: list[Case]
    candidates: list[dict[str, int]]
    reason: str = ""
    dims: int = 1
    #: arrays with size symbols of their own (``distinct_sizes``), name -> symbols
    own_sizes: dict[str, tuple[str, ...]] = field(default_factory=dict)


#: Size letters of the kernels after the first with ``distinct_sizes`` (``L``, ``J``...).
EXTRA_SIZE_LETTERS = ("L", "J", "P", "Q")


def distinct_size_names(roles: dict[str, str], dims: int) -> dict[str, tuple[str, ...]]:
    """Each kernel after the first its own size symbols: ``L`` (1-D), ``L1, L2`` (N-D)."""
    kernels = [n for n, r in roles.items() if r == "kernel"][1:]
    if len(kernels) > len(EXTRA_SIZE_LETTERS):
        raise Unsupported(f"more than {len(EXTRA_SIZE_LETTERS) + 1} kernels with sizes of "
                          "their own")
    return {n: ((letter,) if dims == 1 else tuple(f"{letter}{a + 1}" for a in range(dims)))
            for n, letter in zip(kernels, EXTRA_SIZE_LETTERS, strict=False)}


def base_assumptions(dims: int, where: Sequence[Constraint] = ()) -> list[Constraint]:
    img, ker = size_names(dims)
    return [ge(Lin.var(v), Lin.constant(1)) for v in img + ker] + list(where)


def decide_all_sizes(claim: Claim, dims: int, origin: str = "center",
                     positions: bool = False, where: Sequence[Constraint] = (),
                     max_cases: int = 64, fixed: dict[str, Any] | None = None,
                     distinct_sizes: bool = False) -> SizesDecision:
    """Decide ``claim`` for every image and kernel size (subject to ``where``).

    Raises :class:`Unsupported` when a side uses something the engine does not model (then
    the caller searches for a counterexample and says the claim is undecided)."""
    rl = roles(claim)
    for name, role in rl.items():
        if role not in ("image", "kernel", "gradient"):
            raise Unsupported(f"the name {name!r} has no size")

    own = distinct_size_names(rl, dims) if distinct_sizes else {}

    def run(ctx: sa.Context) -> tuple[SymArray, SymArray]:
        alg = SizesAlgebra(ctx, rl, dims, origin, fixed=dict(fixed or {}), own_sizes=own)
        try:
            left, right = Evaluator(alg, claim.text, rl).sides(claim)
        except NoOutput as exc:
            raise Undefined(str(exc)) from None
        if positions:
            left, right = sa.shift_to_zero(left), sa.shift_to_zero(right)
        return left, right

    try:
        extra = [ge(Lin.var(v), Lin.constant(1)) for syms in own.values() for v in syms]
        cases = sa.by_cases(run, base_assumptions(dims, where) + extra, max_cases=max_cases)
        undefined = [c for c in cases if c.value is None]
        verdicts = [decide_case(c, dims) for c in cases if c.value is not None]
    except Unknown as exc:
        raise Unsupported(f"the integer arithmetic needed more work than allowed ({exc})") \
            from None
    candidates = [w for v in verdicts for w in v.witnesses]
    bad = [v for v in verdicts if not v.equal]
    if not verdicts:
        return SizesDecision(False, [], undefined, candidates,
                             "no size gives an output on both sides: " +
                             "; ".join(sorted({c.undefined for c in undefined}))[:300], dims,
                             own)
    return SizesDecision(not bad, verdicts, undefined, candidates,
                         bad[0].reason if bad else "", dims, own)


def shapes_from(witness: dict[str, int], dims: int) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """The image and kernel shapes of a witness (sizes below 1 raised to 1)."""
    img, ker = size_names(dims)
    return (tuple(max(1, witness.get(v, 1)) for v in img),
            tuple(max(1, witness.get(v, 1)) for v in ker))

