"""The backward pass: the gradient of a correlation is a convolution (and of a convolution a
correlation), with strides, dilations, padding, channels and groups; the textbook's
Kronecker-delta derivation, checked against the gradient read off the forward relation."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from ...errors import InputError
from ...index.relation import AffineAxis, ChannelAxis
from ...index.request import operation
from ...index.signal import Signal, parse_shape
from .. import polyarray as pa
from ..derivation import Derivation, Step
from ..instance import Inst, core_op, decide_pairs, op_latex, op_text, shape_note
from ..options import COMMON_OPTIONS, Options, all_sizes_limit
from ..symbolic import (
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

TITLE = "The backward pass: correlation forward, convolution backward (and back)"
#: The options this theorem reads (the others are refused).
USES = COMMON_OPTIONS | frozenset({"forward", "wrt", "layer", "groups"})

def _duality_claim(o: Options) -> tuple[str, str]:
    if o.gradient_of == "input":
        if o.forward_op == "corr":
            return (r"\frac{\partial L}{\partial x}[i] = \left(g^{\uparrow s} * "
                    r"h^{\uparrow d}\right)[i - c]",
                    "y = corr(x, h): dL/dx = conv(g dilated by s, h dilated by d) read at i-c "
                    "(the full convolution of g with h when s = d = 1, c = 0; PyTorch: the "
                    "transposed convolution)")
        return (r"\frac{\partial L}{\partial x}[i] = \operatorname{corr}\left(g^{\uparrow s}, "
                r"h^{\uparrow d}\right)[i - c]",
                "y = conv(x, h): dL/dx = corr(g dilated by s, h dilated by d) read at i-c "
                "(a correlation: the roles swap)")
    if o.forward_op == "corr":
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
             f"The forward pass, $y = \\operatorname{{{forward}}}(x, h)$, on one axis: the "
             f"image index is $s m {'+' if sg > 0 else '-'} d k + c$ (stride $s$, dilation "
             "$d$, offset $c$ from the padding or the mode).", f"y[m] = sum_k x[{img}] h[k]"),
        Step(L, r"$g = \partial L/\partial y$ is the upstream gradient; to first order "
             r"the loss depends on $y$ through $L = \sum_m g[m]\,y[m]$ (the chain rule), so "
             r"$\partial L/\partial x$ is the derivative of this sum.",
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
                 "Differentiate the sum term by term (it is linear in $x$).",
                 f"dL/dx[i] = sum_m sum_k g[m] h[k] d x[{img}] / d x[i]"),
            Step(rf"\frac{{\partial L}}{{\partial x[i]}} = {SUM_M} {SUM_K} g[m]\,h[k]\,"
                 rf"\delta[{i_minus}]",
                 r"The derivative of $x[j]$ by $x[i]$ is the Kronecker delta: 1 when "
                 r"$j = i$, else 0.",
                 f"dL/dx[i] = sum_m sum_k g[m] h[k] delta[{i_minus}]"),
            Step(rf"\frac{{\partial L}}{{\partial x[i]}} = {SUM_M} g[m]\,h\left[{kexpr}\right]",
                 f"The delta picks the one $k$ with ${img} = i$ (none when $d$ does not "
                 "divide): the sum over $k$ collapses.", f"dL/dx[i] = sum_m g[m] h[{ktext}]"),
        ]
        ic = _affine([(1, "i"), (_neg(c), "")])
        ic_j = _affine([(1, "i"), (_neg(c), ""), (-1, "j")])
        j_ic = _affine([(1, "j"), (-1, "i"), (c, "")])
        if forward == "corr":
            steps += [
                Step(rf"\frac{{\partial L}}{{\partial x[i]}} = {SUM_I.replace('i=', 'j=')} "
                     rf"g^{{\uparrow s}}[j]\,h^{{\uparrow d}}[{ic_j}]",
                     r"Change the summation variable to $j = s m$ and write "
                     r"$g^{\uparrow s}$ for $g$ with $s - 1$ zeros between its entries "
                     r"($g^{\uparrow s}[s m] = g[m]$), and $h^{\uparrow d}$ likewise.",
                     f"dL/dx[i] = sum_j g^s[j] h^d[{ic} - j], j = s m"),
                Step(rf"\frac{{\partial L}}{{\partial x}}[i] = \left(g^{{\uparrow s}} * "
                     rf"h^{{\uparrow d}}\right)[{ic}]",
                     r"Recognise the convolution $y[m] = \sum_j x[j]\,h[m - j]$: the "
                     r"backward pass of a correlation is a convolution; with $s = d = 1$ and "
                     r"$c = 0$, the full convolution of $g$ with $h$ read on the index range "
                     r"of $x$ (a valid forward correlation gives exactly the full "
                     r"convolution).",
                     f"dL/dx[i] = conv(g^s, h^d)[{ic}]"),
                Step(rf"\left(g^{{\uparrow s}} * h\right)[t] = {SUM_K} g^{{\uparrow s}}[t - d k]"
                     rf"\,h[k] = \sum_{{k'=0}}^{{K-1}} g^{{\uparrow s}}[t - d(K-1) + d k']\,"
                     r"h[K-1-k']",
                     r"Why the transposed convolution's kernel appears flipped: drawn as a "
                     r"window sliding over the zero-inserted (and padded) $g$, as the "
                     r"convolution-arithmetic guide draws it, the window reads $g$ at the "
                     r"increasing positions $t - d(K-1) + d k'$ while the kernel index "
                     r"$K - 1 - k'$ decreases: a correlation with the flipped kernel.",
                     "conv(g^s, h)[t] = sum_k' g^s[t - d(K-1) + d k'] h[K-1-k']: a sliding "
                     "window with the kernel flipped"),
            ]
        else:
            steps += [
                Step(rf"\frac{{\partial L}}{{\partial x[i]}} = {SUM_I.replace('i=', 'j=')} "
                     rf"g^{{\uparrow s}}[j]\,h^{{\uparrow d}}[{j_ic}]",
                     r"Change the summation variable to $j = s m$ ($g^{\uparrow s}$: "
                     r"$s - 1$ zeros between the entries of $g$).",
                     f"dL/dx[i] = sum_j g^s[j] h^d[j - ({ic})], j = s m"),
                Step(r"\frac{\partial L}{\partial x}[i] = \operatorname{corr}\left("
                     rf"g^{{\uparrow s}}, h^{{\uparrow d}}\right)[{ic}]",
                     r"Recognise the correlation $y[m] = \sum_j x[j]\,h[j - m]$: the "
                     r"backward pass of a convolution is a correlation (the opposite of the "
                     r"forward correlation's case).", f"dL/dx[i] = corr(g^s, h^d)[{ic}]"),
            ]
    else:
        steps.append(Step(rf"\frac{{\partial L}}{{\partial h[k]}} = {SUM_M} g[m]\,x[{img}]",
                          r"Differentiate the sum by $h[k]$: the delta of the kernel index "
                          r"keeps the terms with that $k$.", f"dL/dh[k] = sum_m g[m] x[{img}]"))
        if forward == "corr":
            steps.append(Step(r"\frac{\partial L}{\partial h}[k] = \operatorname{corr}_{d,s}"
                              r"\left(x[\cdot + c], g\right)[k]",
                              r"Recognise a correlation of the image with $g$: output index "
                              r"$k$ with stride $d$, the taps of $g$ $s$ apart (dilation $s$); "
                              r"PyTorch computes the weight gradient exactly so (stride and "
                              r"dilation swapped).",
                              "dL/dh = corr(x, g) with stride d, dilation s"))
        else:
            steps.append(Step(r"\frac{\partial L}{\partial h}[k] = \operatorname{corr}_{d,s}"
                              r"\left(x[\cdot + c], g\right)[-k]",
                              r"Recognise the same correlation read at $-k$: for a forward "
                              r"convolution the kernel gradient comes out flipped.",
                              "dL/dh = flip(corr(x, g))"))
    return steps


def _claimed_gradient(o: Options, reg: pa.Registry, fwd: Any, G: pa.Poly, X: pa.Poly,
                      H: pa.Poly, xv: pa.Var, hv: pa.Var) -> pa.Poly:
    """The claimed operation, built from its own definition (not from the forward relation)."""
    facs = [f for f in fwd.relation.factors if isinstance(f, AffineAxis)]
    s = tuple(abs(f.stride) for f in facs)
    d = tuple(f.dilation for f in facs)
    c = tuple(f.offset for f in facs)
    if o.gradient_of == "input":
        op = "conv" if o.forward_op == "corr" else "corr"
        full = pa.bilinear(op, pa.dilate(G, s), H, reg, max_terms=o.max_terms, mode="full",
                           dilation=d)
        return pa.restrict(pa.shift(full, c), xv.lo, xv.shape)
    xs = pa.shift(X, tuple(-v for v in c))
    # corr(x, g) with output stride d: the full correlation read at multiples of d
    corr = pa.decimate(pa.bilinear("corr", xs, G, reg, max_terms=o.max_terms, mode="full",
                                   dilation=s), d)
    if o.forward_op == "conv":
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
    fwd = core_op(o.forward_op, inst.x, inst.h, o)
    facs = [f for f in fwd.relation.factors if isinstance(f, AffineAxis)]
    if any(f.boundary != "zeros" for f in facs):
        raise InputError("duality is stated for zero padding (padding_mode zeros)")
    y = pa.bilinear(o.forward_op, X, H, reg, max_terms=o.max_terms, **o.op_kwargs())
    g = reg.add("g", y.lo, y.shape)
    G = pa.leaf(g)
    wrt = inst.x if o.gradient_of == "input" else inst.h
    grad = pa.gradient(pa.total(pa.multiply(G, y)), wrt)
    claimed = _claimed_gradient(o, reg, fwd, G, X, H, inst.x, inst.h)
    return DualitySides(reg, grad, claimed, fwd)


def instance(o: Options) -> Derivation:
    claim_l, claim_t = _duality_claim(o)
    if o.layer:
        return _instance_duality_layer(o, claim_l, claim_t)
    inst = Inst.make(o)
    sides = duality_sides(o)
    reg, grad, claimed, fwd = sides.registry, sides.gradient, sides.claimed, sides.forward
    facs = [f for f in fwd.relation.factors if isinstance(f, AffineAxis)]
    f0 = facs[0]
    steps = textbook_steps(o.forward_op, o.gradient_of, abs(f0.stride), f0.dilation, f0.offset)
    params = "; ".join(f"axis {a + 1}: s={abs(f.stride)}, d={f.dilation}, c={f.offset}"
                       for a, f in enumerate(facs))
    steps.insert(0, Step(op_latex(fwd), f"the forward pass from the core's relation ({params})",
                         op_text(fwd)))
    wrt_entry, other = ("x[i]", "h[k]") if o.gradient_of == "input" else ("h[k]", "x[i]")
    steps.append(Step(r"\frac{\partial L}{\partial " + wrt_entry
                      + r"} = \sum_{(m, i, k) \in R} g[m]\," + other,
                      "derived from the relation itself: differentiate L = sum g[m] y[m] term by "
                      "term (the relation's triples, read with the roles swapped), and build "
                      "the claimed operation independently from its own definition",
                      ("dL/dx" if o.gradient_of == "input" else "dL/dh")
                      + " read off R with roles swapped"))
    notes = [shape_note(inst, o), "the Kronecker-delta derivation is written for axis 1; "
             f"every axis has its own parameters ({params})"]
    return decide_pairs(TITLE, "duality", claim_l, claim_t, steps,
                        [(grad, claimed, "the gradient read off R and the claimed operation")],
                        reg, notes)


def _duality_sides_layer(o: Options) -> DualitySides:
    """Channels and groups, as torch.nn.functional.convNd and its autograd."""
    img = parse_shape(o.image or "2x7", "image shape")
    ker = parse_shape(o.kernel or "2x2x3", "kernel shape")
    if o.forward_op != "corr":
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
    grad = pa.gradient(pa.total(pa.multiply(pa.leaf(gv), y)),
                       xv if o.gradient_of == "input" else hv)
    # The claimed grouped operation: one spatial computation, mapped over channel pairs.
    ch = next(f for f in rel.factors if isinstance(f, ChannelAxis))
    facs = [f for f in rel.factors if isinstance(f, AffineAxis)]
    reg0 = pa.Registry()
    x0 = reg0.add("x", (0,) * len(facs), img[1:])
    h0 = reg0.add("h", (0,) * len(facs), ker[2:])
    g0 = reg0.add("g", y.lo[1:], y.shape[1:])
    sub = Options(forward="corr", wrt=o.gradient_of)
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
    if o.gradient_of == "input":
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
    steps = textbook_steps("corr", o.gradient_of, f0.stride, f0.dilation, f0.offset)
    steps.insert(0, Step(r"y[o, m] = \sum_{t=0}^{C_{in}/G - 1} \sum_{k} x[c(o, t), "
                         r"s m + d k + c]\,h[o, t, k]",
                         f"PyTorch's layer with groups G = {ch.groups}: output channel o reads "
                         "input channel c(o, t) = floor(o / (C_out/G)) C_in/G + t",
                         "y[o,m] = sum_t sum_k x[c(o,t), s m + d k + c] h[o,t,k]"))
    steps.append(Step(r"\frac{\partial L}{\partial x[c, i]} = \sum_{o, t:\ c(o,t) = c} "
                      r"\left(g[o]^{\uparrow s} * h[o, t]^{\uparrow d}\right)[i - c_0]"
                      if o.gradient_of == "input" else
                      r"\frac{\partial L}{\partial h[o, t, k]} = \operatorname{corr}_{d,s}"
                      r"\left(x[c(o,t), \cdot + c_0], g[o]\right)[k]",
                      "channels: each (o, t) pair contributes the spatial result to input "
                      "channel c(o, t) (a grouped transposed convolution: the channel roles "
                      "of the weight are transposed)" if o.gradient_of == "input" else
                      "channels: the weight gradient of (o, t) correlates input channel c(o, t) "
                      "with output channel o", "channels"))
    notes = [f"scope instance: layer image {'x'.join(map(str, img))}, kernel "
             f"{'x'.join(map(str, ker))}, groups {ch.groups}, "
             + (", ".join(f"{k} {v}" for k, v in o.op_kwargs().items()) or "padding 0")]
    return decide_pairs(TITLE, "duality", claim_l, claim_t, steps,
                        [(grad, claimed,
                          "the gradient read off R and the claimed grouped operation")],
                        reg, notes)


def all_sizes(o: Options) -> Derivation:
    S_ = syms()
    sp = load_sympy()
    claim_l, claim_t = _duality_claim(o)
    steps: list[Step] = [product_step(o.dims or 1)]
    if o.layer or o.groups != 1:
        steps += channel_steps(o.gradient_of)
    steps += textbook_steps(o.forward_op, o.gradient_of)
    m, i, k = S_["m"], S_["i"], S_["k"]
    s, d = S_["s"], S_["d"]
    for fam in families(o):
        fwd = sym_axis(o.forward_op, fam)
        steps.append(Step("", axis_intro(fam), fam))  # a case heading: words, no display
        steps += assume_step(fwd.assumptions, fam)
        steps.append(Step(axis_tex(fwd), "The forward relation $R$ on one axis, and the "
                          "range of its outputs.",
                          axis_txt(fwd)))
        R = SymSet.of(fwd)
        c = fwd.C
        if o.gradient_of == "input":
            # The claimed operation in its own variables: output t (read at i = t + c), image
            # index j of g dilated by s (j = s m), kernel index k, dilation d.
            sg = -1 if o.forward_op == "corr" else 1  # conv of g: j = t - d k ; corr: j = t + d k
            j_expr = (i - c) + sg * d * k
            claimed = SymSet(s * m - j_expr, {"m": (fwd.m_lo, fwd.m_hi), "i": (fwd.i_lo, fwd.i_hi),
                                              "k": (fwd.k_lo, fwd.k_hi)})
            label = (r"$\operatorname{conv}(g^{\uparrow s}, h^{\uparrow d})[i - c]$"
                     if o.forward_op == "corr" else
                     r"$\operatorname{corr}(g^{\uparrow s}, h^{\uparrow d})[i - c]$")
            steps.append(Step(rf"j = s m,\quad j = {lin_tex(j_expr)}",
                              f"The claimed operation, {label} ($g^{{\\uparrow s}}$: $g$ with "
                              "$s - 1$ zeros between its entries): its image index $j$ runs "
                              "over the multiples $s m$ (the inserted zeros add nothing), its "
                              "output $i$ over the range of $\\arr{x}$, its kernel index over "
                              "the range of $\\arr{h}$.",
                              f"j = s m = {lin_tex(j_expr, txt)}"))
        else:
            # corr(x[. + c], g; stride d, dilation s): image index i - c = d t + s m, output
            # t = k (or -k for a forward convolution), kernel g index m.
            kk = k if o.forward_op == "corr" else -k
            claimed = SymSet((i - c) - (d * kk + s * m),
                             {"m": (fwd.m_lo, fwd.m_hi), "i": (fwd.i_lo, fwd.i_hi),
                              "k": (fwd.k_lo, fwd.k_hi)})
            label = (r"$\operatorname{corr}(x, g)$ with stride $d$ and dilation $s$"
                     + ("" if o.forward_op == "corr" else r", read at $-k$"))
            steps.append(Step(rf"i - c = d\,({lin_tex(kk)}) + s m",
                              f"The claimed operation, {label}: output "
                              f"${'k' if kk == k else '-k'}$, $g$ the kernel with taps $s$ "
                              "apart.",
                              f"i - c = d ({lin_tex(kk, txt)}) + s m"))
        steps += prove_same(R, claimed, "the gradient read off $R$", label)
    # Mode pairing for stride 1: valid forward <-> full backward.
    if o.gradient_of == "input" and o.forward_op == "corr" and o.mode in (None, "valid", "full"):
        one = sp.Integer(1)
        for fwd_mode, back_mode in (("valid", "full"), ("full", "valid")):
            fwd = sym_axis("corr", fwd_mode, s=one)
            g_lo, g_n = fwd.m_lo, sp.expand(fwd.m_hi - fwd.m_lo + 1)
            back = sym_axis("conv", back_mode, N=g_n, alpha=g_lo, s=one)
            if not (is_zero(back.m_lo - fwd.i_lo) and is_zero(back.m_hi - fwd.i_hi)):
                raise Beyond(f"the {back_mode} window of conv(g, h) is not shown to be x's range")
            lo, hi = sp.simplify(back.m_lo), sp.simplify(back.m_hi)
            steps.append(Step(rf"{tex(lo)} \leq i \leq {tex(hi)}",
                              f"With $s = 1$ and a forward pass in mode {fwd_mode}, $g$ lives "
                              f"on the {fwd_mode} window, and the {back_mode} window of "
                              r"$\operatorname{conv}(g, h)$ is exactly the range of $\arr{x}$: "
                              r"$\partial L/\partial \arr{x} = \operatorname{conv}(g, h)$ in "
                              f"mode {back_mode}"
                              + (r" (for $N \geq d(K-1)+1$)." if "valid" in (fwd_mode, back_mode)
                                 else "."),
                              f"{fwd_mode} forward -> {back_mode} backward"))
    if o.gradient_of == "input" and o.forward_op == "corr" and o.mode is None:
        steps += _torch_transposed_steps()
    notes = [families_note(o)]
    if o.layer or o.groups != 1:
        notes.append("channels and groups: for any numbers of groups and channels per group; "
                     "the channel pairing is a lemma (the division algorithm), checked "
                     "exhaustively for up to 3 groups of up to 3 channels, and exactly at "
                     "instance scope against PyTorch in the tests")
    return Derivation(TITLE, claim_l, claim_t, "proved", "all-sizes", tuple(steps),
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


def beyond_all_sizes(o: Options) -> str | None:
    """Why the all-sizes proof cannot take these options (``None``: it can); it covers
    channels and groups for a forward correlation (PyTorch's layers)."""
    return all_sizes_limit(o, channels=o.forward_op == "corr")
