"""Theorems about convolution and correlation, proved in two labelled scopes: ``instance``
(:mod:`symconv.proof.instance`: exact, for given shapes) and ``all-sizes``
(:mod:`symconv.proof.symbolic`: symbolic sizes, with a fallback to the instance scope when an
identity is not established)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from ..errors import InputError
from ..index.ops import operation
from ..index.relation import AffineAxis, ChannelAxis
from ..index.signal import as_values, parse_shape
from . import polyarray as pa
from .derivation import Derivation, Step
from .instance import (
    Inst,
    bilinear_op,
    core_op,
    decide_pairs,
    json_array,
    json_value,
    op_latex,
    op_text,
    poly_text,
    refuted,
    shape_note,
)
from .options import Options, all_sizes_limit, check_options, default_scope, with_shapes
from .symbolic import (
    SUM_I,
    SUM_K,
    SUM_M,
    Beyond,
    SymSet,
    assume_step,
    axis_intro,
    axis_tex,
    axis_txt,
    families,
    families_note,
    is_zero,
    lin_tex,
    load_sympy,
    product_step,
    prove_same,
    sym_axis,
    syms,
    tex,
    txt,
)

THEOREMS = {
    "flip": "Convolution is correlation with the kernel flipped along every axis",
    "symmetric": "Convolution equals correlation exactly when the kernel is centrosymmetric",
    "commutative": "Convolution commutes; correlation commutes up to a reflection",
    "reflection": "The article's correlation is the usual one read at -m",
    "sizes": "Output sizes of every mode, layer setting and transposed convolution",
    "duality": "The backward pass: correlation forward, convolution backward (and back)",
}


def prove(theorem: str, scope: str | None = None, options: Options | None = None,
          **kw: Any) -> Derivation:
    """Prove a named theorem.

    >>> prove("flip", scope="all-sizes").scope
    'all-sizes'
    >>> d = prove("duality", image="8", kernel="3", stride=2, padding=1)
    >>> d.verdict, d.scope
    ('proved', 'instance')
    """
    if theorem not in THEOREMS:
        raise InputError(f"bad theorem {theorem!r}: use {', '.join(THEOREMS)}")
    opts = options if options is not None else Options(**kw)
    check_options(opts, scope)
    if scope is None:
        scope = default_scope(opts)
    if scope == "all-sizes":
        why = all_sizes_limit(opts, channels=theorem == "duality" and opts.forward == "corr",
                              same_padding=theorem == "flip")
        if why is None:
            try:
                return ALL_SIZES[theorem](opts)
            except Beyond as exc:
                why = str(exc)
        d = INSTANCE[theorem](with_shapes(opts))
        note = (f"all-sizes scope was asked for, but {why}; this result is for the instance "
                "scope only")
        return replace(d, notes=(note,) + d.notes)
    return INSTANCE[theorem](with_shapes(opts))


# -- flip -------------------------------------------------------------------------------------
FLIP_LATEX = (r"\operatorname{conv}(x, h)[m] = \operatorname{corr}(x, \tilde h)[m],\quad "
              r"\tilde h[k] = h[-k]")
FLIP_TEXT = "conv(x, h) = corr(x, flip(h)), flip(h)[k] = h[-k] on every axis; and " \
            "corr(x, h) = conv(x, flip(h))"


def instance_flip(o: Options) -> Derivation:
    inst = Inst.make(o)
    reg, X, H = inst.reg, pa.leaf(inst.x), pa.leaf(inst.h)
    conv = core_op("conv", inst.x, inst.h, o)
    corr = core_op("corr", inst.x, inst.h, o)
    steps = [
        Step(op_latex(conv), "convolution, from the core's relation for these shapes and "
             "options", op_text(conv)),
        Step(r"\tilde h[k] = h[-k]", "the flip reflects every kernel axis; its index range is "
             "reflected too", "flip(h)[k] = h[-k]"),
        Step(op_latex(corr, h=r"\tilde h"), "correlation with the flipped kernel",
             op_text(corr, h="flip(h)")),
        Step(r"\tilde h[i-m] = h[m-i]", "substitute the flip: the kernel index i-m of "
             "correlation reads h at m-i, the convolution's index", "flip(h)[i-m] = h[m-i]"),
    ]
    fh = pa.reflect(H)
    pairs = [(bilinear_op("conv", X, H, o, reg), bilinear_op("corr", X, fh, o, reg),
              "conv(x, h) and corr(x, flip(h))"),
             (bilinear_op("corr", X, H, o, reg), bilinear_op("conv", X, fh, o, reg),
              "corr(x, h) and conv(x, flip(h)) (the converse)")]
    return decide_pairs(THEOREMS["flip"], "flip", FLIP_LATEX, FLIP_TEXT, steps, pairs, reg,
                   [shape_note(inst, o)])


def all_flip(o: Options) -> Derivation:
    S_ = syms()
    steps: list[Step] = [product_step(o.dims or 1)]
    for fam in families(o):
        conv = sym_axis("conv", fam)
        beta_f = -(S_["beta"] + S_["K"] - 1)
        corr_f = sym_axis("corr", fam, beta=beta_f)
        steps += [Step(r"\text{" + fam + "}", axis_intro(fam), fam)]
        steps += assume_step(conv.assumptions, fam)
        steps.append(Step(axis_tex(conv), "convolution: the image index is s m - d k + c "
                          "(the minus sign is the flip)", axis_txt(conv)))
        steps.append(Step(axis_tex(corr_f, h=r"\tilde h"), "correlation with the flipped "
                          r"kernel, whose indices run from -(beta+K-1) to -beta",
                          axis_txt(corr_f, h="flip(h)")))
        a = SymSet.of(conv)
        b = SymSet.of(corr_f).negate("k")
        steps.append(Step(r"\tilde h[k'] = h[-k'],\ k' = -k",
                          "change the kernel variable: k' = -k turns the flipped kernel back "
                          "into h", "k' = -k"))
        steps += prove_same(a, b, "conv(x, h)", "corr(x, flip(h))")
        # the converse: corr(x, h) = conv(x, flip(h))
        corr = sym_axis("corr", fam)
        conv_f = sym_axis("conv", fam, beta=beta_f)
        steps += prove_same(SymSet.of(corr), SymSet.of(conv_f).negate("k"), "corr(x, h)",
                            "conv(x, flip(h))")
    return Derivation(THEOREMS["flip"], FLIP_LATEX, FLIP_TEXT, "proved", "all-sizes",
                      tuple(steps), None, (families_note(o),), "flip")


# -- reflection -------------------------------------------------------------------------------
REFL_LATEX = (r"\sum_{i=-\infty}^{\infty} x[i]\,h[m+i] = \operatorname{corr}(x, h)[-m]")
REFL_TEXT = "corr_reflected(x, h)[m] = corr(x, h)[-m] (the article's h[m+i] form)"


def instance_reflection(o: Options) -> Derivation:
    inst = Inst.make(o)
    reg, X, H = inst.reg, pa.leaf(inst.x), pa.leaf(inst.h)
    refl = core_op("corr-reflected", inst.x, inst.h, o)
    corr = core_op("corr", inst.x, inst.h, o)
    steps = [Step(op_latex(refl), "the article's cross-correlation, from the core's relation",
                  op_text(refl)),
             Step(op_latex(corr), "the usual cross-correlation (NumPy, PyTorch)",
                  op_text(corr)),
             Step(r"m \mapsto -m", "read the usual correlation at -m: its kernel index i-m "
                  "becomes m+i", "m -> -m")]
    pairs = [(bilinear_op("corr-reflected", X, H, o, reg),
              pa.reflect(bilinear_op("corr", X, H, o, reg)),
              "corr_reflected(x, h)[m] and corr(x, h)[-m]")]
    return decide_pairs(THEOREMS["reflection"], "reflection", REFL_LATEX, REFL_TEXT, steps, pairs,
                   reg, [shape_note(inst, o)])


def all_reflection(o: Options) -> Derivation:
    steps: list[Step] = [product_step(o.dims or 1)]
    for fam in families(o):
        refl = sym_axis("corr-reflected", fam)
        corr = sym_axis("corr", fam)
        steps += [Step(r"\text{" + fam + "}", axis_intro(fam), fam)]
        steps += assume_step(corr.assumptions, fam)
        steps.append(Step(axis_tex(refl), "the article's form: the output index enters with "
                          "the opposite sign", axis_txt(refl)))
        steps.append(Step(axis_tex(corr), "the usual correlation", axis_txt(corr)))
        steps.append(Step(r"m \mapsto -m", "change the output variable", "m -> -m"))
        steps += prove_same(SymSet.of(refl), SymSet.of(corr).negate("m"), "corr_reflected(x, h)",
                            "corr(x, h)[-m]")
    return Derivation(THEOREMS["reflection"], REFL_LATEX, REFL_TEXT, "proved", "all-sizes",
                      tuple(steps), None, (families_note(o),), "reflection")


# -- commutative ------------------------------------------------------------------------------
COMM_LATEX = (r"\operatorname{conv}(x, h) = \operatorname{conv}(h, x),\quad "
              r"\operatorname{corr}(x, h)[m] = \operatorname{corr}(h, x)[-m]")
COMM_TEXT = "conv(x, h) = conv(h, x); corr(x, h)[m] = corr(h, x)[-m] (corr is not commutative)"


def instance_commutative(o: Options) -> Derivation:
    inst = Inst.make(o)
    reg, X, H = inst.reg, pa.leaf(inst.x), pa.leaf(inst.h)
    conv = core_op("conv", inst.x, inst.h, o)
    steps = [Step(op_latex(conv), "convolution of x with h", op_text(conv)),
             Step(r"\operatorname{conv}(h, x)[m] = \sum_{k=-\infty}^{\infty} h[k]\,x[m-k]",
                  "convolution of h with x; substitute k = m - i: the same products x[i] h[m-i]",
                  "conv(h, x)[m] = sum_k h[k] x[m-k], k = m-i"),
             Step(r"\operatorname{corr}(h, x)[-m] = \sum_{k=-\infty}^{\infty} h[k]\,x[k+m]",
                  "correlation of h with x read at -m; substitute k = i - m: the products "
                  "x[i] h[i-m] of corr(x, h)", "corr(h, x)[-m] = sum_k h[k] x[k+m]")]
    conv_xh = bilinear_op("conv", X, H, o, reg)
    corr_xh = bilinear_op("corr", X, H, o, reg)
    corr_hx = bilinear_op("corr", H, X, o, reg)
    pairs = [(conv_xh, bilinear_op("conv", H, X, o, reg), "conv(x, h) and conv(h, x)"),
             (corr_xh, pa.reflect(corr_hx), "corr(x, h)[m] and corr(h, x)[-m]")]
    d = decide_pairs(THEOREMS["commutative"], "commutative", COMM_LATEX, COMM_TEXT, steps,
                     pairs, reg, [shape_note(inst, o)])
    if d.proved:
        d = replace(d, steps=d.steps + (_noncommutative_step(corr_xh, corr_hx, reg),))
    return d


def _noncommutative_step(a: pa.Poly, b: pa.Poly, reg: pa.Registry) -> Step:
    cmp = pa.compare(a, b, reg)
    if cmp.equal:
        return Step(r"\operatorname{corr}(x, h) = \operatorname{corr}(h, x)",
                    "for these shapes correlation happens to commute (both arrays have one "
                    "entry); in general it does not", "corr commutes here (trivial shapes)")
    idx = ", ".join(map(str, cmp.first_output or ()))
    return Step(rf"\operatorname{{corr}}(x, h)[{idx}] \neq \operatorname{{corr}}(h, x)[{idx}]",
                "correlation is not commutative: at this output the difference of the two "
                f"sides is {poly_text(cmp.difference, reg)}, a nonzero polynomial",
                f"corr(x,h)[{idx}] - corr(h,x)[{idx}] = {poly_text(cmp.difference, reg)}")


def all_commutative(o: Options) -> Derivation:
    S_ = syms()
    if o.dilation not in (None, 1, "1") or o.padding is not None or \
            (o.mode not in (None, "full")):
        raise Beyond("commutativity is proved for the full mode without dilation or padding "
                     "(swapping image and kernel changes what padding and dilation apply to)")
    N, K, a, b = S_["N"], S_["K"], S_["alpha"], S_["beta"]
    steps: list[Step] = [product_step(o.dims or 1)]
    steps += assume_step((), "full")
    conv_xh = sym_axis("conv", "full", d=1)
    conv_hx = sym_axis("conv", "full", N=K, K=N, alpha=b, beta=a, d=1)
    steps.append(Step(axis_tex(conv_xh), "conv(x, h), stride s", "conv(x, h)"))
    steps.append(Step(axis_tex(conv_hx, x="h", h="x"), "conv(h, x): h is the image, x the "
                      "kernel", "conv(h, x)"))
    steps.append(Step(r"(m, j, l) \mapsto (m, k, i)", "rename: the image index of conv(h, x) "
                      "is h's index k, its kernel index is x's index i", "j -> k, l -> i"))
    steps += prove_same(SymSet.of(conv_xh), SymSet.of(conv_hx).rename({"i": "k", "k": "i"}),
                        "conv(x, h)", "conv(h, x)")
    corr_xh = sym_axis("corr", "full", d=1)
    corr_hx = sym_axis("corr", "full", N=K, K=N, alpha=b, beta=a, d=1)
    steps.append(Step(axis_tex(corr_xh), "corr(x, h)", "corr(x, h)"))
    steps.append(Step(axis_tex(corr_hx, x="h", h="x"), "corr(h, x)", "corr(h, x)"))
    steps.append(Step(r"m \mapsto -m", "read corr(h, x) at -m and rename its indices",
                      "m -> -m"))
    steps += prove_same(SymSet.of(corr_xh),
                        SymSet.of(corr_hx).rename({"i": "k", "k": "i"}).negate("m"),
                        "corr(x, h)", "corr(h, x)[-m]")
    # corr(x, h) vs corr(h, x) without the reflection: the equations differ.
    eq_a = SymSet.of(corr_xh).eq
    eq_b = SymSet.of(corr_hx).rename({"i": "k", "k": "i"}).eq
    same = is_zero(eq_a - eq_b) or is_zero(eq_a + eq_b)
    if same:  # pragma: no cover - would contradict the algebra
        raise Beyond("the correlation equations unexpectedly agree")
    steps.append(Step(f"{lin_tex(eq_a)} \\neq \\pm\\left({lin_tex(eq_b)}\\right)",
                      "without the reflection the index equations of corr(x, h) and corr(h, x) "
                      "differ (SymPy), so correlation does not commute: for a kernel with two "
                      "different entries an impulse image tells them apart",
                      "corr(x, h) != corr(h, x) in general"))
    return Derivation(THEOREMS["commutative"], COMM_LATEX, COMM_TEXT, "proved", "all-sizes",
                      tuple(steps), None, ("scope all-sizes: every N, K, origin and stride s, "
                                           "full mode; per axis, hence in every dimension",),
                      "commutative")


# -- symmetric --------------------------------------------------------------------------------
SYM_LATEX = (r"\operatorname{conv}(x, h) = \operatorname{corr}(x, h)\ \forall x "
             r"\iff h[k] = h[-k]\ \forall k")
SYM_TEXT = "conv(x, h) = corr(x, h) for every x exactly when h[k] = h[-k] for every k " \
           "(h centrosymmetric, zero outside its range)"


def instance_symmetric(o: Options) -> Derivation:
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
        cs, rs = _symmetrize(conv, reg, inst), _symmetrize(corr, reg, inst)
        cmp = pa.compare(cs, rs, reg)
        if not cmp.equal:  # pragma: no cover - would contradict the algebra
            return refuted(THEOREMS["symmetric"], "symmetric", SYM_LATEX, SYM_TEXT, steps, cs,
                            rs, cmp, reg, [shape_note(inst, o)])
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
        return Derivation(THEOREMS["symmetric"], SYM_LATEX, SYM_TEXT, "proved", "instance",
                          tuple(steps), None, tuple(notes), "symmetric")
    hv = as_values(o.h, inst.h.shape, "h")
    bad = [(a, b) for a, b in cond if _hval(hv, inst.h, a) != _hval(hv, inst.h, b)]
    if not bad:
        steps.append(Step(r"h = \tilde h", "the given kernel satisfies every condition "
                          "(checked entry by entry), so conv(x, h) = corr(x, h) for every x",
                          "the given h is centrosymmetric"))
        return Derivation(THEOREMS["symmetric"], SYM_LATEX, SYM_TEXT, "proved", "instance",
                          tuple(steps), None, tuple(notes), "symmetric")
    # A concrete x where they differ: evaluate with the given h and an x (given or found).
    a, b = bad[0]
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
        diff = np.argwhere(A != B)
        if diff.size:
            pos = tuple(int(v) for v in diff[0])
            idx = [p + lw for p, lw in zip(pos, lo, strict=False)]
            cex = {"shapes": {"x": list(inst.x.shape), "h": list(inst.h.shape)},
                   "lo": {"x": list(inst.x.lo), "h": list(inst.h.lo)},
                   "values": {"x": json_array(np.asarray(xv)), "h": json_array(hv)},
                   "output": idx, "left": json_value(complex(A[pos])),
                   "right": json_value(complex(B[pos])),
                   "conv": json_array(A), "corr": json_array(B), "output_lo": list(lo)}
            rhs = "0" if b == ZERO else f"h[{b}]"
            steps.append(Step(rf"h[{a}] \neq {rhs}", f"the given kernel breaks the condition "
                              f"h[{a}] = {rhs} ({_hval(hv, inst.h, a)} vs "
                              f"{_hval(hv, inst.h, b)})", f"h[{a}] != {rhs}"))
            steps.append(Step(rf"\operatorname{{conv}}(x, h)[{', '.join(map(str, idx))}] = "
                              f"{_fmtnum(A[pos])} \\neq {_fmtnum(B[pos])} = "
                              rf"\operatorname{{corr}}(x, h)[{', '.join(map(str, idx))}]",
                              "a concrete image where the two differ", "conv != corr here"))
            claim_t = "conv(x, h) = corr(x, h) for the given h"
            return Derivation(THEOREMS["symmetric"], SYM_LATEX, claim_t, "refuted", "instance",
                              tuple(steps), cex, tuple(notes), "symmetric")
    raise AssertionError("no image separates conv and corr")  # pragma: no cover


def _symmetrize(p: pa.Poly, reg: pa.Registry, inst: Inst) -> pa.Poly:
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
    xv = np.zeros(inst.x.shape, dtype=np.int64)
    xv[tuple(n // 2 for n in inst.x.shape)] = 1
    vals = {"x": xv, "h": hv}
    lo, shape = pa.union_box(conv, corr)
    A = _embed(np.asarray(pa.evaluate(conv, reg, vals)), conv, lo, shape)
    B = _embed(np.asarray(pa.evaluate(corr, reg, vals)), corr, lo, shape)
    diff = np.argwhere(A != B)
    if not diff.size:  # pragma: no cover - the condition says they differ
        raise AssertionError("the example kernel does not separate conv and corr")
    pos = tuple(int(v) for v in diff[0])
    idx = ", ".join(str(p + lw) for p, lw in zip(pos, lo, strict=True))
    ximp = ", ".join(str(n // 2 + lw) for n, lw in zip(inst.x.shape, inst.x.lo, strict=True))
    return Step(rf"\operatorname{{conv}}(\delta, h)[{idx}] = {_fmtnum(A[pos])} \neq "
                rf"{_fmtnum(B[pos])} = \operatorname{{corr}}(\delta, h)[{idx}]",
                f"a non-symmetric kernel (1 at h[{a}], 0 elsewhere) and the impulse image at "
                f"x[{ximp}]: the two operations differ at output [{idx}] (computed from the "
                "relations)", f"conv(delta, h)[{idx}] = {_fmtnum(A[pos])} != "
                f"{_fmtnum(B[pos])} = corr(delta, h)[{idx}]")


def _fmtnum(v: Any) -> str:
    f = float(np.real(v))
    return str(int(f)) if f.is_integer() else repr(f)


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
    return hv[pos].item()


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


def all_symmetric(o: Options) -> Derivation:
    steps: list[Step] = [product_step(o.dims or 1)]
    d = all_flip(replace(o, mode="full", padding=None))
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
    return Derivation(THEOREMS["symmetric"], SYM_LATEX, SYM_TEXT, "proved", "all-sizes",
                      tuple(steps) + d.steps[1:4], None,
                      ("scope all-sizes: every N, K, origin, stride and dilation (full mode); "
                       "give --h VALUES to test one kernel (instance scope)",), "symmetric")


# -- sizes ------------------------------------------------------------------------------------
SIZES_LATEX = (r"M = \left\lfloor \frac{N + p_l + p_r - d(K-1) - 1}{s} \right\rfloor + 1")
SIZES_TEXT = "output sizes: full N+d(K-1), valid N-d(K-1), same N; layers " \
             "floor((N+p_l+p_r-d(K-1)-1)/s)+1; transposed (M-1)s-2p+d(K-1)+a+1"


def size_formulas(n: int, k: int, s: int = 1, d: int = 1, pl: int = 0, pr: int = 0,
                  ) -> dict[str, int]:
    """The closed forms (numbers), as proved by the all-sizes derivation."""
    ke = d * (k - 1) + 1
    out = {"full": n + ke - 1, "valid": abs(n - ke) + 1, "same": n,
           "padding": (n + pl + pr - ke) // s + 1}
    # PyTorch's documented formula and the conv_arithmetic guide's relationship 6.
    out["torch"] = int(np.floor((n + pl + pr - d * (k - 1) - 1) / s + 1))
    out["arith"] = (n + pl + pr - ke) // s + 1
    return out


def transposed_size(m: int, k: int, s: int = 1, p: int = 0, d: int = 1, a: int = 0) -> int:
    """PyTorch's ConvTranspose output size: (M-1)s - 2p + d(K-1) + a + 1."""
    return (m - 1) * s - 2 * p + d * (k - 1) + a + 1


