"""User claims: ``symconv prove --claim "LHS == RHS"``, parsed with a grammar and decided exactly.

The language (:mod:`symconv.parse.claim`) has names (arrays), integers, ``+ - *``, unary minus,
reflection by indexing (``y[-m]``, ``y[-m, n]``) and calls:

==========================  =================================================================
``conv(a, b, ...)``          convolution, keywords ``mode stride padding dilation``
``corr(a, b, ...)``          cross-correlation (NumPy/PyTorch), also ``conjugate=true``
``corr_reflected(a, b)``     the article's ``sum_i x[i] h[m+i]``
``flip(a)``                  ``a[-m]`` along every axis
``conj(a)``                  complex conjugate
``dilate(a, s)``             ``b[s*m] = a[m]``, zeros between
``conv_transpose(g, h,...)`` PyTorch's transposed convolution (``stride padding dilation
                             output_padding``), by its definition
                             ``out[s*m + d*k - p] += g[m] h[k]``
``sum(a)``                   the sum of every entry (a scalar)
``grad(E, x)``               dE/dx for a scalar E; ``grad(E, x, g)`` = grad(sum(g*E), x)
==========================  =================================================================

Both sides evaluate to arrays of polynomials in the entries of the named arrays
(:mod:`symconv.proof.polyarray`), for concrete shapes.  A claim is *proved* for those shapes only if
the two term lists are identical; otherwise it is *refuted* with the smallest shapes tried in
order, integer values, and the first output where the two sides differ.  The verdict's scope
is ``instance``: a check over a finite family of shapes is not a proof for every size.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..errors import FormulaError, InputError, LimitError
from ..index.signal import parse_shape, parse_values, resolve_origin
from ..index.values import json_array, json_number
from ..parse.claim import (
    OP_KEYWORDS,
    OPS,
    Binary,
    Call,
    Claim,
    Indexed,
    Name,
    Node,
    Num,
    Unary,
    parse_claim,
    to_latex,
    to_text,
)
from . import polyarray as pa
from .derivation import Derivation, Step
from .instance import counterexample_values, poly_text
from .theorems import prove

#: Names that take the image shape or the kernel shape when not placed by position.
IMAGE_NAMES = ("x", "f", "image", "u")
KERNEL_NAMES = ("h", "w", "k", "kernel", "v")
#: How many shapes the family search tries at most, per dimension.
FAMILY_LIMIT = {1: 40, 2: 60, 3: 30}


# -- evaluation -------------------------------------------------------------------------------
class _Unbound(Exception):
    def __init__(self, name: str) -> None:
        self.name = name


@dataclass
class Context:
    """Shapes of the named arrays for one instance, and the registry of their entries."""

    shapes: dict[str, tuple[int, ...]]
    origin: str
    registry: pa.Registry
    text: str
    roles: dict[str, str] = field(default_factory=dict)
    max_terms: int | None = None
    #: names with given integer values: they enter as numbers, not as variables
    fixed: dict[str, np.ndarray] = field(default_factory=dict)

    def constant_array(self, name: str) -> pa.Poly:
        arr = self.fixed[name]
        lo = tuple(-o for o in resolve_origin(self.origin, arr.shape))
        idx = pa.all_indices(lo, arr.shape)
        return pa.Poly(lo, tuple(arr.shape), idx, np.full((arr.size, 1), -1, np.int64),
                       arr.astype(np.int64).ravel())

    def var(self, name: str, col: int) -> pa.Var:
        if name in self.registry.vars:
            return self.registry.vars[name]
        shape = self.shapes.get(name)
        if shape is None:
            raise _Unbound(name)
        lo = tuple(-o for o in resolve_origin(self.origin, shape))
        return self.registry.add(name, lo, shape)


def roles(claim: Claim) -> dict[str, str]:
    """Which names take the image shape and which the kernel shape.

    Conventional names first (x, f: image; h, w: kernel); other names by their first place
    as an operation's first (image) or second (kernel) argument.  Names given as the third
    argument of ``grad`` are bound to the shape of the differentiated expression.
    """
    out: dict[str, str] = {}
    grads: set[str] = set()

    def walk(n: Node) -> None:
        if isinstance(n, Call):
            if n.fn in OPS or n.fn == "conv_transpose":
                for a, role in zip(n.args[:2], ("image", "kernel"), strict=False):
                    if isinstance(a, Name):
                        out.setdefault(a.name, role)
            if n.fn == "grad" and len(n.args) == 3 and isinstance(n.args[2], Name):
                grads.add(n.args[2].name)
            for a in n.args:
                walk(a)
        elif isinstance(n, (Unary, Indexed)):
            walk(n.arg)
        elif isinstance(n, Binary):
            if n.op == "*":
                # g * E: g takes E's index range (the upstream gradient of L = sum(g*E))
                for a, b in ((n.left, n.right), (n.right, n.left)):
                    if isinstance(a, Name) and not isinstance(b, (Name, Num)) and \
                            a.name not in IMAGE_NAMES + KERNEL_NAMES:
                        grads.add(a.name)
            walk(n.left)
            walk(n.right)
        elif isinstance(n, Name):
            if n.name in IMAGE_NAMES:
                out[n.name] = "image"
            elif n.name in KERNEL_NAMES:
                out[n.name] = "kernel"

    walk(claim.left)
    walk(claim.right)
    for g in grads:
        out[g] = "gradient"
    return out


def _ints(v: Any, what: str) -> Any:
    if isinstance(v, bool) or not isinstance(v, (int, tuple)):
        raise InputError(f"bad {what} {v!r}: expected an integer or a tuple such as (2, 1)")
    return v


def evaluate(n: Node, ctx: Context) -> pa.Poly:
    reg = ctx.registry
    if isinstance(n, Name):
        if n.name in ctx.fixed:
            return ctx.constant_array(n.name)
        return pa.leaf(ctx.var(n.name, n.col))
    if isinstance(n, Num):
        return pa.constant(n.value)
    if isinstance(n, Unary):
        return pa.scale(evaluate(n.arg, ctx), -1)
    if isinstance(n, Binary):
        if n.op == "*":
            for first, other in ((n.left, n.right), (n.right, n.left)):
                if isinstance(first, Name) and ctx.roles.get(first.name) == "gradient" and \
                        first.name not in ctx.registry.vars and not isinstance(other, Name):
                    e = evaluate(other, ctx)
                    if e.ndim == 0:
                        raise FormulaError(f"{first.name} * E needs an array E", ctx.text,
                                           n.col)
                    return pa.multiply(pa.leaf(ctx.registry.add(first.name, e.lo, e.shape)), e)
        a, b = evaluate(n.left, ctx), evaluate(n.right, ctx)
        if n.op == "*":
            return pa.multiply(a, b)
        if a.ndim == 0 and b.ndim != 0 or b.ndim == 0 and a.ndim != 0:
            raise FormulaError("cannot add a scalar and an array", ctx.text, n.col)
        return pa.add(a, b, 1 if n.op == "+" else -1)
    if isinstance(n, Indexed):
        a = evaluate(n.arg, ctx)
        if len(n.signs) != a.ndim:
            raise FormulaError(f"this array has {a.ndim} axes but {len(n.signs)} indices are "
                               "given", ctx.text, n.col)
        return pa.reflect(a, n.signs)
    return _call(n, ctx, reg)


def _call(n: Call, ctx: Context, reg: pa.Registry) -> pa.Poly:
    kw = dict(n.kwargs)

    def need(k: int) -> None:
        if len(n.args) != k:
            raise FormulaError(f"{n.fn} takes {k} argument{'s' if k != 1 else ''}, got "
                               f"{len(n.args)}", ctx.text, n.col)

    def allow(keys: set[str]) -> None:
        for k in kw:
            if k not in keys:
                raise FormulaError(f"{n.fn} has no keyword {k!r}"
                                   + (f": use {', '.join(sorted(keys))}" if keys else ""),
                                   ctx.text, n.col)

    if n.fn in OPS:
        need(2)
        allow(OP_KEYWORDS if n.fn != "conv" else OP_KEYWORDS - {"conjugate"})
        opts: dict[str, Any] = {}
        for key in ("stride", "dilation"):
            if key in kw:
                opts[key] = _ints(kw[key], key)
        if "mode" in kw:
            opts["mode"] = kw["mode"]
        if "padding" in kw:
            p = kw["padding"]
            opts["padding"] = p if isinstance(p, str) else _ints(p, "padding")
        if kw.get("conjugate"):
            opts["conjugate"] = True
        opts["origin"] = ctx.origin  # the output origin under padding
        a, b = evaluate(n.args[0], ctx), evaluate(n.args[1], ctx)
        try:
            return pa.bilinear(OPS[n.fn], a, b, reg, max_terms=ctx.max_terms, **opts)
        except (FormulaError, LimitError):
            raise
        except InputError as exc:
            raise _NoOutput(str(exc), n.col) from None
    if n.fn == "flip":
        need(1)
        allow(set())
        return pa.reflect(evaluate(n.args[0], ctx))
    if n.fn == "conj":
        need(1)
        allow(set())
        return pa.conjugate(evaluate(n.args[0], ctx), reg)
    if n.fn == "dilate":
        need(2)
        allow(set())
        a = evaluate(n.args[0], ctx)
        s = n.args[1]
        if not isinstance(s, Num) or s.value < 1:
            raise FormulaError("dilate(a, s) needs a positive integer s", ctx.text, n.col)
        return pa.dilate(a, (s.value,) * a.ndim)
    if n.fn == "sum":
        need(1)
        allow(set())
        return pa.total(evaluate(n.args[0], ctx))
    if n.fn == "conv_transpose":
        need(2)
        allow({"stride", "padding", "dilation", "output_padding"})
        a, b = evaluate(n.args[0], ctx), evaluate(n.args[1], ctx)
        try:
            return conv_transpose(a, b, **{k: _ints(v, k) for k, v in kw.items()})
        except InputError as exc:
            if "no output" in str(exc):
                raise _NoOutput(str(exc), n.col) from None
            raise FormulaError(str(exc), ctx.text, n.col) from None
    # grad
    allow(set())
    if len(n.args) not in (2, 3):
        raise FormulaError("grad takes (E, x) for a scalar E or (E, x, g)", ctx.text, n.col)
    wrt = n.args[1]
    if not isinstance(wrt, Name):
        raise FormulaError("grad's second argument must be an array name", ctx.text, n.col)
    e = evaluate(n.args[0], ctx)
    if len(n.args) == 3:
        gname = n.args[2]
        if not isinstance(gname, Name):
            raise FormulaError("grad's third argument must be a name (the upstream gradient)",
                               ctx.text, n.col)
        if e.ndim == 0:
            raise FormulaError("grad(E, x, g) needs an array E; for a scalar use grad(E, x)",
                               ctx.text, n.col)
        gv = reg.add(gname.name, e.lo, e.shape)
        e = pa.total(pa.multiply(pa.leaf(gv), e))
    elif e.ndim != 0:
        raise FormulaError("grad(E, x) needs a scalar E such as sum(g*y); or give the upstream "
                           "gradient: grad(E, x, g)", ctx.text, n.col)
    return pa.gradient(e, ctx.var(wrt.name, wrt.col))


class _NoOutput(Exception):
    """An operation has no output for these shapes (skip the shape in a family search)."""

    def __init__(self, message: str, col: int) -> None:
        super().__init__(message)
        self.col = col


def _per_axis(v: Any, n: int) -> tuple[int, ...]:
    if isinstance(v, tuple):
        if len(v) == 1:
            return v * n
        if len(v) != n:
            raise InputError(f"bad value {v!r}: give 1 value or {n}")
        return v
    return (int(v),) * n


def conv_transpose(g: pa.Poly, h: pa.Poly, stride: Any = 1, padding: Any = 0, dilation: Any = 1,
                   output_padding: Any = 0) -> pa.Poly:
    """PyTorch's transposed convolution by its definition: ``out[s*m + d*k - p] += g[m] h[k]``,
    on ``L = (M-1)s - 2p + d(K-1) + output_padding + 1`` outputs per axis (from the lowest
    ``s*m + d*k``).  No flip appears in this form; it appears when the same map is written as
    a sliding window (see the duality derivation)."""
    nd = g.ndim
    s, p, d, a = (_per_axis(v, nd) for v in (stride, padding, dilation, output_padding))
    for v, what in ((s, "stride"), (d, "dilation")):
        if any(x < 1 for x in v):
            raise InputError(f"bad {what} {v!r}: must be at least 1")
    if any(x < 0 for x in p) or any(x < 0 for x in a):
        raise InputError("padding and output_padding cannot be negative")
    if any(ai >= max(si, di) for ai, si, di in zip(a, s, d, strict=False)):
        raise InputError("output_padding must be smaller than stride or dilation (as PyTorch)")
    pair = np.repeat(np.arange(g.nterms), h.nterms)
    rk = np.tile(np.arange(h.nterms), g.nterms)
    sv, dv, pv = (np.asarray(v, np.int64) for v in (s, d, p))
    out = g.out[pair] * sv + h.out[rk] * dv - pv
    lo = tuple(si * gl + di * hl for si, gl, di, hl in zip(s, g.lo, d, h.lo, strict=False))
    shape = tuple((gn - 1) * si - 2 * pi + di * (hn - 1) + ai + 1
                  for gn, si, pi, di, hn, ai in zip(g.shape, s, p, d, h.shape, a, strict=False))
    if any(n < 1 for n in shape):
        raise InputError("padding leaves no output of the transposed convolution")
    mono = pa.sort_rows(np.concatenate([g.mono[pair], h.mono[rk]], axis=1))
    # every s*m + d*k - p, then cropped to the PyTorch window
    full_lo = tuple(a_ - pi for a_, pi in zip(lo, p, strict=True))
    full_shape = tuple((gn - 1) * si + di * (hn - 1) + 1
                       for gn, si, di, hn in zip(g.shape, s, d, h.shape, strict=True))
    full = pa.Poly(full_lo, full_shape, out, mono, g.coef[pair] * h.coef[rk])
    return pa.restrict(full, lo, shape)


#: Claims that are a named theorem, which has an all-sizes proof (symconv prove THEOREM):
#: after the instance check passes, such a claim is reported for all sizes.
THEOREM_FORMS = {
    "conv(x, h) == corr(x, flip(h))": "flip",
    "corr(x, h) == conv(x, flip(h))": "flip",
    "conv(x, h) == conv(h, x)": "commutative",
    "corr(x, h) == flip(corr(h, x))": "commutative",
    "corr(x, h) == corr(h, x)[-m]": "commutative",
    "corr_reflected(x, h) == corr(x, h)[-m]": "reflection",
}


def theorem_form(claim: Claim) -> str | None:
    """The named theorem this claim states (either side order), if any."""
    a, b = to_text(claim.left), to_text(claim.right)
    return THEOREM_FORMS.get(f"{a} == {b}") or THEOREM_FORMS.get(f"{b} == {a}")


# -- deciding a claim -------------------------------------------------------------------------
def shape_family(dims: int) -> list[tuple[tuple[int, ...], tuple[int, ...]]]:
    """Small (image, kernel) shapes, smallest first (by total entries, then sizes)."""
    if dims == 1:
        ns, ks = range(1, 9), range(1, 5)
    elif dims == 2:
        ns, ks = range(1, 6), range(1, 4)
    else:
        ns, ks = range(1, 4), range(1, 3)
    cands = []
    for n in itertools.product(ns, repeat=dims):
        for k in itertools.product(ks, repeat=dims):
            cands.append((tuple(n), tuple(k)))
    cands.sort(key=lambda nk: (int(np.prod(nk[0])) + int(np.prod(nk[1])), nk[0], nk[1]))
    # Keep a spread: all smallest ones, and never more than the limit.
    return cands[:FAMILY_LIMIT.get(dims, 30)]


@dataclass
class Outcome:
    equal: bool
    left: pa.Poly
    right: pa.Poly
    ctx: Context
    comparison: pa.Comparison


def decide(claim: Claim, image: Sequence[int], kernel: Sequence[int], origin: str = "center",
           extra: dict[str, tuple[int, ...]] | None = None,
           max_terms: int | None = None, fixed: dict[str, np.ndarray] | None = None,
           positions: bool = False) -> Outcome:
    """Both sides for one pair of shapes, compared exactly."""
    rl = roles(claim)
    shapes: dict[str, tuple[int, ...]] = {}
    for name, role in rl.items():
        if role == "image":
            shapes[name] = tuple(image)
        elif role == "kernel":
            shapes[name] = tuple(kernel)
    shapes.update(extra or {})
    ctx = Context(shapes, origin, pa.Registry(), claim.text, rl, max_terms, dict(fixed or {}))
    try:
        left = evaluate(claim.left, ctx)
        right = evaluate(claim.right, ctx)
    except _Unbound as first:
        ctx = Context(shapes, origin, pa.Registry(), claim.text, rl, max_terms,
                      dict(fixed or {}))
        try:
            right = evaluate(claim.right, ctx)
            left = evaluate(claim.left, ctx)
        except _Unbound:
            raise FormulaError(f"cannot tell the shape of {first.name!r}: use x/f for images, "
                               "h/w for kernels, or pass it to an operation or to grad",
                               claim.text, claim.text.find(first.name)) from None
    if left.ndim != right.ndim:
        raise FormulaError(f"the left side has {left.ndim} axes and the right side "
                           f"{right.ndim}", claim.text, 0)
    if positions:
        # compare as NumPy compares arrays: position by position, origins ignored
        left = pa.shift(left, tuple(-v for v in left.lo))
        right = pa.shift(right, tuple(-v for v in right.lo))
    cmp = pa.compare(left, right, ctx.registry)
    return Outcome(cmp.equal, left, right, ctx, cmp)


def _terms_at(p: pa.Poly, idx: Sequence[int], reg: pa.Registry) -> str:
    if p.ndim:
        sel = np.all(p.out == np.asarray(idx, dtype=np.int64), axis=1)
    else:
        sel = np.ones(p.nterms, dtype=bool)
    c = pa.canonical(pa.Poly(p.lo, p.shape, p.out[sel], p.mono[sel], p.coef[sel]), p.lo,
                     p.shape, reg.total + 1, p.degree)
    ids = c.mono_ids(np.arange(c.coef.size))
    return poly_text([(int(c.coef[j]), tuple(int(v) for v in ids[j] if v >= 0))
                      for j in range(c.coef.size)], reg)


def _box_text(p: pa.Poly) -> str:
    if p.ndim == 0:
        return "a scalar"
    return " x ".join(f"{a}..{b}" for a, b in zip(p.lo, p.hi, strict=False))


def _fmt_idx(idx: Sequence[int]) -> str:
    return ", ".join(str(v) for v in idx)


@dataclass(frozen=True)
class _Request:
    """What every shape of a claim's search is decided with."""

    claim: Claim
    origin: str
    max_terms: int | None
    fixed: dict[str, np.ndarray]
    positions: bool

    def decide(self, image: Sequence[int], kernel: Sequence[int]) -> Outcome:
        return decide(self.claim, image, kernel, self.origin, max_terms=self.max_terms,
                      fixed=self.fixed, positions=self.positions)


