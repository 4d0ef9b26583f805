"""The all-sizes engine: index relations with symbolic sizes, proved equal with SymPy.

Per spatial axis the relation is ``i = s*m + sigma*d*k + c`` on intervals whose ends are SymPy
expressions in ``N, K, s, d, p, alpha, beta`` (image and kernel origins included), built by
:func:`sym_axis`, the symbolic twin of the core's ``ops._axis`` (the tests hold the two
together on many numbers).  Two relations are the same set when the equations agree after the
change of variables and every interval end agrees; each agreement is a SymPy identity
(``expand`` after writing ``ceil(u)`` as ``-floor(-u)``) shown as a step by
:func:`prove_same`.  If an identity is not established it raises :class:`Beyond` and the
theorem falls back to the instance scope, saying so in the notes.  An N-dimensional relation
is the product of its axes (the core builds it that way), so the per-axis proof covers every
number of dimensions.  SymPy is imported on first use (:func:`load_sympy`), not at import.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from ..errors import InputError
from ..index.ops import OPERATIONS
from .derivation import Step
from .options import Options

#: Families of output windows the all-sizes engine handles (SciPy modes; PyTorch padding).
FAMILIES = ("full", "valid", "same", "padding")

SUM_I = r"\sum_{i=-\infty}^{\infty}"
SUM_M = r"\sum_{m=-\infty}^{\infty}"
SUM_K = r"\sum_{k=-\infty}^{\infty}"


class Beyond(Exception):
    """The all-sizes engine cannot establish a step (the theorem falls back to instance)."""



@functools.cache
def load_sympy() -> Any:
    import sympy

    return sympy


@functools.cache
def syms() -> dict[str, Any]:
    sp = load_sympy()
    pos = dict(integer=True, positive=True)
    nonneg = dict(integer=True, nonnegative=True)
    return {
        "N": sp.Symbol("N", **pos), "K": sp.Symbol("K", **pos),
        "s": sp.Symbol("s", **pos), "d": sp.Symbol("d", **pos),
        "pl": sp.Symbol("p_l", **nonneg), "pr": sp.Symbol("p_r", **nonneg),
        "p": sp.Symbol("p", **nonneg),
        "alpha": sp.Symbol("alpha", integer=True), "beta": sp.Symbol("beta", integer=True),
        "m": sp.Symbol("m", integer=True), "i": sp.Symbol("i", integer=True),
        "k": sp.Symbol("k", integer=True), "j": sp.Symbol("j", integer=True),
        "t": sp.Symbol("t", integer=True),
        "q": sp.Symbol("q", **nonneg), "r": sp.Symbol("r", **nonneg),
        "M": sp.Symbol("M", **pos), "kappa": sp.Symbol("kappa", **nonneg),
    }


def norm(e: Any) -> Any:
    """A canonical form for identities with floors: ``ceil(u) = -floor(-u)``, arguments
    expanded, then the whole expanded."""
    sp = load_sympy()
    e = sp.sympify(e)
    e = e.replace(sp.ceiling, lambda u: -sp.floor(sp.expand(-u)))
    e = e.replace(sp.floor, lambda u: sp.floor(sp.expand(u)))
    return sp.expand(e)


def is_zero(e: Any) -> bool:
    """True only when SymPy establishes ``e == 0`` (False means: not established)."""
    sp = load_sympy()
    z = norm(e)
    if z == 0:
        return True
    try:
        return bool(sp.simplify(z) == 0)
    except Exception:  # pragma: no cover - SymPy gives up
        return False


def _tidy(e: Any) -> Any:
    """Floors and ceilings with one fraction inside: (N + alpha - d beta - 1)/s."""
    sp = load_sympy()
    e = sp.sympify(e)

    def tidy(u: Any) -> Any:
        num, den = sp.fraction(sp.together(u))
        return sp.Mul(sp.expand(num), sp.Pow(den, -1), evaluate=False) if den != 1 else \
            sp.expand(num)

    e = e.replace(sp.floor, lambda u: sp.floor(tidy(u), evaluate=False))
    return e.replace(sp.ceiling, lambda u: sp.ceiling(tidy(u), evaluate=False))


def tex(e: Any) -> str:
    """LaTeX of an expression (floors and ceilings tidied)."""
    return str(load_sympy().latex(_tidy(e)))


def txt(e: Any) -> str:
    """Plain text of an expression, for terminals (floors and ceilings tidied)."""
    return str(_tidy(e)).replace("*", " ").replace("ceiling", "ceil")


@dataclass(frozen=True)
class SymAxis:
    """One axis of a relation, symbolically: ``i = S*m + sigma*D*k + C`` and the boxes."""

    S: Any
    sigma: int
    D: Any
    C: Any
    m_lo: Any
    m_hi: Any
    i_lo: Any
    i_hi: Any
    k_lo: Any
    k_hi: Any
    assumptions: tuple[str, ...] = ()


def sym_axis(op: str, family: str, N: Any = None, K: Any = None, s: Any = None,
             d: Any = None, alpha: Any = None, beta: Any = None, pl: Any = None,
             pr: Any = None, out_origin: str = "corner") -> SymAxis:
    """The symbolic twin of ``ops._axis`` (SciPy convention; zero padding).

    ``family`` is a mode (``full``/``valid``/``same``: natural output indices) or
    ``padding`` (PyTorch: the output runs where the kernel fits the padded image).
    """
    sp = load_sympy()
    S_ = syms()
    N = S_["N"] if N is None else N
    K = S_["K"] if K is None else K
    s = S_["s"] if s is None else s
    d = S_["d"] if d is None else d
    alpha = S_["alpha"] if alpha is None else alpha
    beta = S_["beta"] if beta is None else beta
    sigma = OPERATIONS[op].sigma
    if sigma > 0:
        f_lo, f_hi = d * beta, d * (beta + K - 1)
    else:
        f_lo, f_hi = -d * (beta + K - 1), -d * beta
    ke = d * (K - 1) + 1
    assumptions: list[str] = []
    if family != "padding":
        full_lo = alpha - f_hi
        if family == "full":
            w_lo, length = full_lo, N + ke - 1
        elif family == "valid":
            w_lo, length = full_lo + ke - 1, N - ke + 1
            assumptions.append(r"N \geq d(K-1)+1")
        elif family == "same":
            w_lo, length = full_lo + sp.floor((ke - 1) / 2), N
        else:
            raise InputError(f"bad family {family!r}")
        w_hi = w_lo + length - 1
        m_lo, m_hi = sp.ceiling(w_lo / s), sp.floor(w_hi / s)
        C = sp.Integer(0)
    else:
        pl = S_["pl"] if pl is None else pl
        pr = S_["pr"] if pr is None else pr
        count = sp.floor((N + pl + pr - ke) / s) + 1
        assumptions.append(r"N + p_l + p_r \geq d(K-1)+1")
        c0 = alpha - pl - f_lo
        oo = sp.Integer(0) if out_origin == "corner" else sp.floor(count / 2)
        m_lo, C = -oo, c0 + s * oo
        m_hi = m_lo + count - 1
    if OPERATIONS[op].reflect:
        return SymAxis(-s, sigma, d, C, -m_hi, -m_lo, alpha, alpha + N - 1, beta, beta + K - 1,
                       tuple(assumptions))
    return SymAxis(s, sigma, d, C, m_lo, m_hi, alpha, alpha + N - 1, beta, beta + K - 1,
                   tuple(assumptions))


@dataclass(frozen=True)
class SymSet:
    """A set of integer triples: ``eq == 0`` and ``lo <= var <= hi`` for each variable."""

    eq: Any
    bounds: dict[str, tuple[Any, Any]] = field(default_factory=dict)

    @staticmethod
    def of(ax: SymAxis) -> SymSet:
        S_ = syms()
        m, i, k = S_["m"], S_["i"], S_["k"]
        return SymSet(i - (ax.S * m + ax.sigma * ax.D * k + ax.C),
                      {"m": (ax.m_lo, ax.m_hi), "i": (ax.i_lo, ax.i_hi),
                       "k": (ax.k_lo, ax.k_hi)})

    def rename(self, mapping: dict[str, str]) -> SymSet:
        """Rename the variables (``{'m': 'k', ...}``), simultaneously."""
        S_ = syms()
        sp = load_sympy()
        tmp = {v: sp.Symbol(f"_tmp_{v}", integer=True) for v in mapping}
        eq = self.eq.subs({S_[v]: tmp[v] for v in mapping}, simultaneous=True)
        eq = eq.subs({tmp[v]: S_[w] for v, w in mapping.items()}, simultaneous=True)
        bounds = {mapping.get(v, v): b for v, b in self.bounds.items()}
        return SymSet(eq, bounds)

    def negate(self, var: str) -> SymSet:
        """Substitute ``var -> -var`` (a reflection of that index)."""
        S_ = syms()
        v = S_[var]
        lo, hi = self.bounds[var]
        b = dict(self.bounds)
        b[var] = (-hi, -lo)
        return SymSet(self.eq.subs(v, -v), b)


def lin_tex(e: Any, printer: Callable[[Any], str] | None = None) -> str:
    """``i - s m - d k - c`` in the order people write it (SymPy sorts its own way)."""
    tex_ = tex if printer is None else printer
    sp = load_sympy()
    S_ = syms()
    e = sp.expand(e)
    order = [S_["i"], S_["m"], S_["k"], S_["j"], S_["t"]]
    parts: list[tuple[Any, str]] = []
    rest = e
    for v in order:
        c = e.coeff(v)
        if c != 0:
            parts.append((c, v.name))
            rest = sp.expand(rest - c * v)
    out = ""
    for c, name in parts:
        neg = c.could_extract_minus_sign()
        mag = -c if neg else c
        lp, rp = (r"\left(", r"\right)") if printer is None else ("(", ")")
        body = (tex_(mag) if mag.is_Atom else f"{lp}{tex_(mag)}{rp}") + " " + name \
            if mag != 1 else name
        out += (" - " if neg and out else "-" if neg else (" + " if out else "")) + body
    if rest != 0 or not out:
        neg = rest.could_extract_minus_sign()
        mag = -rest if neg else rest
        lp, rp = (r"\left(", r"\right)") if printer is None else ("(", ")")
        piece = tex_(mag) if (mag.is_Atom or mag.is_Mul or mag.is_Pow) else \
            f"{lp}{tex_(mag)}{rp}"
        out += (" - " if neg and out else "-" if neg else (" + " if out else "")) + piece
    return out


def prove_same(a: SymSet, b: SymSet, label_a: str, label_b: str) -> list[Step]:
    """Steps showing ``a`` and ``b`` are the same set of triples, or raise :class:`Beyond`."""
    sp = load_sympy()
    S_ = syms()
    steps: list[Step] = []
    lam = None
    for var in ("i", "m", "k"):
        ca, cb = sp.expand(a.eq).coeff(S_[var]), sp.expand(b.eq).coeff(S_[var])
        if ca != 0 and cb != 0:
            lam = sp.simplify(cb / ca)
            break
    if lam is None or not is_zero(b.eq - lam * a.eq):
        raise Beyond(f"the index equations of {label_a} and {label_b} are not shown to agree: "
                     f"{a.eq} = 0 and {b.eq} = 0")
    steps.append(Step(
        f"{lin_tex(b.eq)} = {tex(lam) if lam not in (1, -1) else ('-' if lam == -1 else '')}"
        + (rf"\left({lin_tex(a.eq)}\right)" if lam != 1 else lin_tex(a.eq)),
        f"The index equation of {label_b} is the one of {label_a}"
        + ("" if lam == 1 else f" times ${tex(lam)}$") + ": their difference expands to 0.",
        f"{lin_tex(b.eq, txt)} = 0  <=>  {lin_tex(a.eq, txt)} = 0"))
    for var in ("m", "i", "k"):
        if var not in a.bounds or var not in b.bounds:
            raise Beyond(f"no bounds for {var}")
        (alo, ahi), (blo, bhi) = a.bounds[var], b.bounds[var]
        for x, y, side in ((alo, blo, "lowest"), (ahi, bhi, "highest")):
            if not is_zero(x - y):
                raise Beyond(f"the {side} {var} of {label_a} ({x}) and of {label_b} ({y}) are "
                             "not shown to agree")
        lo, hi = sp.simplify(blo), sp.simplify(bhi)
        steps.append(Step(
            f"{tex(lo)} \\leq {var} \\leq {tex(hi)}",
            f"The range of ${var}$ in {label_b} is its range in {label_a}: each end's "
            "difference simplifies to 0.",
            f"{txt(lo)} <= {var} <= {txt(hi)}"))
    return steps


def families(o: Options) -> list[str]:
    if o.mode is not None:
        return [o.mode]
    if o.padding is not None:
        return ["padding"]
    return list(FAMILIES)


def axis_intro(fam: str) -> str:
    return {"full": "Case mode full (NumPy, SciPy), outputs at their natural indices.",
            "valid": "Case mode valid (NumPy, SciPy), outputs at their natural indices.",
            "same": "Case mode same (SciPy), outputs at their natural indices.",
            "padding": r"Case PyTorch padding $p_l, p_r$, outputs counted from 0."}[fam]


def axis_tex(ax: SymAxis, x: str = "x", h: str = "h", y: str = "y") -> str:
    S_ = syms()
    rhs = lin_tex(ax.S * S_["m"] + ax.sigma * ax.D * S_["k"] + ax.C)
    return (f"{y}[m] = {SUM_K} {x}[{rhs}]\\,{h}[k],\\quad {tex(ax.m_lo)} \\leq m \\leq "
            f"{tex(ax.m_hi)}")


def axis_txt(ax: SymAxis, x: str = "x", h: str = "h", y: str = "y") -> str:
    S_ = syms()
    rhs = lin_tex(ax.S * S_["m"] + ax.sigma * ax.D * S_["k"] + ax.C, txt)
    return f"{y}[m] = sum_k {x}[{rhs}] {h}[k],  {txt(ax.m_lo)} <= m <= {txt(ax.m_hi)}"


def product_step(nd: int) -> Step:
    return Step(r"R = R_1 \times R_2 \times \cdots \times R_D",
                "The relation of a $D$-dimensional operation is the product of its per-axis "
                "relations (each axis with its own stride, dilation, padding and size), so "
                "the identities below, shown for one axis, hold on every axis and for every "
                f"number of dimensions (here ${nd}$).", "R = R_1 x ... x R_D")


def assume_step(assumptions: Sequence[str], fam: str) -> list[Step]:
    base = (r"N, K, s, d \geq 1,\ \alpha, \beta \in \mathbb{Z}"
            + (r",\ p_l, p_r \geq 0" if fam == "padding" else ""))
    extra = ",\\ ".join(assumptions)
    return [Step(base + (",\\ " + extra if extra else ""),
                 r"Symbols: the image has $N$ pixels from index $\alpha$, the kernel $K$ "
                 r"taps from index $\beta$ (the centre and corner origins are special "
                 r"cases), stride $s$, dilation $d$"
                 + (r", padding $p_l, p_r$." if fam == "padding" else "."),
                 "N, K, s, d >= 1; alpha, beta integers"
                 + ("; p_l, p_r >= 0" if fam == "padding" else ""))]



def families_note(o: Options) -> str:
    return ("scope all-sizes: for every image size N, kernel size K, origin, stride s, "
            "dilation d (and padding p_l, p_r) in the families "
            + ", ".join(families(o)) + "; per axis, hence in every dimension")
