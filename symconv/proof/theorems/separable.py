"""Separable kernels: a rank-one 2-D kernel ``h = u v^T`` is a column pass then a row pass.

All sizes: a column ``u`` (K1 x 1) convolved with a row ``v`` (1 x K2) is the outer product
``u v^T`` (one term per entry), and ``conv(x, conv(u, v)) = conv(conv(x, u), v)`` (and the
correlation's ``corr(x, conv(u, v)) = corr(corr(x, u), v)``) is decided by the claim engine
for every image size and every size of ``u`` and ``v`` (each its own).  With ``--h``: whether
the given kernel is rank one, decided exactly in one pass over its entries (every 2 x 2 minor
through its first non-zero entry vanishes), its factors ``u`` and ``v`` as exact rationals,
``conv(u, v) = h`` decided with those values, and the two passes for symbolic ``u`` and
``v`` instantiated at them (an identity of polynomials holds at every value), so the proof
costs the same for a 3 x 3 and a 1000 x 1000 kernel apart from reading it.  A kernel of
higher rank is refuted with a non-zero 2 x 2 minor and its exact rank (up to
:data:`EXACT_RANK_COST`; above, "at least 2")."""

from __future__ import annotations

from typing import Any

from ...errors import InputError
from ...limits import MAX_SEPARABLE_ENTRIES
from ..derivation import Derivation, Step
from ..options import Options

TITLE = "Separable kernels: a rank-one 2-D kernel u v^T is a column pass then a row pass"
#: No --image: with --h the two passes are decided for every image size.
USES = frozenset({"dims", "origin", "h", "max_terms"})
CLAIM_LATEX = (r"h = u\,v^{\top} \Rightarrow x \ast h = (x \ast u) \ast v,\ "
               r"x \star h = (x \star u) \star v")
CLAIM_TEXT = "h = u v^T => conv(x, h) = conv(conv(x, u), v), corr(x, h) = corr(corr(x, u), v)"
PASSES = ("conv(x, conv(u, v)) == conv(conv(x, u), v)",
          "corr(x, conv(u, v)) == corr(corr(x, u), v)")


def refuse(o: Options) -> None:
    if o.dims not in (None, 2):
        raise InputError("separable kernels are 2-D (--dims 2)")


def decided_by_values(o: Options) -> bool:
    return o.h is not None


def _outer_step() -> Step:
    return Step(r"\operatorname{conv}(u, v)[i, j] = u[i, 0]\,v[0, j] = (u v^{\top})[i, j]",
                "a column u (K1 x 1) convolved with a row v (1 x K2): each output has exactly "
                "one term, the product of one entry of each: the outer product (with centred "
                "indices the size-1 axes sit at 0, so the index ranges are h's)",
                "conv(u, v) = u v^T for a column u and a row v")


def _passes(o: Options, why: str, detail: bool = True) -> list[Step] | Derivation:
    """The two passes for symbolic u and v of every size (each its own) and every image
    size, with the claim engine's steps when ``detail``; the engine's derivation if it does
    not prove them."""
    from ..claims import prove_claim

    steps: list[Step] = []
    for text in PASSES:
        d = prove_claim(text, dims=2, origin=o.origin or "center", max_terms=o.max_terms,
                        distinct_sizes=True)
        if d.verdict != "proved" or d.scope != "all-sizes":  # pragma: no cover - proved
            return d
        steps.append(Step(d.claim_latex, why.format(claim=text), d.claim_text))
        if detail:
            steps += list(d.steps[1:])
    return steps


def all_sizes(o: Options) -> Derivation:
    passes = _passes(o, "two passes: {claim}")
    if isinstance(passes, Derivation):  # pragma: no cover - proved
        return passes
    steps = [_outer_step(), *passes]
    return Derivation(TITLE, CLAIM_LATEX, CLAIM_TEXT, "proved", "all-sizes", tuple(steps), None,
                      ("scope all-sizes: every image size and every size of u and v (each "
                       "its own), by the claim engine in integer linear arithmetic; u a "
                       "column and v a row make conv(u, v) the rank-one kernel u v^T",),
                      "separable")