@dataclass
class _ShapeSearch:
    """The shapes a claim was decided for: those checked (with their term counts), those
    skipped (no output on one side), and the first failure, if any."""

    checked: list[tuple[tuple[int, ...], tuple[int, ...], int]] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    failure: Outcome | None = None
    fail_shapes: tuple[tuple[int, ...], tuple[int, ...]] | None = None


def prove_claim(text: str, dims: int | None = None, image: str | Sequence[int] | None = None,
                kernel: str | Sequence[int] | None = None, origin: str = "center",
                max_terms: int | None = None, x: Any = None, h: Any = None,
                compare: str = "indices") -> Derivation:
    """Decide ``LHS == RHS``: proved for the given shapes (or a family of small shapes), or
    refuted with a counterexample.

    >>> d = prove_claim("conv(x, h, mode='same') == corr(x, flip(h), mode='same')",
    ...                 image="7", kernel="3")
    >>> d.verdict, d.scope
    ('proved', 'instance')
    >>> prove_claim("conv(x, h) == corr(x, flip(h))").scope  # the flip theorem
    'all-sizes'
    >>> prove_claim("conv(x, h) == corr(x, h)").counterexample["output"]
    [-1]
    """
    claim = parse_claim(text)
    if compare not in ("indices", "positions"):
        raise InputError(f"bad compare {compare!r}: use indices or positions")
    fixed, image, kernel = _given_values(roles(claim), x, h, image, kernel)
    img = parse_shape(image, "image shape") if image is not None else None
    ker = parse_shape(kernel, "kernel shape") if kernel is not None else None
    if img is not None and ker is not None and len(img) != len(ker):
        raise InputError(f"image has {len(img)} axes but kernel has {len(ker)}")
    nd = dims or (len(img) if img is not None else len(ker) if ker is not None else 1)
    for s, what in ((img, "image"), (ker, "kernel")):
        if s is not None and len(s) != nd:
            raise InputError(f"--dims {nd} but the {what} shape has {len(s)} axes")
    req = _Request(claim, origin, max_terms, fixed, compare == "positions")
    search = _search_shapes(req, img, ker, nd)
    claim_latex = to_latex(claim.left) + " = " + to_latex(claim.right)
    claim_text = to_text(claim.left) + " == " + to_text(claim.right)
    steps = [Step(claim_latex, "the claim, parsed by the claim grammar (no eval): both sides "
                  "are arrays of polynomials in the entries of the named arrays; outside its "
                  "index range an array is 0", claim_text)]
    if search.failure is None:
        return _proved(req, search, steps, claim_latex, claim_text, nd)
    held = _held_when_image_larger(req, search, nd) if img is None or ker is None else []
    return _refuted(req, search, steps, claim_latex, claim_text, compare, held)