def instance_sizes(o: Options) -> Derivation:
    inst = Inst.make(o, layer_ok=True)
    opn = core_op("corr", inst.x, inst.h, o)
    rel = opn.relation
    steps: list[Step] = []
    ok = True
    for ax, f in enumerate(f for f in rel.factors if isinstance(f, AffineAxis)):
        n, k, s, d = f.img_size, f.ker_size, f.stride, f.dilation
        if opn.padding is not None:
            pl, pr = opn.padding[ax]
            claimed = size_formulas(n, k, s, d, pl, pr)
            want = {"relation": f.out_count, "formula": claimed["padding"],
                    "PyTorch": claimed["torch"], "conv_arithmetic": claimed["arith"]}
            fam = f"padding {pl}:{pr}"
        else:
            fam = f"mode {opn.mode}"
            cl = size_formulas(n, k, 1, d)
            # natural-index windows with a stride: count the multiples of s in the window
            want = {"relation": f.out_count, "formula": cl[opn.mode or "full"]
                    if s == 1 else _strided_window_count(f, opn)}
        agree = len(set(want.values())) == 1
        ok &= agree
        steps.append(Step(f"M_{ax + 1} = {want['relation']}",
                          f"axis {ax + 1}: N={n}, K={k}, s={s}, d={d}, {fam}: the relation's "
                          "output range has " + ", ".join(f"{k2} {v}" for k2, v in want.items())
                          + (" (all agree)" if agree else " (DISAGREE)"),
                          ", ".join(f"{k2}={v}" for k2, v in want.items())))
        if opn.padding is not None and opn.mode is None:
            m = f.out_count
            pl, pr = opn.padding[ax]
            if pl == pr:
                a = (n + 2 * pl - d * (k - 1) - 1) % s
                back = transposed_size(m, k, s, pl, d, a)
                ok &= back == n
                steps.append(Step(f"(M-1)s - 2p + d(K-1) + a + 1 = {back}",
                                  f"axis {ax + 1}: the transposed convolution with output_padding "
                                  f"a = (N+2p-d(K-1)-1) mod s = {a} gives back N = {n}",
                                  f"transposed size {back} (N = {n})"))
    claim_l = SIZES_LATEX
    if not ok:
        return Derivation(THEOREMS["sizes"], claim_l, SIZES_TEXT, "refuted", "instance",
                          tuple(steps), {"steps": [s.text for s in steps]},
                          (shape_note(inst, o),), "sizes")
    return Derivation(THEOREMS["sizes"], claim_l, SIZES_TEXT, "proved", "instance", tuple(steps),
                      None, (shape_note(inst, o),), "sizes")


