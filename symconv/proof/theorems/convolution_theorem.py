"""The convolution theorem and the zero-padding theorem.

1. The DFT diagonalises circular convolution: ``DFT(cconv(x, h)) = DFT(x) . DFT(h)`` for
   length-N signals (indices 0..N-1, ``omega = exp(2 pi i / N)``,
   ``X[f] = sum_n x[n] omega^(-f n)``), and ``cconv = IDFT(DFT(x) . DFT(h))`` by the
   orthogonality of the roots of unity (a geometric sum).
2. Linear convolution is circular convolution after zero padding both signals to
   ``L >= N_x + N_h - 1``; at ``L = N_x + N_h - 2`` the last output wraps around onto the
   first (the counterexample, computed exactly).

All sizes: every step is a check that could fail: SymPy identities in symbols (integer
``f``, ``q``, symbolic ``N``) and, for the index sets, Presburger arithmetic (the
reindexing is a bijection; the wrapped terms of part 2 are empty).  Instance
(``--image N``, kernel at most N, zero padded to N): the DFT of both sides with exact roots
of unity, as polynomials in the entries reduced modulo the cyclotomic polynomial of
``omega`` (its minimal polynomial): equal exactly when the remainder is 0.
"""

from __future__ import annotations

from typing import Any

from ...errors import InputError
from ..derivation import Derivation, Step
from ..options import Options

TITLE = "The convolution theorem: the DFT diagonalises circular convolution; zero padding " \
        "makes circular convolution linear"
USES = frozenset({"image", "kernel", "max_terms"})
CLAIM_LATEX = (r"\mathcal{F}(x \circledast h) = \mathcal{F}(x)\cdot\mathcal{F}(h),\quad "
               r"x \ast h = (x_{\downarrow L} \circledast h_{\downarrow L})[0..N_x+N_h-2]\ "
               r"(L \ge N_x + N_h - 1)")
CLAIM_TEXT = ("DFT(cconv(x, h)) = DFT(x) * DFT(h); conv(x, h) = cconv(pad(x, L), pad(h, L)) "
              "for L >= Nx + Nh - 1")
#: Largest N decided exactly at instance scope (N^2 products of entries times N roots).
MAX_INSTANCE_N = 32


def _presburger_steps() -> list[Step]:
    from ..presburger import Lin, feasible, ge, implies, le, lt

    n, k, N, j, L, Nx, Nh = (Lin.var(v) for v in ("n", "k", "N", "j", "L", "Nx", "Nh"))
    one = Lin.constant(1)
    box = [ge(n, 0), le(n, N - one), ge(k, 0), le(k, N - one)]
    # j = n - k (n >= k) or n - k + N (n < k) lies in 0..N-1; the inverse is (j + k) mod N
    for extra, jj in (([ge(n, k)], n - k), ([lt(n, k)], n - k + N)):
        for goal in (ge(jj, 0), le(jj, N - one)):
            if implies(box + extra, goal) is not None:  # pragma: no cover - a witness
                raise AssertionError("the reindexing is not into 0..N-1")
    # part 2: a wrapped term needs n < k and n - k + L <= Nh - 1: none when L >= Nx + Nh - 1
    wrap = [ge(n, 0), lt(n, k), le(k, Nx - one), ge(L, Nx + Nh - one), ge(Nh, one),
            ge(n - k + L, 0), le(n - k + L, Nh - one)]
    if feasible(wrap) is not None:  # pragma: no cover
        raise AssertionError("a wrapped term survives the padding")
    # outputs past the linear convolution's end read nothing in the circular one either
    tail = [ge(n, Nx + Nh - one), le(n, L - one), ge(k, 0), le(k, n), le(k, Nx - one),
            le(n - k, Nh - one)]
    if feasible(tail) is not None:  # pragma: no cover
        raise AssertionError("an output past the end has a term")
    # and at L = Nx + Nh - 2 a wrapped term exists (n = 0, k = Nx - 1 reads h[Nh - 1])
    short = [ge(n, 0), lt(n, k), le(k, Nx - one), ge(k, 0), ge(Nx, 1), ge(Nh, 1),
             ge(L, 1), ge(L + Lin.constant(2), Nx + Nh), le(L + Lin.constant(2), Nx + Nh),
             ge(n - k + L, 0), le(n - k + L, Nh - one), ge(Nx + Nh, Lin.constant(3))]
    if feasible(short) is None:  # pragma: no cover
        raise AssertionError("no wrapped term at L = Nx + Nh - 2")
    del j
    return [
        Step(r"j = (n - k) \ \mathrm{mod}\ N = \begin{cases} n - k & n \ge k \\ n - k + N & n < k "
             r"\end{cases} \in [0, N-1]",
             "for each k, n -> j is a bijection of 0..N-1 (its inverse is j -> (j + k) mod "
             "N): both cases land in 0..N-1 (Presburger arithmetic, every N)",
             "j = (n - k) mod N reindexes 0..N-1"),
        Step(r"L \ge N_x + N_h - 1,\ 0 \le n < k \le N_x - 1 \Rightarrow n - k + L > N_h - 1",
             "zero padding to L >= Nx + Nh - 1: a term that wraps around (n < k) would read "
             "h at n - k + L, past its last entry: no such term (Presburger arithmetic: the "
             "constraints are infeasible); outputs Nx + Nh - 1 .. L - 1 have no term on "
             "either side",
             "no wrapped term when L >= Nx + Nh - 1"),
        Step(r"L = N_x + N_h - 2:\ n = 0,\ k = N_x - 1 \text{ reads } h[N_h - 1]",
             "one shorter and a wrapped term exists for every Nx + Nh >= 3 (feasible): the "
             "linear convolution's last output lands on output 0",
             "at L = Nx + Nh - 2 the last output wraps onto the first"),
    ]