def _given_values(rl: dict[str, str], x: Any, h: Any, image: str | Sequence[int] | None,
                  kernel: str | Sequence[int] | None
                  ) -> tuple[dict[str, np.ndarray], str | Sequence[int] | None,
                             str | Sequence[int] | None]:
    """The names fixed by ``--x``/``--h`` (integers), and the shapes those values give."""
    fixed: dict[str, np.ndarray] = {}
    for vals, role, what in ((x, "image", "--x"), (h, "kernel", "--h")):
        if vals is None:
            continue
        arr = np.asarray(parse_values(vals) if isinstance(vals, str) else vals)
        if arr.dtype.kind not in "iu":
            raise InputError(f"{what} values must be integers in a claim (the comparison is "
                             "exact), got dtype " + str(arr.dtype))
        names = [nm for nm, r in rl.items() if r == role]
        if not names:
            raise InputError(f"{what} was given but no name in the claim is the {role}")
        for nm in names:
            fixed[nm] = arr.astype(np.int64)
        if role == "image" and image is None:
            image = "x".join(map(str, arr.shape))
        if role == "kernel" and kernel is None:
            kernel = "x".join(map(str, arr.shape))
    return fixed, image, kernel


def _search_shapes(req: _Request, img: tuple[int, ...] | None, ker: tuple[int, ...] | None,
                   nd: int) -> _ShapeSearch:
    """Decide the claim for the given shapes, or for the family of small shapes (those with
    the given image or kernel shape, when one is given), up to the first failure; a failure
    at given shapes is then looked for at smaller ones (the smallest counterexample)."""
    if img is not None and ker is not None:
        candidates = [(img, ker)]
        smaller = [(n, k) for n, k in shape_family(nd)
                   if all(a <= b for a, b in zip(n, img, strict=False))
                   and all(a <= b for a, b in zip(k, ker, strict=False))
                   and (n, k) != (img, ker)]
    else:
        candidates = shape_family(nd)
        if img is not None or ker is not None:
            seen = []
            for n, k in shape_family(nd):
                pair = (img or n, ker or k)
                if pair not in seen:
                    seen.append(pair)
            candidates = seen
        smaller = []
    search = _ShapeSearch()
    for n, k in candidates:
        try:
            o = req.decide(n, k)
        except _NoOutput as exc:
            search.skipped.append(f"{'x'.join(map(str, n))}/{'x'.join(map(str, k))}: {exc}")
            continue
        search.checked.append((n, k, o.comparison.terms_left))
        if not o.equal:
            search.failure, search.fail_shapes = o, (n, k)
            break
    if req.fixed:
        smaller = []  # the given values fix those shapes
    if search.failure is not None:
        for n, k in smaller:
            try:
                o = req.decide(n, k)
            except _NoOutput:
                continue
            if not o.equal:
                search.failure, search.fail_shapes = o, (n, k)
                break
    if not search.checked:
        raise InputError("no shape in the family gives an output on both sides: "
                         + "; ".join(search.skipped[:3]))
    return search