#: Kernels with more entries than this are named in the derivation, not printed again.
SHOWN_ENTRIES = 1_024
#: The exact rank of a kernel that is not rank one is computed when elimination is cheap:
#: rational entries (fraction-free over the integers, after clearing each row's
#: denominators) when ``side_min^2 * side_max * (1 + bits/64)^2`` is at most
#: :data:`EXACT_RANK_COST` (``bits``: the largest cleared entry's; measured about 2 s at
#: 1.5M: a 64 x 64 kernel of 62-bit integers, or 100 x 100 of small ones), other exact
#: values (surds, symbols) up to :data:`EXACT_RANK_SYMBOLIC` entries (a 3 x 3's determinant
#: tested for zero; SymPy's symbolic elimination took minutes for 5 x 5 symbols).  Otherwise the
#: non-zero 2 x 2 minor refutes and the rank is reported as at least 2.
EXACT_RANK_COST = 1_500_000
EXACT_RANK_SYMBOLIC = 9
#: Kernels with other exact values than rationals (one exact zero test per entry; parsing
#: 1,024 surds takes about a second).
MAX_SYMBOLIC_ENTRIES = 1_024


class Undecided(Exception):
    """An entry or a minor could be neither shown zero nor shown non-zero."""


def factors(h: Any) -> tuple[int | None, Any, Any, tuple[int, int, int, int] | None]:
    """``(rank, u, v, minor)``: for rank one the column ``u`` (h's first non-zero column)
    and the row ``v`` with ``u v^T = h`` (SymPy matrices); for a higher rank the rows and
    columns of a non-zero 2 x 2 minor, and the exact rank (None where it is not computed:
    then only "at least 2" is known; see :data:`EXACT_RANK_COST`).

    With ``p = h[r0, c0]`` the first non-zero entry (rows before ``r0`` are zero), ``h`` has
    rank one exactly when every minor through ``p`` vanishes: then ``h[r, c] = h[r, c0]
    h[r0, c] / p`` everywhere.  So the test and the minor take one pass over the entries,
    not a search over all 2 x 2 minors.  Small integers use NumPy's int64, rationals Python
    fractions; any other exact value (a surd, a symbol) is tested with symconv's exact zero
    test (a symbolic entry is zero when it is zero for every value of its symbols).  Binary
    floats are refused (the decision is exact); :class:`Undecided` when a zero test cannot
    be settled."""
    import numpy as np
    import sympy as sp

    if np.asarray(h).ndim != 2:
        raise InputError("--h must be a 2-D kernel (rows separated by ';')")
    if np.asarray(h).size == 0:
        raise InputError("--h is empty: give at least one entry")
    ints = _small_integers(h)
    if ints is not None:
        return _integer_factors(ints)
    arr = np.asarray(h, dtype=object)
    rows = _fractions(arr)
    rational = rows is not None
    if rows is None:
        if any(isinstance(e, float | complex | np.inexact) for e in arr.flat):
            raise InputError("--h holds binary floats: separability is decided exactly; give "
                             "exact values (integers, decimals or fractions as text, surds, "
                             "symbols), not a float .npy")
        if arr.size > MAX_SYMBOLIC_ENTRIES:
            raise InputError(f"--h has {arr.size:,} entries with surds or symbols, over the "
                             f"limit of {MAX_SYMBOLIC_ENTRIES:,} for exact zero tests")
        rows = [[sp.sympify(e) for e in row] for row in arr.tolist()]

    def zero(e: Any) -> bool:
        return bool(e == 0) if rational else _symbolic_zero(e)

    n_rows, n_cols = arr.shape
    pivot = next(((r, c) for r in range(n_rows) for c in range(n_cols)
                  if not zero(rows[r][c])), None)
    if pivot is None:  # the zero kernel: 0 = 0 0^T
        return 0, sp.zeros(n_rows, 1), sp.zeros(1, n_cols), None
    r0, c0 = pivot
    p, top = rows[r0][c0], rows[r0]
    minor = next(((r0, r1, min(c0, c1), max(c0, c1))
                  for r1 in range(r0 + 1, n_rows) for c1 in range(n_cols)
                  if c1 != c0 and not zero(p * rows[r1][c1] - top[c1] * rows[r1][c0])),
                 None)
    if minor is not None:
        rank: int | None = None
        if rational:
            rank = _integer_rank([_cleared(row) for row in rows])
        elif not rational and arr.size <= EXACT_RANK_SYMBOLIC:
            # a non-zero minor makes it 2 when a side is 2; a 3 x 3 is 3 exactly when its
            # determinant is not zero (one exact zero test, not a symbolic elimination)
            rank = 2 if min(n_rows, n_cols) == 2 else \
                2 + (not _symbolic_zero(sp.Matrix(rows).det(method="berkowitz")))
        return rank, None, None, minor
    if rational:
        u = sp.Matrix([[sp.Rational(row[c0].numerator, row[c0].denominator)] for row in rows])
        v = sp.Matrix([[sp.Rational(e.numerator, e.denominator) for e in top]]) / \
            sp.Rational(p.numerator, p.denominator)
    else:
        u = sp.Matrix([[row[c0]] for row in rows])
        v = sp.Matrix([[sp.cancel(e / p) for e in top]])
    return 1, u, v, None