def _sympy_steps() -> list[Step]:
    import sympy as sp

    f, q, n, m, N, k, j = sp.symbols("f q n m N k j", integer=True)
    def omega_power_is_one(e: Any) -> bool:
        """omega^e = exp(2 pi i e/N) is 1 exactly when e/N is an integer: SymPy decides
        it from the integer symbols (True), never from a number tried."""
        return bool(sp.expand(e / N).is_integer)

    # omega^(-f n) with n = j + k - q N over omega^(-f j) omega^(-f k) is omega^(f q N)
    if not omega_power_is_one(-f * (j + k - q * N) + f * j + f * k):  # pragma: no cover
        raise AssertionError("the roots of unity do not absorb the wrap")
    # orthogonality: (1 - r) sum_{f<N} r^f = 1 - r^N (the sum shifted by one), and for
    # r = omega^(n - m): r^N = exp(2 pi i (n - m)) = 1
    r = sp.Symbol("r")
    geo = (1 - r ** N) / (1 - r)
    if not omega_power_is_one((n - m) * N):  # pragma: no cover
        raise AssertionError("omega^(N(n-m)) is not 1")
    return [
        Step(r"\mathcal{F}(x \circledast h)[f] = \sum_{n=0}^{N-1} \sum_{k=0}^{N-1} x[k]\,"
             r"h[(n-k) \ \mathrm{mod}\ N]\,\omega^{-f n}",
             "the DFT of the circular convolution, omega = exp(2 pi i / N)",
             "DFT(cconv(x,h))[f] = sum_n sum_k x[k] h[(n-k) mod N] w^(-f n)"),
        Step(r"\omega^{-f (j + k - q N)} = \omega^{-f j}\,\omega^{-f k}\,e^{2\pi i f q} = "
             r"\omega^{-f j}\,\omega^{-f k}",
             "with n = j + k - qN (q = 0 or 1): omega^N = 1, and e^(2 pi i f q) = 1 for "
             "integers f, q (SymPy, symbolic N)",
             "w^(-f n) = w^(-f j) w^(-f k)"),
        Step(r"= \sum_{k=0}^{N-1} x[k]\,\omega^{-f k} \sum_{j=0}^{N-1} h[j]\,\omega^{-f j} = "
             r"\mathcal{F}(x)[f]\,\mathcal{F}(h)[f]",
             "the double sum over the product of the two index ranges factors: the DFT "
             "diagonalises circular convolution", "= DFT(x)[f] DFT(h)[f]"),
        Step(rf"\sum_{{f=0}}^{{N-1}} r^f = {sp.latex(geo)}\ (r \ne 1),\quad "
             r"r = \omega^{n-m},\ r^N = e^{2\pi i (n-m)} = 1",
             "the inverse: the geometric sum of the roots of unity (r times the sum is the "
             "sum shifted by one, so (1 - r) times it is 1 - r^N) is N when n = m (mod N) "
             "and 0 otherwise, as r^N = 1 (SymPy, integer n, m), so IDFT(DFT(x) . DFT(h)) "
             "= cconv(x, h)", "sum_f w^(f (n-m)) = N [n == m mod N]"),
    ]