def _proved(req: _Request, search: _ShapeSearch, steps: list[Step], claim_latex: str,
            claim_text: str, nd: int) -> Derivation:
    """Every shape agreed: proved for those shapes, or for all sizes when the claim is a
    named theorem."""
    last = search.checked[-1]
    steps.append(_sides_step(req.decide(last[0], last[1])))
    checked = search.checked
    fam = ", ".join(f"{'x'.join(map(str, n))}/{'x'.join(map(str, k))}" for n, k, _ in checked)
    steps.append(Step(
        r"\text{LHS} - \text{RHS} = 0",
        f"for every shape tried the two sides have identical term lists (output index, "
        f"monomial, integer coefficient), compared exactly by sorting integer keys: "
        f"{len(checked)} shape pair(s) (image/kernel): {fam}",
        f"identical term lists for {len(checked)} shape pair(s)"))
    fixed = req.fixed
    notes = [("with the given values of " + ", ".join(sorted(fixed)) + "; " if fixed else "")
             + ("outputs compared by position (as NumPy compares arrays); " if req.positions
                else "")
             + f"scope instance: checked for image/kernel shapes {fam} with origin "
             f"{req.origin}; this is not a proof for every size (see the named theorems, e.g. "
             "'symconv prove flip --scope all-sizes', for proofs over all sizes)"]
    if search.skipped:
        notes.append("skipped (no output on one side): " + "; ".join(search.skipped[:5]))
    name = theorem_form(req.claim) if not fixed and not req.positions else None
    if name is not None:
        thm = prove(name, scope="all-sizes", dims=nd)
        if thm.proved and thm.scope == "all-sizes":
            steps.append(Step(r"\text{theorem: " + name + "}",
                              f"this claim is the theorem '{name}' ({thm.claim_text}), "
                              "proved for all sizes below (symconv prove " + name
                              + " --scope all-sizes)", f"theorem {name}"))
            notes = [f"scope all-sizes: the claim is the theorem '{name}'; it was also "
                     f"checked exactly for {len(checked)} shape pair(s)"] + notes[1:]
            return Derivation("claim", claim_latex, claim_text, "proved", "all-sizes",
                              tuple(steps) + thm.steps, None, tuple(notes), "claim")
    return Derivation("claim", claim_latex, claim_text, "proved", "instance", tuple(steps),
                      None, tuple(notes), "claim")