def _strided_window_count(f: AffineAxis, opn: Any) -> int:
    full = f.img_size + f.dilation * (f.ker_size - 1)
    lengths = {"full": full, "valid": abs(f.img_size - (f.dilation * (f.ker_size - 1) + 1)) + 1,
               "same": f.img_size}
    length = lengths[opn.mode or "full"]
    # the outputs are the multiples of s in the natural window [w_lo, w_hi]
    w_lo = _natural_window_lo(f, opn)
    w_hi = w_lo + length - 1
    return w_hi // f.stride - (-((-w_lo) // f.stride)) + 1


def _natural_window_lo(f: AffineAxis, opn: Any) -> int:
    ends = (f.sigma * f.dilation * f.ker_lo, f.sigma * f.dilation * (f.ker_lo + f.ker_size - 1))
    ke = f.dilation * (f.ker_size - 1) + 1
    full_lo = f.img_lo - max(ends)
    if opn.mode == "valid":
        return full_lo + min(f.img_size, ke) - 1
    if opn.mode == "same":
        return full_lo + (ke - 1) // 2
    return full_lo


def all_sizes(o: Options) -> Derivation:
    sp = load_sympy()
    S_ = syms()
    N, K, s, d, pl, pr, p = S_["N"], S_["K"], S_["s"], S_["d"], S_["pl"], S_["pr"], S_["p"]
    q, r, M = S_["q"], S_["r"], S_["M"]
    steps: list[Step] = []
    # Modes (stride 1): the output range is read off the relation's domain.
    for fam in ("full", "valid", "same"):
        ax = sym_axis("corr", fam, s=sp.Integer(1))
        count = sp.expand(ax.m_hi - ax.m_lo + 1)
        if fam == "full":
            derived = N + d * (K - 1)
            why = ("full: every m with at least one term: i = m + d k runs over the image for "
                   "some tap, so m runs from alpha - d(beta+K-1) to alpha + N - 1 - d beta")
        elif fam == "valid":
            derived = N - d * (K - 1)
            why = ("valid: every m whose taps all land in the image: alpha <= m + d beta and "
                   "m + d(beta+K-1) <= alpha + N - 1")
        else:
            derived = N
            why = "same: the centred window of N outputs inside the full one (SciPy)"
        if not is_zero(count - derived):
            raise Beyond(f"the {fam} size {count} is not shown to equal {derived}")
        steps.append(Step(rf"M_{{\mathrm{{{fam}}}}} = m_{{\max}} - m_{{\min}} + 1 = {tex(derived)}",
                          why + " (SymPy: the range's length simplifies to this)",
                          f"M_{fam} = {txt(derived)}"))
    # PyTorch padding, stride, dilation.
    ax = sym_axis("corr", "padding")
    count = ax.m_hi - ax.m_lo + 1
    steps.append(Step(r"0 \leq s m \quad\text{and}\quad s m + d(K-1) \leq N + p_l + p_r - 1",
                      "PyTorch: output m starts at s m in the padded image (0-based) and its "
                      "last tap s m + d(K-1) must still be inside it",
                      "0 <= s m and s m + d(K-1) <= N + p_l + p_r - 1"))
    derived = sp.floor((N + pl + pr - d * (K - 1) - 1) / s) + 1
    if not is_zero(count - derived):
        raise Beyond("the padded size is not shown to match")
    steps.append(Step(rf"M = {tex(derived)}", "the number of integers m from 0 to "
                      "floor((N + p_l + p_r - d(K-1) - 1)/s): the relation's output range "
                      "(SymPy: equal to the range built by the engine)", f"M = {txt(derived)}"))
    torch_f = sp.floor((N + 2 * p - d * (K - 1) - 1) / s + 1)
    ours_sym = derived.subs({pl: p, pr: p})
    if not is_zero(torch_f - ours_sym):
        raise Beyond("PyTorch's formula is not shown to match")
    steps.append(Step(rf"L_{{out}} = {tex(torch_f)}", "PyTorch's documented Conv1d/2d/3d shape "
                      "(padding p on both sides) is this formula with p_l = p_r = p (SymPy: "
                      "the difference is 0)", f"torch: L_out = {txt(torch_f)}"))
    kh = K + (K - 1) * (d - 1)
    arith = sp.floor((N + 2 * p - kh) / s) + 1
    if not is_zero(arith - ours_sym):
        raise Beyond("the conv_arithmetic relationship is not shown to match")
    steps.append(Step(r"o = \left\lfloor \frac{i + 2p - \hat k}{s} \right\rfloor + 1,\ "
                      r"\hat k = k + (k-1)(d-1)", "Dumoulin and Visin, conv_arithmetic, "
                      "relationships 6 and 15 (dilated kernel size k^ = k + (k-1)(d-1)), with "
                      "i = N, k = K: the same formula (SymPy)",
                      f"conv_arithmetic: o = {txt(arith)}"))
    # Transposed convolution: write N + 2p - d(K-1) - 1 = q s + r (division algorithm).
    a_ = N + 2 * p - d * (K - 1) - 1
    Nq = sp.solve(sp.Eq(a_, q * s + r), N)[0]
    Mq = q + 1  # floor((q s + r)/s) + 1 with 0 <= r < s
    steps.append(Step(r"N + 2p - d(K-1) - 1 = q s + r,\quad 0 \leq r < s",
                      "the division algorithm; then floor((q s + r)/s) = q, so M = q + 1",
                      "N + 2p - d(K-1) - 1 = q s + r"))
    t_size = (M - 1) * s - 2 * p + d * (K - 1) + r + 1
    back = t_size.subs(M, Mq)
    if not is_zero(back - Nq):
        raise Beyond("the transposed size is not shown to give back N")
    steps.append(Step(r"(M-1)s - 2p + d(K-1) + a + 1 = N,\quad a = (N + 2p - d(K-1) - 1) "
                      r"\bmod s", "the transposed convolution (PyTorch ConvTranspose, "
                      "output_padding a) maps M back to N exactly when a = r, the remainder "
                      "(SymPy: both sides equal q s + r - 2p + d(K-1) + 1)",
                      "transposed: (M-1)s - 2p + d(K-1) + a + 1 = N with a = r"))
    steps.append(Step(r"o' = s(i' - 1) + a + k - 2p", "conv_arithmetic relationship 14 "
                      "(with d = 1, i' = M, a = (i + 2p - k) mod s): the same formula",
                      "conv_arithmetic relationship 14"))
    # The natural-index windows with a stride: the count of multiples of s.
    ax = sym_axis("corr", "full")
    steps.append(Step(rf"M = {tex(ax.m_hi)} - {tex(ax.m_lo)} + 1",
                      "with a stride in the SciPy modes (natural indices), the outputs are the "
                      "multiples of s in the window: floor(w_hi/s) - ceil(w_lo/s) + 1",
                      f"M = {txt(ax.m_hi)} - ({txt(ax.m_lo)}) + 1"))
    return Derivation(THEOREMS["sizes"], SIZES_LATEX, SIZES_TEXT, "proved", "all-sizes",
                      tuple(steps), None, ("scope all-sizes: every N, K, s, d, padding; valid "
                                           "assumes N >= d(K-1)+1",), "sizes")