def _symbolic_zero(e: Any) -> bool:
    """Exactly zero (for every value of its symbols): a constant by symconv's exact zero test
    (:func:`~symconv.proof.exact.constant_zero`), an expression in symbols when its
    numerator is the zero polynomial in them (every coefficient exactly zero).
    :class:`Undecided` when a coefficient cannot be settled or the expression is not a
    rational function of its symbols."""
    import sympy as sp

    from ..exact import coefficients_zero, constant_zero

    e = sp.expand(e)
    if e == 0:
        return True
    if not e.free_symbols:
        z = constant_zero(e)
    else:
        syms = sorted(e.free_symbols, key=str)
        num = sp.expand(sp.fraction(sp.together(e))[0])
        try:
            z = coefficients_zero(num, syms) if num != 0 else True
        except sp.PolynomialError:
            # not a polynomial (sqrt(t), say): non-zero when it is at some value, exactly
            for k in range(1, 4):
                at = e.subs({v: sp.Rational(2 * k + i, 3 * k + 2 * i + 1)
                             for i, v in enumerate(syms)})
                if constant_zero(sp.expand(at)) is False:
                    return False
            raise Undecided(f"whether {e} is zero (not a polynomial in its symbols)") from None
    if z is None:
        raise Undecided(f"whether {e} is zero")
    return z


def _cleared(row: list[Any]) -> list[int]:
    """A row of fractions times the lowest common multiple of its denominators: integers,
    the same rank."""
    from math import lcm

    m = lcm(*(f.denominator for f in row))
    return [int(f * m) for f in row]


def _integer_rank(rows: list[list[int]]) -> int | None:
    """The exact rank of an integer matrix, or None when its elimination would cost over
    :data:`EXACT_RANK_COST` (see there)."""
    import sympy as sp
    from sympy.polys.matrices import DomainMatrix

    n_rows, n_cols = len(rows), len(rows[0])
    bits = max(abs(int(e)).bit_length() for row in rows for e in row)
    small, large = sorted((n_rows, n_cols))
    if small * small * large * (1 + bits / 64) ** 2 > EXACT_RANK_COST:
        return None
    return int(DomainMatrix([[sp.ZZ(int(e)) for e in row] for row in rows],
                            (len(rows), len(rows[0])), sp.ZZ).rank())


def _small_integers(h: Any) -> Any:
    """``h`` as an int64 array when it is an integer (or boolean) array whose products of
    two entries cannot overflow (``-2**31 < h < 2**31``), else None."""
    import numpy as np

    arr = np.asarray(h)
    if arr.dtype.kind not in "iub" or arr.size == 0:
        return None
    if arr.dtype.kind == "b":
        arr = arr.astype(np.int64)
    if int(arr.max()) >= 2**31 or int(arr.min()) <= -2**31:  # no abs(): -2**63 overflows
        return None
    return arr.astype(np.int64)


