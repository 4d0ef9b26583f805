"""Benchmark of ``symconv prove --claim`` decided for every size (run as a script).

    python tests/benchmarks/bench_claims.py [--quick]

Every number is a whole process (interpreter start and imports included), as a user runs
it.  Target (issue 10): every all-sizes claim decision under 1 s.  For comparison, in the
same run: the naive way to gain confidence in a claim, checking it exactly at every shape
pair of a small family with SymPy (build both sides with sympy.Add/Mul for every image size
1..8 and kernel size 1..5 and compare expanded expressions), which proves nothing about
other sizes.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time

CLAIMS = [
    ("conv(x, h) == corr(x, flip(h))", []),
    ("conv(x, h, mode='same', stride=2) == corr(x, flip(h), mode='same', stride=2)", []),
    ("conv(conv(x, h), w) == conv(x, conv(h, w))", []),
    ("grad(corr(x, h, mode='valid'), x, g) == conv(g, h)", ["--where", "N >= K"]),
    ("grad(sum(g * corr(x, h, padding=1)), x) == conv_transpose(g, h, padding=1)",
     ["--origin", "corner"]),
    ("conv(x, h, padding=(1, 2)) == corr(x, flip(h), padding=(1, 2))", ["--dims", "2"]),
    ("conv(x, h, mode='same', stride=2) == corr(x, flip(h), mode='same', stride=2)",
     ["--dims", "2"]),
    ("conv(x, h, stride=2) == conv(h, x, stride=2)", ["--dims", "3"]),
    ("corr(x, h, stride=3) == corr(h, x, stride=3)", ["--dims", "3", "--origin", "corner"]),
]

NAIVE = r'''
import sympy as sp
# conv(x, h) == corr(x, flip(h)) in 'full' mode, 1-D, centre origin, for N 1..8, K 1..5
ok = True
for N in range(1, 9):
    for K in range(1, 6):
        xl, hl = -(N // 2), -(K // 2)
        x = {i: sp.Symbol(f"x{i - xl}") for i in range(xl, xl + N)}
        h = {k: sp.Symbol(f"h{k - hl}") for k in range(hl, hl + K)}
        fh = {-k: v for k, v in h.items()}
        for m in range(xl + hl - 1, xl + N + hl + K):
            a = sp.Add(*[sp.Mul(x[i], h[m - i]) for i in x if (m - i) in h])
            b = sp.Add(*[sp.Mul(x[i], fh[i - m]) for i in x if (i - m) in fh])
            ok &= sp.expand(a - b) == 0
print("equal for 40 shape pairs" if ok else "differs")
'''


def run(argv: list[str]) -> tuple[float, int, str]:
    t = time.perf_counter()
    p = subprocess.run(argv, capture_output=True, text=True)
    return time.perf_counter() - t, p.returncode, p.stdout


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="the first three claims only")
    args = ap.parse_args()
    print(f"symconv claim benchmark (python {sys.version.split()[0]})", flush=True)
    naive, _, out = run([sys.executable, "-c", NAIVE])
    print(f"{'naive SymPy check, 40 shape pairs (no proof)':58} {naive:6.2f} s  "
          f"({out.strip()})")
    ok = True
    worst = 0.0
    for text, extra in CLAIMS[:3] if args.quick else CLAIMS:
        t, code, out = run([sys.executable, "-m", "symconv", "prove", "--claim", text, *extra])
        verdict = next((ln.split()[1] for ln in out.splitlines() if ln.startswith("verdict:")),
                       "?")
        good = t < 1.0 and code in (0, 1)
        ok &= good
        worst = max(worst, t)
        label = (text + (" " + " ".join(extra) if extra else ""))[:58]
        print(f"{label:58} {t:6.2f} s  {verdict:8} {t / naive:5.2f}x naive  "
              f"< 1 s {'PASS' if good else 'FAIL'}", flush=True)
    print(f"slowest all-sizes decision {worst:.2f} s (target < 1 s): "
          f"{'PASS' if ok else 'FAIL'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
