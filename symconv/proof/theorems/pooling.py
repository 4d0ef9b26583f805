"""Average pooling is a correlation with a constant kernel: ``avg_pool(x, K, stride=s,
padding=p) = corr(x, ones(K)/|K|, stride=s, padding=p)`` (PyTorch's functions, indices from
0), for every size, when the padding is counted in the divisor (PyTorch's default) and the
output count is floor's.  With ``--no-count-include-pad`` and a padding, or with
``--ceil-mode`` where ceil adds an output, it is false, and the refutation names the output
whose divisor is smaller, with values re-computed both ways.

All sizes, per axis: both read the window ``i = s m + k - p`` (the correlation's relation,
no flip); both keep the outputs ``0 <= s m <= N + 2p - K``; on those, the window ends at
``s m - p + K <= N + p``, inside the padded image, so PyTorch's divisor (the window clipped
to the padded image) is ``K`` on every axis and the weight of every pixel is ``1/|K|``: the
constant kernel.  At given shapes (``--image/--kernel``) the two are expanded and compared
output by output as SymPy expressions.
"""

from __future__ import annotations

import math
from typing import Any

from ..derivation import Derivation, Step
from ..options import Options
from ..symbolic import Beyond, is_zero, load_sympy, syms, tex, txt

TITLE = "Average pooling is a correlation with a constant kernel"
USES = frozenset({"dims", "image", "kernel", "stride", "padding", "max_terms", "ceil_mode",
                  "count_include_pad"})

T_LATEX = (r"\operatorname{avgpool}_{K,s,p}(x) = \operatorname{corr}_{s,p}\Bigl(x, "
           r"\tfrac{1}{|K|}\mathbf{1}_K\Bigr)")
T_TEXT = ("avg_pool(x, K, stride=s, padding=p) = corr(x, ones(K)/|K|, stride=s, padding=p) "
          "(PyTorch's count_include_pad, floor mode)")


def refuse(o: Options) -> None:
    from ...errors import InputError
    from ...index.request import parse_padding

    pad = parse_padding(o.padding, o.dims or 1)
    if isinstance(pad, str) or (pad is not None and any(lo != hi for lo, hi in pad)):
        raise InputError("prove pooling takes an integer padding per axis (both sides, as "
                         "PyTorch's pooling), not same/valid or low:high")


def _params(o: Options, nd: int) -> tuple[list[int] | None, list[int]]:
    from ...index.request import parse_padding, per_axis

    s = list(per_axis(o.stride, nd, "stride", 1)) if o.stride is not None else None
    pad = parse_padding(o.padding, nd)
    p = [lo for lo, _ in pad] if pad is not None and not isinstance(pad, str) else [0] * nd
    return s, p


def all_sizes(o: Options) -> Derivation:
    """Per axis, symbolically (see the module's text); the two option combinations where the
    claim is false are refuted with the smallest shapes that show it."""
    nd = o.dims or 1
    s_given, p_given = _params(o, nd)
    include = o.count_include_pad is not False
    unit = s_given is not None and all(v == 1 for v in s_given)
    if (o.ceil_mode and not unit) or (not include and any(p_given)):
        return _refute_smallest(o, nd, s_given, p_given, include)
    sp = load_sympy()
    S_ = syms()
    N, K, s, p = S_["N"], S_["K"], S_["s"], S_["p"]
    m, k = sp.Symbol("m", integer=True, nonnegative=True), sp.Symbol("k", integer=True,
                                                                        nonnegative=True)
    L = N + 2 * p - K
    steps = [
        Step(r"i = s\,m + k - p,\quad 0 \le k \le K-1",
             "the window of output m, for the pooling and for the correlation with stride s "
             "and padding p alike: the correlation's relation (no flip), pixels inside the "
             "image, the padding read as 0", "i = s*m + k - p, k = 0..K-1"),
        Step(rf"0 \le s\,m \le {tex(L)}",
             "the outputs both keep: m >= 0 and the window's last tap inside the padded image "
             "(s m + K - 1 - p <= N - 1 + p); so both have floor((N + 2p - K)/s) + 1 outputs "
             "(symconv prove sizes --op pool)", f"0 <= s*m <= {txt(L)}"),
    ]
    if o.ceil_mode:
        steps.append(Step(r"\lceil L/1 \rceil = \lfloor L/1 \rfloor = L",
                          "with stride 1 ceil mode counts the same outputs as floor mode "
                          "(an integer divided by 1 has no remainder)", "ceil(L/1) = floor(L/1)"))
    end = s * m - p + K
    slack = (N + p) - end
    if not is_zero(slack - (L - s * m)):
        raise Beyond("the window's end is not shown inside the padded image")
    steps.append(Step(rf"(N + p) - (s\,m - p + K) = {tex(L)} - s\,m \ge 0",
                      "on those outputs the window ends inside the padded image (the "
                      "difference is the slack of the previous line)",
                      f"(N + p) - (s*m - p + K) = {txt(L)} - s*m >= 0"))
    hend = sp.Min(end, N + p)
    divisor = sp.simplify(hend.subs(N + p, end + (L - s * m)) - (s * m - p))
    steps.append(Step(r"\min(s\,m - p + K,\ N + p) - (s\,m - p) = K",
                      "PyTorch's divisor on this axis (count_include_pad: the window clipped to "
                      "the padded image) is therefore K" + (
                          "; without count_include_pad it is the window clipped to the image, "
                          "which is K too when p = 0" if not include else ""),
                      "divisor per axis = K"))
    del divisor, k
    steps.append(Step(r"y[m] = \sum_{k} \tfrac{1}{|K|}\, x[s\,m + k - p]",
                      "every pixel of every window is weighted 1/|K| (|K| the product of the "
                      "window's sides): the correlation with the constant kernel ones(K)/|K|, "
                      "output by output", "y[m] = sum_k x[s*m + k - p] / |K|"))
    given = ", ".join(f"{n} {v}" for n, v in (("stride", o.stride), ("padding", o.padding))
                      if v is not None)
    note = ("scope all-sizes: every image size N, window K, stride s and padding p <= K/2 "
            f"per axis ({nd}-D, indices from 0, as PyTorch's avg_pool{nd}d)"
            + (f"; the given {given} is a case" if given else "")
            + ("" if include else "; padding 0, so not counting it changes nothing"))
    return Derivation(TITLE, T_LATEX, T_TEXT, "proved", "all-sizes", tuple(steps), None,
                      (note,), "pooling")