def _integer_factors(a: Any) -> tuple[int | None, Any, Any, tuple[int, int, int, int] | None]:
    """:func:`factors` for a small-integer array, with NumPy's exact int64 arithmetic (every
    product of two entries is below 2**62 in size): the same pivot, minor and factors."""
    import numpy as np
    import sympy as sp

    n_rows, n_cols = a.shape
    nz = np.flatnonzero(a)
    if nz.size == 0:
        return 0, sp.zeros(n_rows, 1), sp.zeros(1, n_cols), None
    r0, c0 = divmod(int(nz[0]), n_cols)
    p = int(a[r0, c0])
    minors = p * a[r0 + 1:] - np.outer(a[r0 + 1:, c0], a[r0])  # rows after r0 (before: 0)
    bad = np.flatnonzero(minors)
    if bad.size:
        r1, c1 = divmod(int(bad[0]), n_cols)
        rank: int | None = None
        rank = _integer_rank(a.tolist())
        return rank, None, None, (r0, r0 + 1 + r1, min(c0, c1), max(c0, c1))
    u = sp.Matrix([[int(e)] for e in a[:, c0].tolist()])
    v = sp.Matrix([[sp.Rational(int(e), p) for e in a[r0].tolist()]])
    return 1, u, v, None


def _fractions(arr: Any) -> list[list[Any]] | None:
    """The entries as :class:`fractions.Fraction` when every one is an integer or a fraction
    (what symconv's exact parser gives; booleans as 0 and 1), else None."""
    from fractions import Fraction
    from numbers import Integral

    out = []
    for row in arr.tolist():
        conv = []
        for e in row:
            if isinstance(e, Integral | Fraction):
                conv.append(Fraction(int(e)) if isinstance(e, Integral) else e)
            else:
                return None
        out.append(conv)
    return out


def _exact(x: Any) -> Any:
    """A SymPy number as the claim engine's exact value (int or Fraction when rational)."""
    from fractions import Fraction

    import sympy as sp

    if isinstance(x, sp.Integer):
        return int(x)
    if isinstance(x, sp.Rational):
        return Fraction(int(x.p), int(x.q))
    return x