# -- duality ----------------------------------------------------------------------------------
def _duality_claim(o: Options) -> tuple[str, str]:
    if o.wrt == "input":
        if o.forward == "corr":
            return (r"\frac{\partial L}{\partial x}[i] = \left(g^{\uparrow s} * "
                    r"h^{\uparrow d}\right)[i - c]",
                    "y = corr(x, h): dL/dx = conv(g dilated by s, h dilated by d) read at i-c "
                    "(the full convolution of g with h when s = d = 1, c = 0; PyTorch: the "
                    "transposed convolution)")
        return (r"\frac{\partial L}{\partial x}[i] = \operatorname{corr}\left(g^{\uparrow s}, "
                r"h^{\uparrow d}\right)[i - c]",
                "y = conv(x, h): dL/dx = corr(g dilated by s, h dilated by d) read at i-c "
                "(a correlation: the roles swap)")
    if o.forward == "corr":
        return (r"\frac{\partial L}{\partial h}[k] = \operatorname{corr}_{d, s}\left("
                r"x[\cdot + c], g\right)[k]",
                "y = corr(x, h): dL/dh = corr(x, g) with output stride d and g's taps s apart")
    return (r"\frac{\partial L}{\partial h}[k] = \operatorname{corr}_{d, s}\left("
            r"x[\cdot + c], g\right)[-k]",
            "y = conv(x, h): dL/dh = corr(x, g) read at -k (output stride d, g's taps s apart)")