def _refute_smallest(o: Options, nd: int, s: list[int] | None, p: list[int],
                     include: bool) -> Derivation:
    """The smallest shapes (one axis varied, the others 1) where avg-pool and the constant
    correlation differ: a refutation, re-checked by expanding both."""
    for n0 in range(1, 40):
        for k0 in range(1, n0 + 2 * max(p) + 1):
            if any(pi > k0 // 2 for pi in p):
                continue
            image = "x".join([str(n0)] * nd)
            kernel = "x".join([str(k0)] * nd)
            d = _compare(o, image, kernel)
            if d is not None and d.verdict == "refuted":
                return d
    raise Beyond("no smallest counterexample found")  # pragma: no cover - found above


def instance(o: Options) -> Derivation:
    d = _compare(o, o.image or "5", o.kernel or "3")
    assert d is not None
    return d


def _compare(o: Options, image: str, kernel: str) -> Derivation | None:
    """Both expanded at these shapes and compared output by output (SymPy)."""
    import sympy as sp

    from ...errors import InputError
    from ...expansion.pooling import Pooling

    nd = o.dims or len(image.split("x"))
    s, p = _params(o, nd)
    try:
        pool = Pooling("avg-pool", image, kernel, stride=s, padding=p,
                       ceil_mode=o.ceil_mode, count_include_pad=o.count_include_pad,
                       max_terms=o.max_terms)
    except InputError:
        if o.image is None:
            return None  # the smallest-counterexample search skips impossible shapes
        raise
    corr = pool.as_correlation()
    size = math.prod(pool.window)
    corr_out = {tuple(int(v) for v in i): i for i in corr.indices()}
    steps: list[Step] = [
        Step(rf"\text{{avg-pool: {_count(len(list(pool.outputs())))}}}",
             pool.header(), pool.header()),
        Step(rf"\operatorname{{corr}}\bigl(x, \tfrac{{1}}{{{size}}}\mathbf{{1}}\bigr)"
             rf"\text{{: {_count(len(corr_out))}}}",
             "the correlation with the constant kernel, same stride and padding (origin at "
             "the corner, as PyTorch's conv)", f"corr: {_count(len(corr_out))}")]
    bad: tuple[int, ...] | None = None
    for i in pool.outputs():
        mine = pool.expr(i)
        if i not in corr_out:
            bad = i
            theirs: Any = None
            break
        theirs = corr.substituted(corr_out[i])
        if sp.expand(mine - theirs) != 0:
            bad = i
            break
    if bad is None and len(corr_out) == len(list(pool.outputs())):
        steps.append(Step(r"\text{avgpool}[m] - \text{corr}[m] = 0",
                          "every output compared as SymPy expressions: equal",
                          "equal at every output"))
        return Derivation(TITLE, T_LATEX, T_TEXT, "proved", "instance", tuple(steps), None,
                          (f"scope instance: image {image}, window {kernel}",), "pooling")
    at = ", ".join(map(str, bad)) if bad is not None else ""
    why = (f"avg-pool[{at}] = {pool.text(bad)} (divisor {pool.divisor(bad)}), but the "
           + ("correlation has no such output (ceil mode adds it)" if theirs is None else
              f"correlation gives {theirs}")) if bad is not None else \
        "the two have different output counts"
    steps.append(Step(r"\text{avgpool} \neq \text{corr}", why, why))
    cex = {"image": [int(v) for v in image.split("x")],
           "window": [int(v) for v in kernel.split("x")],
           "output": list(bad) if bad is not None else None,
           "avg_pool": pool.text(bad) if bad is not None else None,
           "corr": None if bad is None or theirs is None else str(theirs),
           "divisor": pool.divisor(bad) if bad is not None else None}
    return Derivation(TITLE, T_LATEX, T_TEXT, "refuted",
                      "instance" if o.image is not None else "all-sizes", tuple(steps), cex,
                      (f"refuted at image {image}, window {kernel}: "
                       + ("ceil mode adds outputs whose windows are cut" if o.ceil_mode else
                          "the padding is not counted in the divisor"),), "pooling")


def _count(n: int) -> str:
    return "1 output" if n == 1 else f"{n} outputs"
