"""Commutativity: ``conv(x, h) = conv(h, x)``; correlation commutes only up to a reflection,
``corr(x, h)[m] = corr(h, x)[-m]``."""

from __future__ import annotations

from dataclasses import replace

from .. import polyarray as pa
from ..derivation import Derivation, Step
from ..instance import (
    Inst,
    bilinear_op,
    core_op,
    decide_pairs,
    op_latex,
    op_text,
    poly_text,
    shape_note,
)
from ..options import Options, claim_keywords
from ..symbolic import (
    Beyond,
    SymSet,
    assume_step,
    axis_tex,
    is_zero,
    lin_tex,
    product_step,
    prove_same,
    sym_axis,
    syms,
)

TITLE = "Convolution commutes; correlation commutes up to a reflection"

COMM_LATEX = (r"\operatorname{conv}(x, h) = \operatorname{conv}(h, x),\quad "
              r"\operatorname{corr}(x, h)[m] = \operatorname{corr}(h, x)[-m]")
COMM_TEXT = "conv(x, h) = conv(h, x); corr(x, h)[m] = corr(h, x)[-m] (corr is not commutative)"


def instance(o: Options) -> Derivation:
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
    d = decide_pairs(TITLE, "commutative", COMM_LATEX, COMM_TEXT, steps, pairs, reg,
                     [shape_note(inst, o)])
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


def all_sizes(o: Options) -> Derivation:
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
    return Derivation(TITLE, COMM_LATEX, COMM_TEXT, "proved", "all-sizes",
                      tuple(steps), None, ("scope all-sizes: every N, K, origin and stride s, "
                                           "full mode; per axis, hence in every dimension",),
                      "commutative")


#: The statement (LaTeX, text), for the derivation the claim engine writes.
CLAIM = (COMM_LATEX, COMM_TEXT)


def claim_form(o: Options) -> list[str] | None:
    """The theorem as claims of the claim language with these options (None when a claim
    cannot say them): the claim engine decides them where the proof above does not reach."""
    kw = claim_keywords(o)
    if kw is None:
        return None
    return [f"conv(x, h{kw}) == conv(h, x{kw})", f"corr(x, h{kw}) == flip(corr(h, x{kw}))"]
