"""The polynomial view: 1-D convolution is polynomial multiplication.

With ``X(z) = sum_i x[i] z^i`` and ``H(z) = sum_k h[k] z^k`` (indices from 0), the
coefficient of ``z^n`` in ``X(z) H(z)`` is ``sum_{i+k=n} x[i] h[k] = conv(x, h)[n]`` (the
Cauchy product), and correlation is multiplication by the reversed polynomial:
``corr(x, h)[n - (K-1)] `` is the coefficient of ``z^n`` in ``X(z) z^(K-1) H(1/z)``.

All sizes: the index set of the coefficient, ``{(i, k): i + k = n, 0 <= i < N, 0 <= k < K}``,
is the convolution's ``{(i, n - i)}`` over the same range (Presburger arithmetic, every N and
K).  Instance (``--image N --kernel K``): SymPy multiplies the polynomials with symbolic
coefficients and every coefficient is compared with symconv's expansion of ``conv`` and
``corr`` (full mode, 0-based), exactly.
"""

from __future__ import annotations

from ...errors import InputError
from ..derivation import Derivation, Step
from ..options import Options

TITLE = "Convolution is polynomial multiplication; correlation multiplies by the reversed " \
        "polynomial"
USES = frozenset({"image", "kernel", "max_terms"})
CLAIM_LATEX = (r"[z^n]\,X(z)H(z) = (x \ast h)[n],\quad [z^n]\,X(z)\,z^{K-1}H(z^{-1}) = "
               r"(x \star h)[n - K + 1]")
CLAIM_TEXT = ("coefficient of z^n in X(z) H(z) = conv(x, h)[n]; in X(z) z^(K-1) H(1/z) = "
              "corr(x, h)[n - K + 1]")
MAX_INSTANCE = 64


def all_sizes(o: Options) -> Derivation:
    from ..presburger import Lin, eq, ge, implies, le

    n, i, k, N, K = (Lin.var(v) for v in ("n", "i", "k", "N", "K"))
    one = Lin.constant(1)
    coef = [eq(i + k, n), ge(i, 0), le(i, N - one), ge(k, 0), le(k, K - one)]
    # the coefficient's pairs are exactly the convolution's: k = n - i inside the kernel
    conv = [ge(i, 0), le(i, N - one), ge(n - i, 0), le(n - i, K - one), eq(k, n - i)]
    for hyp, goals in ((coef, conv), (conv, coef)):
        for goal in goals:
            if implies(hyp, goal) is not None:  # pragma: no cover - contradicts arithmetic
                raise AssertionError("the index sets differ")
    # reversal: H(1/z) z^(K-1) has coefficient h[K-1-j] at z^j; pairs with i + j = n read
    # h[K-1-(n-i)] = h[i - (n-K+1)]: correlation at output n - K + 1
    rev = [eq(i + Lin.var("j"), n), eq(k, K - one - Lin.var("j")), ge(i, 0), le(i, N - one),
           ge(k, 0), le(k, K - one)]
    corr_goal = eq(k, i - (n - K + one))
    if implies(rev, corr_goal) is not None:  # pragma: no cover
        raise AssertionError("the reversed polynomial is not the correlation")
    steps = (
        Step(r"X(z) = \sum_{i=0}^{N-1} x[i] z^i,\quad H(z) = \sum_{k=0}^{K-1} h[k] z^k",
             "the signals as polynomials (indices from 0)", "X(z) = sum x[i] z^i"),
        Step(r"[z^n]\,X(z)H(z) = \sum_{i + k = n} x[i]\,h[k]",
             "the Cauchy product: the terms of degree n pair every i with k = n - i",
             "[z^n] X H = sum_{i+k=n} x[i] h[k]"),
        Step(r"\{(i,k) : i+k=n,\ 0 \le i < N,\ 0 \le k < K\} = \{(i, n-i) : 0 \le i < N,\ "
             r"0 \le n-i < K\}",
             "the same index set as the convolution's, for every N, K and n (Presburger "
             "arithmetic: each set's constraints imply the other's)",
             "index sets equal: conv(x, h)[n]"),
        Step(r"z^{K-1} H(z^{-1}) = \sum_{j=0}^{K-1} h[K-1-j]\, z^j",
             "the reversed polynomial; pairing i + j = n reads h[K-1-(n-i)] = h[i - (n-K+1)], "
             "the correlation's kernel index at output n - K + 1 (Presburger arithmetic)",
             "reversed: corr(x, h)[n - K + 1]"),
    )
    return Derivation(TITLE, CLAIM_LATEX, CLAIM_TEXT, "proved", "all-sizes", steps, None,
                      ("scope all-sizes: every N, K and n (integer linear arithmetic)",),
                      "polynomial")


def instance(o: Options) -> Derivation:
    import sympy as sp

    from ...expansion.core import expand
    from ..instance import refuted_plain

    try:
        size = int(str(o.image))
        ksize = int(str(o.kernel))
    except ValueError:
        raise InputError("polynomial takes 1-D sizes: --image N --kernel K") from None
    if not (1 <= size <= MAX_INSTANCE and 1 <= ksize <= MAX_INSTANCE):
        raise InputError(f"polynomial instance: sizes from 1 to {MAX_INSTANCE}")
    z = sp.Symbol("z")
    xs = sp.symbols(f"x0:{size}")
    hs = sp.symbols(f"h0:{ksize}")
    X = sp.Poly(sum(xs[t] * z ** t for t in range(size)), z)
    H = sp.Poly(sum(hs[t] * z ** t for t in range(ksize)), z)
    Hr = sp.Poly(sum(hs[ksize - 1 - t] * z ** t for t in range(ksize)), z)
    steps = [Step(rf"X(z) H(z) = {sp.latex((X * H).as_expr())}" if size + ksize <= 8 else
                  r"X(z) H(z)", f"SymPy's product of the two polynomials ({size} and "
                  f"{ksize} coefficients)", "X(z) H(z)")]
    for op, prod in (("conv", X * H), ("corr", X * Hr)):
        exp = expand(op, str(size), str(ksize), origin="corner", mode="full",
                     entries="indexed")
        for idx in exp.indices():
            deg = idx[0] if op == "conv" else idx[0] + ksize - 1
            coeff = sp.expand(prod.as_expr().coeff(z, deg))
            expr = exp.expr(idx)
            names = {"x": xs, "h": hs}
            mine = sp.expand(expr.xreplace({a: names[str(a.base)][int(a.indices[0])]
                                            for a in expr.atoms(sp.Indexed)}))
            if sp.expand(coeff - mine) != 0:
                return refuted_plain(TITLE, "polynomial", CLAIM_LATEX, CLAIM_TEXT, steps,
                                     f"{op} output {idx[0]}: {mine} against the coefficient "
                                     f"{coeff}", {"operation": op, "output": list(idx)})
        steps.append(Step(rf"[z^n]\,{'X H' if op == 'conv' else 'X z^{K-1} H(z^{-1})'} = "
                          rf"\operatorname{{{op}}}(x, h)[{'n' if op == 'conv' else 'n-K+1'}]",
                          f"every coefficient equals symconv's {op} output, exactly "
                          f"({size + ksize - 1} outputs)", f"{op}: every coefficient"))
    return Derivation(TITLE, CLAIM_LATEX, CLAIM_TEXT, "proved", "instance", tuple(steps), None,
                      (f"scope instance: N = {size}, K = {ksize}, full mode, indices from 0",),
                      "polynomial")
