"""Benchmark of ``symconv matrix`` (issue 16), run as a script.

    python tests/benchmarks/bench_matrix.py [--quick]

Targets, measured in the same run:

* ``symconv matrix conv --image 64x64 --kernel 3x3 --mode same --sparse --format json`` (a
  4096 x 4096 operator) as a whole process: at most 2 s (median of 5; 3 with --quick);
* the operator is sparse in memory: its non-zero arrays take at most 1/100 of the bytes of
  the dense matrix of the same dtype (measured: ``r``, ``c`` and ``entry`` of the
  OperatorMatrix against a dense int64 4096 x 4096);
* building it from the relation against the naive dense construction (a NumPy matrix filled
  one term at a time in Python), reported as a ratio;
* the naive SymPy construction (every output as a linear form, the matrix as the
  Jacobian, at 16x16; 12x12 with --quick) against symconv's, as a ratio, with the same
  number of non-zeros;
* every all-sizes theorem of the issue (``prove convolution-theorem``, ``associativity``,
  ``receptive-field``, ``separable``, ``polynomial``) as a whole process: at most 1 s each
  (median), against ``symconv --help`` in the same run (the start-up every process pays);
* ``prove separable --h`` on a large rank-one kernel (60x60; 24x24 with --quick) against the
  per-entry proof of the same claim with the values (``conv(x, h) == conv(conv(x, u), v)``
  with ``let``, what it did before), and on a rank-two kernel of that size: at most 10 s.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time


def median_process(argv: list[str], runs: int) -> float:
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        subprocess.run(argv, capture_output=True, check=True)
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="fewer runs")
    args = ap.parse_args()
    import numpy as np

    from symconv.expansion.core import Expansion
    from symconv.expansion.matrix import operator_matrix
    from symconv.index.request import operation

    runs = 3 if args.quick else 5
    print(f"symconv matrix benchmark (median of {runs})")
    argv = [sys.executable, "-m", "symconv", "matrix", "conv", "--image", "64x64", "--kernel",
            "3x3", "--mode", "same", "--format", "json", "--sparse"]
    t = median_process(argv, runs)
    ok = t <= 2.0
    print(f"{'matrix 64x64/3x3 --sparse --format json (process)':52} {t:7.3f} s "
          f"(target <= 2 s)  {'PASS' if ok else 'FAIL'}")
    op = operation("conv", "64x64", "3x3", mode="same")
    t0 = time.perf_counter()
    m = operator_matrix(Expansion(op), "toeplitz")
    fast = time.perf_counter() - t0
    stored = m.r.nbytes + m.c.nbytes + m.entry.nbytes
    dense = 4096 * 4096 * 8
    sparse_ok = stored * 100 <= dense
    ok &= sparse_ok
    print(f"{'operator in memory (non-zeros vs dense int64)':52} {stored / 2**20:7.2f} MiB vs "
          f"{dense / 2**20:.0f} MiB  (target <= 1/100)  {'PASS' if sparse_ok else 'FAIL'}")
    # the naive way: a dense matrix filled term by term
    t0 = time.perf_counter()
    terms = Expansion(op).terms_table
    naive = np.zeros((4096, 4096), dtype=np.int64)
    starts = terms.starts.tolist()
    for row in range(4096):
        for j in range(starts[row], starts[row + 1]):
            i, k = terms.image[j], terms.kernel[j]
            naive[row, (int(i[0]) + 32) * 64 + int(i[1]) + 32] = (int(k[0]) + 1) * 3 + \
                int(k[1]) + 1
    slow = time.perf_counter() - t0
    print(f"{'build from the relation vs naive dense fill':52} {fast:7.3f} s vs {slow:.3f} s"
          f"  ({slow / fast:5.1f}x faster)")
    # the naive SymPy way: the outputs as linear forms, the matrix as their Jacobian
    import sympy as sp

    n = 12 if args.quick else 16
    small = operation("conv", f"{n}x{n}", "3x3", mode="same")
    t0 = time.perf_counter()
    ms = operator_matrix(Expansion(small), "toeplitz")
    mine = time.perf_counter() - t0
    t0 = time.perf_counter()
    xs = sp.symbols(f"x0:{n * n}")
    hs = sp.Matrix(3, 3, sp.symbols("a:i"))
    xm = sp.Matrix(n, n, xs)
    exprs = [sum((xm[i - k + 1, j - t + 1] * hs[k, t] for k in range(3) for t in range(3)
                  if 0 <= i - k + 1 < n and 0 <= j - t + 1 < n), sp.Integer(0))
             for i in range(n) for j in range(n)]
    jac = sp.Matrix(exprs).jacobian(sp.Matrix(xs))
    sympy_time = time.perf_counter() - t0
    same_nnz = sum(1 for v in jac if v != 0) == ms.nnz
    ok &= same_nnz
    print(f"{f'matrix {n}x{n}/3x3 vs SymPy Jacobian of the outputs':52} {mine:7.3f} s vs "
          f"{sympy_time:.3f} s  ({sympy_time / mine:5.1f}x faster; same non-zeros: "
          f"{'PASS' if same_nnz else 'FAIL'})")
    base = median_process([sys.executable, "-m", "symconv", "--help"], runs)
    print(f"{'symconv --help (process, the start-up)':52} {base:7.3f} s")
    for theorem in ("convolution-theorem", "associativity", "receptive-field", "separable",
                    "polynomial"):
        t = median_process([sys.executable, "-m", "symconv", "prove", theorem], runs)
        good = t <= 1.0
        ok &= good
        print(f"{'prove ' + theorem + ' (all sizes, process)':52} {t:7.3f} s "
              f"({t / base:4.1f}x --help; target <= 1 s)  {'PASS' if good else 'FAIL'}")
    ok &= separable(24 if args.quick else 60)
    return 0 if ok else 1


def separable(n: int) -> bool:
    """A large given kernel: symconv's proof (symbolic passes, values substituted) against
    the per-entry proof with the values; a rank-two kernel refuted."""
    import numpy as np

    from symconv.proof.claims import prove_claim
    from symconv.proof.theorems import prove
    from symconv.proof.theorems.separable import _exact, factors

    rng = np.random.default_rng(0)
    h = np.outer(rng.integers(-5, 6, n), rng.integers(1, 6, n)).astype(object)
    text = ";".join(",".join(map(str, row)) for row in h)
    t0 = time.perf_counter()
    d = prove("separable", h=text)
    mine = time.perf_counter() - t0
    _, u, v, _ = factors(h)
    let = {"h": h, "u": np.array([[_exact(a)] for a in u], dtype=object),
           "v": np.array([[_exact(a) for a in v]], dtype=object)}
    t0 = time.perf_counter()
    naive = prove_claim("conv(x, h) == conv(conv(x, u), v)", dims=2, origin="center", let=let)
    per_entry = time.perf_counter() - t0
    good = d.verdict == naive.verdict == "proved" and mine <= 10.0
    print(f"{f'prove separable --h ({n}x{n}, rank one) vs per-entry':52} {mine:7.3f} s vs "
          f"{per_entry:.3f} s  ({per_entry / mine:5.1f}x faster; target <= 10 s)  "
          f"{'PASS' if good else 'FAIL'}")
    h2 = h.copy()
    h2[n // 2, n // 3] += 1
    t0 = time.perf_counter()
    d2 = prove("separable", h=";".join(",".join(map(str, row)) for row in h2))
    refuted = time.perf_counter() - t0
    good2 = d2.verdict == "refuted" and d2.counterexample["rank"] == 2 and refuted <= 10.0
    print(f"{f'prove separable --h ({n}x{n}, rank two): refuted':52} {refuted:7.3f} s "
          f"(target <= 10 s)  {'PASS' if good2 else 'FAIL'}")
    return good and good2


if __name__ == "__main__":
    sys.exit(main())