def _held_when_image_larger(req: _Request, search: _ShapeSearch, nd: int
                            ) -> list[tuple[tuple[int, ...], tuple[int, ...]]]:
    """When the failure has a kernel larger than the image on some axis: the shapes of the
    family with the image at least as large as the kernel, if the claim holds for all of
    them (else none)."""
    assert search.fail_shapes is not None
    if not any(n < k for n, k in zip(*search.fail_shapes, strict=False)):
        return []
    held = []
    for n, k in shape_family(nd):
        if not all(a >= b for a, b in zip(n, k, strict=False)):
            continue
        try:
            if not req.decide(n, k).equal:
                return []
        except _NoOutput:
            continue
        held.append((n, k))
    return held


def _refuted(req: _Request, search: _ShapeSearch, steps: list[Step], claim_latex: str,
             claim_text: str, compare: str,
             held: list[tuple[tuple[int, ...], tuple[int, ...]]]) -> Derivation:
    """A shape failed: refuted with integer values and the first differing output."""
    failure, fail_shapes = search.failure, search.fail_shapes
    assert failure is not None and fail_shapes is not None
    reg = failure.ctx.registry
    idx = failure.comparison.first_output
    assert idx is not None
    vals, lv, rv = counterexample_values(failure.left, failure.right, reg, idx)
    steps.append(_sides_step(failure))
    diff = poly_text(failure.comparison.difference, reg)
    at = f"[{_fmt_idx(idx)}]" if idx else ""
    lt = _terms_at(failure.left, idx, reg)
    rt = _terms_at(failure.right, idx, reg)
    steps.append(Step(
        r"\text{LHS}" + at + r" - \text{RHS}" + at + r" \neq 0",
        f"at output {at or '(the scalar)'} the sides are different polynomials: left "
        f"{lt}; right {rt}; difference {diff}",
        f"LHS{at} = {lt}\nRHS{at} = {rt}\nLHS-RHS = {diff}"))
    steps.append(Step(
        r"\text{LHS}" + at + " = " + _latex_num(lv) + r" \neq " + _latex_num(rv) + r" = \text{RHS}"
        + at,
        "with the integer values of the counterexample, computed from the term lists",
        f"LHS{at} = {_num_text(lv)}, RHS{at} = {_num_text(rv)}"))
    origin, fixed = req.origin, req.fixed
    cex = {
        "shapes": {name: list(v.shape) for name, v in reg.vars.items()},
        "lo": {name: list(v.lo) for name, v in reg.vars.items()},
        "values": {name: json_array(vals[name]) for name in reg.vars},
        "output": list(idx),
        "left": json_number(lv),
        "right": json_number(rv),
        "left_terms": lt,
        "right_terms": rt,
        "origin": origin,
        "image": list(fail_shapes[0]),
        "kernel": list(fail_shapes[1]),
        "compare": compare,
    }
    if fixed:
        cex["fixed"] = {nm: json_array(arr) for nm, arr in fixed.items()}
        for nm, arr in fixed.items():
            cex["lo"][nm] = [-o for o in resolve_origin(origin, arr.shape)]
    notes = [("outputs compared by position (as NumPy compares arrays), origins ignored; "
              if req.positions else "")
             + (f"with the given values of {', '.join(sorted(fixed))}; " if fixed else "")
             + f"refuted for image {'x'.join(map(str, fail_shapes[0]))} and kernel "
             f"{'x'.join(map(str, fail_shapes[1]))} (origin {origin}); the first differing "
             f"output is {at or 'the scalar'}"]
    if held:
        notes.append(f"the claim holds for every shape tried with the image at least "
                     f"as large as the kernel on every axis ({len(held)} shape pairs, "
                     "instance scope); it fails when the kernel is larger")
    return Derivation("claim", claim_latex, claim_text, "refuted", "instance", tuple(steps),
                      cex, tuple(notes), "claim")