def _affine(terms: Sequence[tuple[int | str, str]]) -> str:
    """``[(1,'i'), ('-s','m'), (-2,'')] -> 'i - s m - 2'`` (coefficients int or a letter
    with an optional minus; ``''`` is the constant).  No SymPy: the instance path stays
    light."""
    out = ""
    for coef, name in terms:
        if isinstance(coef, int):
            if coef == 0:
                continue
            neg, mag = coef < 0, abs(coef)
            body = name if (mag == 1 and name) else f"{mag}{name}"
        else:
            neg, mag_s = coef.startswith("-"), coef.lstrip("-")
            body = f"{mag_s} {name}".strip() if name else mag_s
        if not out:
            out = ("-" if neg else "") + body
        else:
            out += (" - " if neg else " + ") + body
    return out or "0"


def _neg(c: int | str) -> int | str:
    if isinstance(c, int):
        return -c
    return c[1:] if c.startswith("-") else "-" + c


def textbook_steps(forward: str, wrt: str, s: int | str = "s", d: int | str = "d",
                   c: int | str = "c") -> list[Step]:
    """The derivation a textbook writes, for one axis with ``i = s m +- d k + c``; the
    parameters are numbers (instance) or letters (all sizes)."""
    sg = 1 if forward == "corr" else -1
    dk: int | str = (d * sg if isinstance(d, int) else (d if sg > 0 else "-" + d))
    img = _affine([(s, "m"), (dk, "k"), (c, "")])
    i_minus = _affine([(1, "i"), (_neg(s), "m"), (_neg(dk), "k"), (_neg(c), "")])
    L = rf"L = {SUM_M} g[m]\,y[m] = {SUM_M} {SUM_K} g[m]\,x[{img}]\,h[k]"
    steps = [
        Step(rf"y[m] = {SUM_K} x[{img}]\,h[k]",
             f"the forward pass, y = {forward}(x, h), per axis: the image index is "
             f"s m {'+' if sg > 0 else '-'} d k + c (stride s, dilation d, offset c from the "
             "padding or mode)", f"y[m] = sum_k x[{img}] h[k]"),
        Step(L, "g = dL/dy is the upstream gradient; to first order the loss depends on y "
             "through L = sum_m g[m] y[m] (the chain rule), so dL/dx = d/dx of this sum",
             f"L = sum_m g[m] y[m] = sum_m sum_k g[m] x[{img}] h[k]"),
    ]
    if wrt == "input":
        # the k picked by the delta: sg*d*k = i - s m - c
        num = _affine([(sg, "i"), (_neg(s) if sg > 0 else s, "m"),
                       (_neg(c) if sg > 0 else c, "")])
        kexpr = num if d == 1 else rf"\frac{{{num}}}{{{d}}}"
        ktext = num if d == 1 else f"({num})/{d}"
        steps += [
            Step(rf"\frac{{\partial L}}{{\partial x[i]}} = {SUM_M} {SUM_K} g[m]\,h[k]\,"
                 rf"\frac{{\partial x[{img}]}}{{\partial x[i]}}",
                 "differentiate the sum term by term (it is linear in x)",
                 f"dL/dx[i] = sum_m sum_k g[m] h[k] d x[{img}] / d x[i]"),
            Step(rf"\frac{{\partial L}}{{\partial x[i]}} = {SUM_M} {SUM_K} g[m]\,h[k]\,"
                 rf"\delta[{i_minus}]",
                 "the derivative of x[j] by x[i] is the Kronecker delta: 1 when j = i, else 0",
                 f"dL/dx[i] = sum_m sum_k g[m] h[k] delta[{i_minus}]"),
            Step(rf"\frac{{\partial L}}{{\partial x[i]}} = {SUM_M} g[m]\,h\left[{kexpr}\right]",
                 f"the delta picks the one k with {img} = i (none when d does not divide): "
                 "the sum over k collapses", f"dL/dx[i] = sum_m g[m] h[{ktext}]"),
        ]
        ic = _affine([(1, "i"), (_neg(c), "")])
        ic_j = _affine([(1, "i"), (_neg(c), ""), (-1, "j")])
        j_ic = _affine([(1, "j"), (-1, "i"), (c, "")])
        if forward == "corr":
            steps += [
                Step(rf"\frac{{\partial L}}{{\partial x[i]}} = {SUM_I.replace('i=', 'j=')} "
                     rf"g^{{\uparrow s}}[j]\,h^{{\uparrow d}}[{ic_j}]",
                     "change the summation variable to j = s m and write g^(s) for g with s-1 "
                     "zeros between entries (g^(s)[s m] = g[m]) and h^(d) likewise",
                     f"dL/dx[i] = sum_j g^s[j] h^d[{ic} - j], j = s m"),
                Step(rf"\frac{{\partial L}}{{\partial x}}[i] = \left(g^{{\uparrow s}} * "
                     rf"h^{{\uparrow d}}\right)[{ic}]",
                     "recognise the convolution y[m] = sum_j x[j] h[m-j]: the backward pass "
                     "of a correlation is a convolution; with s = d = 1 and c = 0 the full "
                     "convolution of g with h, read on x's index range (a valid forward "
                     "correlation gives exactly the full convolution)",
                     f"dL/dx[i] = conv(g^s, h^d)[{ic}]"),
                Step(rf"\left(g^{{\uparrow s}} * h\right)[t] = {SUM_K} g^{{\uparrow s}}[t - d k]"
                     rf"\,h[k] = \sum_{{k'=0}}^{{K-1}} g^{{\uparrow s}}[t - d(K-1) + d k']\,"
                     r"h[K-1-k']",
                     "why the transposed convolution's kernel appears flipped: drawn as a "
                     "sliding window over the zero-inserted (and padded) g, as conv_arithmetic "
                     "draws it, the window reads g at increasing positions t - d(K-1) + d k' "
                     "while the kernel index K-1-k' decreases: a correlation with the flipped "
                     "kernel",
                     "conv(g^s, h)[t] = sum_k' g^s[t - d(K-1) + d k'] h[K-1-k']: a sliding "
                     "window with the kernel flipped"),
            ]
        else:
            steps += [
                Step(rf"\frac{{\partial L}}{{\partial x[i]}} = {SUM_I.replace('i=', 'j=')} "
                     rf"g^{{\uparrow s}}[j]\,h^{{\uparrow d}}[{j_ic}]",
                     "change the summation variable to j = s m (g^(s): s-1 zeros between "
                     "entries)", f"dL/dx[i] = sum_j g^s[j] h^d[j - ({ic})], j = s m"),
                Step(r"\frac{\partial L}{\partial x}[i] = \operatorname{corr}\left("
                     rf"g^{{\uparrow s}}, h^{{\uparrow d}}\right)[{ic}]",
                     "recognise the correlation y[m] = sum_j x[j] h[j-m]: the backward pass "
                     "of a convolution is a correlation (the opposite of the forward "
                     "correlation case)", f"dL/dx[i] = corr(g^s, h^d)[{ic}]"),
            ]
    else:
        steps.append(Step(rf"\frac{{\partial L}}{{\partial h[k]}} = {SUM_M} g[m]\,x[{img}]",
                          "differentiate the sum by h[k]: the delta of the kernel index keeps "
                          "the terms with that k", f"dL/dh[k] = sum_m g[m] x[{img}]"))
        if forward == "corr":
            steps.append(Step(r"\frac{\partial L}{\partial h}[k] = \operatorname{corr}_{d,s}"
                              r"\left(x[\cdot + c], g\right)[k]",
                              "recognise a correlation of the image with g: output index k "
                              "with stride d, g's taps s apart (dilation s); PyTorch computes "
                              "the weight gradient exactly so (stride and dilation swapped)",
                              "dL/dh = corr(x, g) with stride d, dilation s"))
        else:
            steps.append(Step(r"\frac{\partial L}{\partial h}[k] = \operatorname{corr}_{d,s}"
                              r"\left(x[\cdot + c], g\right)[-k]",
                              "recognise the same correlation read at -k: for a forward "
                              "convolution the kernel gradient comes out flipped",
                              "dL/dh = flip(corr(x, g))"))
    return steps