def _wrap_counterexample() -> Step:
    import numpy as np

    x, h = np.array([1, 2]), np.array([1, 3])
    lin = np.convolve(x, h)
    L = len(x) + len(h) - 2
    circ = [sum(int(x[k]) * int(np.pad(h, (0, L - len(h)))[(nn - k) % L])
                for k in range(len(x))) for nn in range(L)]
    return Step(rf"x = [1, 2],\ h = [1, 3]:\ x \ast h = {list(map(int, lin))},\ "
                rf"(x \circledast h)_{{L={L}}} = {circ}",
                f"the wrap-around: padded only to L = {L} = Nx + Nh - 2, the linear "
                f"convolution's last output {int(lin[-1])} is added to its first: "
                f"{int(lin[0])} + {int(lin[-1])} = {circ[0]}",
                f"conv = {list(map(int, lin))}, cconv at L = {L} = {circ}")


def all_sizes(o: Options) -> Derivation:
    sym, pres = _sympy_steps(), _presburger_steps()
    steps = sym[:1] + pres[:1] + sym[1:] + pres[1:] + [_wrap_counterexample()]
    return Derivation(TITLE, CLAIM_LATEX, CLAIM_TEXT, "proved", "all-sizes", tuple(steps), None,
                      ("scope all-sizes: every N and every Nx, Nh, L: the roots-of-unity "
                       "identities by SymPy with symbolic N and integer f, q; the index sets "
                       "by Presburger arithmetic",), "convolution-theorem")


def decided_by_values(o: Options) -> bool:
    return o.image is not None


def instance(o: Options) -> Derivation:
    """DFT(cconv(x, h)) - DFT(x) DFT(h) for symbolic x (length N) and h (zero padded to N),
    reduced modulo the cyclotomic polynomial: zero exactly when the theorem holds."""
    import sympy as sp

    from ..instance import refuted_plain

    try:
        size = int(str(o.image))
        ksize = int(str(o.kernel)) if o.kernel is not None else size
    except ValueError:
        raise InputError("convolution-theorem takes 1-D sizes: --image N [--kernel K], "
                         "K <= N (h is zero padded to N)") from None
    if not 1 <= ksize <= size <= MAX_INSTANCE_N:
        raise InputError(f"convolution-theorem instance: 1 <= kernel <= image <= "
                         f"{MAX_INSTANCE_N}")
    w = sp.Symbol("w")
    xs = sp.symbols(f"x0:{size}")
    hs = list(sp.symbols(f"h0:{ksize}")) + [0] * (size - ksize)
    cyclo = sp.cyclotomic_poly(size, w)

    def dft(v: list[Any], f: int) -> Any:
        return sum(v[t] * w ** ((-f * t) % size) for t in range(size))

    cconv = [sum(xs[k] * hs[(t - k) % size] for k in range(size)) for t in range(size)]
    for f in range(size):
        diff = sp.expand(dft(cconv, f) - dft(list(xs), f) * dft(hs, f))
        rem = sp.rem(sp.Poly(diff, w), sp.Poly(cyclo, w))
        if not rem.is_zero:
            return refuted_plain(TITLE, "convolution-theorem", CLAIM_LATEX, CLAIM_TEXT, [],
                                 f"at frequency {f} the remainder is {rem.as_expr()}",
                                 {"frequency": f})
    steps = [Step(rf"\Phi_{{{size}}}(\omega) = {sp.latex(cyclo.subs(w, sp.Symbol('omega')))}"
                  r" = 0",
                  f"omega = exp(2 pi i / {size}) is a root of the cyclotomic polynomial, its "
                  "minimal polynomial over the rationals: an expression in omega is 0 "
                  "exactly when its remainder modulo it is", f"Phi_{size}(omega) = 0"),
             Step(r"\mathcal{F}(x \circledast h)[f] - \mathcal{F}(x)[f]\,\mathcal{F}(h)[f] "
                  r"\equiv 0 \pmod{\Phi_N}",
                  f"for each of the {size} frequencies, with symbolic x[0..{size - 1}] and "
                  f"h[0..{ksize - 1}] (zero padded to {size}): the difference, a polynomial "
                  "in omega and the entries, leaves remainder 0",
                  f"{size} frequencies: remainder 0")]
    return Derivation(TITLE, CLAIM_LATEX, CLAIM_TEXT, "proved", "instance", tuple(steps), None,
                      (f"scope instance: N = {size}, kernel {ksize} zero padded; exact roots "
                       "of unity",), "convolution-theorem")