def instance(o: Options) -> Derivation:
    """The given kernel (--h): rank one or not, exactly; its factors; the two passes."""
    import numpy as np
    import sympy as sp

    from ...errors import LimitError
    from ...index.relation import check_limit
    from ...index.signal import parse_values
    from ...limits import check_memory
    from ..claims import prove_claim, undecided_values
    from ..instance import refuted_plain

    if o.h is None:
        raise InputError("separable at instance scope decides a given kernel: give --h (rows "
                         "separated by ';')")
    raw = parse_values(o.h, "kernel values")
    if raw.ndim < 2:
        raw = raw.reshape(1, -1)  # one row (a 1-D kernel: rank one at most)
    if raw.ndim != 2:
        raise InputError("--h must be a 2-D kernel (rows separated by ';')")
    if raw.size > MAX_SEPARABLE_ENTRIES:
        raise InputError(f"--h has {raw.size:,} entries, over the limit of "
                         f"{MAX_SEPARABLE_ENTRIES:,} for deciding separability exactly")
    need = 2 * raw.size  # conv(u, v) == h: one term and one output per entry
    if need > check_limit(o.max_terms):
        raise LimitError(f"checking conv(u, v) == h for this {raw.shape[0]} x {raw.shape[1]} "
                         f"kernel takes {need:,} terms and outputs, over the limit of "
                         f"{check_limit(o.max_terms):,}; raise it with --max-terms {need}")
    check_memory(raw.size, f"deciding this {raw.shape[0]} x {raw.shape[1]} kernel", per=400)
    if raw.dtype.kind == "b":
        raw = raw.astype(np.int64)  # booleans as the numbers 0 and 1
    try:
        rank, u, v, minor = factors(raw)
    except Undecided as exc:
        return undecided_values(CLAIM_LATEX, CLAIM_TEXT, [], str(exc), "instance", TITLE,
                                "separable")
    h = np.asarray(raw, dtype=object)
    shape = f"{h.shape[0]} x {h.shape[1]}"
    if h.size <= SHOWN_ENTRIES:
        steps = [Step(rf"h = {sp.latex(sp.Matrix(h.tolist()))}", f"the kernel ({shape}), exact",
                      f"h = {h.tolist()}")]
    else:  # a large kernel is the user's own input: named, not printed again
        steps = [Step(rf"h \in \mathbb{{R}}^{{{h.shape[0]} \times {h.shape[1]}}}",
                      f"the kernel ({shape}, {h.size:,} exact entries, not repeated here: "
                      f"over {SHOWN_ENTRIES:,})", f"h: the given {shape} kernel")]
    if minor is not None:  # rank 2 or more
        where = (f"the 2 x 2 minor of rows {minor[0]}, {minor[1]} and columns {minor[2]}, "
                 f"{minor[3]} is not zero")
        generic = any(getattr(e, "free_symbols", None) for e in h.flat)
        why = (f"h has rank {rank} (exact), not 1: {where}; it is a sum of {rank} separable "
               "kernels (u_i v_i^T), not one" if rank is not None else
               f"h has rank at least 2, not 1: {where} (the exact rank is computed for "
               f"smaller kernels); it is a sum of several separable kernels (u_i v_i^T), "
               "not one") + ("; as a matrix of expressions in its symbols: particular "
                            "values of them may make it rank one" if generic else "")
        return refuted_plain(TITLE, "separable", CLAIM_LATEX, CLAIM_TEXT, steps, why,
                             {"rank": rank, "rank_at_least": rank or 2, "minor": list(minor)})
    steps.append(Step(rf"u = {sp.latex(u)},\quad v^{{\top}} = {sp.latex(v)}",
                      ("rank one: every 2 x 2 minor through h's first non-zero entry is zero, "
                       "exactly; u is that entry's column, v its row divided by the entry; "
                       "u v^T = h exactly" if rank else
                       "the zero kernel (rank 0): u = 0 and v = 0"),
                      f"u = {list(u)}, v = {list(v)}"))
    let = {"h": h, "u": np.array([[_exact(a)] for a in u], dtype=object),
           "v": np.array([[_exact(a) for a in v]], dtype=object)}
    # conv(u, v) == h with these values: every array fixed, so the decision at u's and v's
    # shapes is the whole claim (one term per entry)
    d = prove_claim("conv(u, v) == h", origin=o.origin or "center", max_terms=o.max_terms,
                    image=f"{h.shape[0]}x1", kernel=f"1x{h.shape[1]}", let=let)
    if d.verdict != "proved":  # never a false verdict: say what could not be shown
        return undecided_values(CLAIM_LATEX, CLAIM_TEXT, steps, "conv(u, v) == h was "
                                f"{d.verdict} with these values", "instance", TITLE,
                                "separable")
    steps.append(Step(d.claim_latex, "with these u and v: the column u convolved with the row "
                      "v is h (each entry one product u[i] v[j], at h's own indices)",
                      d.claim_text))
    # the two passes for symbolic u and v of every size, then these values substituted: an
    # identity of polynomials in u's and v's entries holds at every value of them, so the
    # image-size-wide proof is the symbolic one, not one case per kernel entry
    passes = _passes(o, "proved for symbolic u and v of every size (each its own) and every "
                        "image size, in integer linear arithmetic (its steps: symconv prove "
                        "separable)", detail=False)
    if isinstance(passes, Derivation):  # pragma: no cover - proved
        return passes
    steps += passes
    steps.append(Step(r"x \ast h = (x \ast u) \ast v,\quad x \star h = (x \star u) \star v",
                      "substituting these u and v (a K1 x 1 column and a 1 x K2 row) and "
                      "conv(u, v) = h into the two identities: they hold as polynomials in "
                      "u's and v's entries, so at these values too",
                      "conv(x, h) == conv(conv(x, u), v), corr(x, h) == corr(corr(x, u), v)"))
    k1, k2 = h.shape
    cost = (f"{k1} + {k2} multiplications per output instead of {k1 * k2}" if k1 > 1 and k2 > 1
            else "no saving: one axis of h has size 1")
    notes = [f"h = u v^T with u = {list(u)}, v = {list(v)}; the 2-D operation is a column "
             f"pass with u then a row pass with v ({cost})",
             "scope all-sizes: every image size; conv(u, v) = h decided with these values, the "
             "two passes for symbolic u and v of every size in integer linear arithmetic, then "
             "these values substituted"]
    pivot = sp.sympify(u[[i for i in range(k1) if u[i] != 0][0]]) if rank else sp.Integer(1)
    if pivot.free_symbols:
        notes.append(f"v divides by h's first non-zero entry, {pivot}: this holds where it is "
                     "not zero")
    return Derivation(TITLE, CLAIM_LATEX, CLAIM_TEXT, "proved", "all-sizes", tuple(steps), None,
                      tuple(notes), "separable")
