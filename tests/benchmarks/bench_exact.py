"""Benchmark of exact values (issue 13), run as a script.

    python tests/benchmarks/bench_exact.py [--quick]

Target: ``symconv expand corr --image 128x128 --kernel 3x3 --mode same --x ... --h ...
--format json`` with exact rational values (fractions on the image, the Gaussian 1/16 kernel)
within 3x the same command with integer values, as whole processes (median of 5; 3 with
--quick), measured in the same run.  Printed beside it: the in-process computation of the
values (rational vs integer), the naive exact baseline (SymPy Rationals summed per output
in Python loops), and a numeric kernel on a symbolic image (the mixed case) to JSON.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time

import numpy as np

N = 128
GAUSS = "1/16,1/8,1/16;1/8,1/4,1/8;1/16,1/8,1/16"
INTS = "1,2,1;2,4,2;1,2,1"


def values_text(rational: bool, seed: int = 0) -> str:
    rng = np.random.default_rng(seed)
    p = rng.integers(-9, 10, size=(N, N))
    if not rational:
        return ";".join(",".join(str(int(v)) for v in row) for row in p)
    q = rng.integers(1, 10, size=(N, N))
    return ";".join(",".join(f"{int(a)}/{int(b)}" for a, b in zip(r1, r2, strict=True))
                    for r1, r2 in zip(p, q, strict=True))


def median_time(argv: list[str], runs: int) -> float:
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        subprocess.run(argv, capture_output=True, check=True)
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def in_process(x: str, h: str, runs: int) -> float:
    from symconv.expansion import expand

    times = []
    for _ in range(runs):
        t = time.perf_counter()
        expand("corr", (N, N), (3, 3), mode="same", x=x, h=h).values()
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def naive(x: str, h: str) -> float:
    """Exact SymPy arithmetic the obvious way: Rationals, one Add per output."""
    import sympy as sp

    from symconv.index.numbers import parse_text

    t = time.perf_counter()
    xs = [[sp.Rational(v.numerator, v.denominator) if hasattr(v, "denominator")
           else sp.Integer(v) for v in row] for row in parse_text(x).tolist()]
    hs = [[sp.Rational(v.numerator, v.denominator) if hasattr(v, "denominator")
           else sp.Integer(v) for v in row] for row in parse_text(h).tolist()]
    out = []
    for m in range(N):
        for n in range(N):
            terms = [xs[m + i][n + j] * hs[i + 1][j + 1]
                     for i in (-1, 0, 1) for j in (-1, 0, 1)
                     if 0 <= m + i < N and 0 <= n + j < N]
            out.append(sp.Add(*terms))
    return time.perf_counter() - t


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="3 runs instead of 5")
    args = ap.parse_args()
    runs = 3 if args.quick else 5
    py = sys.executable
    xi, xr = values_text(False), values_text(True)
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "out.json")
        base = [py, "-m", "symconv", "expand", "corr", "--image", f"{N}x{N}", "--kernel", "3x3",
                "--mode", "same", "--format", "json", "-o", out]
        t_int = median_time(base + ["--x", xi, "--h", INTS], runs)
        t_rat = median_time(base + ["--x", xr, "--h", GAUSS], runs)
        t_mixed = median_time(base + ["--h", GAUSS], runs)
    c_int = in_process(xi, INTS, runs)
    c_rat = in_process(xr, GAUSS, runs)
    t_naive = naive(xr, GAUSS)
    ratio = t_rat / t_int
    print(f"symconv exact-values benchmark ({N}x{N} image, 3x3 kernel, 'same'; median of "
          f"{runs})")
    print(f"{'JSON, integer values (process)':52} {t_int:7.3f} s")
    print(f"{'JSON, exact rational values (process)':52} {t_rat:7.3f} s   {ratio:5.2f}x the "
          f"integer case (target <= 3x)  {'PASS' if ratio <= 3 else 'FAIL'}")
    print(f"{'JSON, Gaussian kernel on a symbolic image (process)':52} {t_mixed:7.3f} s")
    print(f"{'values(), integer (in process)':52} {c_int:7.3f} s")
    print(f"{'values(), rational (in process)':52} {c_rat:7.3f} s   {c_rat / c_int:5.2f}x")
    print(f"{'naive SymPy Rationals, one Add per output':52} {t_naive:7.3f} s   symconv is "
          f"{t_naive / c_rat:5.1f}x faster")
    return 0 if ratio <= 3 else 1


if __name__ == "__main__":
    sys.exit(main())
