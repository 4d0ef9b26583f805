"""Output sizes: the SciPy modes, PyTorch layers (stride, dilation, padding) and the
transposed convolution that maps the output size back (with ``output_padding``)."""

from __future__ import annotations

from typing import Any

import numpy as np

from ...index.relation import AffineAxis
from ..derivation import Derivation, Step
from ..instance import Inst, core_op, shape_note
from ..options import COMMON_OPTIONS, Options
from ..symbolic import Beyond, is_zero, load_sympy, sym_axis, syms, tex, txt

TITLE = "Output sizes of every mode, layer setting and transposed convolution"
#: The options this theorem reads (the others are refused).
USES = COMMON_OPTIONS | frozenset({"layer", "groups", "op", "output_padding", "ceil_mode"})

SIZES_LATEX = (r"M = \left\lfloor \frac{N + p_l + p_r - d(K-1) - 1}{s} \right\rfloor + 1")
SIZES_TEXT = "output sizes: full N+d(K-1), valid N-d(K-1) when N >= d(K-1)+1 (a kernel " \
             "longer than the image: SciPy swaps the operands, |N-d(K-1)-1|+1), same N; " \
             "layers floor((N+p_l+p_r-d(K-1)-1)/s)+1; transposed (M-1)s-2p+d(K-1)+a+1"


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


def refuse(o: Options) -> None:
    """The transposed convolution has no SciPy mode and no boundary rule: --mode and
    --padding-mode with --op conv-transpose are refused, never read as zero padding."""
    if o.ceil_mode and o.op != "pool":
        from ...errors import InputError

        raise InputError("--ceil-mode applies to prove sizes --op pool (and prove pooling)")
    if o.op == "pool" and (o.mode is not None or o.padding_mode != "zeros" or o.layer
                           or o.output_padding is not None or o.groups != 1):
        from ...errors import InputError

        raise InputError("prove sizes --op pool reads --image, --kernel (the window), "
                         "--stride, --padding, --dilation and --ceil-mode only")
    if o.op == "conv-transpose" and (o.mode is not None or o.padding_mode != "zeros"):
        from ...errors import InputError

        raise InputError(f"{'--mode' if o.mode is not None else '--padding-mode'} does not "
                         "apply to prove sizes --op conv-transpose (the transposed "
                         "convolution pads with zeros only; give --padding and "
                         "--output-padding)")


