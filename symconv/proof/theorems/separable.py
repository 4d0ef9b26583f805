"""Separable kernels: a rank-one 2-D kernel ``h = u v^T`` is a column pass then a row pass.

All sizes: a column ``u`` (K1 x 1) convolved with a row ``v`` (1 x K2) is the outer product
``u v^T`` (one term per entry), and ``conv(x, conv(u, v)) = conv(conv(x, u), v)`` (and the
correlation's ``corr(x, conv(u, v)) = corr(corr(x, u), v)``) is decided by the claim engine
for every image size and every size of ``u`` and ``v`` (each its own).  With ``--h``: whether
the given kernel is rank one, decided exactly (SymPy's rank over the rationals), its factors
``u`` and ``v`` as exact rationals, and the two passes proved equal to the 2-D operation for
every image size with those values; a kernel of higher rank is refuted with its rank and a
non-zero 2 x 2 minor.
"""

from __future__ import annotations

from typing import Any

from ...errors import InputError
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


def all_sizes(o: Options) -> Derivation:
    from ..claims import prove_claim

    steps = [_outer_step()]
    for text in PASSES:
        d = prove_claim(text, dims=2, origin=o.origin or "center", max_terms=o.max_terms,
                        distinct_sizes=True)
        if d.verdict != "proved" or d.scope != "all-sizes":  # pragma: no cover - proved above
            return d
        steps.append(Step(d.claim_latex, "two passes: " + text, d.claim_text))
        steps += list(d.steps[1:])
    return Derivation(TITLE, CLAIM_LATEX, CLAIM_TEXT, "proved", "all-sizes", tuple(steps), None,
                      ("scope all-sizes: every image size and every size of u and v (each "
                       "its own), by the claim engine in integer linear arithmetic; u a "
                       "column and v a row make conv(u, v) the rank-one kernel u v^T",),
                      "separable")


def factors(h: Any) -> tuple[int, Any, Any, tuple[int, int, int, int] | None]:
    """``(rank, u, v, minor)``: exact rank over the rationals; for rank one the column ``u``
    (h's first non-zero column) and the row ``v`` with ``u v^T = h``; for a higher rank the
    rows and columns of a non-zero 2 x 2 minor."""
    import numpy as np
    import sympy as sp

    arr = np.asarray(h, dtype=object)
    if arr.ndim != 2:
        raise InputError("--h must be a 2-D kernel (rows separated by ';')")
    mat = sp.Matrix(arr.tolist()).applyfunc(sp.nsimplify)
    rank = mat.rank(simplify=True)
    if rank == 0:  # the zero kernel: 0 = 0 0^T
        return 0, sp.zeros(mat.rows, 1), sp.zeros(1, mat.cols), None
    if rank != 1:
        minor = None
        for r0 in range(mat.rows):
            for r1 in range(r0 + 1, mat.rows):
                for c0 in range(mat.cols):
                    for c1 in range(c0 + 1, mat.cols):
                        det = sp.simplify(mat[r0, c0] * mat[r1, c1] - mat[r0, c1] * mat[r1, c0])
                        if det != 0 and minor is None:
                            minor = (r0, r1, c0, c1)
        return rank, None, None, minor
    r0, c0 = next((r, c) for r in range(mat.rows) for c in range(mat.cols) if mat[r, c] != 0)
    u = mat[:, c0]
    v = mat[r0, :] / mat[r0, c0]
    if sp.simplify(u * v - mat) != sp.zeros(mat.rows, mat.cols):  # pragma: no cover
        raise AssertionError("rank one but u v^T is not h")
    return 1, u, v, None


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

    from ...index.signal import parse_values
    from ..claims import prove_claim
    from ..instance import refuted_plain

    if o.h is None:
        raise InputError("separable at instance scope decides a given kernel: give --h (rows "
                         "separated by ';')")
    h = np.asarray(parse_values(o.h, "kernel values"), dtype=object)
    if h.ndim < 2:
        h = h.reshape(1, -1)  # one row (a 1-D kernel: rank one at most)
    if h.ndim != 2:
        raise InputError("--h must be a 2-D kernel (rows separated by ';')")
    rank, u, v, minor = factors(h)
    hm = sp.Matrix(h.tolist())
    steps = [Step(rf"h = {sp.latex(hm)}", f"the kernel ({h.shape[0]} x {h.shape[1]}), exact",
                  f"h = {h.tolist()}")]
    if rank > 1:
        why = (f"h has rank {rank} over the rationals, not 1"
               + (f": the 2 x 2 minor of rows {minor[0]}, {minor[1]} and columns {minor[2]}, "
                  f"{minor[3]} is not zero" if minor else "")
               + f"; it is a sum of {rank} separable kernels (u_i v_i^T), not one")
        return refuted_plain(TITLE, "separable", CLAIM_LATEX, CLAIM_TEXT, steps, why,
                             {"rank": int(rank), "minor": list(minor) if minor else None})
    steps.append(Step(rf"u = {sp.latex(u)},\quad v^{{\top}} = {sp.latex(v)}",
                      ("rank one (SymPy's exact rank): u is h's first non-zero column, v its "
                       "row divided by their common entry; u v^T = h exactly" if rank else
                       "the zero kernel (rank 0): u = 0 and v = 0"),
                      f"u = {list(u)}, v = {list(v)}"))
    let = {"h": h, "u": np.array([[_exact(a)] for a in u], dtype=object),
           "v": np.array([[_exact(a) for a in v]], dtype=object)}
    notes = []
    for text in ("conv(x, h) == conv(conv(x, u), v)", "corr(x, h) == corr(corr(x, u), v)"):
        d = prove_claim(text, dims=2, origin=o.origin or "center", max_terms=o.max_terms,
                        let=let)
        if d.verdict != "proved":
            return d
        steps.append(Step(d.claim_latex, f"with these u and v, for every image size: {text}",
                          d.claim_text))
        notes.append(d.notes[0] if d.notes else "")
    return Derivation(TITLE, CLAIM_LATEX, CLAIM_TEXT, "proved", "all-sizes", tuple(steps), None,
                      (f"h = u v^T with u = {list(u)}, v = {list(v)}; the 2-D operation is a "
                       f"column pass with u then a row pass with v "
                       f"({h.shape[0]} + {h.shape[1]} multiplications per output instead of "
                       f"{h.shape[0] * h.shape[1]})",) + tuple(n for n in notes if n),
                      "separable")