def _claimed_gradient(o: Options, reg: pa.Registry, fwd: Any, G: pa.Poly, X: pa.Poly,
                      H: pa.Poly, xv: pa.Var, hv: pa.Var) -> pa.Poly:
    """The claimed operation, built from its own definition (not from the forward relation)."""
    facs = [f for f in fwd.relation.factors if isinstance(f, AffineAxis)]
    s = tuple(abs(f.stride) for f in facs)
    d = tuple(f.dilation for f in facs)
    c = tuple(f.offset for f in facs)
    if o.wrt == "input":
        op = "conv" if o.forward == "corr" else "corr"
        full = pa.bilinear(op, pa.dilate(G, s), H, reg, max_terms=o.max_terms, mode="full",
                           dilation=d)
        return pa.restrict(pa.shift(full, c), xv.lo, xv.shape)
    xs = pa.shift(X, tuple(-v for v in c))
    # corr(x, g) with output stride d: the full correlation read at multiples of d
    corr = pa.decimate(pa.bilinear("corr", xs, G, reg, max_terms=o.max_terms, mode="full",
                                   dilation=s), d)
    if o.forward == "conv":
        corr = pa.reflect(corr)
    return pa.restrict(corr, hv.lo, hv.shape)


@dataclass
class DualitySides:
    """Both sides of the duality for one instance: the gradient read off the forward
    relation, and the claimed operation built from its own definition."""

    registry: pa.Registry
    gradient: pa.Poly
    claimed: pa.Poly
    forward: Any


def duality_sides(o: Options) -> DualitySides:
    """Build the two sides of the duality theorem for the shapes and options in ``o``."""
    if o.layer:
        return _duality_sides_layer(o)
    inst = Inst.make(o)
    reg = inst.reg
    X, H = pa.leaf(inst.x), pa.leaf(inst.h)
    fwd = core_op(o.forward, inst.x, inst.h, o)
    facs = [f for f in fwd.relation.factors if isinstance(f, AffineAxis)]
    if any(f.boundary != "zeros" for f in facs):
        raise InputError("duality is stated for zero padding (padding_mode zeros)")
    y = pa.bilinear(o.forward, X, H, reg, max_terms=o.max_terms, **o.op_kwargs())
    g = reg.add("g", y.lo, y.shape)
    G = pa.leaf(g)
    wrt = inst.x if o.wrt == "input" else inst.h
    grad = pa.gradient(pa.total(pa.multiply(G, y)), wrt)
    claimed = _claimed_gradient(o, reg, fwd, G, X, H, inst.x, inst.h)
    return DualitySides(reg, grad, claimed, fwd)


def instance_duality(o: Options) -> Derivation:
    claim_l, claim_t = _duality_claim(o)
    if o.layer:
        return _instance_duality_layer(o, claim_l, claim_t)
    inst = Inst.make(o)
    sides = duality_sides(o)
    reg, grad, claimed, fwd = sides.registry, sides.gradient, sides.claimed, sides.forward
    facs = [f for f in fwd.relation.factors if isinstance(f, AffineAxis)]
    f0 = facs[0]
    steps = textbook_steps(o.forward, o.wrt, abs(f0.stride), f0.dilation, f0.offset)
    params = "; ".join(f"axis {a + 1}: s={abs(f.stride)}, d={f.dilation}, c={f.offset}"
                       for a, f in enumerate(facs))
    steps.insert(0, Step(op_latex(fwd), f"the forward pass from the core's relation ({params})",
                         op_text(fwd)))
    steps.append(Step(r"\frac{\partial L}{\partial " + ("x[i]" if o.wrt == "input" else "h[k]")
                      + r"} = \sum_{(m, i, k) \in R} g[m]\," + ("h[k]" if o.wrt == "input"
                                                             else "x[i]"),
                      "derived from the relation itself: differentiate L = sum g[m] y[m] term by "
                      "term (the relation's triples, read with the roles swapped), and build "
                      "the claimed operation independently from its own definition",
                      ("dL/dx" if o.wrt == "input" else "dL/dh")
                      + " read off R with roles swapped"))
    notes = [shape_note(inst, o), "the Kronecker-delta derivation is written for axis 1; "
             f"every axis has its own parameters ({params})"]
    return decide_pairs(THEOREMS["duality"], "duality", claim_l, claim_t, steps,
                   [(grad, claimed, "the gradient read off R and the claimed operation")],
                   reg, notes)