def _real(f: float) -> int | float:
    """A real number as the steps print it: an int when integral."""
    return int(f) if f.is_integer() else f


def _num_text(v: Any) -> str:
    c = complex(v)
    if c.imag == 0:
        return str(_real(c.real))
    return str(complex(_real(c.real), _real(c.imag)))


def _latex_num(v: Any) -> str:
    c = complex(v)
    if c.imag == 0:
        return str(_real(c.real))
    im = _real(c.imag)
    return f"{_real(c.real)} {'+' if im >= 0 else '-'} {abs(im)}i"


def _sides_step(o: Outcome) -> Step:
    reg = o.ctx.registry
    shapes = ", ".join(f"{v.name}: {'x'.join(map(str, v.shape))} (indices "
                       f"{' x '.join(f'{a}..{b}' for a, b in zip(v.lo, v.hi, strict=False))})"
                       for v in reg.vars.values())
    return Step(r"\text{LHS},\ \text{RHS}\ \text{expanded}",
                (f"arrays {shapes}; " if shapes else "")
                + f"the left side has {o.comparison.terms_left} terms on "
                f"{_box_text(o.left)}, the right side {o.comparison.terms_right} terms on "
                f"{_box_text(o.right)}",
                f"left: {o.comparison.terms_left} terms on {_box_text(o.left)}; right: "
                f"{o.comparison.terms_right} terms on {_box_text(o.right)}")
