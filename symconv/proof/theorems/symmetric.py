"""Symmetry: ``conv(x, h) = corr(x, h)`` for every image exactly when the kernel equals its
flip (centrosymmetric); with given kernel values, a test of that kernel."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import Any

import numpy as np

from ...expansion.exact import value_text
from ...index.numbers import symbols_of
from ...index.request import per_axis
from ...index.signal import as_values, parse_shape
from ...index.values import json_array, json_number
from .. import polyarray as pa
from ..derivation import Derivation, Step
from ..exact import decide_equal, substitute
from ..instance import Inst, bilinear_op, core_op, op_latex, op_text, refuted, shape_note
from ..options import COMMON_OPTIONS, Options, all_sizes_limit, with_shapes
from ..symbolic import product_step
from .flip import all_sizes as flip_all_sizes

TITLE = "Convolution equals correlation exactly when the kernel is centrosymmetric"
#: The options this theorem reads (the others are refused).
USES = COMMON_OPTIONS | frozenset({"x", "h"})

SYM_LATEX = (r"\operatorname{conv}(x, h) = \operatorname{corr}(x, h)\ \forall x "
             r"\iff h[k] = h[-k]\ \forall k")
SYM_TEXT = "conv(x, h) = corr(x, h) for every x exactly when h[k] = h[-k] for every k " \
           "(h centrosymmetric, zero outside its range)"


def instance(o: Options) -> Derivation:
    inst = Inst.make(o)
    reg, X, H = inst.reg, pa.leaf(inst.x), pa.leaf(inst.h)
    conv = bilinear_op("conv", X, H, o, reg)
    corr = bilinear_op("corr", X, H, o, reg)
    steps = [Step(op_latex(core_op("conv", inst.x, inst.h, o)), "convolution",
                  op_text(core_op("conv", inst.x, inst.h, o))),
             Step(op_latex(core_op("corr", inst.x, inst.h, o)), "correlation",
                  op_text(core_op("corr", inst.x, inst.h, o))),
             Step(r"h[m-i] = h[i-m]\ \forall (m, i)", "both are linear in x: they agree for "
                  "every x exactly when the coefficient of each x[i] in each y[m] agrees "
                  "(take x an impulse at i)", "h[m-i] = h[i-m] for every (m, i)")]
    # The conditions: group the difference by (output, pixel): linear forms in h.
    cond = _kernel_conditions(conv, corr, reg, inst)
    def eq(a: str, b: str) -> str:
        return f"h[{a}] = " + ("0" if b == ZERO else f"h[{b}]")

    text = "; ".join(eq(a, b) for a, b in cond) or "none"
    steps.append(Step(r"\text{conditions: }" + (", ".join(
        eq(a, b) for a, b in cond[:12]) or r"\text{none}")
        + (r", \ldots" if len(cond) > 12 else ""),
        "every pair of kernel entries the two operations put on the same x[i] in the same "
        "y[m] (read off the two relations); an entry outside the kernel's range counts as 0",
        f"conditions: {text}"))
    notes = [shape_note(inst, o)]
    if o.h is None:
        # Sufficiency, checked: impose h[k] = h[-k] (0 where -k is outside the range) on both
        # sides and compare the term lists again; this comparison can fail.
        cs, rs = symmetrize(conv, reg, inst), symmetrize(corr, reg, inst)
        cmp = pa.compare(cs, rs, reg)
        if not cmp.equal:  # pragma: no cover - would contradict the algebra
            return refuted(TITLE, "symmetric", SYM_LATEX, SYM_TEXT, steps, cs, rs, cmp, reg,
                           [shape_note(inst, o)])
        steps.append(Step(r"h = \tilde h \Rightarrow \operatorname{conv}(x, h) = "
                          r"\operatorname{corr}(x, h)",
                          "substituting h[-k] for h[k] (and 0 where -k is outside the range) "
                          f"in both term lists makes them identical ({cmp.terms_left:,} terms, "
                          "compared exactly): the conditions suffice",
                          "with h = flip(h) the term lists agree"))
        steps.append(Step(r"h = \tilde h", "so conv(x, h) = corr(x, h) for every x exactly "
                          "when these equalities hold, i.e. h equals its flip on its range",
                          "h = flip(h)"))
        if cond:
            steps.append(_nonsymmetric_example(conv, corr, reg, inst, cond[0]))
        return Derivation(TITLE, SYM_LATEX, SYM_TEXT, "proved", "instance",
                          tuple(steps), None, tuple(notes), "symmetric")
    hv = as_values(o.h, inst.h.shape, "h")
    syms = sorted(symbols_of(hv))
    every = f" and every value of {', '.join(syms)}" if syms else ""
    decisions = [(a, b, decide_equal(_hval(hv, inst.h, a), _hval(hv, inst.h, b)))
                 for a, b in cond]
    bad = [(a, b, d) for a, b, d in decisions if d.verdict == "unequal"]
    open_ = [(a, b) for a, b, d in decisions if d.verdict == "undecided"]
    if not bad and open_:
        a, b = open_[0]
        steps.append(Step(rf"h[{a}] \overset{{?}}{{=}} h[{b}]", "the given values could "
                          "be shown neither equal nor unequal exactly (SymPy's zero test and "
                          "a 60-digit evaluation both inconclusive); nothing is claimed",
                          f"h[{a}] = h[{b}]: undecided"))
        return Derivation(TITLE, SYM_LATEX, SYM_TEXT, "undecided", "instance",
                          tuple(steps), None, tuple(notes), "symmetric")
    if not bad and not set(centro_pairs(inst)) <= set(cond):
        # an image narrower than the stride does not read every pair h[k], h[-k]: the
        # conditions hold at this shape only, the kernel need not be centrosymmetric
        steps.append(Step(r"h[k] = h[-k]\ \text{where this shape reads both}",
                          "the given kernel satisfies every condition this image shape reads "
                          "(checked entry by entry, exactly), so conv(x, h) = corr(x, h) for "
                          f"every x of this shape{every}; the shape does not read every pair "
                          "h[k], h[-k] (an image narrower than the stride), so nothing is "
                          "said of larger images",
                          "the conditions this shape reads hold"))
        notes.append("an image at least as wide as the stride on every axis reads every pair "
                      "h[k], h[-k]: give such an --image to decide the kernel's symmetry")
        return Derivation(TITLE, SYM_LATEX, SYM_TEXT, "proved", "instance",
                          tuple(steps), None, tuple(notes), "symmetric")
    if not bad:
        steps.append(Step(r"h = \tilde h", "the given kernel satisfies every condition "
                          "(checked entry by entry, exactly), so conv(x, h) = corr(x, h) "
                          f"for every x{every}",
                          "the given h is centrosymmetric"))
        return Derivation(TITLE, SYM_LATEX, SYM_TEXT, "proved", "instance",
                          tuple(steps), None, tuple(notes), "symmetric")
    # A concrete x where they differ: evaluate with the given h (symbols set to the
    # witness values) and an x (given or found), exactly.
    a, b, dec = bad[0]
    witness = dec.witness or {}
    hv = substitute(hv, witness)
    xs = [np.asarray(as_values(o.x, inst.x.shape, "x"))] if o.x is not None else []
    rng = np.random.default_rng(0)
    xs += [rng.integers(-3, 4, size=inst.x.shape) for _ in range(20)]
    for xv in xs:
        vals = {"x": xv, "h": hv}
        yc = pa.evaluate(conv, reg, vals)
        yr = pa.evaluate(corr, reg, vals)
        lo, shape = pa.union_box(conv, corr)
        A = _embed(yc, conv, lo, shape)
        B = _embed(yr, corr, lo, shape)
        diff = [p for p in np.ndindex(*A.shape)
                if decide_equal(A[p], B[p]).verdict == "unequal"]
        if diff:
            pos = tuple(int(v) for v in diff[0])
            idx = [p + lw for p, lw in zip(pos, lo, strict=False)]
            cex = {"shapes": {"x": list(inst.x.shape), "h": list(inst.h.shape)},
                   **({"symbols": {k: json_number(v) for k, v in witness.items()}}
                      if witness else {}),
                   "lo": {"x": list(inst.x.lo), "h": list(inst.h.lo)},
                   "values": {"x": json_array(xv), "h": json_array(hv)},
                   "output": idx, "left": json_number(A[pos]), "right": json_number(B[pos]),
                   **({"exact": {"left": value_text(A[pos]), "right": value_text(B[pos])}}
                      if A.dtype == object or B.dtype == object else {}),
                   "conv": json_array(A), "corr": json_array(B), "output_lo": list(lo)}
            rhs = "0" if b == ZERO else f"h[{b}]"
            at_w = ", ".join(f"{k} = {v}" for k, v in witness.items())
            agree = f"; they agree only where {dec.where}" if dec.where else ""
            steps.append(Step(rf"h[{a}] \neq {rhs}", f"the given kernel breaks the condition "
                              f"h[{a}] = {rhs} ({value_text(_hval(hv, inst.h, a))} vs "
                              f"{value_text(_hval(hv, inst.h, b))}"
                              + (f" at {at_w}{agree}" if witness else "") + ")",
                              f"h[{a}] != {rhs}"))
            steps.append(Step(rf"\operatorname{{conv}}(x, h)[{', '.join(map(str, idx))}] = "
                              f"{_fmtnum(A[pos])} \\neq {_fmtnum(B[pos])} = "
                              rf"\operatorname{{corr}}(x, h)[{', '.join(map(str, idx))}]",
                              "a concrete image where the two differ", "conv != corr here"))
            claim_t = "conv(x, h) = corr(x, h) for the given h"
            return Derivation(TITLE, SYM_LATEX, claim_t, "refuted", "instance",
                              tuple(steps), cex, tuple(notes), "symmetric")
    raise AssertionError("no image separates conv and corr")  # pragma: no cover


def symmetrize(p: pa.Poly, reg: pa.Registry, inst: Inst) -> pa.Poly:
    """``p`` with h[k] and h[-k] made one variable, and h[k] = 0 where -k is outside."""
    hv = inst.h
    idx = np.indices(hv.shape).reshape(len(hv.shape), -1).T + np.asarray(hv.lo)
    neg = -idx
    inside = np.all((neg >= np.asarray(hv.lo)) & (neg <= np.asarray(hv.hi)), axis=1)
    target = np.full(hv.size, -2, dtype=np.int64)  # -2: the entry is 0
    flat_neg = pa.flat_positions(np.where(inside[:, None], neg, idx), hv.lo, hv.shape)
    own = np.arange(hv.size)
    target[inside] = hv.offset + np.minimum(own, flat_neg)[inside]
    mono = p.mono.copy()
    sel = (mono >= hv.offset) & (mono < hv.offset + hv.size)
    mono[sel] = target[mono[sel] - hv.offset]
    keep = ~np.any(mono == -2, axis=1)
    return pa.Poly(p.lo, p.shape, p.out[keep], pa.sort_rows(mono[keep]), p.coef[keep])


def _nonsymmetric_example(conv: pa.Poly, corr: pa.Poly, reg: pa.Registry, inst: Inst,
                          pair: tuple[str, str]) -> Step:
    """The 'only if' direction made concrete: a kernel breaking one condition (1 at the
    first index of the pair, 0 elsewhere) and an impulse image; the outputs differ."""
    a, _ = pair
    k = tuple(int(v) for v in a.split(", ")) if a != ZERO else inst.h.lo
    hv = np.zeros(inst.h.shape, dtype=np.int64)
    hv[tuple(v - lo for v, lo in zip(k, inst.h.lo, strict=True))] = 1
    lo, shape = pa.union_box(conv, corr)
    # The impulse at the image's centre first, then every other pixel: the two sides are
    # linear in x and differ, so some impulse separates them (with a stride, the centre's
    # difference may fall between the outputs kept).
    centre = tuple(n // 2 for n in inst.x.shape)
    for at in [centre, *(p for p in np.ndindex(*inst.x.shape) if p != centre)]:
        xv = np.zeros(inst.x.shape, dtype=np.int64)
        xv[at] = 1
        vals = {"x": xv, "h": hv}
        A = _embed(np.asarray(pa.evaluate(conv, reg, vals)), conv, lo, shape)
        B = _embed(np.asarray(pa.evaluate(corr, reg, vals)), corr, lo, shape)
        diff = np.argwhere(A != B)
        if diff.size:
            break
    else:  # pragma: no cover - the condition says they differ
        raise AssertionError("the example kernel does not separate conv and corr")
    pos = tuple(int(v) for v in diff[0])
    idx = ", ".join(str(p + lw) for p, lw in zip(pos, lo, strict=True))
    ximp = ", ".join(str(n + lw) for n, lw in zip(at, inst.x.lo, strict=True))
    return Step(rf"\operatorname{{conv}}(\delta, h)[{idx}] = {_fmtnum(A[pos])} \neq "
                rf"{_fmtnum(B[pos])} = \operatorname{{corr}}(\delta, h)[{idx}]",
                f"a non-symmetric kernel (1 at h[{a}], 0 elsewhere) and the impulse image at "
                f"x[{ximp}]: the two operations differ at output [{idx}] (computed from the "
                "relations)", f"conv(delta, h)[{idx}] = {_fmtnum(A[pos])} != "
                f"{_fmtnum(B[pos])} = corr(delta, h)[{idx}]")


def _fmtnum(v: Any) -> str:
    return value_text(v)


def _embed(arr: np.ndarray, p: pa.Poly, lo: Sequence[int], shape: Sequence[int]) -> np.ndarray:
    out = np.zeros(tuple(shape), dtype=arr.dtype)
    sl = tuple(slice(a - b, a - b + n) for a, b, n in zip(p.lo, lo, p.shape, strict=False))
    out[sl] = arr
    return out


def _hval(hv: np.ndarray, var: pa.Var, idx: str) -> Any:
    if idx == ZERO:
        return 0
    k = tuple(int(v) for v in idx.split(", "))
    pos = tuple(a - b for a, b in zip(k, var.lo, strict=False))
    if any(p < 0 or p >= n for p, n in zip(pos, var.shape, strict=False)):
        return 0
    v = hv[pos]
    return v.item() if isinstance(v, np.generic) else v


#: In a condition pair, "no kernel entry" (the value 0); never an index (an index such as
#: "0" or "1, 0" names a real entry: h[0] under the corner origin).
ZERO = "zero"


def _kernel_conditions(conv: pa.Poly, corr: pa.Poly, reg: pa.Registry,
                       inst: Inst) -> list[tuple[str, str]]:
    """Pairs (k1, k2) of kernel indices that must hold equal values (:data:`ZERO` for no
    entry, the value 0)."""
    def table(p: pa.Poly) -> dict[tuple[Any, ...], set[str]]:
        t: dict[tuple[Any, ...], set[str]] = {}
        hid_lo, hid_hi = inst.h.offset, inst.h.offset + inst.h.size
        for out, mono in zip(p.out.tolist(), p.mono.tolist(), strict=False):
            xs = [v for v in mono if not hid_lo <= v < hid_hi]
            hs = [v for v in mono if hid_lo <= v < hid_hi]
            key = (tuple(out), tuple(xs))
            t.setdefault(key, set()).update(reg.entry_name(v)[2:-1] for v in hs)
        return t

    a, b = table(conv), table(corr)
    pairs: set[tuple[str, str]] = set()
    for key in set(a) | set(b):
        ka, kb = sorted(a.get(key, {ZERO})), sorted(b.get(key, {ZERO}))
        for u in ka:
            for v in kb:
                if u != v:
                    lo_, hi_ = sorted((u, v), key=lambda s: [int(z) for z in s.split(", ")]
                                      if s != ZERO else [10 ** 9])
                    pairs.add((lo_, hi_))
    return sorted(pairs, key=lambda p: [int(z) for z in p[0].split(", ")])


def beyond_all_sizes(o: Options) -> str | None:
    """The all-sizes proof is about natural indices (the full mode): in a window (a mode or
    a padding) the condition depends on where the window puts the kernel's centre (with
    PyTorch's padding and corner indices, h = [1, 2, 1] gives conv = corr although
    h[k] != h[-k]), so those cases go to the instance engine."""
    if (o.mode not in (None, "full")) or o.padding is not None:
        return ("the all-sizes proof is for the full mode (natural indices); with a mode "
                "window or a padding the condition depends on where the window puts the "
                "kernel")
    return all_sizes_limit(o)


def decided_by_values(o: Options) -> bool:
    """With the kernel's values and natural indices, an impulse image reads every kernel
    entry, and an image at least as wide as the stride on every axis puts every kernel
    offset on some output (a pixel of each residue modulo the stride): the instance reads
    every pair h[k], h[-k] and decides for every image.  A narrower image (the default 7
    under a stride of 8) reads only some pairs: not decided for every image."""
    if not (o.h is not None and o.mode in (None, "full") and o.padding is None):
        return False
    shapes = with_shapes(o)
    image = parse_shape(shapes.image or "7", "image shape")
    strides = per_axis(o.stride, len(image), "stride", 1)
    return all(n >= s for n, s in zip(image, strides, strict=True))


def centro_pairs(inst: Inst) -> list[tuple[str, str]]:
    """Every condition of centrosymmetry, h[k] = h[-k] (:data:`ZERO` where -k is outside
    the kernel's range), in :func:`_kernel_conditions`' form."""
    lo, shape = inst.h.lo, inst.h.shape
    pairs = set()
    for pos in np.ndindex(*shape):
        k = tuple(p + lw for p, lw in zip(pos, lo, strict=True))
        mk = tuple(-v for v in k)
        inside = all(lw <= v < lw + n for v, lw, n in zip(mk, lo, shape, strict=True))
        a = ", ".join(map(str, k))
        if not inside:
            pairs.add((a, ZERO))
        elif mk != k:
            b = ", ".join(map(str, mk))
            pairs.add((a, b) if [*k] < [*mk] else (b, a))
    return sorted(pairs)


def all_sizes(o: Options) -> Derivation:
    steps: list[Step] = [product_step(o.dims or 1)]
    d = flip_all_sizes(replace(o, mode="full", padding=None))
    steps.append(Step(r"\operatorname{conv}(x, h) = \operatorname{corr}(x, \tilde h)",
                      "the flip theorem, proved for all sizes (symconv prove flip --scope "
                      "all-sizes)", "conv(x, h) = corr(x, flip(h))"))
    steps.append(Step(r"\operatorname{corr}(x, \tilde h) - \operatorname{corr}(x, h) = "
                      r"\operatorname{corr}(x, \tilde h - h)",
                      "correlation is linear in the kernel (each term is x[i] times one "
                      "kernel entry)", "corr(x, flip(h)) - corr(x, h) = corr(x, flip(h) - h)"))
    steps.append(Step(r"\operatorname{corr}(\delta_{i_0}, u)[m] = u[i_0 - m]",
                      "with x an impulse at i_0, correlation lists the kernel u reflected: "
                      "every entry of u appears at some output", "corr(delta_i0, u)[m] = "
                      "u[i0-m]"))
    steps.append(Step(r"\operatorname{corr}(x, \tilde h - h) = 0\ \forall x \iff "
                      r"\tilde h - h = 0 \iff h[k] = h[-k]\ \forall k",
                      "if the kernel difference is 0 every output is 0; conversely an impulse "
                      "image reads every entry of the difference, so it must be 0", "h = flip(h)"))
    steps.append(Step(r"h[k] = h[-k]\ \text{on } \beta \leq k \leq \beta+K-1 \Rightarrow "
                      r"\beta = -(\beta + K - 1)",
                      "h is zero outside its range, so a kernel equal to its flip has a range "
                      "symmetric about 0: the centre origin with an odd size (with corner "
                      "indices only a 1-entry kernel is its own flip; the thread's "
                      "[-1, 2, -1] is symmetric about its centre)", "range symmetric about 0"))
    return Derivation(TITLE, SYM_LATEX, SYM_TEXT, "proved", "all-sizes",
                      tuple(steps) + d.steps[1:4], None,
                      ("scope all-sizes: every N, K, origin, stride and dilation (full mode); "
                       "give --h VALUES to test one kernel (instance scope)",), "symmetric")