def _duality_sides_layer(o: Options) -> DualitySides:
    """Channels and groups, as torch.nn.functional.convNd and its autograd."""
    from ..index.signal import Signal

    img = parse_shape(o.image or "2x7", "image shape")
    ker = parse_shape(o.kernel or "2x2x3", "kernel shape")
    if o.forward != "corr":
        raise InputError("with --layer the forward pass is PyTorch's (a correlation): use "
                         "--forward corr")
    fwd = operation("corr", Signal("x", img, (0,) * len(img), channel_axes=1, entries=None),
                    Signal("h", ker, (0,) * len(ker), channel_axes=2, entries=None),
                    layer=True, groups=o.groups,
                    **{**o.op_kwargs(), "origin": o.origin or "corner"})
    rel = fwd.relation
    terms = rel.enumerate(max_terms=o.max_terms)
    reg = pa.Registry()
    xv = reg.add("x", (0,) * len(img), img)
    hv = reg.add("h", (0,) * len(ker), ker)
    counts = np.diff(terms.starts)
    outflat = np.repeat(np.arange(counts.size, dtype=np.int64), counts)
    out_idx = np.stack(np.unravel_index(outflat, rel.out_shape), axis=1).astype(np.int64) \
        + np.asarray(rel.out_lo, dtype=np.int64)
    mono = np.sort(np.stack([xv.offset + pa.flat_positions(terms.image, xv.lo, xv.shape),
                             hv.offset + pa.flat_positions(terms.kernel, hv.lo, hv.shape)],
                            axis=1), axis=1)
    y = pa.Poly(rel.out_lo, rel.out_shape, out_idx, mono, np.ones(outflat.size, np.int64))
    gv = reg.add("g", y.lo, y.shape)
    grad = pa.gradient(pa.total(pa.multiply(pa.leaf(gv), y)), xv if o.wrt == "input" else hv)
    # The claimed grouped operation: one spatial computation, mapped over channel pairs.
    ch = next(f for f in rel.factors if isinstance(f, ChannelAxis))
    facs = [f for f in rel.factors if isinstance(f, AffineAxis)]
    reg0 = pa.Registry()
    x0 = reg0.add("x", (0,) * len(facs), img[1:])
    h0 = reg0.add("h", (0,) * len(facs), ker[2:])
    g0 = reg0.add("g", y.lo[1:], y.shape[1:])
    sub = Options(forward="corr", wrt=o.wrt)
    spatial = _claimed_gradient(sub, reg0, fwd, pa.leaf(g0), pa.leaf(x0), pa.leaf(h0), x0, h0)
    cpg = ch.taps
    opg = ch.out_channels // ch.groups
    pairs_o = np.repeat(np.arange(ch.out_channels), cpg)
    pairs_t = np.tile(np.arange(cpg), ch.out_channels)
    pairs_c = (pairs_o // opg) * cpg + pairs_t
    npair, nt = pairs_o.size, spatial.nterms
    P = np.repeat(np.arange(npair), nt)
    T = np.tile(np.arange(nt), npair)
    ids = spatial.mono[T]
    new = np.empty_like(ids)
    for var0, var, chan in ((g0, gv, pairs_o), (h0, hv, None), (x0, xv, pairs_c)):
        sel = (ids >= var0.offset) & (ids < var0.offset + var0.size)
        local = ids - var0.offset
        if chan is not None:
            base = chan[P][:, None] * var0.size
        else:
            base = (pairs_o[P] * cpg + pairs_t[P])[:, None] * var0.size
        new = np.where(sel, var.offset + base + local, new)
    sp_out = spatial.out[T]
    if o.wrt == "input":
        out = np.concatenate([pairs_c[P][:, None], sp_out], axis=1)
        lo, shape = xv.lo, xv.shape
    else:
        out = np.concatenate([pairs_o[P][:, None], pairs_t[P][:, None], sp_out], axis=1)
        lo, shape = hv.lo, hv.shape
    claimed = pa.Poly(lo, shape, out, np.sort(new, axis=1), spatial.coef[T])
    return DualitySides(reg, grad, claimed, fwd)


def _instance_duality_layer(o: Options, claim_l: str, claim_t: str) -> Derivation:
    sides = _duality_sides_layer(o)
    reg, grad, claimed, fwd = sides.registry, sides.gradient, sides.claimed, sides.forward
    rel = fwd.relation
    img = parse_shape(o.image or "2x7", "image shape")
    ker = parse_shape(o.kernel or "2x2x3", "kernel shape")
    ch = next(f for f in rel.factors if isinstance(f, ChannelAxis))
    facs = [f for f in rel.factors if isinstance(f, AffineAxis)]
    f0 = facs[0]
    steps = textbook_steps("corr", o.wrt, f0.stride, f0.dilation, f0.offset)
    steps.insert(0, Step(r"y[o, m] = \sum_{t=0}^{C_{in}/G - 1} \sum_{k} x[c(o, t), "
                         r"s m + d k + c]\,h[o, t, k]",
                         f"PyTorch's layer with groups G = {ch.groups}: output channel o reads "
                         "input channel c(o, t) = floor(o / (C_out/G)) C_in/G + t",
                         "y[o,m] = sum_t sum_k x[c(o,t), s m + d k + c] h[o,t,k]"))
    steps.append(Step(r"\frac{\partial L}{\partial x[c, i]} = \sum_{o, t:\ c(o,t) = c} "
                      r"\left(g[o]^{\uparrow s} * h[o, t]^{\uparrow d}\right)[i - c_0]"
                      if o.wrt == "input" else
                      r"\frac{\partial L}{\partial h[o, t, k]} = \operatorname{corr}_{d,s}"
                      r"\left(x[c(o,t), \cdot + c_0], g[o]\right)[k]",
                      "channels: each (o, t) pair contributes the spatial result to input "
                      "channel c(o, t) (a grouped transposed convolution: the channel roles "
                      "of the weight are transposed)" if o.wrt == "input" else
                      "channels: the weight gradient of (o, t) correlates input channel c(o, t) "
                      "with output channel o", "channels"))
    notes = [f"scope instance: layer image {'x'.join(map(str, img))}, kernel "
             f"{'x'.join(map(str, ker))}, groups {ch.groups}, "
             + (", ".join(f"{k} {v}" for k, v in o.op_kwargs().items()) or "padding 0")]
    return decide_pairs(THEOREMS["duality"], "duality", claim_l, claim_t, steps,
                   [(grad, claimed, "the gradient read off R and the claimed grouped operation")],
                   reg, notes)


def all_duality(o: Options) -> Derivation:
    S_ = syms()
    sp = load_sympy()
    claim_l, claim_t = _duality_claim(o)
    steps: list[Step] = [product_step(o.dims or 1)]
    if o.layer or o.groups != 1:
        steps += channel_steps(o.wrt)
    steps += textbook_steps(o.forward, o.wrt)
    m, i, k = S_["m"], S_["i"], S_["k"]
    s, d = S_["s"], S_["d"]
    for fam in families(o):
        fwd = sym_axis(o.forward, fam)
        steps.append(Step(r"\text{" + fam + "}", axis_intro(fam), fam))
        steps += assume_step(fwd.assumptions, fam)
        steps.append(Step(axis_tex(fwd), "the forward relation R on this axis",
                          axis_txt(fwd)))
        R = SymSet.of(fwd)
        c = fwd.C
        if o.wrt == "input":
            # The claimed operation in its own variables: output t (read at i = t + c), image
            # index j of g dilated by s (j = s m), kernel index k, dilation d.
            sg = -1 if o.forward == "corr" else 1  # conv of g: j = t - d k ; corr: j = t + d k
            j_expr = (i - c) + sg * d * k
            claimed = SymSet(s * m - j_expr, {"m": (fwd.m_lo, fwd.m_hi), "i": (fwd.i_lo, fwd.i_hi),
                                              "k": (fwd.k_lo, fwd.k_hi)})
            label = ("conv(g dilated by s, h dilated by d)[i - c]" if o.forward == "corr" else
                     "corr(g dilated by s, h dilated by d)[i - c]")
            steps.append(Step(rf"j = s m,\quad j = {lin_tex(j_expr)}",
                              f"the claimed operation {label}: its image index j runs over the "
                              "multiples s m (the zeros of g dilated contribute nothing), its "
                              "output i over x's range, its kernel over h's range",
                              f"j = s m = {lin_tex(j_expr, txt)}"))
        else:
            # corr(x[. + c], g; stride d, dilation s): image index i - c = d t + s m, output
            # t = k (or -k for a forward convolution), kernel g index m.
            kk = k if o.forward == "corr" else -k
            claimed = SymSet((i - c) - (d * kk + s * m),
                             {"m": (fwd.m_lo, fwd.m_hi), "i": (fwd.i_lo, fwd.i_hi),
                              "k": (fwd.k_lo, fwd.k_hi)})
            label = "corr(x, g) with stride d, dilation s" + ("" if o.forward == "corr"
                                                              else ", read at -k")
            steps.append(Step(rf"i - c = d\,({lin_tex(kk)}) + s m",
                              f"the claimed operation {label}: output {'k' if kk == k else '-k'}, "
                              "g as the kernel with taps s apart",
                              f"i - c = d ({lin_tex(kk, txt)}) + s m"))
        steps += prove_same(R, claimed, "the gradient read off R", label)
    # Mode pairing for stride 1: valid forward <-> full backward.
    if o.wrt == "input" and o.forward == "corr" and o.mode in (None, "valid", "full"):
        one = sp.Integer(1)
        for fwd_mode, back_mode in (("valid", "full"), ("full", "valid")):
            fwd = sym_axis("corr", fwd_mode, s=one)
            g_lo, g_n = fwd.m_lo, sp.expand(fwd.m_hi - fwd.m_lo + 1)
            back = sym_axis("conv", back_mode, N=g_n, alpha=g_lo, s=one)
            if not (is_zero(back.m_lo - fwd.i_lo) and is_zero(back.m_hi - fwd.i_hi)):
                raise Beyond(f"the {back_mode} window of conv(g, h) is not shown to be x's range")
            steps.append(Step(rf"\text{{{fwd_mode} forward}} \Rightarrow {tex(back.m_lo)} \leq i "
                              rf"\leq {tex(back.m_hi)}",
                              f"with s = 1: g lives on the {fwd_mode} window of the forward pass, "
                              f"and the {back_mode} window of conv(g, h) is exactly x's range "
                              f"(SymPy): dL/dx = conv(g, h, mode='{back_mode}')"
                              + (" (assumes N >= d(K-1)+1)" if "valid" in (fwd_mode, back_mode)
                                 else ""),
                              f"{fwd_mode} forward -> {back_mode} backward"))
    if o.wrt == "input" and o.forward == "corr" and o.mode is None:
        steps += _torch_transposed_steps()
    notes = [families_note(o)]
    if o.layer or o.groups != 1:
        notes.append("channels and groups: for any numbers of groups and channels per group; "
                     "the channel pairing is a lemma (the division algorithm), checked "
                     "exhaustively for up to 3 groups of up to 3 channels, and exactly at "
                     "instance scope against PyTorch in the tests")
    return Derivation(THEOREMS["duality"], claim_l, claim_t, "proved", "all-sizes", tuple(steps),
                      None, tuple(notes), "duality")


def channel_steps(wrt: str) -> list[Step]:
    """Channels and groups (PyTorch), for every number of groups and channels.

    The forward layer pairs output channel o with input channel c(o, t) = floor(o/b) a + t
    (a = C_in/G, b = C_out/G, 0 <= t < a).  The grouped transposed convolution (PyTorch's
    definition) feeds input channel c from every o of its group floor(c/a), with weight
    W[o, c - floor(c/a) a].  Writing o = gamma b + u and c = gamma' a + t by the division
    algorithm turns each floor into the quotient, so the two descriptions of the channel
    pairs agree (a lemma; checked exhaustively for small counts here).
    """
    # The lemma is the division algorithm; it is also checked exhaustively on small channel
    # counts here (a check that can fail), and exactly at instance scope by the tests.
    for groups in range(1, 4):
        for a in range(1, 4):
            for b in range(1, 4):
                fwd_pairs = {(o, (o // b) * a + t, t) for o in range(groups * b)
                             for t in range(a)}
                transposed = {(o, c, c - (c // a) * a) for c in range(groups * a)
                              for o in range((c // a) * b, (c // a) * b + b)}
                if fwd_pairs != transposed:  # pragma: no cover - the lemma is true
                    raise Beyond("the channel pairing of the transposed convolution differs")
    steps = [
        Step(r"c(o, t) = \left\lfloor \frac{o}{b} \right\rfloor a + t,\quad a = "
             r"\frac{C_{in}}{G},\ b = \frac{C_{out}}{G},\ 0 \leq t < a",
             "channels (PyTorch, G groups): output channel o reads input channel c(o, t) with "
             "weight h[o, t]; the channel factor of R is this finite relation",
             "c(o, t) = floor(o/b) a + t"),
        Step(r"o = \gamma b + u,\ 0 \leq u < b \Rightarrow c = \gamma a + t,\ "
             r"\left\lfloor \frac{c}{a} \right\rfloor = \gamma",
             "division algorithm (a lemma, not a SymPy identity; also checked exhaustively for "
             "up to 3 groups of up to 3 channels): o's group is gamma, and since 0 <= t < a "
             "the input channel c lies in the same group gamma",
             "o = gamma b + u, c = gamma a + t"),
    ]
    if wrt == "input":
        steps.append(Step(r"\frac{\partial L}{\partial x[c, \cdot]} = "
                          r"\sum_{u=0}^{b-1} \text{(spatial result of } g[\gamma b + u],\ "
                          r"h[\gamma b + u, c - \gamma a])",
                          "read with roles swapped, input channel c = gamma a + t collects "
                          "every output channel o = gamma b + u of its group with weight "
                          "h[o, t]: exactly PyTorch's grouped transposed convolution (its "
                          "weight is h with the two channel axes read the other way); the "
                          "spatial part is proved below", "grouped transposed convolution"))
    else:
        steps.append(Step(r"\frac{\partial L}{\partial h[o, t, \cdot]} = "
                          r"\text{(spatial correlation of } x[c(o, t)],\ g[o])",
                          "read with roles swapped, the weight h[o, t] collects the products of "
                          "output channel o of g with input channel c(o, t) of x: the same "
                          "channel pairing, one spatial correlation per (o, t) (proved below)",
                          "per (o, t): corr(x[c(o,t)], g[o])"))
    return steps


def _torch_transposed_steps() -> list[Step]:
    """PyTorch: with padding p (corner origins) c = -p, so dL/dx is conv_transpose(g, h)."""
    S_ = syms()
    p, s, d, m, k, i = S_["p"], S_["s"], S_["d"], S_["m"], S_["k"], S_["i"]
    fwd = sym_axis("corr", "padding", alpha=0, beta=0, pl=p, pr=p)
    if not is_zero(fwd.C + p):
        raise Beyond("the PyTorch offset is not shown to be -p")
    eq_fwd = i - (fwd.S * m + fwd.D * k + fwd.C)
    eq_t = i - (s * m + d * k - p)  # PyTorch's definition of ConvTranspose
    if not is_zero(eq_fwd - eq_t):
        raise Beyond("the transposed-convolution equation is not shown to match")
    return [Step(r"c = -p,\quad i = s m + d k - p",
                 "PyTorch (corner origins, padding p): the forward relation's offset is -p (SymPy)",
                 "c = -p"),
            Step(r"\frac{\partial L}{\partial x} = \operatorname{conv\_transpose}(g, h, "
                 r"\mathrm{stride}=s, \mathrm{padding}=p, \mathrm{dilation}=d)",
                 "PyTorch defines ConvTranspose by out[s m + d k - p] += g[m] h[k]: the same "
                 "equation (SymPy), on N outputs with output_padding a = (N + 2p - d(K-1) - 1) "
                 "mod s (symconv prove sizes)", "dL/dx = conv_transpose(g, h)")]


INSTANCE: dict[str, Callable[[Options], Derivation]] = {
    "flip": instance_flip, "symmetric": instance_symmetric, "commutative": instance_commutative,
    "reflection": instance_reflection, "sizes": instance_sizes, "duality": instance_duality,
}
ALL_SIZES: dict[str, Callable[[Options], Derivation]] = {
    "flip": all_flip, "symmetric": all_symmetric, "commutative": all_commutative,
    "reflection": all_reflection, "sizes": all_sizes, "duality": all_duality,
}
