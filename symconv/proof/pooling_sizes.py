"""``prove sizes --op pool``: pooling's output count, floor and ceil mode, derived from the
window's relation ``i = s m + d k - p`` (PyTorch's ``pooling_output_shape``).

Floor mode keeps the outputs whose whole window lies in the padded image: ``0 <= s m <= L``
with ``L = N + 2p - d(K-1) - 1``, so ``floor(L/s) + 1`` of them.  Ceil mode also keeps a
last, cut window when ``s`` does not divide ``L``, unless that window would start in the
right padding (PyTorch drops it): writing ``L = q s + r``, the extra output's window starts
at ``s(q+1) - p = N + p - d(K-1) - 1 + s - r``, which is inside the image exactly when
``r >= s + p - d(K-1)``.  So ceil mode has ``q + 1 + [r >= max(1, s + p - d(K-1))]``
outputs.  Each step is an identity SymPy reduces to 0; at given shapes the count is
compared with the window enumeration of ``expand avg-pool``.
"""

from __future__ import annotations

from .derivation import Derivation, Step
from .options import Options
from .symbolic import Beyond, is_zero, load_sympy, syms, tex, txt

TITLE = "Output sizes of pooling, floor and ceil mode"
T_LATEX = (r"o = \left\lfloor \frac{N + 2p - d(K-1) - 1}{s} \right\rfloor + 1 + "
           r"[\text{ceil mode},\ r \ge \max(1, s + p - d(K-1))]")
T_TEXT = ("pooling: o = floor((N + 2p - d(K-1) - 1)/s) + 1, plus one in ceil mode when the "
          "remainder r of that division is >= max(1, s + p - d(K-1)) (the cut window starts "
          "inside the image)")


def all_sizes(o: Options) -> Derivation:
    sp = load_sympy()
    S_ = syms()
    N, K, s, d, p, q, r = S_["N"], S_["K"], S_["s"], S_["d"], S_["p"], S_["q"], S_["r"]
    L = N + 2 * p - d * (K - 1) - 1
    steps = [
        Step(r"i = s\,m + d\,k - p,\quad 0 \le k \le K-1",
             "the window of output m (the correlation's relation, PyTorch's pooling, indices "
             "from 0); the padded image runs from -p to N - 1 + p", "i = s*m + d*k - p"),
        Step(rf"-p \le s\,m - p,\quad s\,m + d(K-1) - p \le N - 1 + p \iff 0 \le s\,m \le "
             rf"{tex(L)}", "floor mode keeps the outputs whose whole window lies in the "
             "padded image", f"0 <= s*m <= {txt(L)}"),
        Step(r"L = q\,s + r,\ 0 \le r \le s-1:\quad o_{\text{floor}} = q + 1",
             "the division algorithm: m = 0..q, so floor(L/s) + 1 outputs (relationship 7 of "
             "the convolution arithmetic guide when p = 0, d = 1)", "o_floor = q + 1"),
    ]
    start = s * (q + 1) - p
    want = N + p - d * (K - 1) - 1 + s - r
    if not is_zero(start - want - (q * s + r - L)):
        raise Beyond("the start of the cut window is not shown")
    steps.append(Step(rf"s(q+1) - p = {tex(sp.expand(want))}",
                      "ceil mode adds output q + 1 when r > 0 (ceil(L/s) = q + 1); its window "
                      "starts here (substituting L = q s + r)", f"s(q+1) - p = {txt(want)}"))
    cond = sp.expand(want - N)
    steps.append(Step(rf"{tex(sp.expand(want))} \le N - 1 \iff r \ge s + p - d(K-1)",
                      "PyTorch drops that output when its window would start in the right "
                      f"padding (start >= N): it is kept exactly when {txt(cond)} <= -1",
                      "kept iff r >= s + p - d(K-1)"))
    steps.append(Step(r"o_{\text{ceil}} = q + 1 + [\,r \ge \max(1,\ s + p - d(K-1))\,]",
                      "so ceil mode has one output more exactly when the remainder is at least "
                      "1 and at least s + p - d(K-1); with stride 1, r = 0 and the modes agree",
                      "o_ceil = q + 1 + [r >= max(1, s + p - d(K-1))]"))
    return Derivation(TITLE, T_LATEX, T_TEXT, "proved", "all-sizes", tuple(steps), None,
                      ("scope all-sizes: every N, K, s, d and p <= K/2 (PyTorch's pooling, "
                       "avg-pool and max-pool alike)",), "sizes")


def instance(o: Options) -> Derivation:
    """At given shapes: the count from the window enumeration, the formula, and (ceil mode)
    the cut window."""
    from ..expansion.pooling import Pooling

    image, kernel = o.image or "5", o.kernel or "2"
    pool = Pooling("max-pool", image, kernel, stride=o.stride, padding=o.padding,
                   dilation=o.dilation, ceil_mode=o.ceil_mode, max_terms=o.max_terms)
    steps: list[Step] = []
    ok = True
    for ax, a in enumerate(pool.axes):
        L = a.n + 2 * a.p - a.d * (a.k - 1) - 1
        q, r = divmod(L, a.s)
        extra = int(o.ceil_mode and r >= max(1, a.s + a.p - a.d * (a.k - 1)))
        formula = q + 1 + extra
        windows = sum(1 for m in range(0, 10 * (a.n + 2 * a.p) + 2)
                      if _kept(a, m, o.ceil_mode))
        ok &= formula == windows == pool.out_shape[ax]
        steps.append(Step(
            rf"o_{{{ax + 1}}} = {formula}",
            f"axis {ax + 1}: N={a.n}, K={a.k}, s={a.s}, p={a.p}, d={a.d}: L = {L} = {q}*{a.s} "
            f"+ {r}; the formula gives {formula}, the windows kept number {windows}"
            + (f" (ceil mode: the cut window {'is kept' if extra else 'is not kept'})"
               if o.ceil_mode and r else "") + (" (agree)" if formula == windows else
                                                " (DISAGREE)"),
            f"formula {formula}, windows {windows}"))
    return Derivation(TITLE, T_LATEX, T_TEXT, "proved" if ok else "refuted", "instance",
                      tuple(steps), None if ok else {"steps": [s_.text for s_ in steps]},
                      (f"scope instance: pooling {image} with window {kernel} (indices from 0)",),
                      "sizes")


def _kept(a: object, m: int, ceil_mode: bool) -> bool:
    """Output m kept by PyTorch's rule, read off the window directly: floor mode needs the
    whole window in the padded image; ceil mode needs the window to start inside the image
    and to reach no further than one stride past floor's last window."""
    n, k, s, p, d = (getattr(a, f) for f in ("n", "k", "s", "p", "d"))
    start, last = s * m - p, s * m - p + d * (k - 1)
    if not ceil_mode:
        return start >= -p and last <= n - 1 + p
    L = n + 2 * p - d * (k - 1) - 1
    return start >= -p and s * m <= L + s - 1 and start <= n - 1