def instance(o: Options) -> Derivation:
    if o.op == "conv-transpose":
        return transposed_instance(o)
    if o.op == "pool":
        from .. import pooling_sizes

        return pooling_sizes.instance(o)
    if o.output_padding is not None:
        from ...errors import InputError

        raise InputError("--output-padding applies to prove sizes --op conv-transpose")
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
        return Derivation(TITLE, claim_l, SIZES_TEXT, "refuted", "instance",
                          tuple(steps), {"steps": [s.text for s in steps]},
                          (shape_note(inst, o),), "sizes")
    return Derivation(TITLE, claim_l, SIZES_TEXT, "proved", "instance", tuple(steps),
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
    if o.op == "conv-transpose":
        return transposed_all_sizes(o)
    if o.op == "pool":
        from .. import pooling_sizes

        return pooling_sizes.all_sizes(o)
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
            why = (r"Mode full: every $m$ with at least one term: $i = m + d k$ lands in the "
                   r"image for some tap, so $m$ runs from $\alpha - d(\beta + K - 1)$ to "
                   r"$\alpha + N - 1 - d\beta$.")
        elif fam == "valid":
            derived = N - d * (K - 1)
            why = (r"Mode valid, for $N \geq d(K-1) + 1$: every $m$ whose taps all land in "
                   r"the image, $\alpha \leq m + d\beta$ and "
                   r"$m + d(\beta + K - 1) \leq \alpha + N - 1$ (for a longer kernel SciPy "
                   r"swaps the operands: $d(K-1) - N + 2$ outputs, $|N - d(K-1) - 1| + 1$ in "
                   r"both cases).")
        else:
            derived = N
            why = r"Mode same: the centred window of $N$ outputs inside the full one (SciPy)."
        if not is_zero(count - derived):
            raise Beyond(f"the {fam} size {count} is not shown to equal {derived}")
        steps.append(Step(rf"M_{{\mathrm{{{fam}}}}} = m_{{\max}} - m_{{\min}} + 1 = {tex(derived)}",
                          why[:-1] + "; the range's length simplifies to this.",
                          f"M_{fam} = {txt(derived)}"))
    # PyTorch padding, stride, dilation.
    ax = sym_axis("corr", "padding")
    count = ax.m_hi - ax.m_lo + 1
    steps.append(Step(r"0 \leq s m \quad\text{and}\quad s m + d(K-1) \leq N + p_l + p_r - 1",
                      r"PyTorch: output $m$ starts at $s m$ in the padded image (indices from "
                      r"0) and its last tap $s m + d(K-1)$ must still be inside it.",
                      "0 <= s m and s m + d(K-1) <= N + p_l + p_r - 1"))
    derived = sp.floor((N + pl + pr - d * (K - 1) - 1) / s) + 1
    if not is_zero(count - derived):
        raise Beyond("the padded size is not shown to match")
    steps.append(Step(rf"M = {tex(derived)}", r"The number of integers $m$ from 0 to "
                      r"$\lfloor (N + p_l + p_r - d(K-1) - 1)/s \rfloor$: the relation's "
                      r"output range, equal to the one the engine builds.",
                      f"M = {txt(derived)}"))
    torch_f = sp.floor((N + 2 * p - d * (K - 1) - 1) / s + 1)
    ours_sym = derived.subs({pl: p, pr: p})
    if not is_zero(torch_f - ours_sym):
        raise Beyond("PyTorch's formula is not shown to match")
    steps.append(Step(rf"L_{{out}} = {tex(torch_f)}", r"PyTorch's documented Conv1d/2d/3d "
                      r"shape (padding $p$ on both sides) is this formula with "
                      r"$p_l = p_r = p$: the difference is 0.", f"torch: L_out = {txt(torch_f)}"))
    kh = K + (K - 1) * (d - 1)
    arith = sp.floor((N + 2 * p - kh) / s) + 1
    if not is_zero(arith - ours_sym):
        raise Beyond("the conv_arithmetic relationship is not shown to match")
    steps.append(Step(r"o = \left\lfloor \frac{i + 2p - \hat k}{s} \right\rfloor + 1,\ "
                      r"\hat k = k + (k-1)(d-1)", r"Dumoulin and Visin's convolution "
                      r"arithmetic, relationships 6 and 15 (the dilated kernel size "
                      r"$\hat k = k + (k-1)(d-1)$), with $i = N$, $k = K$: the same formula.",
                      f"conv_arithmetic: o = {txt(arith)}"))
    # Transposed convolution: write N + 2p - d(K-1) - 1 = q s + r (division algorithm).
    a_ = N + 2 * p - d * (K - 1) - 1
    Nq = sp.solve(sp.Eq(a_, q * s + r), N)[0]
    Mq = q + 1  # floor((q s + r)/s) + 1 with 0 <= r < s
    steps.append(Step(r"N + 2p - d(K-1) - 1 = q s + r,\quad 0 \leq r < s",
                      r"The division algorithm; then $\lfloor (q s + r)/s \rfloor = q$, so "
                      r"$M = q + 1$.",
                      "N + 2p - d(K-1) - 1 = q s + r"))
    t_size = (M - 1) * s - 2 * p + d * (K - 1) + r + 1
    back = t_size.subs(M, Mq)
    if not is_zero(back - Nq):
        raise Beyond("the transposed size is not shown to give back N")
    steps.append(Step(r"(M-1)s - 2p + d(K-1) + a + 1 = N,\quad a = (N + 2p - d(K-1) - 1) "
                      r"\bmod s", r"The transposed convolution (PyTorch's ConvTranspose, "
                      r"output padding $a$) maps $M$ back to $N$ exactly when $a = r$, the "
                      r"remainder: both sides equal $q s + r - 2p + d(K-1) + 1$.",
                      "transposed: (M-1)s - 2p + d(K-1) + a + 1 = N with a = r"))
    steps.append(Step(r"o' = s(i' - 1) + a + k - 2p", r"The convolution arithmetic's "
                      r"relationship 14 (with $d = 1$, $i' = M$, $a = (i + 2p - k) \bmod s$): "
                      r"the same formula.",
                      "conv_arithmetic relationship 14"))
    # The natural-index windows with a stride: the count of multiples of s.
    ax = sym_axis("corr", "full")
    steps.append(Step(rf"M = {tex(ax.m_hi)} - {tex(ax.m_lo)} + 1",
                      r"With a stride in the SciPy modes (natural indices), the outputs are "
                      r"the multiples of $s$ in the window: "
                      r"$\lfloor w_{hi}/s \rfloor - \lceil w_{lo}/s \rceil + 1$.",
                      f"M = {txt(ax.m_hi)} - ({txt(ax.m_lo)}) + 1"))
    return Derivation(TITLE, SIZES_LATEX, SIZES_TEXT, "proved", "all-sizes",
                      tuple(steps), None, ("scope all-sizes: every N, K, s, d, padding; valid "
                                           "assumes N >= d(K-1)+1",), "sizes")


# -- the transposed convolution (prove sizes --op conv-transpose) -----------------------------
#: Dumoulin and Visin's relationships 8-13 as cases of relationship 14's formula
#: ``o' = s(i'-1) + a + d(K-1) + 1 - 2p``: (number, name, s, p, a), with d = 1; ``half`` is
#: p = (K-1)/2 for odd K, ``full`` p = K-1.
GUIDE = ((8, "no zero padding, unit strides", 1, 0, 0),
         (9, "zero padding, unit strides", 1, "p", 0),
         (10, "half padding, unit strides", 1, "half", 0),
         (11, "full padding, unit strides", 1, "full", 0),
         (12, "no zero padding, non-unit strides", "s", 0, 0),
         (13, "zero padding, non-unit strides", "s", "p", 0),
         (14, "zero padding, non-unit strides, output padding a", "s", "p", "a"))
HALF_FULL = {"half": "(k-1)/2 (odd k)", "full": "k-1"}
GUIDE_FORMS = {8: "i' + (k - 1)", 9: "i' + (k - 1) - 2p", 10: "i'", 11: "i' - (k - 1)",
               12: "s(i' - 1) + k", 13: "s(i' - 1) + k - 2p", 14: "s(i' - 1) + a + k - 2p"}

T_LATEX = r"o = (i - 1)s - 2p + d(K-1) + a + 1"
T_TEXT = ("transposed convolution: o = (i-1)s - 2p + d(K-1) + a + 1 outputs; the s forward "
          "input sizes N = (M-1)s - 2p + d(K-1) + 1 + r, r = 0..s-1, share one output size M, "
          "and output padding a = r gives N back")


def transposed_all_sizes(o: Options) -> Derivation:
    sp = load_sympy()
    S_ = syms()
    N, K, s, d, p = S_["N"], S_["K"], S_["s"], S_["d"], S_["p"]
    q, r = S_["q"], S_["r"]
    i_, k_, a = sp.Symbol("i'", integer=True, positive=True), \
        sp.Symbol("k", integer=True, positive=True), sp.Symbol("a", integer=True,
                                                              nonnegative=True)
    steps: list[Step] = []
    # The relation s*i = m - d*k + p, pixels 0..i-1, taps 0..K-1: the reachable outputs.
    m_lo = -p
    m_hi = s * (i_ - 1) + d * (K - 1) - p
    steps.append(Step(r"m = s\,i + d\,k - p,\quad 0 \le i \le i'-1,\ 0 \le k \le K-1",
                      "the relation of the transposed convolution (PyTorch, indices from 0): "
                      "pixel i and tap k feed output s i + d k - p; the reachable outputs run "
                      "from the smallest to the largest value of the right side",
                      "m = s*i + d*k - p"))
    full = sp.expand(m_hi - m_lo + 1)
    steps.append(Step(rf"m_{{\max}} - m_{{\min}} + 1 = {tex(full)}",
                      r"from $m = -p$ (pixel 0, tap 0) to $m = s(i'-1) + d(K-1) - p$ (the last "
                      r"pixel and tap): every integer between is an output (some reach no "
                      r"pixel: the inserted zeros)", f"reachable: {txt(full)}"))
    count = sp.expand(full - 2 * p + a)
    formula = (i_ - 1) * s - 2 * p + d * (K - 1) + a + 1
    if not is_zero(count - formula):
        raise Beyond("the transposed size is not shown to match")
    steps.append(Step(rf"o = {tex(sp.expand(formula))}", r"PyTorch keeps the outputs from "
                      r"$0$ on: the $p$ lowest ($m = -p..-1$) and the $p$ highest are cut, and "
                      r"$a$ (output_padding) are added at the high end: "
                      r"$o = (i'-1)s - 2p + d(K-1) + a + 1$, PyTorch's documented "
                      r"ConvTranspose shape", f"o = {txt(formula)}"))
    kk = k_  # the guide writes k for the kernel size
    for num, name, s_v, p_v, a_v in GUIDE:
        sv = s if s_v == "s" else sp.Integer(s_v)
        pv = {0: sp.Integer(0), "p": p, "half": (kk - 1) / 2, "full": kk - 1}[p_v]
        av = a if a_v == "a" else sp.Integer(a_v)
        ours = formula.subs({s: sv, p: pv, a: av, d: 1, K: kk})
        theirs = _guide_form(num, i_, kk, s, p, a)
        if not is_zero(ours - theirs):
            raise Beyond(f"relationship {num} is not shown to match")
        steps.append(Step(rf"o' = {tex(theirs)}", f"relationship {num} of the convolution "
                          f"arithmetic guide ({name}): the formula with "
                          + ", ".join(f"{n_} = {HALF_FULL.get(str(v), v)}"
                                      for n_, v in (("s", s_v), ("p", p_v), ("a", a_v),
                                                    ("d", 1)) if v not in ("s", "p", "a"))
                          + "; the difference is 0",
                          f"relationship {num}: o' = {GUIDE_FORMS[num]}"))
    # Which forward sizes collide: N + 2p - d(K-1) - 1 = q s + r.
    a_ = N + 2 * p - d * (K - 1) - 1
    Nq = sp.solve(sp.Eq(a_, q * s + r), N)[0]
    steps.append(Step(r"N + 2p - d(K-1) - 1 = q s + r,\quad 0 \le r \le s-1",
                      "a forward convolution with stride s has M = floor((N + 2p - d(K-1) - "
                      "1)/s) + 1 = q + 1 outputs (the division algorithm): the s input sizes "
                      "N = q s - 2p + d(K-1) + 1 + r, r = 0..s-1, all give the same M",
                      "N = q*s - 2p + d(K-1) + 1 + r, r = 0..s-1: the same M = q + 1"))
    back = formula.subs({i_: q + 1, a: r, K: K})
    if not is_zero(back - Nq):
        raise Beyond("the output padding is not shown to give N back")
    steps.append(Step(r"o\big|_{i' = M,\ a = r} = N", "the transposed convolution of that "
                      "output size with output padding a = r gives back exactly the N with "
                      "remainder r: output_padding picks which of the colliding sizes "
                      "returns", "o(M, a = r) = N"))
    return Derivation(TITLE, T_LATEX, T_TEXT, "proved", "all-sizes", tuple(steps), None,
                      ("scope all-sizes: every i', K, s, d, p, a (indices from 0, as PyTorch); "
                       "relationships 8-14 of Dumoulin and Visin's guide as cases",), "sizes")


def _guide_form(num: int, i_: Any, k: Any, s: Any, p: Any, a: Any) -> Any:
    return {8: i_ + (k - 1), 9: i_ + (k - 1) - 2 * p, 10: i_, 11: i_ - (k - 1),
            12: s * (i_ - 1) + k, 13: s * (i_ - 1) + k - 2 * p,
            14: s * (i_ - 1) + a + k - 2 * p}[num]


def transposed_instance(o: Options) -> Derivation:
    """At given shapes: the transposed output size from the relation, the formula, and the
    forward sizes that collide (which output padding brings each back)."""
    from ...index.request import operation, per_axis
    from ...index.signal import parse_shape

    nd = o.dims or 1
    img = parse_shape(o.image or "5")
    ker = parse_shape(o.kernel or "3")
    opn = operation("conv-transpose", img, ker, origin="corner", stride=o.stride,
                    padding=o.padding, dilation=o.dilation, output_padding=o.output_padding)
    st = per_axis(o.stride, len(img), "stride", 1)
    dl = per_axis(o.dilation, len(img), "dilation", 1)
    steps: list[Step] = []
    ok = True
    for ax, f in enumerate(f for f in opn.relation.factors if isinstance(f, AffineAxis)):
        n, k, s, d = img[ax], ker[ax], st[ax], dl[ax]
        p = opn.padding[ax][0] if opn.padding else 0
        a = opn.output_padding[ax]
        want = transposed_size(n, k, s, p, d, a)
        ok &= want == f.out_count
        steps.append(Step(f"o_{ax + 1} = {f.out_count}",
                          f"axis {ax + 1}: i'={n}, K={k}, s={s}, p={p}, d={d}, a={a}: the "
                          f"relation has {f.out_count} outputs, the formula "
                          f"(i'-1)s - 2p + d(K-1) + a + 1 gives {want}"
                          + (" (agree)" if want == f.out_count else " (DISAGREE)"),
                          f"relation {f.out_count}, formula {want}"))
        # the forward sizes that map to i' outputs, and the output padding of each
        first = (n - 1) * s - 2 * p + d * (k - 1) + 1
        sizes = [first + r for r in range(s) if first + r >= 1]
        if sizes:
            steps.append(Step(rf"N \in \{{{', '.join(map(str, sizes))}\}} \mapsto M = {n}",
                              f"axis {ax + 1}: a forward convolution (stride {s}, padding "
                              f"{p}, dilation {d}) maps each of these input sizes to {n} "
                              "outputs; " + ", ".join(f"output padding a = {m - first} "
                                                      f"returns N = {m}" for m in sizes),
                              f"forward sizes {sizes} all give {n} outputs"))
    del nd
    return Derivation(TITLE, T_LATEX, T_TEXT, "proved" if ok else "refuted", "instance",
                      tuple(steps), None if ok else {"steps": [s_.text for s_ in steps]},
                      (f"scope instance: conv-transpose of {'x'.join(map(str, img))} with "
                       f"{'x'.join(map(str, ker))} (indices from 0)",), "sizes")
